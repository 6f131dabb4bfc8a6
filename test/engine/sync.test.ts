import fc from 'fast-check';
import type { BookingType, TapConfig } from '../../src/config/options.js';
import { RecordChecker } from '../../src/engine/record-check.js';
import { runSync, windowEnd, windowFor, type SyncEvent } from '../../src/engine/sync.js';
import { InterruptedError } from '../../src/errors.js';
import type { PageRequest } from '../../src/http/bookings-api.js';
import type { Bookmark } from '../../src/state/bookmarks.js';
import { FakeApi, makeRecords } from '../support/fake-api.js';
import { memoryLogger } from '../support/quiet-logger.js';
import { instantClock } from '../support/clocks.js';
import { engineConfig } from '../support/engine-config.js';

const START = Date.UTC(2024, 0, 1);
const SYNC_START = Date.UTC(2026, 0, 1);

function config(overrides: Partial<TapConfig> = {}): TapConfig {
  return engineConfig({ startDate: START, maxRetries: 0, ...overrides });
}

function sources(apis: Record<string, FakeApi>) {
  return { fetchPage: (req: PageRequest) => apis[req.bookingType]!.fetchPage(req) };
}

async function collect(gen: AsyncGenerator<SyncEvent>): Promise<SyncEvent[]> {
  const out: SyncEvent[] = [];
  for await (const e of gen) out.push(e);
  return out;
}

function run(apis: Record<string, FakeApi>, overrides: Partial<TapConfig> = {}, bookmarks: ReadonlyMap<BookingType, Bookmark> = new Map()) {
  const logger = memoryLogger('error');
  return runSync({ config: config(overrides), bookmarks, syncStart: SYNC_START, source: sources(apis), checker: new RecordChecker(undefined, 'off', logger), logger, clock: instantClock() });
}

