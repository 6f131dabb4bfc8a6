import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js';
import { lastStateInput, mergeByUuid, recordsOf } from '../support/cli.js';
import { singerSyncInProcess } from '../support/in-process.js';

/**
 * The API shapes of the README's table, served by the sandbox over real HTTP, with records changed and added while
 * the first sync reads: after it and one more incremental sync from its final state, every record of the ground
 * truth has been delivered in its latest version, and neither sync wrote a STATE past a record it had not written.
 */
const SHAPES: Array<{ name: string; sandbox: Partial<SandboxOptions>; tap?: Record<string, unknown> }> = [
  { name: 'the design target: window honoured, exact totals, sorted', sandbox: {} },
  { name: 'window ignored', sandbox: { ignoreWindow: true } },
  { name: 'window not sent (window_*_param null)', sandbox: {}, tap: { window_from_param: null, window_to_param: null } },
  { name: 'no totals, sorted (keyset)', sandbox: { omitTotals: true } },
  { name: 'no totals, unsorted', sandbox: { omitTotals: true, sort: 'none' } },
  { name: 'unsorted, a page in the middle empty once', sandbox: { sort: 'none', emptyPage: 'once' } },
  { name: 'unsorted, a page in the middle "data": null once', sandbox: { sort: 'none', emptyPage: 'once', emptyAs: 'null' } },
  { name: 'unsorted, totalPages too small', sandbox: { sort: 'none', shortTotalPages: true } },
  { name: 'flickering totals, sorted', sandbox: { flickerTotals: true } },
  { name: 'flickering totals, unsorted', sandbox: { flickerTotals: true, sort: 'none' } },
  { name: 'page size capped silently, window end inclusive', sandbox: { capPageSize: 7, toInclusive: true } },
  { name: 'window ignored, unsorted', sandbox: { ignoreWindow: true, sort: 'none' } },
];

describe('no record lost, whatever the API shape', () => {
  let sandbox: Sandbox;
  afterEach(() => sandbox.stop());

  it.each(SHAPES)('$name', async ({ sandbox: shape, tap }) => {
    sandbox = await startSandbox({ records: 300, seed: 5, bookingTypes: { FLIGHT: 0.5, HOTEL: 0.5 }, ...shape });
    const config = sandbox.tapConfig({ page_size: 10, max_concurrency: 4, ...tap });
    // After every 2 page requests, change 2 records and add 1, ten times, while the first sync reads.
    sandbox.faults.schedule({ every: 2, mutate: 2, insert: 1, times: 10 });
    const first = await singerSyncInProcess(config);
    expect(first.error).toBeUndefined();
    sandbox.faults.schedule(undefined);
    expect(sandbox.stats().mutations).toBeGreaterThan(0);

    const second = await singerSyncInProcess(config, lastStateInput(first.messages), { aheadMs: 3000 });
    expect(second.error).toBeUndefined();
    const truth = mergeByUuid(sandbox.store.groundTruth());
    const merged = mergeByUuid(recordsOf(second.messages), mergeByUuid(recordsOf(first.messages)));
    expect([...truth.keys()].filter((u) => merged.get(u)?.lastModified !== truth.get(u)!.lastModified)).toEqual([]);
    for (const run of [first, second]) expect(statesPastUnwritten(run.messages)).toEqual([]);
  });

  it('stops with a clear error, and a STATE safe to resume from, when pages alternate A, B, A, B under a huge totalPages', async () => {
    sandbox = await startSandbox({ records: 600, seed: 5, bookingTypes: { FLIGHT: 1 }, alternatePages: true, sort: 'none' });
    const run = await singerSyncInProcess(sandbox.tapConfig({ page_size: 20, booking_types: ['FLIGHT'] }));
    expect(String(run.error)).toMatch(/FLIGHT: the API returned the same 20 records for page \d+ as for page \d+/);
    expect(sandbox.stats().apiRequests).toBeLessThan(40);
    expect(run.messages.at(-1)).toEqual({ type: 'STATE', value: { bookmarks: { bookings: { partitions: [] } } } });
  });

  it('stops with a clear error when a page in the middle stays empty while the totals say more, moving no bookmark past it', async () => {
    sandbox = await startSandbox({ records: 600, seed: 5, bookingTypes: { FLIGHT: 1 }, emptyPage: 'always', sort: 'none' });
    const run = await singerSyncInProcess(sandbox.tapConfig({ page_size: 20, booking_types: ['FLIGHT'], backoff_factor: 0.01 }));
    expect(String(run.error)).toMatch(/FLIGHT: page \d+ holds 0 records where the API's own total of \d+ \(at 20 a page\) implies 20, and still so after 3 retries/);
    expect(run.messages.at(-1)).toEqual({ type: 'STATE', value: { bookmarks: { bookings: { partitions: [] } } } });
  });
});

/** STATE messages whose bookmark lies past a record of that type the stream had not written yet. */
function statesPastUnwritten(messages: Array<Record<string, any>>): string[] {
  const problems: string[] = [];
  const written = new Map<string, number[]>();
  const all = recordsOf(messages);
  const firstSeen = new Map<string, number>();
  messages.forEach((m, i) => {
    if (m.type === 'RECORD' && !firstSeen.has(String(m.record.uuid))) firstSeen.set(String(m.record.uuid), i);
  });
  messages.forEach((m, i) => {
    if (m.type !== 'STATE') return;
    for (const p of m.value.bookmarks.bookings.partitions as Array<{ context: { bookingType: string }; replication_key_value: string }>) {
      const at = Date.parse(p.replication_key_value);
      for (const r of all) {
        if (r.bookingType !== p.context.bookingType || Date.parse(String(r.lastModified)) >= at) continue;
        if ((firstSeen.get(String(r.uuid)) ?? Infinity) > i) problems.push(`STATE ${i} at ${p.replication_key_value} before ${String(r.uuid)}`);
      }
    }
  });
  void written;
  return problems.slice(0, 5);
}
