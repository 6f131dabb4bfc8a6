import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tempDir, writeJson } from '../support/cli.js';
import { checkInProcess, connectionStatus, singerCommandInProcess } from '../support/command.js';

/**
 * TLS certificates are verified: a server with a certificate no CA vouches for is refused, clearly, before any
 * credential is sent. In process, as the CLI runs the commands (test/support/command.ts).
 */
describe('TLS', () => {
  let server: Server;
  let url: string;
  let requests = 0;
  beforeAll(async () => {
    server = createServer({ key: readFileSync('test/fixtures/tls/self-signed.key'), cert: readFileSync('test/fixtures/tls/self-signed.crt') }, (_req, res) => {
      requests++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"access_token":"t","expires_in":3600}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  test('a self-signed certificate fails the sync with a message naming the request and the certificate problem', async () => {
    const config = writeJson(tempDir(), 'c.json', { base_url: url, client_id: 'id-1234', client_secret: 'secret-tls-1', start_date: '2024-01-01T00:00:00Z', max_retries: 1, backoff_factor: 0 });
    const run = await singerCommandInProcess(config);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/oauth\/token/);
    expect(run.stderr).toMatch(/self[- ]signed certificate|certificate/i);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(requests).toBe(0); // the handshake failed: nothing, credentials included, reached the server
  });

  test('Airbyte check reports the same as a FAILED connection status', async () => {
    const config = writeJson(tempDir(), 'c.json', { base_url: url, client_id: 'id-1234', client_secret: 'secret-tls-1', start_date: '2024-01-01T00:00:00Z', max_retries: 0 });
    const run = await checkInProcess(config);
    expect(run.code).toBeUndefined();
    expect(connectionStatus(run.messages)).toMatchObject({ status: 'FAILED', message: expect.stringMatching(/certificate/i) });
  });
});
