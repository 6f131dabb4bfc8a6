import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { PassThrough } from 'node:stream';
import nock from '../support/nock.js';
import { runCommand } from '../../src/cli/run-command.js';
import { read } from '../../src/commands/airbyte.js';
import { singerSync } from '../../src/commands/singer-sync.js';
import { CONFIGURED_CATALOG } from '../support/modes.js';
import { tempDir, writeJson } from '../support/cli.js';

/**
 * SIGTERM or SIGINT while the tap is still loading its inputs (config, state, catalog, its own modules): the handler
 * runCommand installed first records it, and the sync must then stop before its first request, with the final
 * messages of an interrupted sync and exit code 143 or 130, instead of running to the end.
 */
const BASE = 'https://api.signal.test';

beforeAll(() => nock.disableNetConnect()); // no interceptor: any request would fail with a nock error
afterEach(() => {
  process.exitCode = undefined;
  jest.restoreAllMocks();
});

function config(): string {
  return writeJson(tempDir(), 'config.json', { base_url: BASE, client_id: 'signal-client', client_secret: 'signal-secret', start_date: '2024-01-01', booking_types: ['FLIGHT'] });
}

const SYNCS = {
  singer: (out: PassThrough) => (logger: Parameters<typeof singerSync>[1], signal: AbortSignal) => singerSync({ config: [config()], out }, logger, signal),
  airbyte: (out: PassThrough) => (logger: Parameters<typeof read>[1], signal: AbortSignal) => read({ config: config(), catalog: writeJson(tempDir(), 'catalog.json', CONFIGURED_CATALOG), out }, logger, signal),
};

describe.each([
  ['SIGTERM', 143],
  ['SIGINT', 130],
] as const)('%s while the inputs are read', (signal, code) => {
  it.each(Object.keys(SYNCS) as Array<keyof typeof SYNCS>)(`%s: no request, the final messages, exit ${code}`, async (mode) => {
    const stderr: string[] = [];
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => (stderr.push(String(chunk)), true));
    const out = new PassThrough();
    const lines: string[] = [];
    out.on('data', (c: Buffer) => lines.push(...c.toString().trim().split('\n')));
    const sync = SYNCS[mode](out);
    await runCommand({ debug: false, 'log-level': 'error' }, async (logger, abort) => {
      // What the real handler sees when the signal comes in the middle of reading the inputs.
      process.listeners(signal).at(-1)!(signal);
      await sync(logger, abort);
    });
    expect(process.exitCode).toBe(code);
    expect(stderr.join('')).toMatch(/interrupted before it started/);
    const types = lines.map((l) => JSON.parse(l) as { type: string; trace?: { stream_status?: { status: string } } }).map((m) => m.trace?.stream_status?.status ?? m.type);
    expect(types).toEqual(mode === 'singer' ? ['SCHEMA', 'STATE'] : ['STARTED', 'INCOMPLETE']);
  });
});
