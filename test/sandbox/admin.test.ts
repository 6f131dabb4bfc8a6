import type { Sandbox } from '../../src/sandbox/index.js';
import { admin, allPages, bookings, page, start, token, ISO_MS_UTC, type Booking } from './helpers.js';

describe('admin API', () => {
  let sandbox: Sandbox;
  let bearer: string;
  beforeEach(async () => {
    sandbox = await start({ records: 500, seed: 21 });
    bearer = await token(sandbox);
  });
  afterEach(() => sandbox.stop());

  const byUuid = (records: Array<Record<string, unknown>>) => new Map(records.map((r) => [r.uuid as string, r]));

  it('GET /records returns the ground truth as JSON, per type, and as NDJSON', async () => {
    const all = await admin(sandbox, 'GET', '/records');
    expect(all.status).toBe(200);
    expect(all.json).toEqual(sandbox.store.groundTruth());
    expect(all.json).toHaveLength(500);
    const hotels = await admin(sandbox, 'GET', '/records?bookingType=HOTEL');
    expect(hotels.json).toEqual(sandbox.store.groundTruth('HOTEL'));
    const res = await fetch(`${sandbox.url}/__admin/records?bookingType=CAR&format=ndjson`);
    expect(res.headers.get('content-type')).toBe('application/x-ndjson');
    const lines = (await res.text()).trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual(sandbox.store.groundTruth('CAR'));
  });

  it('POST /mutate changes K records: same uuids, new lastModified (now), changed fields, served by the API', async () => {
    const before = byUuid(sandbox.store.groundTruth('FLIGHT'));
    const t0 = Date.now();
    const res = await admin(sandbox, 'POST', '/mutate', { count: 5, bookingType: 'FLIGHT' });
    expect(res.status).toBe(200);
    const changed = res.json.changed as string[];
    expect(changed).toHaveLength(5);
    expect(new Set(changed).size).toBe(5);
    const after = byUuid(sandbox.store.groundTruth('FLIGHT'));
    expect(after.size).toBe(before.size);
    const stamps = new Set<string>();
    for (const uuid of changed) {
      const old = before.get(uuid)!;
      const now = after.get(uuid)!;
      expect(now.lastModified).toMatch(ISO_MS_UTC);
      expect(Date.parse(now.lastModified as string)).toBeGreaterThanOrEqual(t0);
      expect(Date.parse(now.lastModified as string)).toBeGreaterThan(Date.parse(old.lastModified as string));
      const { lastModified: _a, cancelledAt: _b, ...rest } = now;
      const { lastModified: _c, cancelledAt: _d, ...oldRest } = old;
      expect(rest).not.toEqual(oldRest);
      stamps.add(now.lastModified as string);
    }
    expect(stamps.size).toBe(5); // every change gets its own lastModified
    for (const [uuid, r] of before) if (!changed.includes(uuid)) expect(after.get(uuid)).toEqual(r);
    // The API serves the new versions, last in time order, and a window from t0 holds exactly them.
    const served = await allPages(sandbox, bearer, { bookingType: 'FLIGHT' }, 100);
    expect(served.slice(-5).map((r) => r.uuid)).toEqual(changed);
    const recent = await allPages(sandbox, bearer, { bookingType: 'FLIGHT', updatedFrom: new Date(t0).toISOString() }, 100);
    expect(recent).toEqual(changed.map((u) => after.get(u)));
  });

  it('POST /insert adds K new records with lastModified now, to the ground truth and the API', async () => {
    const before = sandbox.store.groundTruth('HOTEL');
    const t0 = Date.now();
    const res = await admin(sandbox, 'POST', '/insert', { count: 4, bookingType: 'HOTEL' });
    const inserted = res.json.inserted as string[];
    expect(inserted).toHaveLength(4);
    const known = new Set(sandbox.store.groundTruth().map((r) => r.uuid));
    const oldUuids = new Set(before.map((r) => r.uuid));
    for (const u of inserted) {
      expect(oldUuids.has(u)).toBe(false);
      expect(known.has(u)).toBe(true);
    }
    const after = sandbox.store.groundTruth('HOTEL');
    expect(after).toHaveLength(before.length + 4);
    const body = await page(sandbox, bearer, { bookingType: 'HOTEL', updatedFrom: new Date(t0).toISOString() });
    expect(body.data.map((r) => r.uuid)).toEqual(inserted);
    for (const r of body.data) expect(r.bookingType).toBe('HOTEL');
    expect(body.page!.totalElements).toBe(4);
  });

  it('mutate and insert without a type spread over the types present; count defaults to 1', async () => {
    const counts = sandbox.stats().records;
    const ins = await admin(sandbox, 'POST', '/insert', { count: 8 });
    const types = new Set(sandbox.store.groundTruth().filter((r) => (ins.json.inserted as string[]).includes(r.uuid as string)).map((r) => r.bookingType));
    expect(types).toEqual(new Set(['FLIGHT', 'HOTEL', 'CAR', 'RAIL']));
    expect((await admin(sandbox, 'POST', '/mutate')).json.changed).toHaveLength(1);
    const stats = (await admin(sandbox, 'GET', '/stats')).json;
    expect(stats.records).toEqual({ FLIGHT: counts.FLIGHT! + 2, HOTEL: counts.HOTEL! + 2, CAR: counts.CAR! + 2, RAIL: counts.RAIL! + 2 });
    expect(stats).toMatchObject({ inserts: 8, mutations: 1 });
  });

  it('GET/POST/DELETE /faults read, replace and clear the fault plan', async () => {
    expect((await admin(sandbox, 'GET', '/faults')).json).toEqual({ remainingScript: 0, remainingTokenScript: 0, injected: 0 });
    const set = await admin(sandbox, 'POST', '/faults', { script: [503, 'ok'], latencyMs: 1 });
    expect(set.json).toMatchObject({ script: [503, 'ok'], latencyMs: 1, remainingScript: 2 });
    expect((await bookings(sandbox, bearer, { bookingType: 'FLIGHT' })).status).toBe(503);
    expect((await admin(sandbox, 'GET', '/faults')).json).toMatchObject({ remainingScript: 1, injected: 1 });
    await admin(sandbox, 'POST', '/faults', { script: [500] });
    expect((await admin(sandbox, 'GET', '/faults')).json).not.toHaveProperty('latencyMs'); // replaced, not merged
    expect((await admin(sandbox, 'DELETE', '/faults')).json).toMatchObject({ remainingScript: 0 });
    expect((await bookings(sandbox, bearer, { bookingType: 'FLIGHT' })).status).toBe(200);
  });

  it('POST /schedule mutates and inserts after every N API requests, at most M times; DELETE stops it', async () => {
    const sched = await admin(sandbox, 'POST', '/schedule', { every: 2, mutate: 1, insert: 2, times: 2, bookingType: 'CAR' });
    expect(sched.json.schedule).toMatchObject({ every: 2, times: 2 });
    const cars = sandbox.stats().records.CAR!;
    const hit = () => bookings(sandbox, bearer, { bookingType: 'FLIGHT' }).then((r) => r.text());
    await hit();
    expect(sandbox.stats()).toMatchObject({ mutations: 0, inserts: 0 });
    await hit();
    expect(sandbox.stats()).toMatchObject({ mutations: 1, inserts: 2 });
    for (let i = 0; i < 6; i++) await hit();
    expect(sandbox.stats()).toMatchObject({ mutations: 2, inserts: 4 });
    expect(sandbox.stats().records.CAR).toBe(cars + 4);
    await admin(sandbox, 'POST', '/schedule', { every: 1, insert: 1 });
    await hit();
    expect(sandbox.stats().inserts).toBe(5);
    expect((await admin(sandbox, 'DELETE', '/schedule')).json).toEqual({ schedule: null });
    await hit();
    expect(sandbox.stats().inserts).toBe(5);
  });

  it('POST /reset removes faults and the schedule but keeps the data', async () => {
    await admin(sandbox, 'POST', '/mutate', { count: 3 });
    const truth = sandbox.store.groundTruth();
    await admin(sandbox, 'POST', '/faults', { rate: { '500': 1 }, tokenScript: [503] });
    await admin(sandbox, 'POST', '/schedule', { every: 1, insert: 1 });
    expect((await admin(sandbox, 'POST', '/reset')).json).toEqual({ reset: true });
    expect((await admin(sandbox, 'GET', '/faults')).json).toMatchObject({ remainingScript: 0, remainingTokenScript: 0 });
    const res = await bookings(sandbox, bearer, { bookingType: 'FLIGHT' });
    expect(res.status).toBe(200);
    expect(sandbox.store.groundTruth()).toEqual(truth); // no scheduled insert either
    expect(sandbox.stats().mutations).toBe(3);
  });

  it('GET /stats reports requests, pages, tokens, statuses, faults, changes and record counts', async () => {
    await admin(sandbox, 'POST', '/faults', { script: [429] });
    await (await bookings(sandbox, bearer, { bookingType: 'FLIGHT' })).text();
    await (await bookings(sandbox, bearer, { bookingType: 'FLIGHT' })).text();
    await (await bookings(sandbox, 'bogus', { bookingType: 'FLIGHT' })).text();
    await admin(sandbox, 'POST', '/insert', { count: 2, bookingType: 'RAIL' });
    const stats = (await admin(sandbox, 'GET', '/stats')).json;
    const counts = sandbox.store.groundTruth().reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.bookingType as string]: (acc[r.bookingType as string] ?? 0) + 1 }), {});
    expect(stats).toEqual({
      apiRequests: 3, pagesServed: 1, tokenRequests: 1, tokensIssued: 1, byStatus: expect.objectContaining({ 200: expect.any(Number), 401: 1, 429: 1 }),
      faultsInjected: 1, mutations: 0, inserts: 2, records: counts,
    });
    expect(stats.byStatus['200']).toBeGreaterThanOrEqual(1);
  });

  it('answers a malformed admin JSON body with a JSON 500, and keeps serving', async () => {
    const res = await fetch(`${sandbox.url}/__admin/mutate`, { method: 'POST', body: '{not json' });
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: string }).error).toBe('sandbox_error');
    expect(sandbox.stats().mutations).toBe(0);
    expect((await page(sandbox, bearer, { bookingType: 'FLIGHT' })).data.length).toBe(20);
  });
});

describe('Sandbox handle', () => {
  it('tapConfig points at the sandbox with its credentials, and overrides win', async () => {
    const sandbox = await start({ records: 50, bookingTypes: { CAR: 1 } });
    try {
      expect(sandbox.url).toBe(`http://127.0.0.1:${sandbox.port}`);
      expect(sandbox.tapConfig({ page_size: 7 })).toEqual({
        base_url: sandbox.url, client_id: 'sandbox-client', client_secret: 'sandbox-secret', start_date: '2024-01-01T00:00:00.000Z',
        booking_types: ['CAR'], page_size: 7, first_page: 0,
      });
    } finally {
      await sandbox.stop();
    }
    await expect(fetch(`${sandbox.url}/__admin/stats`)).rejects.toThrow();
  });
});
