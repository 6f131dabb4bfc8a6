import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { lastStateInput, mergeByUuid, pastWindowGuard, recordsOf, runCli, tempDir, writeJson } from '../support/cli.js';
import { MODES } from '../support/modes.js';

/**
 * Records modified and inserted while a sync runs (the sandbox's schedule changes them between page requests):
 * every record that existed in the window is delivered by this sync or, if it was modified meanwhile, by the next.
 * Sorted and unsorted APIs, both protocols, several concurrency levels.
 */
const CASES = MODES.flatMap((mode) =>
  (['asc', 'none'] as const).flatMap((sort) => [1, 4].map((concurrency) => ({ mode, sort, concurrency, label: `${mode.name}, sort ${sort}, concurrency ${concurrency}` }))),
);

describe('no record lost to drift while the API changes during a sync', () => {
  let sandbox: Sandbox;
  afterEach(() => sandbox.stop());

  it.each(CASES)('$label', async ({ mode, sort, concurrency }) => {
    sandbox = await startSandbox({ records: 1200, seed: 21 + concurrency, sort, bookingTypes: { FLIGHT: 0.6, HOTEL: 0.4 } });
    const dir = tempDir();
    const config = writeJson(dir, 'c.json', sandbox.tapConfig({ page_size: 20, max_concurrency: concurrency }));
    const before = new Set(sandbox.store.groundTruth().map((r) => String(r.uuid)));
    // After every 3 page requests, modify 2 records and insert 1, many times during the sync.
    sandbox.faults.schedule({ every: 3, mutate: 2, insert: 1 });
    const first = await runCli(mode.args(dir, config));
    expect(first.code).toBe(0);
    sandbox.faults.schedule(undefined);
    const delivered = new Set(recordsOf(first.messages).map((r) => String(r.uuid)));
    const stats = sandbox.stats();
    expect(stats.mutations).toBeGreaterThan(20);

    // Every record of the window that was not modified during the sync came in this sync.
    const truthNow = mergeByUuid(sandbox.store.groundTruth());
    const unmodified = [...before].filter((u) => String(truthNow.get(u)?.lastModified) < '2026');
    expect(unmodified.filter((u) => !delivered.has(u))).toEqual([]);

    // The next sync, from the state, brings the rest: the union equals the ground truth.
    await pastWindowGuard();
    const second = await runCli(mode.args(dir, config, lastStateInput(first.messages)));
    expect(second.code).toBe(0);
    const merged = mergeByUuid(recordsOf(second.messages), mergeByUuid(recordsOf(first.messages)));
    expect([...truthNow.keys()].filter((u) => !merged.has(u))).toEqual([]);
    for (const [uuid, record] of truthNow) expect(merged.get(uuid)).toEqual(record);
  });
});
