import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { lastStateInput, mergeByUuid, recordsOf } from '../support/cli.js';
import { expectGroundTruth } from '../support/ground-truth.js';
import { singerSyncInProcess } from '../support/in-process.js';

/**
 * Records modified and inserted while a sync runs (the sandbox's schedule changes them between page requests):
 * every record that existed in the window is delivered by this sync or, if it was modified meanwhile, by the next.
 * Sorted and unsorted APIs, several concurrency levels. In process, over real HTTP: the engine's behaviour, which a
 * child process would show no better (the CLI's own is tested in sync.e2e and crash-and-signals). The engine is the
 * same under both protocols; the Airbyte state's round trip into a second sync is sync.e2e's (in process, both).
 */
const CASES = (['asc', 'none'] as const).flatMap((sort) => [1, 4].map((concurrency) => ({ sort, concurrency, label: `sort ${sort}, concurrency ${concurrency}` })));

describe('no record lost to drift while the API changes during a sync', () => {
  let sandbox: Sandbox;
  afterEach(() => sandbox.stop());

  it.each(CASES)('$label', async ({ sort, concurrency }) => {
    sandbox = await startSandbox({ records: 600, seed: 21 + concurrency, sort, bookingTypes: { FLIGHT: 0.6, HOTEL: 0.4 } });
    const config = sandbox.tapConfig({ page_size: 10, max_concurrency: concurrency });
    const before = new Set(sandbox.store.groundTruth().map((r) => String(r.uuid)));
    // After every 3 page requests, modify 2 records and insert 1, 40 times: through most of the sync (about 60 pages
    // and their rereads). Without a limit the changes outpace a reader at concurrency 1 for minutes.
    sandbox.faults.schedule({ every: 3, mutate: 2, insert: 1, times: 40 });
    const first = await singerSyncInProcess(config);
    expect(first.error).toBeUndefined();
    sandbox.faults.schedule(undefined);
    const delivered = new Set(recordsOf(first.messages).map((r) => String(r.uuid)));
    const stats = sandbox.stats();
    expect(stats.mutations).toBeGreaterThan(20);

    // Every record of the window that was not modified during the sync came in this sync.
    const truthNow = mergeByUuid(sandbox.store.groundTruth());
    const unmodified = [...before].filter((u) => String(truthNow.get(u)?.lastModified) < '2026');
    expect(unmodified.filter((u) => !delivered.has(u))).toEqual([]);

    // The next sync, from the state, brings the rest: the union equals the ground truth. Its clock is 3 s ahead, so
    // its window (ending a second before it starts) holds the changes made during the first sync.
    const second = await singerSyncInProcess(config, lastStateInput(first.messages), { aheadMs: 3000 });
    expect(second.error).toBeUndefined();
    expectGroundTruth(mergeByUuid(recordsOf(second.messages), mergeByUuid(recordsOf(first.messages))), truthNow);
  });
});
