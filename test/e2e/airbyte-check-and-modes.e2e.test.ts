import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { lastStateInput, recordsOf, tempDir, writeJson } from '../support/cli.js';
import { checkInProcess, connectionStatus } from '../support/command.js';
import { syncInProcess } from '../support/in-process.js';
import { CONFIGURED_CATALOG } from '../support/modes.js';

/**
 * Airbyte `check` over real HTTP (CONNECTION_STATUS, and no failing exit code whatever the outcome), and `read` in each
 * sync mode against the sandbox, in process (the same command code). The CLI process's check is cheap-paths'.
 */
describe('Airbyte check and sync modes against the sandbox', () => {
  let sandbox: Sandbox;
  let dir: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ records: 600, seed: 5, bookingTypes: { FLIGHT: 0.5, HOTEL: 0.5 } });
    dir = tempDir();
  });
  afterAll(() => sandbox.stop());
  const check = (overrides: Record<string, unknown> = {}) => checkInProcess(writeJson(dir, `check-${Math.random()}.json`, sandbox.tapConfig(overrides)));

  test('SUCCEEDED with good credentials, after a token and one page', async () => {
    sandbox.faults.clear();
    const before = sandbox.stats();
    const run = await check();
    expect(run.code).toBeUndefined();
    expect(connectionStatus(run.messages)).toEqual({ status: 'SUCCEEDED' });
    expect(sandbox.stats().tokenRequests - before.tokenRequests).toBe(1);
    expect(sandbox.stats().apiRequests - before.apiRequests).toBeGreaterThanOrEqual(1);
  });

  test('FAILED, no failing exit code, saying what to fix, for rejected credentials and for a 403', async () => {
    const rejected = await check({ client_secret: 'not-it-1234' });
    expect(rejected.code).toBeUndefined();
    expect(connectionStatus(rejected.messages)).toMatchObject({ status: 'FAILED', message: expect.stringMatching(/rejected the client credentials.*invalid_client.*check client_id and client_secret/) });

    sandbox.faults.set({ script: [403] });
    const forbidden = await check();
    sandbox.faults.clear();
    expect(forbidden.code).toBeUndefined();
    expect(connectionStatus(forbidden.messages)).toMatchObject({ status: 'FAILED', message: expect.stringMatching(/HTTP 403/) });
  });

  test('full_refresh reads everything, and resumes from a state it is given (as the CDK does); incremental reads only what is new', async () => {
    const config = sandbox.tapConfig();
    const catalog = (syncMode: string) => ({ streams: [{ ...CONFIGURED_CATALOG.streams[0], sync_mode: syncMode, destination_sync_mode: syncMode === 'full_refresh' ? 'overwrite' : 'append_dedup' }] });
    const first = await syncInProcess('airbyte', config, undefined, { catalog: catalog('incremental') });
    expect(first.error).toBeUndefined();
    const truth = [...sandbox.store.groundTruth('FLIGHT'), ...sandbox.store.groundTruth('HOTEL')];
    expect(recordsOf(first.messages)).toHaveLength(truth.length);
    const state = lastStateInput(first.messages);

    const full = await syncInProcess('airbyte', config, undefined, { catalog: catalog('full_refresh') });
    expect(full.error).toBeUndefined();
    expect(new Set(recordsOf(full.messages).map((r) => r.uuid))).toEqual(new Set(truth.map((r) => r.uuid)));

    // The stream is declared resumable: a full refresh given a state (a later attempt of the same sync) goes on from it.
    const resumed = await syncInProcess('airbyte', config, state, { catalog: catalog('full_refresh') });
    expect(resumed.error).toBeUndefined();
    expect(recordsOf(resumed.messages).length).toBeLessThan(10);
    expect(resumed.log.filter((line) => /Resuming a full refresh from the state/.test(line))).toHaveLength(1);

    const incremental = await syncInProcess('airbyte', config, state, { catalog: catalog('incremental') });
    expect(incremental.error).toBeUndefined();
    // Only the records sharing each booking type's bookmark (inclusive boundary) come again.
    expect(recordsOf(incremental.messages).length).toBeLessThan(10);
  });
});
