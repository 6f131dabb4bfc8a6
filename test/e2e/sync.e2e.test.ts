import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { lastStateInput, mergeByUuid, pastWindowGuard, recordsOf, runCli, tempDir, writeJson } from '../support/cli.js';
import { MODES } from '../support/modes.js';
import { expectAirbyteMessages } from '../support/airbyte-protocol.js';
import type { CliResult } from '../support/cli.js';

/**
 * The built CLI against the sandbox over real HTTP, in both protocols: output compared with the API's ground truth.
 */
describe.each(MODES)('$name mode end to end', (mode) => {
  let sandbox: Sandbox;
  let dir: string;

  beforeEach(async () => {
    sandbox = await startSandbox({ records: 1500, seed: 7 });
    dir = tempDir();
  });
  afterEach(async () => {
    await sandbox.stop();
  });

  const config = (overrides: Record<string, unknown> = {}) => writeJson(dir, `config-${Math.random()}.json`, sandbox.tapConfig({ booking_types: ['FLIGHT', 'HOTEL'], backoff_factor: 0.01, ...overrides }));
  /** stdout is only protocol messages; in Airbyte mode each one conforms to the protocol's schema. */
  const checkProtocol = (run: CliResult) => {
    expect(run.nonJson).toEqual([]);
    if (mode.name === 'airbyte') expectAirbyteMessages(run.messages);
    else expect(new Set(run.messages.map((m) => m.type))).toEqual(new Set(['SCHEMA', 'RECORD', 'STATE']));
    return run;
  };
  const truth = () => mergeByUuid([...sandbox.store.groundTruth('FLIGHT'), ...sandbox.store.groundTruth('HOTEL')] as Array<Record<string, unknown>>);

  it('delivers exactly the ground truth of every booking type on a full sync', async () => {
    const run = checkProtocol(await runCli(mode.args(dir, config())));
    expect(run.stderr).not.toMatch(/ERROR/);
    expect(run.stderr).not.toMatch(/Warning/); // e.g. Node's MaxListenersExceededWarning with many pages in flight
    expect(run.code).toBe(0);
    const got = mergeByUuid(recordsOf(run.messages));
    const expected = truth();
    expect(got.size).toBe(expected.size);
    for (const [uuid, record] of expected) expect(got.get(uuid)).toEqual(record);
    expect(recordsOf(run.messages)).toHaveLength(expected.size);
  });

  it('delivers exactly the ground truth when the API pretty-prints its JSON, every message still on one line', async () => {
    // Records spread over lines cannot be copied as received; they are serialised again instead.
    await sandbox.stop();
    sandbox = await startSandbox({ records: 600, seed: 7, prettyJson: true });
    const run = checkProtocol(await runCli(mode.args(dir, config({ page_size: 40 }))));
    expect(run.code).toBe(0);
    const got = mergeByUuid(recordsOf(run.messages));
    const expected = truth();
    expect(got.size).toBe(expected.size);
    for (const [uuid, record] of expected) expect(got.get(uuid)).toEqual(record);
  });

  it('reads only what changed since the state on a second run', async () => {
    const first = checkProtocol(await runCli(mode.args(dir, config())));
    expect(first.code).toBe(0);
    const changed = [...sandbox.store.mutate(20, 'FLIGHT'), ...sandbox.store.mutate(10, 'HOTEL'), ...sandbox.store.insert(15, 'HOTEL')];
    await pastWindowGuard();
    const second = checkProtocol(await runCli(mode.args(dir, config(), lastStateInput(first.messages))));
    expect(second.code).toBe(0);
    const got = recordsOf(second.messages);
    const changedIds = new Set(changed.map((r) => String((r as Record<string, unknown>).uuid)));
    for (const id of changedIds) expect(got.some((r) => r.uuid === id)).toBe(true);
    // Besides the changes, only records sharing a bookmark's lastModified come again (the bookmark is inclusive).
    expect(got.filter((r) => !changedIds.has(String(r.uuid))).length).toBeLessThanOrEqual(4);
    const merged = mergeByUuid(got, mergeByUuid(recordsOf(first.messages)));
    const expected = truth();
    expect(merged.size).toBe(expected.size);
    for (const [uuid, record] of expected) expect(merged.get(uuid)).toEqual(record);
  });

  it('still delivers exactly the ground truth through faults within the retry budget', async () => {
    // Every kind of fault, each followed by successes, so no request meets more than max_retries of them.
    const faults = [429, 500, 502, 'reset', 503, 504, 'malformed', 'truncated', 'html', 'nodata', 'expire-token', { status: 429, retryAfter: '0' }] as const;
    sandbox.faults.set({ script: faults.flatMap((f) => [f, 'ok', 'ok', 'ok'] as const) });
    const run = checkProtocol(await runCli(mode.args(dir, config({ max_retries: 5, max_concurrency: 2 }))));
    expect(run.stderr).not.toMatch(/tap-bookings: /);
    expect(run.code).toBe(0);
    const got = mergeByUuid(recordsOf(run.messages));
    const expected = truth();
    expect(got.size).toBe(expected.size);
    for (const [uuid, record] of expected) expect(got.get(uuid)).toEqual(record);
  });

  it('fails clearly past the retry budget, and a rerun from the last state completes the data', async () => {
    sandbox.faults.set({ script: [...Array(6).fill('ok'), ...Array(12).fill(503)] });
    const failed = checkProtocol(await runCli(mode.args(dir, config({ max_retries: 2, max_concurrency: 1 }))));
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/v1\/bookings\?.* failed after 2 retries: HTTP 503/);
    expect(failed.stderr).not.toMatch(/\n\s+at /); // no stack trace without --debug
    const state = lastStateInput(failed.messages);
    expect(state).toBeDefined();
    sandbox.faults.clear();
    const rerun = checkProtocol(await runCli(mode.args(dir, config(), state)));
    expect(rerun.code).toBe(0);
    const merged = mergeByUuid(recordsOf(rerun.messages), mergeByUuid(recordsOf(failed.messages)));
    const expected = truth();
    expect(merged.size).toBe(expected.size);
    for (const [uuid, record] of expected) expect(merged.get(uuid)).toEqual(record);
  });
});
