import { Faults } from '../../src/sandbox/faults.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { ManualClock, until } from '../support/clocks.js';
import { admin, bookings, postToken, start, token } from './helpers.js';

describe('Faults (the plan)', () => {
  it('hands out the script in order, then falls back to ok, counting injected faults', () => {
    const f = new Faults(1, { script: [429, 'reset', 'ok', 'html'] });
    expect([f.nextApi(), f.nextApi(), f.nextApi(), f.nextApi(), f.nextApi()]).toEqual([429, 'reset', 'ok', 'html', 'ok']);
    expect(f.injected).toBe(3);
    expect(f.describe()).toMatchObject({ remainingScript: 0, injected: 3 });
  });

  it('uses the rates after the script: probability 1 always, 0 never, and numeric keys become statuses', () => {
    const always = new Faults(1, { script: ['malformed'], rate: { '503': 1 } });
    expect(always.nextApi()).toBe('malformed');
    expect(Array.from({ length: 5 }, () => always.nextApi())).toEqual([503, 503, 503, 503, 503]);
    const never = new Faults(1, { rate: { '500': 0 } });
    expect(Array.from({ length: 50 }, () => never.nextApi()).every((s) => s === 'ok')).toBe(true);
  });

  it('draws random faults at about the given rate, the same way for the same seed', () => {
    const draw = (seed: number) => { const f = new Faults(seed, { rate: { '429': 0.2 } }); return Array.from({ length: 2000 }, () => f.nextApi()); };
    const a = draw(5);
    expect(a).toEqual(draw(5));
    const share = a.filter((s) => s === 429).length / a.length;
    expect(share).toBeGreaterThan(0.15);
    expect(share).toBeLessThan(0.25);
  });

  it('keeps the token script apart from the API script', () => {
    const f = new Faults(1, { script: [500], tokenScript: [503, 503] });
    expect([f.nextToken(), f.nextToken(), f.nextToken()]).toEqual([503, 503, 'ok']);
    expect(f.nextApi()).toBe(500);
  });

  it('update() changes only the given fields and keeps what is left of the script; clear() removes all', () => {
    const f = new Faults(1, { script: [500, 502], latencyMs: 5, retryAfter: '7' });
    f.nextApi();
    f.update({ latencyMs: 50 });
    expect(f.latencyMs).toBe(50);
    expect(f.defaultRetryAfter).toBe('7');
    expect(f.nextApi()).toBe(502);
    f.clear();
    expect(f.latencyMs).toBe(0);
    expect(f.defaultRetryAfter).toBe('1');
    expect(f.describe()).toMatchObject({ remainingScript: 0, remainingTokenScript: 0 });
  });
});

