import { afterEach, describe, expect, test } from '@jest/globals';
import { getEventListeners } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Transport } from '../../src/http/transport.js';

/** What the transport leaves behind after a response, against a real node:http server. */
describe('Transport after a response', () => {
  let server: Server | undefined;
  let transport: Transport | undefined;
  afterEach(async () => {
    transport?.close();
    if (server) await new Promise<void>((resolve) => {
      server!.closeAllConnections();
      server!.close(() => resolve());
    });
    server = transport = undefined;
  });

  /** A server answering {"data":[]}, or, for /stall, the start of a body that never ends (telling `onStall`). */
  async function start(onStall: () => void = () => undefined): Promise<string> {
    server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.url !== '/stall') res.end('{"data":[]}');
      else res.write('{"data":[', () => onStall());
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    transport = new Transport({ timeoutMs: 30_000, userAgent: 'transport-test', maxSockets: 2, maxResponseBytes: 1 << 20 });
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/bookings`;
  }

  test('keeps nothing on the caller\'s AbortSignal, which outlives every request (or each response would be kept)', async () => {
    const url = await start();
    const controller = new AbortController();
    for (let i = 0; i < 5; i++) expect(await transport!.send({ method: 'GET', url, signal: controller.signal })).toMatchObject({ kind: 'response', status: 200 });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  test('stops a request when the caller\'s signal aborts it, mid-body or before it is sent', async () => {
    const controller = new AbortController();
    const url = await start(() => controller.abort());
    const stalled = new URL('/stall', url).toString();
    await expect(transport!.send({ method: 'GET', url: stalled, signal: controller.signal })).rejects.toThrow(/aborted/);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    await expect(transport!.send({ method: 'GET', url, signal: controller.signal })).rejects.toThrow(/aborted/);
  });
});
