import { readFileSync } from 'node:fs';
import { BOOKING_TYPES, generateRecord, type SandboxBookingType } from '../../src/sandbox/generate.js';
import { mix, Random, uuidFor } from '../../src/sandbox/random.js';
import { BookingStore, type StoreOptions } from '../../src/sandbox/store.js';
import { createAjv } from '../../src/util/ajv.js';
import { ISO_MS_UTC } from './helpers.js';

const SCHEMA = JSON.parse(readFileSync('src/schema/bookings.schema.json', 'utf8')) as Record<string, unknown>;

const storeOptions = (over: Partial<StoreOptions> = {}): StoreOptions => ({
  seed: 42, records: 2000, mix: { FLIGHT: 0.5, HOTEL: 0.35, CAR: 0.1, RAIL: 0.05 },
  from: Date.parse('2024-01-01T00:00:00.000Z'), to: Date.parse('2025-07-01T00:00:00.000Z'), tieRate: 0.03, ...over,
});

/** A copy of the schema where every object with declared properties rejects undeclared ones. */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, closed(s)])) : closed(v);
  if ('properties' in out) out.additionalProperties = false;
  return out;
}

describe('Random and uuidFor', () => {
  it('repeats the same sequence for the same seed and differs for another', () => {
    const seq = (seed: number) => { const r = new Random(seed); return Array.from({ length: 50 }, () => r.next()); };
    expect(seq(7)).toEqual(seq(7));
    expect(seq(7)).not.toEqual(seq(8));
    for (const x of seq(123)) expect(x >= 0 && x < 1).toBe(true);
  });

  it('keeps int() within its inclusive bounds and reaches both ends', () => {
    const r = new Random(3);
    const seen = new Set(Array.from({ length: 2000 }, () => r.int(1, 6)));
    expect([...seen].sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('mix is injective in its second argument over a range of ids', () => {
    const values = new Set(Array.from({ length: 100_000 }, (_, i) => mix(42, i)));
    expect(values.size).toBe(100_000);
  });

  it('makes well-formed, distinct version-4 UUIDs that depend on seed and id', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => uuidFor(42, i));
    for (const u of ids.slice(0, 500)) expect(u).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(uuidFor(42, 5)).toBe(uuidFor(42, 5));
    expect(uuidFor(43, 5)).not.toBe(uuidFor(42, 5));
  });
});

describe('determinism', () => {
  it('builds identical stores (every record) from the same seed and options', () => {
    const a = new BookingStore(storeOptions());
    const b = new BookingStore(storeOptions());
    expect(a.counts()).toEqual(b.counts());
    expect(a.groundTruth()).toEqual(b.groundTruth());
  });

  it('builds different records from a different seed', () => {
    const a = new BookingStore(storeOptions()).groundTruth();
    const b = new BookingStore(storeOptions({ seed: 43 })).groundTruth();
    const uuidsA = new Set(a.map((r) => r.uuid));
    expect(b.filter((r) => uuidsA.has(r.uuid))).toHaveLength(0);
    expect(b.map((r) => r.lastModified)).not.toEqual(a.map((r) => r.lastModified));
  });

  it('builds the same record from the same identity, and a different one from a new version', () => {
    const who = { id: 17, uuid: uuidFor(1, 17), bookingType: 'FLIGHT' as const, lastModified: Date.parse('2025-01-02T03:04:05.678Z'), version: 0 };
    expect(generateRecord(1, who)).toEqual(generateRecord(1, who));
    const v1 = generateRecord(1, { ...who, version: 1 });
    expect(v1.uuid).toBe(who.uuid);
    expect(v1).not.toEqual(generateRecord(1, who));
  });
});

describe('generated records', () => {
  const store = new BookingStore(storeOptions({ records: 4000 }));
  const ajv = createAjv({ strict: true, allowUnionTypes: true, allErrors: true });
  const validate = ajv.compile(SCHEMA);
  const validateClosed = createAjv({ strict: true, allowUnionTypes: true, allErrors: true }).compile(closed(SCHEMA) as object);

  it('holds every booking type in roughly the default mix, and the counts add up', () => {
    const counts = store.counts();
    for (const t of BOOKING_TYPES) expect(counts[t]).toBeGreaterThan(0);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(4000);
    expect(counts.FLIGHT! / 4000).toBeGreaterThan(0.4);
    expect(counts.FLIGHT! / 4000).toBeLessThan(0.6);
    expect(counts.RAIL!).toBeLessThan(counts.HOTEL!);
  });

  it('generates only the configured types', () => {
    const only = new BookingStore(storeOptions({ records: 300, mix: { HOTEL: 1 } }));
    expect(only.counts()).toEqual({ FLIGHT: 0, HOTEL: 300, CAR: 0, RAIL: 0 });
    expect(new Set(only.groundTruth().map((r) => r.bookingType))).toEqual(new Set(['HOTEL']));
  });

  it.each(BOOKING_TYPES)('every %s record validates against the bookings schema (formats, strict mode)', (type) => {
    const records = store.groundTruth(type);
    expect(records.length).toBeGreaterThan(0);
    for (const r of records) {
      const id = String(r.uuid);
      if (!validate(r)) throw new Error(`${id}: ${ajv.errorsText(validate.errors)}`);
      expect(r.bookingType).toBe(type);
    }
  });

  it.each(BOOKING_TYPES)('every %s record uses only fields the schema declares (nested too)', (type) => {
    for (const r of store.groundTruth(type)) {
      const id = String(r.uuid);
      if (!validateClosed(r)) throw new Error(`${id}: ${JSON.stringify(validateClosed.errors?.slice(0, 3))}`);
    }
  });

  it('the validators do reject bad records (so the checks above can fail)', () => {
    const r = store.groundTruth('FLIGHT')[0]!;
    expect(validate({ ...r, lastModified: 'yesterday' })).toBe(false);
    expect(validate({ ...r, basePrice: '12.50' })).toBe(false);
    expect(validateClosed({ ...r, surprise: 1 })).toBe(false);
    expect(validateClosed({ ...r, booker: { ...(r.booker as object), shoeSize: 44 } })).toBe(false);
  });

  it('writes lastModified, created and cancelledAt in UTC with milliseconds, created not after lastModified', () => {
    let cancelled = 0;
    for (const r of store.groundTruth()) {
      expect(r.lastModified).toMatch(ISO_MS_UTC);
      expect(r.created).toMatch(ISO_MS_UTC);
      expect(Date.parse(r.created as string)).toBeLessThanOrEqual(Date.parse(r.lastModified as string));
      if (r.cancelledAt !== null) {
        cancelled++;
        expect(r.cancelledAt).toMatch(ISO_MS_UTC);
        expect(r.bookingStatus).toBe('CANCELLED');
      }
    }
    expect(cancelled).toBeGreaterThan(0);
  });

  it('keeps lastModified inside the data window, in non-decreasing order per type, with a few ties', () => {
    const opts = storeOptions();
    let ties = 0;
    for (const t of BOOKING_TYPES) {
      const ms = store.groundTruth(t).map((r) => Date.parse(r.lastModified as string));
      for (let i = 0; i < ms.length; i++) {
        expect(ms[i]! >= opts.from && ms[i]! < opts.to).toBe(true);
        if (i > 0) expect(ms[i]!).toBeGreaterThanOrEqual(ms[i - 1]!);
        if (i > 0 && ms[i] === ms[i - 1]) ties++;
      }
    }
    expect(ties).toBeGreaterThan(0);
    expect(ties).toBeLessThan(4000 * 0.1);
  });

  it('has unique uuids across all types', () => {
    const all = store.groundTruth();
    expect(new Set(all.map((r) => r.uuid)).size).toBe(all.length);
  });

  it.each(['FLIGHT', 'RAIL'] as SandboxBookingType[])('%s records have a segment from origin to a different destination', (type) => {
    for (const r of store.groundTruth(type)) {
      const origin = r.origin as { airportCode: string };
      const destination = r.destination as { airportCode: string };
      const segments = r.segments as Array<Record<string, any>>;
      expect(segments.length).toBeGreaterThanOrEqual(1);
      expect(origin.airportCode).not.toBe(destination.airportCode);
      expect(segments[0]!.departure.airportCode).toBe(origin.airportCode);
      expect(segments[segments.length - 1]!.arrival.airportCode).toBe(destination.airportCode);
      expect(segments[0]!.endTimestamp).toBeGreaterThan(segments[0]!.startTimestamp);
      expect(r.numberOfPassengers).toBe((r.passengers as unknown[]).length);
    }
  });

  it('HOTEL records have stay fields consistent with the booking dates', () => {
    for (const r of store.groundTruth('HOTEL')) {
      const hotel = r.hotel as { checkIn: string; checkOut: string; nights: number; name: string };
      expect(r.segments).toBeUndefined();
      expect(hotel.name).toEqual(expect.any(String));
      expect(hotel.checkIn).toBe(r.startDate);
      expect(hotel.checkOut).toBe(r.endDate);
      expect((Date.parse(hotel.checkOut) - Date.parse(hotel.checkIn)) / 86_400_000).toBe(hotel.nights);
      expect(hotel.nights).toBe(r.bookingDuration);
      expect(r.numberOfPassengers).toBe(1);
    }
  });

  it('CAR records pick up and drop off at the same place and have no segments or hotel', () => {
    for (const r of store.groundTruth('CAR')) {
      expect(r.origin).toEqual(r.destination);
      expect(r.segments).toBeUndefined();
      expect(r.hotel).toBeUndefined();
    }
  });

  it('prices add up: grandTotal = basePrice + tax + bookingFee, and usdGrandTotal follows the rate', () => {
    for (const r of store.groundTruth().slice(0, 1000)) {
      const sum = (r.basePrice as number) + (r.tax as number) + (r.bookingFee as number);
      expect(r.grandTotal).toBeCloseTo(sum, 2);
      expect(r.usdGrandTotal).toBeCloseTo((r.grandTotal as number) / (r.currencyExchangeRateFromUsd as number), 1);
    }
  });
});
