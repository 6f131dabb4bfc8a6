import { BOOKING_TYPES } from '../../src/sandbox/generate.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { admin, allPages, bookings, page, start, token } from './helpers.js';

describe('paging', () => {
  let sandbox: Sandbox;
  let bearer: string;
  beforeAll(async () => {
    sandbox = await start({ records: 600, seed: 5 });
    bearer = await token(sandbox);
  });
  afterAll(() => sandbox.stop());

  const uuids = (records: Array<Record<string, unknown>>) => records.map((r) => r.uuid);

  it('serves page/size slices with the documented body shape', async () => {
    const truth = sandbox.store.groundTruth('FLIGHT');
    const body = await page(sandbox, bearer, { bookingType: 'FLIGHT', page: 2, size: 7 });
    expect(Object.keys(body).sort()).toEqual(['data', 'page']);
    expect(body.page).toEqual({ currentPage: 2, pageSize: 7, totalPages: Math.ceil(truth.length / 7), totalElements: truth.length });
    expect(body.data).toEqual(truth.slice(14, 21));
  });

  it('defaults to page 0 and size 20', async () => {
    const truth = sandbox.store.groundTruth('HOTEL');
    const body = await page(sandbox, bearer, { bookingType: 'HOTEL' });
    expect(body.page).toMatchObject({ currentPage: 0, pageSize: 20, totalElements: truth.length });
    expect(uuids(body.data)).toEqual(uuids(truth.slice(0, 20)));
  });

  it('serves a short last page and an empty page past the end, totals unchanged', async () => {
    const n = sandbox.store.groundTruth('CAR').length;
    const size = 9;
    const last = Math.ceil(n / size) - 1;
    const lastPage = await page(sandbox, bearer, { bookingType: 'CAR', page: last, size });
    expect(lastPage.data).toHaveLength(n - last * size);
    const past = await page(sandbox, bearer, { bookingType: 'CAR', page: last + 1, size });
    expect(past.data).toEqual([]);
    expect(past.page).toEqual({ currentPage: last + 1, pageSize: size, totalPages: last + 1, totalElements: n });
  });

  it.each(BOOKING_TYPES)('iterating every %s page yields exactly the ground truth, once each', async (type) => {
    const truth = sandbox.store.groundTruth(type);
    const got = await allPages(sandbox, bearer, { bookingType: type }, 13);
    expect(new Set(uuids(got)).size).toBe(got.length);
    expect(got).toEqual(truth);
  });

  it('allows size up to the maximum (200) and answers a larger one with a JSON 400', async () => {
    expect((await page(sandbox, bearer, { bookingType: 'FLIGHT', size: 200 })).data).toHaveLength(200);
    const res = await bookings(sandbox, bearer, { bookingType: 'FLIGHT', size: 201 });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(await res.json()).toEqual({ error: 'bad_request', message: 'size must be an integer from 1 to 200' });
  });

  it.each([['0'], ['-3'], ['2.5'], ['abc'], ['']])('answers size=%j with 400', async (size) => {
    const res = await bookings(sandbox, bearer, { bookingType: 'FLIGHT', size });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('bad_request');
  });

  it.each([['-1'], ['1.5'], ['x']])('answers page=%j with 400', async (p) => {
    const res = await bookings(sandbox, bearer, { bookingType: 'FLIGHT', page: p });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/page must be an integer >= 0/);
  });

  it.each([[{}], [{ bookingType: 'BUS' }], [{ bookingType: 'flight' }]])('answers bookingType %j with 400', async (params) => {
    const res = await bookings(sandbox, bearer, params as Record<string, string>);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/bookingType must be one of FLIGHT, HOTEL, CAR, RAIL/);
  });

  it('answers unknown paths and methods with a JSON 404', async () => {
    const res = await fetch(`${sandbox.url}/v2/whatever`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: string }).error).toBe('not_found');
    expect((await fetch(`${sandbox.url}/v1/bookings`, { method: 'POST' })).status).toBe(404);
    expect((await admin(sandbox, 'GET', '/nope')).status).toBe(404);
  });

  it('counts API requests and pages served', async () => {
    const before = sandbox.stats();
    await page(sandbox, bearer, { bookingType: 'FLIGHT' });
    await bookings(sandbox, bearer, { bookingType: 'FLIGHT', size: 999 });
    const after = sandbox.stats();
    expect(after.apiRequests - before.apiRequests).toBe(2);
    expect(after.pagesServed - before.pagesServed).toBe(1);
    expect(after.byStatus['400']! - (before.byStatus['400'] ?? 0)).toBe(1);
  });
});

