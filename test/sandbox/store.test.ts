import { BookingStore, type StoreOptions } from '../../src/sandbox/store.js';

const options = (over: Partial<StoreOptions> = {}): StoreOptions => ({
  seed: 3, records: 200, mix: { FLIGHT: 0.5, HOTEL: 0.5 },
  from: Date.parse('2024-01-01T00:00:00.000Z'), to: Date.parse('2025-07-01T00:00:00.000Z'), tieRate: 0.03, ...over,
});
const ms = (r: Record<string, unknown>) => Date.parse(r.lastModified as string);

describe('BookingStore changes', () => {
  it('mutate(K) changes K different records, each with its own, strictly increasing lastModified', () => {
    const t0 = Date.UTC(2026, 0, 1);
    const store = new BookingStore(options({ records: 40, mix: { HOTEL: 1 }, now: () => t0 }));
    const before = new Map(store.groundTruth().map((r) => [r.uuid, r]));
    const changed = store.mutate(30, 'HOTEL');
    expect(changed).toHaveLength(30);
    expect(new Set(changed.map((r) => r.uuid)).size).toBe(30);
    for (let i = 0; i < changed.length; i++) {
      expect(before.has(changed[i]!.uuid)).toBe(true);
      // The clock stands still: each change is stamped 1 ms after the one before, from the clock's time on.
      expect(ms(changed[i]!)).toBe(t0 + i);
    }
    expect(store.mutations).toBe(30);
  });

  it('mutate(K) beyond the number of records still changes every record', () => {
    const store = new BookingStore(options({ records: 10, mix: { CAR: 1 } }));
    const changed = store.mutate(25, 'CAR');
    expect(changed).toHaveLength(25);
    expect(new Set(changed.map((r) => r.uuid)).size).toBe(10);
    expect(store.groundTruth('CAR')).toHaveLength(10);
  });

  it('keeps each type in time order after changes, and the ground truth holds the latest versions', () => {
    const store = new BookingStore(options());
    const changed = [...store.mutate(15), ...store.insert(10)];
    for (const t of ['FLIGHT', 'HOTEL'] as const) {
      const times = store.groundTruth(t).map(ms);
      for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThanOrEqual(times[i - 1]!);
    }
    const truth = new Map(store.groundTruth().map((r) => [r.uuid, r]));
    expect(truth.size).toBe(210);
    for (const c of changed) expect(truth.get(c.uuid)).toEqual(c);
    expect(store.counts()).toEqual({ FLIGHT: expect.any(Number), HOTEL: expect.any(Number), CAR: 0, RAIL: 0 });
    expect(store.inserts).toBe(10);
  });

  it('window() finds the bounds by lastModified in sorted mode (from inclusive, to exclusive or inclusive)', () => {
    const store = new BookingStore(options({ records: 2000, tieRate: 0.2 }));
    const truth = store.groundTruth('FLIGHT');
    const t = ms(truth.find((r, i) => i > 0 && r.lastModified === truth[i - 1]!.lastModified)!);
    const count = (from?: number, to?: number, toInclusive = false) => {
      const w = store.window({ bookingType: 'FLIGHT', from, to, toInclusive, sorted: true });
      return w.end - w.start;
    };
    expect(count()).toBe(truth.length);
    expect(count(t)).toBe(truth.filter((r) => ms(r) >= t).length);
    expect(count(undefined, t)).toBe(truth.filter((r) => ms(r) < t).length);
    expect(count(undefined, t, true)).toBe(truth.filter((r) => ms(r) <= t).length);
    expect(count(t, t, true)).toBeGreaterThanOrEqual(2);
    expect(count(t + 1, t)).toBe(0);
  });

  it('grows past its initial capacity when many records are inserted', () => {
    const store = new BookingStore(options({ records: 5 }));
    const added = store.insert(3000, 'RAIL');
    expect(store.size).toBe(3005);
    expect(new Set(added.map((r) => r.uuid)).size).toBe(3000);
    expect(store.counts()).toMatchObject({ RAIL: 3000 });
    expect(store.groundTruth('RAIL').map((r) => r.uuid)).toEqual(added.map((r) => r.uuid));
    expect(store.groundTruth()).toHaveLength(3005);
  });
});
