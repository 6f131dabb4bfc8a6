import type { Sandbox } from '../../src/sandbox/index.js';
import { parseWindowValue } from '../../src/sandbox/server.js';
import { allPages, bookings, page, start, token, type Booking } from './helpers.js';

const ms = (r: { lastModified: unknown }) => Date.parse(r.lastModified as string);
/** A lastModified shared by at least two records of the list (the store makes a few percent ties). */
function tiedInstant(records: Booking[]): string {
  for (let i = 1; i < records.length; i++) if (records[i]!.lastModified === records[i - 1]!.lastModified) return records[i]!.lastModified;
  throw new Error('no tie in the data');
}

describe('parseWindowValue', () => {
  it('reads ISO-8601, epoch seconds (up to 10 digits) and epoch milliseconds', () => {
    expect(parseWindowValue('2025-01-02T03:04:05.678Z')).toBe(Date.UTC(2025, 0, 2, 3, 4, 5, 678));
    expect(parseWindowValue('2025-01-02T04:04:05+01:00')).toBe(Date.UTC(2025, 0, 2, 3, 4, 5));
    expect(parseWindowValue('1735787045')).toBe(1735787045000);
    expect(parseWindowValue('1735787045678')).toBe(1735787045678);
    expect(parseWindowValue('0')).toBe(0);
    expect(parseWindowValue('not a date')).toBeUndefined();
  });
});

