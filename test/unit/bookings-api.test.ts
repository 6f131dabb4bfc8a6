import nock from '../support/nock.js';
import { OAuth2ClientCredentials } from '../../src/auth/oauth2.js';
import { resolveConfig } from '../../src/config/load-config.js';
import type { TapConfig } from '../../src/config/options.js';
import { ApiDataError, HttpError, ResponseTooLargeError } from '../../src/errors.js';
import { BookingsApi, type PageRequest } from '../../src/http/bookings-api.js';
import { parsePage, type Page } from '../../src/http/page-body.js';
import { RequestGate } from '../../src/http/request-gate.js';
import { Transport } from '../../src/http/transport.js';
import { ManualClock, settle } from '../support/clocks.js';
import { memoryLogger } from '../support/quiet-logger.js';

const BASE = 'https://api.unit.test';
const FROM = Date.UTC(2025, 0, 2, 3, 4, 5, 678); // not a whole second: rounded down
const TO = Date.UTC(2025, 0, 3, 0, 0, 0, 1); // rounded up
const REQ: PageRequest = { bookingType: 'HOTEL', page: 2, size: 25, from: FROM, to: TO };
const ISO_QUERY = { bookingType: 'HOTEL', page: '2', size: '25', updatedFrom: '2025-01-02T03:04:05Z', updatedTo: '2025-01-03T00:00:01Z' };
const PAGE_BODY = { data: [{ uuid: 'a' }, { uuid: 'b' }], page: { totalPages: 4, totalElements: 77, pageSize: 25 } };

let transport: Transport;
let tokenCount: number;
/** Status (or network error code) of every bookings exchange, in order. */
let observed: Array<number | string>;

