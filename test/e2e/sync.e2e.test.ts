import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { lastStateInput, mergeByUuid, recordsOf, runCli, tempDir, writeJson } from '../support/cli.js';
import { MODES } from '../support/modes.js';
import { expectAirbyteMessages } from '../support/airbyte-protocol.js';
import { expectGroundTruth, truthOf } from '../support/ground-truth.js';
import { PROTOCOLS, syncInProcess } from '../support/in-process.js';

type Msg = Record<string, any>;

/** stdout is only protocol messages; in Airbyte mode each one conforms to the protocol's schema. */
function checkProtocol(protocol: 'singer' | 'airbyte', messages: Msg[]): void {
  if (protocol === 'airbyte') expectAirbyteMessages(messages);
  else expect(new Set(messages.map((m) => m.type))).toEqual(new Set(['SCHEMA', 'RECORD', 'STATE']));
}

const config = (sandbox: Sandbox, overrides: Record<string, unknown> = {}) => sandbox.tapConfig({ booking_types: ['FLIGHT', 'HOTEL'], backoff_factor: 0.01, ...overrides });

/**
 * The built CLI against the sandbox over real HTTP, in both protocols: what only a process shows (stdout holds only
 * protocol messages, stderr no warning, exit codes, the one-line error without a stack trace), with its output
 * compared with the API's ground truth.
 */
describe.each(MODES)('$name mode: the CLI process', (mode) => {
  let sandbox: Sandbox;
  let dir: string;
  beforeEach(async () => {
    sandbox = await startSandbox({ records: 500, seed: 7 });
    dir = tempDir();
  });
  afterEach(() => sandbox.stop());
  const configFile = (overrides: Record<string, unknown> = {}) => writeJson(dir, `config-${Math.random()}.json`, config(sandbox, overrides));

  it('delivers exactly the ground truth of every booking type on a full sync', async () => {
    // Pages of 10: over 20 a booking type, so more than 10 requests are in flight at the default max_concurrency of 16.
    const run = await runCli(mode.args(dir, configFile({ page_size: 10 })));
    expect(run.nonJson).toEqual([]);
    checkProtocol(mode.name, run.messages);
    expect(run.stderr).not.toMatch(/ERROR/);
    expect(run.stderr).not.toMatch(/Warning/); // e.g. Node's MaxListenersExceededWarning with many pages in flight
    expect(run.code).toBe(0);
    expectGroundTruth(mergeByUuid(recordsOf(run.messages)), truthOf(sandbox));
    expect(recordsOf(run.messages)).toHaveLength(truthOf(sandbox).size);
  });

  it('fails clearly past the retry budget, and a rerun from the last state completes the data', async () => {
    sandbox.faults.set({ script: [...Array(6).fill('ok'), ...Array(12).fill(503)] });
    const failed = await runCli(mode.args(dir, configFile({ max_retries: 2, max_concurrency: 1 })));
    expect(failed.nonJson).toEqual([]);
    checkProtocol(mode.name, failed.messages);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/v1\/bookings\?.* failed after 2 retries: HTTP 503/);
    expect(failed.stderr).not.toMatch(/\n\s+at /); // no stack trace without --debug
    const state = lastStateInput(failed.messages);
    expect(state).toBeDefined();
    sandbox.faults.clear();
    // The rerun is the engine's work, in process (the same command code): its state file is this process's output.
    const rerun = await syncInProcess(mode.name, config(sandbox), state);
    expect(rerun.error).toBeUndefined();
    checkProtocol(mode.name, rerun.messages);
    expectGroundTruth(mergeByUuid(recordsOf(rerun.messages), mergeByUuid(recordsOf(failed.messages))), truthOf(sandbox));
  });
});

/** The same commands in process (test/support/in-process.ts), for what the engine does over real HTTP. */
describe.each(PROTOCOLS)('%s sync in process', (protocol) => {
  let sandbox: Sandbox;
  beforeEach(async () => {
    sandbox = await startSandbox({ records: 600, seed: 7 });
  });
  afterEach(() => sandbox.stop());

  it('delivers exactly the ground truth when the API pretty-prints its JSON, every message still on one line', async () => {
    // Records spread over lines cannot be copied as received; they are serialised again instead.
    await sandbox.stop();
    sandbox = await startSandbox({ records: 600, seed: 7, prettyJson: true });
    const run = await syncInProcess(protocol, config(sandbox, { page_size: 40 }));
    expect(run.error).toBeUndefined();
    expect(run.nonJson).toEqual([]);
    checkProtocol(protocol, run.messages);
    expectGroundTruth(mergeByUuid(recordsOf(run.messages)), truthOf(sandbox));
  });

  it('reads only what changed since the state on a second run', async () => {
    const first = await syncInProcess(protocol, config(sandbox));
    expect(first.error).toBeUndefined();
    const changed = [...sandbox.store.mutate(20, 'FLIGHT'), ...sandbox.store.mutate(10, 'HOTEL'), ...sandbox.store.insert(15, 'HOTEL')];
    // The second sync's clock is 3 s ahead, so its window (ending a second before it starts) holds the changes.
    const second = await syncInProcess(protocol, config(sandbox), lastStateInput(first.messages), { aheadMs: 3000 });
    expect(second.error).toBeUndefined();
    checkProtocol(protocol, second.messages);
    const got = recordsOf(second.messages);
    const changedIds = new Set(changed.map((r) => String(r.uuid)));
    expect([...changedIds].filter((id) => !got.some((r) => r.uuid === id))).toEqual([]);
    // Besides the changes, only records sharing a bookmark's lastModified come again (the bookmark is inclusive).
    expect(got.filter((r) => !changedIds.has(String(r.uuid))).length).toBeLessThanOrEqual(4);
    expectGroundTruth(mergeByUuid(got, mergeByUuid(recordsOf(first.messages))), truthOf(sandbox));
  });

  it('still delivers exactly the ground truth through faults within the retry budget', async () => {
    // Every kind of fault, each followed by successes, so no request meets more than max_retries of them.
    const faults = [429, 500, 502, 'reset', 503, 504, 'malformed', 'truncated', 'html', 'nodata', 'expire-token', { status: 429, retryAfter: '0' }] as const;
    sandbox.faults.set({ script: faults.flatMap((f) => [f, 'ok', 'ok', 'ok'] as const) });
    // Pages of 10: enough requests that the whole script is served (at 50 a page the sync ended before its last faults).
    const run = await syncInProcess(protocol, config(sandbox, { max_retries: 5, max_concurrency: 2, page_size: 10 }));
    expect(run.error).toBeUndefined();
    checkProtocol(protocol, run.messages);
    expect(sandbox.stats().apiRequests).toBeGreaterThanOrEqual(faults.length * 4); // the whole script was served
    expectGroundTruth(mergeByUuid(recordsOf(run.messages)), truthOf(sandbox));
  });
});
