import fc from 'fast-check';
import type { BookingType, TapConfig } from '../../src/config/options.js';
import type { PageRequest } from '../../src/http/bookings-api.js';
import { RecordChecker } from '../../src/engine/record-check.js';
import { runSync, type SyncEvent } from '../../src/engine/sync.js';
import type { PageSource } from '../../src/engine/partition-reader.js';
import { parseStreamState, type Bookmark } from '../../src/state/bookmarks.js';
import { instantClock } from '../support/clocks.js';
import { engineConfig } from '../support/engine-config.js';
import { FakeApi, type ApiShape } from '../support/fake-api.js';
import { memoryLogger } from '../support/quiet-logger.js';

/**
 * The promise "no booking is ever lost", checked over the matrix of API shapes: window honoured or ignored (or not
 * sent), totals exact, absent or flickering, sorted or not, window end inclusive or exclusive, page size capped
 * silently or reported, a page in the middle that comes back empty once, and random interleavings of concurrent page
 * responses with records changed and added while the first sync reads.
 *
 * After that sync and one more incremental sync from its final state, every record of the API's ground truth must
 * have been delivered in its latest version; the first sync's final bookmark must not lie past any record it did not
 * deliver; where the tap claims mid-read bookmarks are safe (an API that honours the window and whose totals are
 * honest or absent), every STATE must vouch only for records already delivered; and the request count stays bounded.
 */

const START = Date.UTC(2025, 0, 1);
const SYNC1 = Date.UTC(2025, 6, 1);
const SYNC2 = Date.UTC(2025, 9, 1);

const shapeArb = fc.record({
  sorted: fc.boolean(),
  totals: fc.constantFrom<'exact' | 'none' | 'flicker'>('exact', 'none', 'flicker'),
  honoursWindow: fc.boolean(),
  /** The tap sends the window parameters (false: window_from_param and window_to_param are null). */
  sendsWindow: fc.boolean(),
  toInclusive: fc.boolean(),
  firstPage: fc.constantFrom(0, 1),
  servedSize: fc.integer({ min: 1, max: 6 }),
  /** The tap asks for this many more per page than the API serves: a cap, silent unless reportPageSize. */
  askedExtra: fc.constantFrom(0, 0, 1, 3),
  reportPageSize: fc.boolean(),
  emptyOnce: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
  pagination: fc.constantFrom<TapConfig['pagination']>('auto', 'page_number', 'keyset'),
});

const scenarioArb = fc.record({
  count: fc.integer({ min: 0, max: 40 }),
  ties: fc.array(fc.nat(39), { maxLength: 10 }),
  mutations: fc.array(fc.nat(39), { maxLength: 6 }),
  inserts: fc.nat(3),
  concurrency: fc.integer({ min: 1, max: 4 }),
});

type Shape = typeof shapeArb extends fc.Arbitrary<infer T> ? T : never;

function tapConfig(shape: Shape, concurrency: number): TapConfig {
  // keyset, when asked for, needs an API that sorts and honours the window start (else it fails, as it should): for
  // other shapes the matrix reads with auto.
  const keysetOk = shape.sendsWindow && shape.honoursWindow && shape.sorted;
  return engineConfig({
    bookingTypes: ['FLIGHT'],
    startDate: START,
    pageSize: shape.servedSize + shape.askedExtra,
    firstPage: shape.firstPage,
    maxConcurrency: concurrency,
    windowFromParam: shape.sendsWindow ? 'updatedFrom' : null,
    windowToParam: shape.sendsWindow ? 'updatedTo' : null,
    pagination: shape.pagination === 'keyset' && !keysetOk ? 'auto' : shape.pagination,
    maxRetries: 3,
  });
}

function apiShape(shape: Shape): ApiShape {
  return {
    pageSize: shape.servedSize,
    sorted: shape.sorted,
    firstPage: shape.firstPage,
    totals: shape.totals,
    reportPageSize: shape.reportPageSize,
    honoursWindow: shape.honoursWindow && shape.sendsWindow,
    toInclusive: shape.toInclusive,
    emptyOnce: shape.emptyOnce,
  };
}