beforeAll(() => nock.disableNetConnect());
beforeEach(() => {
  observed = [];
  transport = new Transport({ timeoutMs: 5000, userAgent: 'unit-test', maxSockets: 4, maxResponseBytes: 1 << 20, observe: (e) => e.endpoint === '/v1/bookings' && observed.push(e.status) });
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

function makeApi(overrides: Partial<TapConfig> = {}, clock = new ManualClock()) {
  const base = resolveConfig({ base_url: BASE, client_id: 'cid-1234', client_secret: 'csecret-5678', start_date: '2024-01-01', page_size: 25 }, 'unit');
  const config: TapConfig = { ...base, maxRetries: 2, backoffFactor: 1, maxRetryWaitSeconds: 60, ...overrides };
  const logger = memoryLogger();
  const gate = new RequestGate({ maxInFlight: 4, clock });
  const auth = new OAuth2ClientCredentials({ tokenUrl: config.tokenUrl, clientId: config.clientId, clientSecret: config.clientSecret, method: 'body', retry: config }, transport, logger, clock, gate);
  const api = new BookingsApi(config, transport, auth, gate, logger, clock);
  return { api, logger, gate, auth, clock };
}

/** Run a request whose retries wait on the manual clock: move the clock until it settles. */
async function settled<T>(promise: Promise<T>, clock: ManualClock): Promise<T> {
  let result: { value: T } | { error: unknown } | undefined;
  promise.then((value) => (result = { value }), (error: unknown) => (result = { error }));
  for (let i = 0; i < 100 && !result; i++) {
    await settle();
    if (!result) await clock.advance(1000);
  }
  if (!result) throw new Error('the request did not settle');
  if ('error' in result) throw result.error;
  return result.value;
}

const pageOf = (bytes: Buffer): Page => parsePage(bytes, 2) as Page;

describe('BookingsApi query', () => {
  it('sends bookingType, page, size and the window as YYYY-MM-DDTHH:MM:SSZ by default', async () => {
    tokenEndpoint();
    const scope = nock(BASE).get('/v1/bookings').query(ISO_QUERY).matchHeader('authorization', 'Bearer tok-1').reply(200, PAGE_BODY);
    const { api } = makeApi();
    const { rawRecords, ...page } = pageOf((await api.fetchPage(REQ)).bytes);
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

describe('BookingsApi retries', () => {
  it('retries a 503 after backoff_factor seconds and then succeeds', async () => {
    tokenEndpoint();
    nock(BASE).get('/v1/bookings').query(true).reply(503, 'Service Unavailable');
    nock(BASE).get('/v1/bookings').query(true).reply(200, PAGE_BODY);
    const { api, clock, logger } = makeApi();
    const result = await settled(api.fetchPage(REQ), clock);
    expect(pageOf(result.bytes).records).toEqual([{ uuid: 'a' }, { uuid: 'b' }]);
    expect(observed).toEqual([503, 200]);
    expect(api.stats.retries).toBe(1);
    expect(logger.lines.join('\n')).toMatch(/HTTP 503; retry 1 of 2 in 1\.00 s\./);
  });

  it('fails at once on a 400 with an error naming the request URL but not the token', async () => {
    tokenEndpoint();
    nock(BASE).get('/v1/bookings').query(true).once().reply(400, { message: 'bad bookingType' });
    const { api } = makeApi();
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
    await api.fetchPage(REQ);
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

  it('fails at once, not retried, on a body past max_response_mb, naming the request and the cap: whatever the status', async () => {
    tokenEndpoint();
    for (const status of [200, 503]) {
      nock(BASE).get('/v1/bookings').query(true).reply(status, `{"data":[${'{"uuid":"a"},'.repeat(100_000)}{"uuid":"b"}]}`);
      const err = (await makeApi().api.fetchPage(REQ).catch((e: unknown) => e)) as ResponseTooLargeError;
      expect(err).toBeInstanceOf(ResponseTooLargeError);
      expect(err.message).toBe(`GET ${BASE}/v1/bookings?bookingType=HOTEL&page=2&size=25&updatedFrom=2025-01-02T03%3A04%3A05Z&updatedTo=2025-01-03T00%3A00%3A01Z answered with more than 1 MB (max_response_mb); the response was cut off there.`);
      expect([err.failureType, err.exitCode, err.statusCode]).toEqual(['config_error', 1, status]);
    }
    expect(observed).toEqual([200, 503]);
  });

  it('reads a page that starts with a UTF-8 byte order mark, record by record', async () => {
    tokenEndpoint();
    nock(BASE).get('/v1/bookings').query(true).reply(200, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(PAGE_BODY))]));
    const page = pageOf((await makeApi().api.fetchPage(REQ)).bytes);
    expect(page).toMatchObject({ records: [{ uuid: 'a' }, { uuid: 'b' }], totalElements: 77 });
    expect(page.rawRecords).toHaveLength(2);
  });

  describe('a page that is not all valid UTF-8', () => {
    // "Zoë Müller" in Latin-1, twice: four invalid byte sequences in the first record.
    const latin1 = Buffer.concat([Buffer.from('{"data":[{"uuid":"a","name":"Zo'), Buffer.from([0xeb]), Buffer.from(' M'), Buffer.from([0xfc]), Buffer.from('ller, Zo'), Buffer.from([0xeb]), Buffer.from(' M'), Buffer.from([0xfc]), Buffer.from('ller"},{"uuid":"b"}]}')]);

    it('is delivered, each invalid sequence as U+FFFD, with one warning naming the request and the count', async () => {
      tokenEndpoint();
      nock(BASE).get('/v1/bookings').query(true).reply(200, latin1);
      const { api, logger } = makeApi();
      const body = await api.fetchPage(REQ);
      expect(pageOf(body.bytes).records).toEqual([{ uuid: 'a', name: 'Zo\ufffd M\ufffdller, Zo\ufffd M\ufffdller' }, { uuid: 'b' }]);
      const warnings = logger.lines.filter((l) => l.startsWith('warn '));
      expect(warnings).toEqual([`warn ${body.describe}: the response holds 4 invalid UTF-8 byte sequences; each is delivered as U+FFFD (the replacement character).`]);
      expect(body.describe).toMatch(/^GET https:\/\/api\.unit\.test\/v1\/bookings\?bookingType=HOTEL&page=2&/);
    });

    it('fails the request (ApiDataError, not retried) with schema_validation "fail"', async () => {
      tokenEndpoint();
      nock(BASE).get('/v1/bookings').query(true).times(3).reply(200, latin1);
      const { api, logger } = makeApi({ schemaValidation: 'fail' });
      const err = (await api.fetchPage(REQ).then(() => 'delivered', (e: unknown) => e)) as ApiDataError;
      expect(err).toBeInstanceOf(ApiDataError);
      expect(err.message).toMatch(/^GET https:\/\/api\.unit\.test\/v1\/bookings\?bookingType=HOTEL&page=2&\S+: the response holds 4 invalid UTF-8 byte sequences, which would reach the records as U\+FFFD \(set schema_validation to "warn" to load them anyway\)\.$/);
      expect(observed).toEqual([200]); // one request: not retried
      expect(logger.lines.filter((l) => l.startsWith('warn '))).toEqual([]);
    });

    it('says nothing about a page that is valid UTF-8', async () => {
      tokenEndpoint();
      nock(BASE).get('/v1/bookings').query(true).reply(200, Buffer.from('{"data":[{"uuid":"a","name":"Zoë Müller \ufffd"}]}'));
      const { api, logger } = makeApi({ schemaValidation: 'fail' });
      expect(pageOf((await api.fetchPage(REQ)).bytes).records).toEqual([{ uuid: 'a', name: 'Zoë Müller \ufffd' }]);
      expect(logger.lines.filter((l) => l.startsWith('warn '))).toEqual([]);
    });
  });

  it('returns any 2xx body as it came, bytes and all: what it means is the reader\'s business', async () => {
    tokenEndpoint();
    nock(BASE).get('/v1/bookings').query(true).reply(200, '<html>gateway</html>', { 'content-type': 'text/html' });
    const { api } = makeApi();
    const result = await api.fetchPage(REQ);
    expect(result.bytes.toString()).toBe('<html>gateway</html>');
    expect(result.describe).toMatch(/^GET https:\/\/api\.unit\.test\/v1\/bookings\?bookingType=HOTEL&page=2/);
  });
});

describe('BookingsApi and the shared gate (Retry-After, on a clock the test moves)', () => {
  it('holds every request to the API, not only the one that got it, until a 429\'s Retry-After has elapsed', async () => {
    tokenEndpoint();
    nock(BASE).get('/v1/bookings').query({ ...ISO_QUERY, page: '2' }).reply(429, 'slow down', { 'Retry-After': '30' });
    nock(BASE).get('/v1/bookings').query(true).times(3).reply(200, PAGE_BODY);
    const { api, clock, gate } = makeApi();
    const throttled = api.fetchPage(REQ);
    await settle();
    while (observed.length < 1) await settle();
    // Another partition's request, sent after the 429 arrived: it waits too.
    const other = api.fetchPage({ ...REQ, bookingType: 'FLIGHT', page: 7 });
    await clock.advance(29_000);
    expect(observed).toEqual([429]);
    await clock.advance(1_000);
    await Promise.all([throttled, other]);
    expect(observed).toEqual([429, 200, 200]);
    expect(gate.limit).toBe(2); // the concurrency limit halved too
  });

  it('backs off by backoff_factor when a 429\'s Retry-After lies in the past', async () => {
    tokenEndpoint();
    const clock = new ManualClock();
    nock(BASE).get('/v1/bookings').query(true).reply(429, 'slow down', { 'Retry-After': new Date(clock.now() - 60_000).toUTCString() });
    nock(BASE).get('/v1/bookings').query(true).reply(200, PAGE_BODY);
    const { api, logger } = makeApi({ backoffFactor: 4 }, clock);
    const request = api.fetchPage(REQ);
    while (observed.length < 1) await settle();
    await clock.advance(3_999);
    expect(observed).toEqual([429]);
    await clock.advance(1);
    await request;
    expect(observed).toEqual([429, 200]);
    expect(logger.lines.join('\n')).toMatch(/HTTP 429; retry 1 of 2 in 4\.00 s \(every request to the API waits as long\)/);
  });
});

describe("the API's clock, read from its Date header", () => {
  const clockWarnings = (lines: string[]) => lines.filter((l) => l.includes("The API's clock"));
  const dateBehind = (clock: ManualClock, seconds: number) => new Date(clock.now() - seconds * 1000).toUTCString();

  it('warns once, with the window_end_lag_seconds that covers it, when the API lags by the setting or more', async () => {
    tokenEndpoint();
    const clock = new ManualClock();
    nock(BASE).get('/v1/bookings').query(true).times(2).reply(200, PAGE_BODY, { Date: dateBehind(clock, 5) });
    const { api, logger } = makeApi({ windowEndLagSeconds: 3 }, clock);
    await api.fetchPage(REQ);
    await api.fetchPage(REQ);
    expect(clockWarnings(logger.lines)).toEqual([expect.stringMatching(/^warn The API's clock is about 4 s behind this machine's \(its Date header said .*GMT\), at least window_end_lag_seconds \(3\)\. .* set window_end_lag_seconds to 5 or more\.$/)]);
  });

  it('says nothing when the lag is within the setting (Date is rounded down to the second), or there is no Date', async () => {
    tokenEndpoint();
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 0, 0, 0, 900));
    nock(BASE).get('/v1/bookings').query(true).reply(200, PAGE_BODY, { Date: dateBehind(clock, 0) });
    nock(BASE).get('/v1/bookings').query(true).reply(200, PAGE_BODY, { Date: dateBehind(clock, 1) });
    nock(BASE).get('/v1/bookings').query(true).reply(200, PAGE_BODY, { Date: 'not a date' });
    nock(BASE).get('/v1/bookings').query(true).reply(200, PAGE_BODY);
    const { api, logger } = makeApi({ windowEndLagSeconds: 1 }, clock);
    for (let i = 0; i < 4; i++) await api.fetchPage(REQ);
    expect(clockWarnings(logger.lines)).toEqual([]);
  });
});

describe('a redirect', () => {
  it('fails at once, naming where it leads', async () => {
    tokenEndpoint();
    nock(BASE).get('/v1/bookings').query(true).reply(302, '', { Location: 'https://api2.unit.test/v1/bookings' });
    const { api } = makeApi();
    const err = (await api.fetchPage(REQ).catch((e: unknown) => e)) as HttpError;
    expect(err).toBeInstanceOf(HttpError);
    expect(err.message).toMatch(/failed with HTTP 302, a redirect \(not followed: set base_url or token_url to where it leads\): Location: https:\/\/api2\.unit\.test\/v1\/bookings$/);
    expect(observed).toEqual([302]);
  });
});