describe('the updated window (sorted, the default)', () => {
  let sandbox: Sandbox;
  let bearer: string;
  let truth: Booking[];
  beforeAll(async () => {
    sandbox = await start({ records: 1500, seed: 9, tieRate: 0.1 });
    bearer = await token(sandbox);
    truth = sandbox.store.groundTruth('FLIGHT') as Booking[];
  });
  afterAll(() => sandbox.stop());

  const read = (params: Record<string, string | number>) => allPages(sandbox, bearer, { bookingType: 'FLIGHT', ...params }, 200);

  it('serves records sorted by lastModified ascending across pages', async () => {
    const got = await allPages(sandbox, bearer, { bookingType: 'FLIGHT' }, 37);
    expect(got).toHaveLength(truth.length);
    for (let i = 1; i < got.length; i++) expect(ms(got[i]!)).toBeGreaterThanOrEqual(ms(got[i - 1]!));
  });

  it('includes records exactly at updatedFrom (inclusive), ties included', async () => {
    const t = tiedInstant(truth);
    const got = await read({ updatedFrom: t });
    const expected = truth.filter((r) => ms(r) >= Date.parse(t));
    expect(got).toEqual(expected);
    expect(got.filter((r) => r.lastModified === t).length).toBeGreaterThanOrEqual(2);
  });

  it('excludes records exactly at updatedTo (exclusive by default)', async () => {
    const t = tiedInstant(truth);
    const got = await read({ updatedTo: t });
    expect(got).toEqual(truth.filter((r) => ms(r) < Date.parse(t)));
    expect(got.some((r) => r.lastModified === t)).toBe(false);
  });

  it('serves [from, to) with matching totals', async () => {
    const from = truth[100]!.lastModified;
    const to = truth[400]!.lastModified;
    const expected = truth.filter((r) => ms(r) >= Date.parse(from) && ms(r) < Date.parse(to));
    const body = await page(sandbox, bearer, { bookingType: 'FLIGHT', updatedFrom: from, updatedTo: to, size: 50 });
    expect(body.page).toMatchObject({ totalElements: expected.length, totalPages: Math.ceil(expected.length / 50) });
    expect(await read({ updatedFrom: from, updatedTo: to })).toEqual(expected);
  });

  it('gives the same window for ISO, epoch seconds and epoch milliseconds', async () => {
    const fromMs = Math.floor(ms(truth[200]!) / 1000) * 1000;
    const toMs = Math.floor(ms(truth[600]!) / 1000) * 1000;
    const expected = truth.filter((r) => ms(r) >= fromMs && ms(r) < toMs);
    expect(expected.length).toBeGreaterThan(100);
    expect(await read({ updatedFrom: new Date(fromMs).toISOString(), updatedTo: new Date(toMs).toISOString() })).toEqual(expected);
    expect(await read({ updatedFrom: fromMs / 1000, updatedTo: toMs / 1000 })).toEqual(expected);
    expect(await read({ updatedFrom: fromMs, updatedTo: toMs })).toEqual(expected);
  });

  it('gives an empty window when from >= to, and the whole type for an all-covering window', async () => {
    const t = truth[300]!.lastModified;
    const empty = await page(sandbox, bearer, { bookingType: 'FLIGHT', updatedFrom: t, updatedTo: t });
    expect(empty).toEqual({ data: [], page: { currentPage: 0, pageSize: 20, totalPages: 0, totalElements: 0 } });
    expect((await page(sandbox, bearer, { bookingType: 'FLIGHT', updatedFrom: truth[400]!.lastModified, updatedTo: t })).data).toEqual([]);
    const all = await page(sandbox, bearer, { bookingType: 'FLIGHT', updatedFrom: '2000-01-01T00:00:00Z', updatedTo: '2100-01-01T00:00:00Z' });
    expect(all.page!.totalElements).toBe(truth.length);
  });

  it.each([['updatedFrom'], ['updatedTo']])('answers an unreadable %s with a JSON 400', async (param) => {
    const res = await bookings(sandbox, bearer, { bookingType: 'FLIGHT', [param]: 'last tuesday' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('bad_request');
  });
});

describe('window options', () => {
  let sandbox: Sandbox | undefined;
  afterEach(async () => {
    await sandbox?.stop();
    sandbox = undefined;
  });

  it('toInclusive: records exactly at updatedTo are included', async () => {
    sandbox = await start({ records: 1500, seed: 9, tieRate: 0.1, toInclusive: true });
    const bearer = await token(sandbox);
    const truth = sandbox.store.groundTruth('FLIGHT') as Booking[];
    const t = tiedInstant(truth);
    const got = await allPages(sandbox, bearer, { bookingType: 'FLIGHT', updatedTo: t }, 200);
    expect(got).toEqual(truth.filter((r) => ms(r) <= Date.parse(t)));
    expect(got.filter((r) => r.lastModified === t).length).toBeGreaterThanOrEqual(2);
  });

  it('fromParam/toParam rename the window parameters (the old names are then not read)', async () => {
    sandbox = await start({ fromParam: 'modifiedSince', toParam: 'modifiedBefore' });
    const bearer = await token(sandbox);
    const truth = sandbox.store.groundTruth('FLIGHT') as Booking[];
    const from = truth[10]!.lastModified;
    const to = truth[50]!.lastModified;
    const body = await page(sandbox, bearer, { bookingType: 'FLIGHT', modifiedSince: from, modifiedBefore: to, size: 200 });
    expect(body.data).toEqual(truth.filter((r) => ms(r) >= Date.parse(from) && ms(r) < Date.parse(to)));
    expect((await page(sandbox, bearer, { bookingType: 'FLIGHT', updatedFrom: from })).page!.totalElements).toBe(truth.length);
    expect(sandbox.tapConfig()).toMatchObject({ window_from_param: 'modifiedSince', window_to_param: 'modifiedBefore' });
  });

  it('sort none: a stable order that is not by time, still exactly the ground truth, window still applied', async () => {
    sandbox = await start({ records: 800, seed: 4, sort: 'none' });
    const bearer = await token(sandbox);
    const truth = sandbox.store.groundTruth('HOTEL') as Booking[];
    const got = await allPages(sandbox, bearer, { bookingType: 'HOTEL' }, 30);
    const again = await allPages(sandbox, bearer, { bookingType: 'HOTEL' }, 30);
    expect(again.map((r) => r.uuid)).toEqual(got.map((r) => r.uuid));
    expect(got.some((r, i) => i > 0 && ms(r) < ms(got[i - 1]!))).toBe(true);
    expect(got.map((r) => r.uuid)).toEqual(truth.map((r) => r.uuid).sort());
    expect([...got].sort((a, b) => a.uuid.localeCompare(b.uuid))).toEqual([...truth].sort((a, b) => a.uuid.localeCompare(b.uuid)));
    const from = truth[100]!.lastModified;
    const to = truth[200]!.lastModified;
    const windowed = await allPages(sandbox, bearer, { bookingType: 'HOTEL', updatedFrom: from, updatedTo: to }, 30);
    const expected = truth.filter((r) => ms(r) >= Date.parse(from) && ms(r) < Date.parse(to));
    expect(new Set(windowed.map((r) => r.uuid))).toEqual(new Set(expected.map((r) => r.uuid)));
    expect(windowed).toHaveLength(expected.length);
  });

  it('sort none: inserted and mutated records show up in the unsorted order too', async () => {
    sandbox = await start({ records: 300, seed: 4, sort: 'none' });
    const bearer = await token(sandbox);
    await allPages(sandbox, bearer, { bookingType: 'HOTEL' }, 50); // builds the uuid order before the changes
    const changed = [...sandbox.store.mutate(3, 'HOTEL'), ...sandbox.store.insert(4, 'HOTEL')];
    const got = await allPages(sandbox, bearer, { bookingType: 'HOTEL' }, 50);
    const truth = sandbox.store.groundTruth('HOTEL');
    expect(got).toHaveLength(truth.length);
    expect(got.map((r) => r.uuid)).toEqual(truth.map((r) => r.uuid as string).sort());
    for (const c of changed) expect(got.find((r) => r.uuid === c.uuid)).toEqual(c);
  });
});
