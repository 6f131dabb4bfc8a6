import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import fc from 'fast-check';
import { runCli } from '../support/cli.js';
import { AIRBYTE_STATE, CONFIGURED, content, GOOD_CONFIG, SINGER_CATALOG, SINGER_STATE } from './documents.js';
import { fuzzDir, params, text } from './fuzz.js';

/**
 * The built CLI, in both protocols, given random config, state and catalog files (one of them fuzzed, the others
 * valid): it exits 0 (nothing selected), 1 (the API refused: here its token endpoint answers 401) or 2 (a file is
 * wrong), with one clear message and no stack trace. Each case starts a process, so `npm test` runs a few
 * (CLI_FUZZ_RUNS, 8 by default) and `npm run fuzz` a few hundred.
 */
const RUNS = Number(process.env.CLI_FUZZ_RUNS ?? 8);
const dir = fuzzDir();
let server: Server;
let baseUrl = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_client"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

let n = 0;
const file = (c: string) => {
  const path = join(dir, `input-${n++}.json`);
  writeFileSync(path, c);
  return path;
};

/** A command line's files: valid ones for its protocol, one of them (config, state or catalog) fuzzed. */
const cases = fc.record({ airbyte: fc.boolean(), fuzzed: fc.constantFrom('config', 'state', 'catalog'), withState: fc.boolean() }).chain(({ airbyte, fuzzed, withState }) => {
  const valid = { config: { ...GOOD_CONFIG, base_url: baseUrl }, state: airbyte ? AIRBYTE_STATE : SINGER_STATE, catalog: airbyte ? CONFIGURED : SINGER_CATALOG };
  return content(valid[fuzzed]).map((random) => ({ airbyte, fuzzed, files: { config: text(valid.config), state: withState ? text(valid.state) : undefined, catalog: text(valid.catalog), [fuzzed]: random } }));
});

describe('the CLI fuzzed with config, state and catalog files', () => {
  it('exits 0, 1 or 2 with one clear message and no stack trace', async () => {
    const codes: Record<string, number> = {};
    await fc.assert(fc.asyncProperty(cases, async ({ airbyte, files }) => {
      const common = ['--config', file(files.config), '--catalog', file(files.catalog), ...(files.state === undefined ? [] : ['--state', file(files.state)])];
      const result = await runCli(airbyte ? ['read', ...common] : common, { timeoutMs: 30_000 });
      codes[String(result.code)] = (codes[String(result.code)] ?? 0) + 1;
      expect([0, 1, 2]).toContain(result.code);
      expect(result.stderr).not.toMatch(/^\s+at /m);
      expect(result.stderr).not.toMatch(/Unexpected error/);
      expect(result.stderr.split('\n').filter((l) => l.startsWith('tap-bookings: '))).toHaveLength(result.code === 0 ? 0 : 1);
      if (airbyte) expect(result.messages.filter((m) => m.type === 'TRACE' && (m.trace as { type: string }).type === 'ERROR')).toHaveLength(result.code === 0 ? 0 : 1);
    }), params(RUNS));
    if (process.env.FUZZ_REPORT) process.stderr.write(`CLI fuzz exit codes: ${JSON.stringify(codes)}\n`);
  }, Math.max(60_000, RUNS * 3000));
});