describe('runSync', () => {
  it('reads every booking type and ends with a state holding one bookmark per type', async () => {
    const flights = makeRecords(9);
    const hotels = makeRecords(6, { start: Date.UTC(2025, 5, 1) });
    const events = await collect(run({ FLIGHT: new FakeApi(flights, { pageSize: 4, sorted: true }), HOTEL: new FakeApi(hotels, { pageSize: 4, sorted: true }) }));
    const byType = (t: string) => events.flatMap((e) => (e.type === 'records' && e.bookingType === t ? e.records.map((r) => r.uuid) : []));
    expect(byType('FLIGHT')).toEqual(flights.map((r) => r.uuid));
    expect(byType('HOTEL')).toEqual(hotels.map((r) => r.uuid));
    const last = events.at(-1);
    expect(last).toEqual({
      type: 'state',
      state: {
        partitions: [
          { context: { bookingType: 'FLIGHT' }, replication_key: 'lastModified', replication_key_value: new Date(flights.at(-1)!.ms).toISOString() },
          { context: { bookingType: 'HOTEL' }, replication_key: 'lastModified', replication_key_value: new Date(hotels.at(-1)!.ms).toISOString() },
        ],
      },
    });
  });

  it('emits every state only after the records it vouches for, whatever order the partitions answer in', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 15 }), fc.boolean(), async (s, nf, nh, sorted) => {
        const data: Record<string, Array<{ uuid: string; ms: number }>> = {
          FLIGHT: makeRecords(nf).map((r) => ({ ...r, uuid: `F${r.uuid}` })),
          HOTEL: makeRecords(nh, { start: Date.UTC(2024, 6, 1) }).map((r) => ({ ...r, uuid: `H${r.uuid}` })),
        };
        const apis = { FLIGHT: new FakeApi(data.FLIGHT!, { pageSize: 3, sorted }), HOTEL: new FakeApi(data.HOTEL!, { pageSize: 3, sorted }) };
        const source = { fetchPage: (req: PageRequest) => s.schedule(Promise.resolve(), `${req.bookingType} ${req.page}`).then(() => apis[req.bookingType as 'FLIGHT' | 'HOTEL'].serve(req)) };
        const logger = memoryLogger('error');
        const written = new Set<string>();
        let ok = true;
        const consume = (async () => {
          for await (const e of runSync({ config: config(), bookmarks: new Map(), syncStart: SYNC_START, source, checker: new RecordChecker(undefined, 'off', logger), logger, clock: instantClock() })) {
            if (e.type === 'records') e.records.forEach((r) => written.add(r.uuid));
            if (e.type === 'state') {
              for (const p of e.state.partitions) {
                const b = Date.parse(p.replication_key_value);
                for (const r of data[p.context.bookingType]!) if (r.ms <= b && !written.has(r.uuid)) ok = false;
              }
            }
          }
        })();
        await s.waitFor(consume);
        return ok && written.size === nf + nh;
      }),
      { numRuns: 300 },
    );
  });

  it('starts from the bookmark less the lookback window, and from start_date without one', () => {
    const bookmarks = new Map<BookingType, Bookmark>([['FLIGHT', { value: '2025-03-01T00:00:00.000Z', ms: Date.UTC(2025, 2, 1) }]]);
    const c = config({ lookbackWindowSeconds: 3600 });
    expect(windowFor('FLIGHT', { config: c, bookmarks, syncStart: SYNC_START })).toEqual({ from: Date.UTC(2025, 2, 1) - 3_600_000, to: SYNC_START - 1000 });
    expect(windowFor('HOTEL', { config: c, bookmarks, syncStart: SYNC_START })).toEqual({ from: START, to: SYNC_START - 1000 });
    expect(windowFor('FLIGHT', { config: c, bookmarks, syncStart: SYNC_START, fullRefresh: true }).from).toBe(START);
    expect(windowFor('FLIGHT', { config: config({ endDate: Date.UTC(2025, 0, 1) }), bookmarks, syncStart: SYNC_START }).to).toBe(Date.UTC(2025, 0, 1));
  });

  it('ends every window on a whole second at least window_end_lag_seconds before the sync started', () => {
    const lag1 = { windowEndLagSeconds: 1 };
    expect(windowEnd({ ...lag1, endDate: undefined }, Date.UTC(2026, 0, 1, 0, 0, 5, 999))).toBe(Date.UTC(2026, 0, 1, 0, 0, 4));
    expect(windowEnd({ ...lag1, endDate: undefined }, Date.UTC(2026, 0, 1, 0, 0, 5, 0))).toBe(Date.UTC(2026, 0, 1, 0, 0, 4));
    expect(windowEnd({ ...lag1, endDate: Date.UTC(2025, 0, 1, 0, 0, 0, 750) }, SYNC_START)).toBe(Date.UTC(2025, 0, 1));
    expect(windowEnd({ ...lag1, endDate: Date.UTC(2030, 0, 1) }, SYNC_START)).toBe(SYNC_START - 1000);
    expect(windowEnd({ windowEndLagSeconds: 90, endDate: undefined }, Date.UTC(2026, 0, 1, 0, 2, 5, 500))).toBe(Date.UTC(2026, 0, 1, 0, 0, 35));
    expect(windowEnd({ windowEndLagSeconds: 90, endDate: Date.UTC(2030, 0, 1) }, SYNC_START)).toBe(SYNC_START - 90_000);
  });

  it('reads only what changed since the bookmark on a second run, re-delivering the records at the bookmark itself', async () => {
    const flights = makeRecords(10);
    const api = new FakeApi(flights, { pageSize: 4, sorted: true });
    const bookmark = { value: new Date(flights[6]!.ms).toISOString(), ms: flights[6]!.ms };
    const events = await collect(run({ FLIGHT: api }, { bookingTypes: ['FLIGHT'] }, new Map([['FLIGHT', bookmark]])));
    expect(events.flatMap((e) => (e.type === 'records' ? e.records.map((r) => r.uuid) : []))).toEqual(flights.slice(6).map((r) => r.uuid));
  });

  it('never moves a bookmark backwards when a window yields nothing newer', async () => {
    const bookmark = { value: '2025-12-31T00:00:00.000Z', ms: Date.UTC(2025, 11, 31) };
    const events = await collect(run({ FLIGHT: new FakeApi([], { pageSize: 4, sorted: true }) }, { bookingTypes: ['FLIGHT'] }, new Map([['FLIGHT', bookmark]])));
    expect(events.at(-1)).toEqual({ type: 'state', state: { partitions: [{ context: { bookingType: 'FLIGHT' }, replication_key: 'lastModified', replication_key_value: bookmark.value }] } });
  });

  it('stops with InterruptedError when the signal aborts, after yielding what it had', async () => {
    const controller = new AbortController();
    const api = new FakeApi(makeRecords(40), { pageSize: 4, sorted: true });
    const logger = memoryLogger('error');
    const source = { fetchPage: async (req: PageRequest) => { if (req.page === 3) controller.abort(); if (controller.signal.aborted) throw new Error('aborted'); return api.serve(req); } };
    const events: SyncEvent[] = [];
    await expect((async () => {
      for await (const e of runSync({ config: config({ bookingTypes: ['FLIGHT'], maxConcurrency: 1 }), bookmarks: new Map(), syncStart: SYNC_START, source, checker: new RecordChecker(undefined, 'off', logger), logger, clock: instantClock(), signal: controller.signal })) events.push(e);
    })()).rejects.toBeInstanceOf(InterruptedError);
    expect(events.filter((e) => e.type === 'records')).toHaveLength(3);
  });
});
