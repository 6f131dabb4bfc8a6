import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
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
    expect(seq(123).filter((x) => !(x >= 0 && x < 1))).toEqual([]);
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
    expect(ids.filter((u) => !/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(u))).toEqual([]);
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
    // Compared as text: the same records, fields and field order (a deep toEqual of 2,000 records takes seconds).
    expect(JSON.stringify(a.groundTruth()) === JSON.stringify(b.groundTruth())).toBe(true);
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
  // Records are built on demand: build them once for the whole describe.
  const all = store.groundTruth();
  const ofType = (type: SandboxBookingType) => all.filter((r) => r.bookingType === type);
  /** The uuids of the records that break a rule: each rule is one expect over all records, not one per record. */
  const breaking = (records: Array<Record<string, unknown>>, ok: (r: Record<string, any>) => boolean) => records.filter((r) => !ok(r)).map((r) => r.uuid);
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
    const records = ofType(type);
    expect(records.length).toBeGreaterThan(0);
    for (const r of records) {
      const id = String(r.uuid);
      if (!validate(r)) throw new Error(`${id}: ${ajv.errorsText(validate.errors)}`);
    }
    expect(breaking(records, (r) => r.bookingType === type)).toEqual([]);
  });

  it.each(BOOKING_TYPES)('every %s record uses only fields the schema declares (nested too)', (type) => {
    for (const r of ofType(type)) {
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
    expect(breaking(all, (r) => ISO_MS_UTC.test(r.lastModified) && ISO_MS_UTC.test(r.created) && Date.parse(r.created) <= Date.parse(r.lastModified))).toEqual([]);
    const cancelled = all.filter((r) => r.cancelledAt !== null);
    expect(cancelled.length).toBeGreaterThan(0);
    expect(breaking(cancelled, (r) => ISO_MS_UTC.test(r.cancelledAt) && r.bookingStatus === 'CANCELLED')).toEqual([]);
  });

  it('keeps lastModified inside the data window, in non-decreasing order per type, with a few ties', () => {
    const opts = storeOptions();
    let ties = 0;
    const problems: string[] = [];
    for (const t of BOOKING_TYPES) {
      const ms = ofType(t).map((r) => Date.parse(r.lastModified as string));
      for (let i = 0; i < ms.length; i++) {
        if (!(ms[i]! >= opts.from && ms[i]! < opts.to)) problems.push(`${t} ${i}: outside the data window`);
        if (i > 0 && ms[i]! < ms[i - 1]!) problems.push(`${t} ${i}: before the record ahead of it`);
        if (i > 0 && ms[i] === ms[i - 1]) ties++;
      }
    }
    expect(problems).toEqual([]);
    expect(ties).toBeGreaterThan(0);
    expect(ties).toBeLessThan(4000 * 0.1);
  });

  it('has unique uuids across all types', () => {
    expect(new Set(all.map((r) => r.uuid)).size).toBe(all.length);
  });

  it.each(['FLIGHT', 'RAIL'] as SandboxBookingType[])('%s records have a segment from origin to a different destination', (type) => {
    const records = ofType(type);
    expect(records.length).toBeGreaterThan(0);
    expect(breaking(records, (r) => {
      const segments = r.segments as Array<Record<string, any>>;
      return segments.length >= 1 && r.origin.airportCode !== r.destination.airportCode && segments[0]!.departure.airportCode === r.origin.airportCode
        && segments.at(-1)!.arrival.airportCode === r.destination.airportCode && segments[0]!.endTimestamp > segments[0]!.startTimestamp && r.numberOfPassengers === r.passengers.length;
    })).toEqual([]);
  });

  it('HOTEL records have stay fields consistent with the booking dates', () => {
    const hotels = ofType('HOTEL');
    expect(hotels.length).toBeGreaterThan(0);
    expect(breaking(hotels, (r) => {
      const hotel = r.hotel as { checkIn: string; checkOut: string; nights: number; name: string };
      return r.segments === undefined && typeof hotel.name === 'string' && hotel.checkIn === r.startDate && hotel.checkOut === r.endDate
        && (Date.parse(hotel.checkOut) - Date.parse(hotel.checkIn)) / 86_400_000 === hotel.nights && hotel.nights === r.bookingDuration && r.numberOfPassengers === 1;
    })).toEqual([]);
  });

  it('CAR records pick up and drop off at the same place and have no segments or hotel', () => {
    const cars = ofType('CAR');
    expect(cars.length).toBeGreaterThan(0);
    expect(breaking(cars, (r) => isDeepStrictEqual(r.origin, r.destination) && r.segments === undefined && r.hotel === undefined)).toEqual([]);
  });

  it('prices add up: grandTotal = basePrice + tax + bookingFee, and usdGrandTotal follows the rate', () => {
    // toBeCloseTo(x, 2) and (x, 1): a difference under 0.005 and 0.05.
    expect(breaking(all, (r) => Math.abs(r.grandTotal - (r.basePrice + r.tax + r.bookingFee)) < 0.005 && Math.abs(r.usdGrandTotal - r.grandTotal / r.currencyExchangeRateFromUsd) < 0.05)).toEqual([]);
  });
});