/** The tap never sees the window parameters it does not send. */
function sent(req: PageRequest, shape: Shape): PageRequest {
  return shape.sendsWindow ? req : { ...req, from: Number.NEGATIVE_INFINITY, to: undefined };
}

/** Log lines of the syncs of the current run, shown with a failure. */
let log: string[] = [];

async function sync(config: TapConfig, source: PageSource, bookmarks: ReadonlyMap<BookingType, Bookmark>, syncStart: number, onEvent: (e: SyncEvent) => void): Promise<Map<BookingType, Bookmark>> {
  const logger = memoryLogger(process.env.SHAPE_DEBUG ? 'debug' : 'info');
  log.push(`-- sync ${new Date(syncStart).toISOString()}`);
  logger.setSink((level, message) => log.push(`${level} ${message}`));
  let last: SyncEvent | undefined;
  try {
    for await (const e of runSync({ config, bookmarks, syncStart, source, checker: new RecordChecker(undefined, 'off', logger), logger, clock: instantClock(syncStart) })) {
      onEvent(e);
      last = e;
    }
  } catch (err) {
    throw new Error(`The sync starting ${new Date(syncStart).toISOString()} failed: ${(err as Error).message}\n${logger.lines.join('\n')}`);
  }
  if (last?.type !== 'state') throw new Error('the sync did not end on a STATE');
  return parseStreamState(last.state, 'final state');
}

function initialRecords(count: number, ties: number[]): Array<{ uuid: string; ms: number }> {
  const out: Array<{ uuid: string; ms: number }> = [];
  for (let i = 0; i < count; i++) out.push({ uuid: `r${String(i).padStart(3, '0')}`, ms: ties.includes(i) && i > 0 ? out[i - 1]!.ms : START + i * 1500 });
  return out;
}

type Sync = typeof sync;

/**
 * What the peers do: ask for page after page until a short one, trusting page numbers and the window, and move the
 * bookmark to the newest record delivered.
 */
const naiveSync: Sync = async (config, source, bookmarks, syncStart, onEvent) => {
  const from = bookmarks.get('FLIGHT')?.ms ?? config.startDate;
  const to = Math.floor(syncStart / 1000) * 1000 - 1000;
  let newest: Bookmark | undefined = bookmarks.get('FLIGHT');
  for (let page = config.firstPage; ; page++) {
    const records = (JSON.parse((await source.fetchPage({ bookingType: 'FLIGHT', page, size: config.pageSize, from, to })).bytes.toString()) as { data: Array<{ uuid: string; lastModified: string; version: number }> }).data;
    const kept = records.filter((r) => Date.parse(r.lastModified) >= from && Date.parse(r.lastModified) <= to);
    onEvent({ type: 'records', bookingType: 'FLIGHT', records: kept as never, raw: kept.map((r) => Buffer.from(JSON.stringify(r))) });
    for (const r of kept) if (!newest || Date.parse(r.lastModified) > newest.ms) newest = { ms: Date.parse(r.lastModified), value: r.lastModified };
    if (records.length < config.pageSize) break;
  }
  const state = { partitions: newest ? [{ context: { bookingType: 'FLIGHT' as const }, replication_key: 'lastModified', replication_key_value: newest.value }] : [] };
  onEvent({ type: 'state', state });
  return parseStreamState(state, 'naive');
};

