import { readFileSync } from 'node:fs';
import type { Sandbox } from '../../src/sandbox/index.js';
import { createAjv } from '../../src/util/ajv.js';
import { bookings, page, start, token, ISO_MS_UTC } from './helpers.js';

/** Heap plus typed-array backing stores (the store's index lives in ArrayBuffers, outside the JS heap). */
const used = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const MB = 1024 * 1024;

describe('a store of 1,000,000 records', () => {
  let sandbox: Sandbox;
  let bearer: string;
  let before: number;
  let growth: number;

  // How fast the store starts and serves is measured by npm run bench, not here: a busy machine must not fail a test.
  beforeAll(async () => {
    before = used();
    sandbox = await start({ records: 1_000_000, seed: 42 });
    bearer = await token(sandbox);
    growth = used() - before;
  });
  afterAll(() => sandbox.stop());

  it('holds all the records, its start-up growing the heap by under 150 MB', () => {
    const counts = sandbox.stats().records;
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(1_000_000);
    expect(counts.FLIGHT!).toBeGreaterThan(450_000);
    expect(growth / MB).toBeLessThan(150);
  });

  it('serves a page from the middle, sorted and schema-valid, with heap growth under 150 MB', async () => {
    const size = 200;
    const first = await page(sandbox, bearer, { bookingType: 'FLIGHT', size });
    const total = first.page!.totalElements;
    expect(total).toBe(sandbox.stats().records.FLIGHT);
    const middle = Math.floor(first.page!.totalPages / 2);
    const body = await page(sandbox, bearer, { bookingType: 'FLIGHT', page: middle, size });
    const next = await page(sandbox, bearer, { bookingType: 'FLIGHT', page: middle + 1, size });
    expect(body.page).toEqual({ currentPage: middle, pageSize: size, totalPages: Math.ceil(total / size), totalElements: total });
    expect(body.data).toHaveLength(size);
    const validate = createAjv({ strict: true, allowUnionTypes: true }).compile(JSON.parse(readFileSync('src/schema/bookings.schema.json', 'utf8')));
    const ms = [...body.data, ...next.data].map((r) => {
      expect(r.bookingType).toBe('FLIGHT');
      expect(r.lastModified).toMatch(ISO_MS_UTC);
      expect(validate(r)).toBe(true);
      return Date.parse(r.lastModified);
    });
    for (let i = 1; i < ms.length; i++) expect(ms[i]!).toBeGreaterThanOrEqual(ms[i - 1]!);
    expect(new Set([...body.data, ...next.data].map((r) => r.uuid)).size).toBe(2 * size);
    // The middle of the data is the middle of the time range (2024-01-01 .. 2025-07-01).
    expect(new Date(ms[0]!).toISOString() > '2024-08-01' && new Date(ms[0]!).toISOString() < '2024-11-01').toBe(true);
    expect((used() - before) / MB).toBeLessThan(150); // after start-up and paging
  });

  it('agrees with a window query: records from the middle page\'s first lastModified on are the rest of the type', async () => {
    const size = 200;
    const total = sandbox.stats().records.FLIGHT!;
    const middle = Math.floor(Math.ceil(total / size) / 2);
    const body = await page(sandbox, bearer, { bookingType: 'FLIGHT', page: middle, size });
    const from = body.data[0]!.lastModified;
    const tail = await page(sandbox, bearer, { bookingType: 'FLIGHT', updatedFrom: from, size });
    // Records before the page that share its first lastModified (ties) are in the window too: k of them, a few at most.
    const k = tail.page!.totalElements - (total - middle * size);
    expect(k).toBeGreaterThanOrEqual(0);
    expect(k).toBeLessThan(10);
    expect(tail.data[0]!.lastModified).toBe(from);
    expect(tail.data.slice(k)).toEqual(body.data.slice(0, size - k));
  });

  it('can mutate and insert in the big store, and the changes are served last', async () => {
    const changed = sandbox.store.mutate(3, 'FLIGHT');
    const added = sandbox.store.insert(2, 'FLIGHT');
    const total = sandbox.stats().records.FLIGHT!;
    const res = await bookings(sandbox, bearer, { bookingType: 'FLIGHT', page: Math.ceil(total / 100) - 1, size: 100 });
    const last = ((await res.json()) as { data: Array<{ uuid: string }> }).data.slice(-5).map((r) => r.uuid);
    expect(last).toEqual([...changed, ...added].map((r) => r.uuid));
  });
});
