import nock from 'nock';
import { OAuth2ClientCredentials } from '../../src/auth/oauth2.js';
import { resolveConfig } from '../../src/config/load-config.js';
import type { TapConfig } from '../../src/config/options.js';
import { ApiDataError, HttpError } from '../../src/errors.js';
import { AdaptiveLimiter } from '../../src/http/adaptive-limiter.js';
import { BookingsApi, parsePage, type Page, type PageRequest } from '../../src/http/bookings-api.js';
import { UnusableBody } from '../../src/http/request-with-retries.js';
import { Transport } from '../../src/http/transport.js';
import { memoryLogger } from '../support/quiet-logger.js';

const BASE = 'https://api.unit.test';
const FROM = Date.UTC(2025, 0, 2, 3, 4, 5, 678); // not a whole second: rounded down
const TO = Date.UTC(2025, 0, 3, 0, 0, 0, 1); // rounded up
const REQ: PageRequest = { bookingType: 'HOTEL', page: 2, from: FROM, to: TO };
const ISO_QUERY = { bookingType: 'HOTEL', page: '2', size: '25', updatedFrom: '2025-01-02T03:04:05Z', updatedTo: '2025-01-03T00:00:01Z' };
const PAGE_BODY = { data: [{ uuid: 'a' }, { uuid: 'b' }], page: { totalPages: 4, totalElements: 77, pageSize: 25 } };

let transport: Transport;
let tokenCount: number;

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());
beforeEach(() => {
  transport = new Transport({ timeoutMs: 5000, userAgent: 'unit-test', maxSockets: 4 });
  tokenCount = 0;
});
afterEach(() => {
  transport.close();
  nock.cleanAll();
});

/** Token endpoint that issues tok-1, tok-2, ... */
function tokenEndpoint() {
  return nock(BASE)
    .post('/oauth/token')
    .times(10)
    .reply(() => [200, { access_token: `tok-${++tokenCount}`, expires_in: 3600 }]);
}

function makeApi(overrides: Partial<TapConfig> = {}) {
  const base = resolveConfig({ base_url: BASE, client_id: 'cid-1234', client_secret: 'csecret-5678', start_date: '2024-01-01', page_size: 25 }, 'unit');
  const config: TapConfig = { ...base, maxRetries: 2, backoffFactor: 0.001, maxRetryWaitSeconds: 5, ...overrides };
  const logger = memoryLogger();
  const auth = new OAuth2ClientCredentials({ tokenUrl: config.tokenUrl, clientId: config.clientId, clientSecret: config.clientSecret, method: 'body', retry: config }, transport, logger);
  const limiter = new AdaptiveLimiter(4);
  const observed: Array<number | string> = [];
  const api = new BookingsApi(config, transport, auth, limiter, logger, (e) => observed.push(e.status));
  return { api, logger, limiter, observed, auth };
}

describe('BookingsApi query', () => {
  it('sends bookingType, page, size and the window as YYYY-MM-DDTHH:MM:SSZ by default', async () => {
    tokenEndpoint();
    const scope = nock(BASE).get('/v1/bookings').query(ISO_QUERY).matchHeader('authorization', 'Bearer tok-1').reply(200, PAGE_BODY);
    const { api } = makeApi();
    const { rawRecords, ...page } = await api.fetchPage(REQ);
    expect(scope.isDone()).toBe(true);
    expect(page).toEqual({ page: 2, records: [{ uuid: 'a' }, { uuid: 'b' }], totalPages: 4, totalElements: 77, pageSize: 25 });
    // The records' bytes as received, for the writers to copy.
    expect(rawRecords?.map((b) => Buffer.from(b).toString())).toEqual(['{"uuid":"a"}', '{"uuid":"b"}']);
  });

  it('sends epoch seconds when window_format is epoch_seconds', () => {
    const { api } = makeApi({ windowFormat: 'epoch_seconds' });
    expect(api.query(REQ)).toEqual({ ...ISO_QUERY, updatedFrom: String(Math.floor(FROM / 1000)), updatedTo: String(Math.ceil(TO / 1000)) });
  });

  it('sends epoch millis (whole seconds) when window_format is epoch_millis', async () => {
    tokenEndpoint();
    const query = { ...ISO_QUERY, updatedFrom: String(Math.floor(FROM / 1000) * 1000), updatedTo: String(Math.ceil(TO / 1000) * 1000) };
    const scope = nock(BASE).get('/v1/bookings').query(query).reply(200, PAGE_BODY);
    await makeApi({ windowFormat: 'epoch_millis' }).api.fetchPage(REQ);
    expect(scope.isDone()).toBe(true);
  });

  it('uses the configured window parameter names and leaves out one that is switched off (null)', async () => {
    tokenEndpoint();
    const scope = nock(BASE).get('/v1/bookings').query({ bookingType: 'HOTEL', page: '2', size: '25', modifiedSince: '2025-01-02T03:04:05Z' }).reply(200, PAGE_BODY);
    const { api } = makeApi({ windowFromParam: 'modifiedSince', windowToParam: null });
    await api.fetchPage(REQ);
    expect(scope.isDone()).toBe(true);
    expect(Object.keys(makeApi({ windowFromParam: null, windowToParam: null }).api.query(REQ)).sort()).toEqual(['bookingType', 'page', 'size']);
  });
});