const property = (syncWith: Sync, shapes = shapeArb) => fc.asyncProperty(fc.scheduler(), shapes, scenarioArb, async (s, shape, sc) => {
  log = [];
  const api = new FakeApi(initialRecords(sc.count, sc.ties), apiShape(shape), SYNC1 + 5000);
  const config = tapConfig(shape, sc.concurrency);
  let requests = 0;
  // Each response, change and insert is released by the scheduler in an order fast-check chooses.
  const source: PageSource = {
    fetchPage: (req) => {
      requests++;
      return s.schedule(Promise.resolve(), `page ${req.page} from ${req.from}`).then(() => api.serve(sent(req, shape)));
    },
  };
  const changed = new Set<string>();
  // Totals that flicker in a window the API applies can hide a real drop (one lower on an odd page, one record gone by
  // the next page: the two look equal), and nothing in the API's answers then shows drift: the README lists this
  // among the shapes the tap cannot be sure of. Such shapes are checked with the records standing still.
  const still = shape.totals === 'flicker' && shape.honoursWindow && shape.sendsWindow;
  if (still) sc = { ...sc, mutations: [], inserts: 0 };
  for (const m of sc.count > 0 ? sc.mutations : []) {
    const uuid = api.records[m % sc.count]!.uuid;
    void s.schedule(Promise.resolve(), `modify ${uuid}`).then(() => {
      changed.add(uuid);
      api.modify(uuid);
    });
  }
  for (let k = 0; k < sc.inserts; k++) void s.schedule(Promise.resolve(), 'insert').then(() => changed.add(api.insert()));

  const delivered = new Map<string, number>();
  const problems: string[] = [];
  // Mid-read bookmarks are claimed safe for APIs that honour the window, unless their totals flicker.
  const claimsMidRead = !(shape.sendsWindow && !shape.honoursWindow) && shape.totals !== 'flicker';
  const onEvent = (e: SyncEvent): void => {
    if (e.type === 'records') for (const r of e.records) delivered.set(r.uuid, (r as unknown as { version: number }).version);
    if (e.type === 'state' && claimsMidRead) {
      const bookmark = e.state.partitions[0] ? Date.parse(e.state.partitions[0].replication_key_value) : -Infinity;
      for (const r of api.records) if (!changed.has(r.uuid) && r.ms < bookmark && !delivered.has(r.uuid)) problems.push(`a STATE at ${new Date(bookmark).toISOString()} vouches for ${r.uuid}, not delivered yet`);
    }
  };
  let first: Map<BookingType, Bookmark> | undefined;
  const run = syncWith(config, source, new Map(), SYNC1, onEvent).then((b) => (first = b));
  await s.waitFor(run);
  // The first sync's final bookmark lies past no record that it did not deliver (and that did not change meanwhile).
  const final = first!.get('FLIGHT')?.ms ?? -Infinity;
  for (const r of api.records) if (!changed.has(r.uuid) && r.ms < final && !delivered.has(r.uuid)) problems.push(`the final bookmark ${new Date(final).toISOString()} lies past ${r.uuid}, never delivered`);
  await s.waitAll();
  const firstRequests = requests;

  await syncWith(config, { fetchPage: async (req) => api.serve(sent(req, shape)) }, first!, SYNC2, onEvent);
  for (const r of api.records) {
    if (delivered.get(r.uuid) !== r.version) problems.push(`${r.uuid} v${r.version} ${delivered.has(r.uuid) ? `delivered only as v${delivered.get(r.uuid)}` : 'never delivered'}`);
  }
  const pages = Math.ceil((sc.count + sc.inserts + 1) / shape.servedSize) + 1;
  const bound = 40 + 10 * pages * (2 + sc.mutations.length + sc.inserts);
  if (firstRequests > bound) problems.push(`${firstRequests} requests for about ${pages} pages (bound ${bound})`);
  if (problems.length > 0) throw new Error([...problems.slice(0, 5), ...log].join('\n'));
});

describe('every API shape, records changing while the sync reads (property-based)', () => {
  it('loses no record across two syncs, never vouches for what it did not deliver, and stays within a bounded number of requests', async () => {
    await fc.assert(property(sync), { numRuns: Number(process.env.SHAPE_RUNS ?? 300), timeout: 10_000, ...(process.env.SHAPE_SEED ? { seed: Number(process.env.SHAPE_SEED), path: process.env.SHAPE_PATH, endOnFailure: true } : {}) });
  });

  it('finds lost records for the naive page-number loop the peers use, even on the honest API shape, so the property has teeth', async () => {
    const honest = shapeArb.map((shape): Shape => ({ ...shape, totals: 'exact', honoursWindow: true, sendsWindow: true, emptyOnce: undefined, askedExtra: 0 }));
    const result = await fc.check(property(naiveSync, honest), { numRuns: 300 });
    expect(result.failed).toBe(true);
  });
});
