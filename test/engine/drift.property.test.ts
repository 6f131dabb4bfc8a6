import fc from 'fast-check';
import { readPartition, type PageSource, type PartitionEvent, type PartitionWindow } from '../../src/engine/partition-reader.js';
import { RecordChecker } from '../../src/engine/record-check.js';
import { FakeApi } from '../support/fake-api.js';
import { memoryLogger } from '../support/quiet-logger.js';

/**
 * Property: whatever the interleaving of concurrent page responses and record modifications, every record that was
 * in the window when the read began and was not modified during it is delivered; modified records get a
 * lastModified beyond the window, so the next sync reads them. Also, every bookmark handed out mid-window vouches
 * only for records already delivered (all unmodified records older than it were delivered before it).
 * The same property fails for the naive algorithm (page numbers without the drift check).
 */

const T0 = Date.UTC(2025, 0, 1);
const WINDOW: PartitionWindow = { bookingType: 'FLIGHT', from: T0, to: T0 + 10_000_000 };

type Reader = (source: PageSource, pageSize: number, concurrency: number) => AsyncGenerator<PartitionEvent>;

const ours: Reader = (source, pageSize, concurrency) => {
  const logger = memoryLogger('error');
  return readPartition(WINDOW, { config: { pageSize, firstPage: 0, maxConcurrency: concurrency, recordOrder: 'auto' }, source, checker: new RecordChecker(undefined, 'off', logger), logger });
};

/** What the peers do: ask for page after page until a short one, trusting page numbers. */
const naive: Reader = async function* (source, pageSize) {
  for (let page = 0; ; page++) {
    const p = await source.fetchPage({ bookingType: 'FLIGHT', page, from: WINDOW.from, to: WINDOW.to });
    const records = p.records as Array<{ uuid: string; lastModified: string }>;
    yield { kind: 'page', bookingType: 'FLIGHT', page, records, bookmark: undefined } as PartitionEvent;
    if (records.length < pageSize) break;
  }
};

const scenario = fc.record({
  count: fc.integer({ min: 1, max: 40 }),
  pageSize: fc.integer({ min: 1, max: 6 }),
  /** The tap asks for this many more per page than the API serves (APIs that cap the size, silently or not). */
  askedExtra: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 4 })),
  reportsSize: fc.boolean(),
  concurrency: fc.integer({ min: 1, max: 4 }),
  sorted: fc.boolean(),
  ties: fc.array(fc.nat(39), { maxLength: 8 }),
  mutations: fc.array(fc.nat(39), { maxLength: 6 }),
});

function property(reader: Reader) {
  return fc.asyncProperty(fc.scheduler(), scenario, async (s, sc) => {
    const initial: Array<{ uuid: string; ms: number }> = [];
    for (let i = 0; i < sc.count; i++) initial.push({ uuid: `r${String(i).padStart(3, '0')}`, ms: sc.ties.includes(i) && i > 0 ? initial[i - 1]!.ms : T0 + i * 1000 });
    const api = new FakeApi(initial, { pageSize: sc.pageSize, sorted: sc.sorted, reportPageSize: sc.reportsSize });
    const modified = new Set<string>();
    // Each response and each modification is released by the scheduler in an order fast-check chooses.
    const source: PageSource = { fetchPage: (req) => s.schedule(Promise.resolve(), `page ${req.page}`).then(() => api.serve(req)) };
    for (const m of sc.mutations) {
      const uuid = initial[m % sc.count]!.uuid;
      void s.schedule(Promise.resolve(), `modify ${uuid}`).then(() => {
        modified.add(uuid);
        api.modify(uuid);
      });
    }
    const delivered = new Set<string>();
    const badBookmarks: string[] = [];
    const run = (async () => {
      for await (const e of reader(source, sc.pageSize + sc.askedExtra, sc.concurrency)) {
        if (e.kind !== 'page') continue;
        for (const r of e.records) delivered.add(r.uuid);
        if (e.bookmark) {
          for (const r of initial) if (r.ms < e.bookmark.ms && !modified.has(r.uuid) && !delivered.has(r.uuid)) badBookmarks.push(`${r.uuid} < bookmark ${e.bookmark.value}`);
        }
      }
    })();
    await s.waitFor(run);
    await s.waitAll();
    const missing = initial.filter((r) => !modified.has(r.uuid) && !delivered.has(r.uuid)).map((r) => r.uuid);
    const modifiedOutside = [...modified].every((u) => api.records.find((r) => r.uuid === u)!.ms > WINDOW.to);
    return missing.length === 0 && badBookmarks.length === 0 && modifiedOutside;
  });
}

describe('drift under concurrent modification (property-based)', () => {
  it('loses no record across random interleavings of page responses and modifications', async () => {
    await fc.assert(property(ours), { numRuns: Number(process.env.DRIFT_RUNS ?? 1000) });
  });

  it('finds a lost record for the naive page-number algorithm, so the property has teeth', async () => {
    const result = await fc.check(property(naive), { numRuns: 400 });
    expect(result.failed).toBe(true);
  });
});