describe('injected faults over HTTP', () => {
  let sandbox: Sandbox;
  let bearer: string;
  /** The sandbox's time: latency and slow answers wait on it, and only the test moves it. */
  const clock = new ManualClock();
  beforeAll(async () => {
    sandbox = await start({ records: 100, clock });
    bearer = await token(sandbox);
  });
  afterAll(() => sandbox.stop());
  afterEach(() => sandbox.faults.clear());

  const get = () => bookings(sandbox, bearer, { bookingType: 'FLIGHT', size: 5 });
  const expectNormal = async (res: Response) => {
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: unknown[] }).data).toHaveLength(5);
  };

  it('scripted 429 carries Retry-After: the default "1", the plan\'s, or the step\'s own', async () => {
    sandbox.faults.set({ script: [429] });
    let res = await get();
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(await res.json()).toEqual({ error: 'rate_limited', message: 'injected HTTP 429' });
    await expectNormal(await get());
    sandbox.faults.set({ script: [429, { status: 429, retryAfter: 'Wed, 21 Oct 2026 07:28:00 GMT' }], retryAfter: '30' });
    expect((await get()).headers.get('retry-after')).toBe('30');
    res = await get();
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('Wed, 21 Oct 2026 07:28:00 GMT');
  });

  it.each([500, 502, 503, 504, 418])('scripted %d is a JSON error without Retry-After, then service resumes', async (status) => {
    sandbox.faults.set({ script: [status] });
    const res = await get();
    expect(res.status).toBe(status);
    expect(res.headers.get('retry-after')).toBeNull();
    expect(await res.json()).toEqual({ error: 'server_error', message: `injected HTTP ${status}` });
    await expectNormal(await get());
  });

  it.each(['malformed', 'truncated'] as const)('%s: status 200, application/json, and a body that does not parse', async (step) => {
    sandbox.faults.set({ script: [step] });
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const text = await res.text();
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    expect(text.startsWith('{"data"')).toBe(true);
    await expectNormal(await get());
  });

  it('html: an HTML error page with status 200', async () => {
    sandbox.faults.set({ script: ['html'] });
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html');
    expect(await res.text()).toMatch(/^<!DOCTYPE html>.*<\/html>$/s);
  });

  it('nodata: a JSON 200 body without data', async () => {
    sandbox.faults.set({ script: ['nodata'] });
    const res = await get();
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).not.toHaveProperty('data');
    expect(body).not.toHaveProperty('page');
  });

  it('reset: the connection is dropped, and the next request is served', async () => {
    sandbox.faults.set({ script: ['reset'] });
    await expect(get()).rejects.toThrow();
    await expectNormal(await get());
    expect(sandbox.stats().byStatus.reset).toBeGreaterThanOrEqual(1);
  });

  /** A request whose answer waits on the sandbox's clock: resolves `answered` once the response is in. */
  const waitingGet = async () => {
    const state = { answered: false };
    const pending = get().then((res) => ((state.answered = true), res));
    await until(() => clock.waiting === 1);
    return { state, pending };
  };

  it('slow and latencyMs delay the answer by exactly that much sandbox time; ok passes through without a wait', async () => {
    sandbox.faults.set({ script: [{ slow: 300 }, 'ok'] });
    let request = await waitingGet();
    await clock.advance(299);
    expect(request.state.answered).toBe(false);
    await clock.advance(1);
    await expectNormal(await request.pending);
    await expectNormal(await get()); // the clock does not move: an answer that waited on it would never come
    expect(clock.waiting).toBe(0);
    sandbox.faults.set({ latencyMs: 200 });
    request = await waitingGet();
    await clock.advance(199);
    expect(request.state.answered).toBe(false);
    await clock.advance(1);
    await expectNormal(await request.pending);
  });

  it('latency covers the work: a page is built when the request arrives and sent when the latency is up', async () => {
    sandbox.faults.set({ latencyMs: 300 });
    const before = sandbox.store.groundTruth('FLIGHT').slice(0, 5);
    const request = await waitingGet(); // built, and waiting for its latency
    sandbox.store.mutate(100, 'FLIGHT'); // while the response waits: it still shows the records as they were
    await clock.advance(299);
    expect(request.state.answered).toBe(false);
    await clock.advance(1);
    const res = await request.pending;
    expect(((await res.json()) as { data: unknown[] }).data).toEqual(before);
    expect(sandbox.store.groundTruth('FLIGHT').slice(0, 5)).not.toEqual(before);
  });

  it('rate 1 fails every request until the faults are cleared', async () => {
    sandbox.faults.set({ rate: { '502': 1 } });
    for (let i = 0; i < 3; i++) expect((await get()).status).toBe(502);
    sandbox.faults.clear();
    await expectNormal(await get());
  });

  it('tokenScript fails token requests in order, then tokens are issued again', async () => {
    sandbox.faults.set({ tokenScript: [503, 503] });
    expect((await postToken(sandbox)).status).toBe(503);
    expect((await postToken(sandbox)).status).toBe(503);
    expect((await postToken(sandbox)).status).toBe(200);
    await expectNormal(await get()); // the API script was not touched
  });

  it('counts injected faults in the stats', async () => {
    const before = sandbox.stats();
    sandbox.faults.set({ script: [500, 'ok', 'html', 429] });
    for (let i = 0; i < 4; i++) await (await get()).text();
    const after = sandbox.stats();
    expect(after.faultsInjected - before.faultsInjected).toBe(3);
    expect(after.byStatus['500']! - (before.byStatus['500'] ?? 0)).toBe(1);
    expect(after.byStatus['429']! - (before.byStatus['429'] ?? 0)).toBe(1);
    expect(after.apiRequests - before.apiRequests).toBe(4);
    expect(after.pagesServed - before.pagesServed).toBe(1);
  });

  it('a plan given at start applies from the first request', async () => {
    const other = await start({ records: 20, faults: { script: [503] } });
    try {
      const t = await token(other);
      expect((await bookings(other, t, { bookingType: 'FLIGHT' })).status).toBe(503);
      expect((await bookings(other, t, { bookingType: 'FLIGHT' })).status).toBe(200);
      expect((await admin(other, 'GET', '/faults')).json).toMatchObject({ script: [503], remainingScript: 0, injected: 1 });
    } finally {
      await other.stop();
    }
  });
});