describe('paging options', () => {
  let sandbox: Sandbox | undefined;
  afterEach(async () => {
    await sandbox?.stop();
    sandbox = undefined;
  });

  it('maxPageSize moves the 400 boundary', async () => {
    sandbox = await start({ maxPageSize: 50 });
    const bearer = await token(sandbox);
    expect((await bookings(sandbox, bearer, { bookingType: 'FLIGHT', size: 50 })).status).toBe(200);
    const res = await bookings(sandbox, bearer, { bookingType: 'FLIGHT', size: 51 });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toBe('size must be an integer from 1 to 50');
  });

  it('firstPage 1: page 1 is the first page, page 0 is a 400, the default page is 1, and all pages give the truth', async () => {
    sandbox = await start({ firstPage: 1 });
    const bearer = await token(sandbox);
    const truth = sandbox.store.groundTruth('HOTEL');
    const first = await page(sandbox, bearer, { bookingType: 'HOTEL', page: 1, size: 10 });
    expect(first.page).toMatchObject({ currentPage: 1, totalPages: Math.ceil(truth.length / 10) });
    expect(first.data).toEqual(truth.slice(0, 10));
    expect((await page(sandbox, bearer, { bookingType: 'HOTEL', page: 2, size: 10 })).data).toEqual(truth.slice(10, 20));
    expect((await page(sandbox, bearer, { bookingType: 'HOTEL', size: 10 })).data).toEqual(truth.slice(0, 10));
    expect((await bookings(sandbox, bearer, { bookingType: 'HOTEL', page: 0 })).status).toBe(400);
    expect(await allPages(sandbox, bearer, { bookingType: 'HOTEL' }, 17, 1)).toEqual(truth);
    expect(sandbox.tapConfig().first_page).toBe(1);
  });
});

describe('quirks', () => {
  let sandbox: Sandbox | undefined;
  afterEach(async () => {
    await sandbox?.stop();
    sandbox = undefined;
  });

  it('ignoreWindow: the window parameters are ignored, even unreadable ones', async () => {
    sandbox = await start({ ignoreWindow: true });
    const bearer = await token(sandbox);
    const truth = sandbox.store.groundTruth('FLIGHT');
    const mid = truth[Math.floor(truth.length / 2)]!.lastModified as string;
    const body = await page(sandbox, bearer, { bookingType: 'FLIGHT', updatedFrom: mid, updatedTo: mid, size: 5 });
    expect(body.page!.totalElements).toBe(truth.length);
    expect(body.data).toEqual(truth.slice(0, 5));
    expect((await bookings(sandbox, bearer, { bookingType: 'FLIGHT', updatedFrom: 'garbage' })).status).toBe(200);
  });

  it('ignorePage: every request gets the first page', async () => {
    sandbox = await start({ ignorePage: true });
    const bearer = await token(sandbox);
    const truth = sandbox.store.groundTruth('FLIGHT');
    const third = await page(sandbox, bearer, { bookingType: 'FLIGHT', page: 3, size: 10 });
    expect(third.data).toEqual(truth.slice(0, 10));
    expect(third.page).toMatchObject({ currentPage: 0, pageSize: 10, totalElements: truth.length });
    expect((await bookings(sandbox, bearer, { bookingType: 'FLIGHT', page: 'nonsense' })).status).toBe(200);
  });

  it('omitTotals: the body has data but no page object; paging still works', async () => {
    sandbox = await start({ omitTotals: true });
    const bearer = await token(sandbox);
    const truth = sandbox.store.groundTruth('HOTEL');
    const body = await page(sandbox, bearer, { bookingType: 'HOTEL', page: 1, size: 10 });
    expect(Object.keys(body)).toEqual(['data']);
    expect(body.data).toEqual(truth.slice(10, 20));
    expect(await allPages(sandbox, bearer, { bookingType: 'HOTEL' }, 25)).toEqual(truth);
  });

  it('prettyJson: bodies span several lines and hold the same data', async () => {
    sandbox = await start({ prettyJson: true });
    const bearer = await token(sandbox);
    const res = await bookings(sandbox, bearer, { bookingType: 'FLIGHT', page: 0, size: 5 });
    const text = await res.text();
    expect(text.split('\n').length).toBeGreaterThan(50);
    expect(JSON.parse(text).data).toEqual(sandbox.store.groundTruth('FLIGHT').slice(0, 5));
  });

  it('without quirks, the same requests do honour window and page', async () => {
    sandbox = await start();
    const bearer = await token(sandbox);
    const truth = sandbox.store.groundTruth('FLIGHT');
    expect((await page(sandbox, bearer, { bookingType: 'FLIGHT', page: 3, size: 10 })).data).toEqual(truth.slice(30, 40));
    expect((await bookings(sandbox, bearer, { bookingType: 'FLIGHT', updatedFrom: 'garbage' })).status).toBe(400);
  });
});