describe('BookingsApi turn', () => {
  it('receives a page at once but parses it, and resolves, only when its turn comes', async () => {
    tokenEndpoint();
    const scope = nock(BASE).get('/v1/bookings').query(true).reply(200, PAGE_BODY);
    const { api } = makeApi();
    let open!: () => void;
    const turn = new Promise<void>((resolve) => (open = resolve));
    let settled = false;
    let received = false;
    const pending = api.fetchPage({ ...REQ, turn: () => ((received = true), turn) }).then((p) => ((settled = true), p));
    for (let i = 0; i < 50 && !scope.isDone(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(scope.isDone()).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    expect(received).toBe(true);
    expect(settled).toBe(false);
    open();
    await expect(pending).resolves.toMatchObject({ records: [{ uuid: 'a' }, { uuid: 'b' }] });
  });
});

describe('BookingsApi retries', () => {
  it('retries a 503 and then succeeds', async () => {
    tokenEndpoint();
    nock(BASE).get('/v1/bookings').query(true).reply(503, 'Service Unavailable');
    nock(BASE).get('/v1/bookings').query(true).reply(200, PAGE_BODY);
    const { api, observed } = makeApi();
    await expect(api.fetchPage(REQ)).resolves.toMatchObject({ records: [{ uuid: 'a' }, { uuid: 'b' }] });
    expect(observed).toEqual([503, 200]);
    expect(api.stats.retries).toBe(1);
    expect(api.requests).toBe(2);
  });

  it('waits as long as Retry-After says on a 429 and halves the concurrency limit', async () => {
    tokenEndpoint();
    nock(BASE).get('/v1/bookings').query(true).reply(429, 'slow down', { 'Retry-After': '0.3' });
    nock(BASE).get('/v1/bookings').query(true).reply(200, PAGE_BODY);
    const { api, logger, limiter } = makeApi();
    const started = Date.now();
    await api.fetchPage(REQ);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280); // backoff alone would be 1 ms
    expect(logger.lines.join('\n')).toMatch(/HTTP 429; retry 1 of 2 in 0\.30 s/);
    expect(limiter.limit).toBe(2);
  });

  it('fails at once on a 400 with an error naming the request URL but not the token', async () => {
    tokenEndpoint();
    nock(BASE).get('/v1/bookings').query(true).once().reply(400, { message: 'bad bookingType' });
    const { api, observed } = makeApi();
    const err = (await api.fetchPage(REQ).catch((e: unknown) => e)) as HttpError;
    expect(err).toBeInstanceOf(HttpError);
    expect(err.statusCode).toBe(400);
    expect(err.failureType).toBe('config_error');
    expect(err.message).toContain(`GET ${BASE}/v1/bookings?bookingType=HOTEL&page=2&size=25&updatedFrom=2025-01-02T03%3A04%3A05Z`);
    expect(err.message).toContain('HTTP 400');
    expect(err.message).toContain('bad bookingType');
    expect(err.message).not.toContain('tok-1');
    expect(observed).toEqual([400]);
  });

  it('on a 401 fetches a new token once and retries with it', async () => {
    tokenEndpoint();
    nock(BASE).get('/v1/bookings').query(true).matchHeader('authorization', 'Bearer tok-1').reply(401, { error: 'expired' });
    const retried = nock(BASE).get('/v1/bookings').query(true).matchHeader('authorization', 'Bearer tok-2').reply(200, PAGE_BODY);
    const { api, auth, logger } = makeApi();
    await expect(api.fetchPage(REQ)).resolves.toMatchObject({ page: 2 });
    expect(retried.isDone()).toBe(true);
    expect(auth.tokenRequests).toBe(2);
    expect(api.stats.retries).toBe(0); // a refresh is not counted as a retry
    expect(logger.lines.join('\n')).toMatch(/HTTP 401, fetching a new access token and retrying once/);
  });

  it('fails when the API answers 401 again with the fresh token', async () => {
    tokenEndpoint();
    const bookings = nock(BASE).get('/v1/bookings').query(true).twice().reply(401, { error: 'nope' });
    const { api, auth } = makeApi();
    const err = (await api.fetchPage(REQ).catch((e: unknown) => e)) as HttpError;
    expect(err).toBeInstanceOf(HttpError);
    expect(err.message).toMatch(/rejected a freshly issued token/);
    expect(err.message).not.toMatch(/tok-\d/);
    expect(auth.tokenRequests).toBe(2);
    expect(bookings.isDone()).toBe(true);
  });

  it('retries a 200 whose body has no "data" key, then fails with ApiDataError', async () => {
    tokenEndpoint();
    const bookings = nock(BASE).get('/v1/bookings').query(true).times(3).reply(200, { items: [] });
    const { api } = makeApi();
    const err = (await api.fetchPage(REQ).catch((e: unknown) => e)) as ApiDataError;
    expect(err).toBeInstanceOf(ApiDataError);
    expect(err.message).toMatch(/^GET https:\/\/api\.unit\.test\/v1\/bookings\?.* failed after 2 retries: the response has no "data" key: \{"items":\[\]\}\.$/);
    expect(bookings.isDone()).toBe(true);
    expect(api.requests).toBe(3);
  });

  it('recovers when a bad body is followed by a good one', async () => {
    tokenEndpoint();
    nock(BASE).get('/v1/bookings').query(true).reply(200, '<html>gateway</html>', { 'content-type': 'text/html' });
    nock(BASE).get('/v1/bookings').query(true).reply(200, PAGE_BODY);
    const { api } = makeApi();
    await expect(api.fetchPage(REQ)).resolves.toMatchObject({ totalElements: 77 });
    expect(api.stats.retries).toBe(1);
  });
});

describe('parsePage', () => {
  const reason = (body: string) => {
    const r = parsePage(body, 0);
    return r instanceof UnusableBody ? r.reason : undefined;
  };

  it('reports each unusable shape with a clear reason', () => {
    expect(reason('<!doctype html><p>oops')).toMatch(/HTML page instead of JSON/);
    expect(reason('{"data": [')).toMatch(/not valid JSON/);
    expect(reason('[1,2]')).toMatch(/not a JSON object/);
    expect(reason('{"content": []}')).toMatch(/no "data" key/);
    expect(reason('{"data": {"uuid": "a"}}')).toMatch(/"data" in the response is not an array/);
  });

  it('treats "data": null as an empty page and reads totals from the top level when there is no "page" object', () => {
    expect(parsePage('{"data": null, "totalPages": "3", "totalElements": 0, "size": 10}', 5)).toEqual({
      page: 5, records: [], totalPages: 3, totalElements: 0, pageSize: 10,
    });
  });

  it('from bytes, parses record by record and returns each record\'s bytes aligned with the parsed records', () => {
    const text = '{"page":{"totalPages":1,"totalElements":2},"data":[{"uuid":"a","name":"Zoë 東京"}, {"uuid":"b","n":1.50}]}';
    const page = parsePage(Buffer.from(text), 0) as Page;
    expect(page).toMatchObject({ records: [{ uuid: 'a', name: 'Zoë 東京' }, { uuid: 'b', n: 1.5 }], totalPages: 1, totalElements: 2 });
    expect(page.rawRecords?.map((b) => Buffer.from(b).toString())).toEqual(['{"uuid":"a","name":"Zoë 東京"}', '{"uuid":"b","n":1.50}']);
  });

  it('parses the whole text, and leaves the raw records out, when the records cannot be copied', () => {
    const pretty = JSON.stringify({ data: [{ uuid: 'a' }], page: { totalPages: 1 } }, null, 2);
    expect(parsePage(Buffer.from(pretty), 0)).toEqual({ page: 0, records: [{ uuid: 'a' }], totalPages: 1, totalElements: undefined, pageSize: undefined, rawRecords: undefined });
    expect((parsePage('{"data":[{"uuid":"a"}]}', 0) as Page).rawRecords).toBeUndefined();
    expect((parsePage(Buffer.from('{"data":[]}'), 0) as Page).rawRecords).toBeUndefined();
  });

  it('from bytes, gives what the whole text gives when a later key spelled with escapes overrides "data"', () => {
    const text = '{"data":[{"uuid":"a"}],"page":{"totalPages":1},"d\\u0061ta":[]}';
    expect(JSON.parse(text).data).toEqual([]);
    expect(parsePage(Buffer.from(text), 0)).toMatchObject({ records: [], totalPages: 1, rawRecords: undefined });
  });

  it('from bytes, reports a broken record, broken totals or an HTML page as the whole-text path does', () => {
    const reasonOf = (text: string) => (parsePage(Buffer.from(text), 0) as UnusableBody).reason;
    expect(reasonOf('{"data":[{"uuid":"a"},{"uuid":"b",}]}')).toMatch(/not valid JSON/);
    expect(reasonOf('{"page":{"totalPages":},"data":[{"uuid":"a"}]}')).toMatch(/not valid JSON/);
    expect(reasonOf('{"data":[{"uuid":"a"}')).toMatch(/not valid JSON/);
    expect(reasonOf('<html><body>Bad gateway</body></html>')).toMatch(/HTML page instead of JSON/);
    expect(reasonOf('{"content":[]}')).toMatch(/no "data" key/);
  });

  it('leaves totals undefined when the API does not report them or reports nonsense', () => {
    expect(parsePage('{"data": [], "page": {"totalPages": -1, "totalElements": 1.5}}', 0)).toEqual({
      page: 0, records: [], totalPages: undefined, totalElements: undefined, pageSize: undefined,
    });
  });
});
