import nock from '../support/nock.js';
import { OAuth2ClientCredentials, type OAuth2Options } from '../../src/auth/oauth2.js';
import { AuthError } from '../../src/errors.js';
import { Transport } from '../../src/http/transport.js';
import { instantClock } from '../support/clocks.js';
import { memoryLogger } from '../support/quiet-logger.js';

const AUTH = 'https://auth.unit.test';
const TOKEN_URL = `${AUTH}/oauth/token`;
const SECRET = 'sup3r-s3cret-value';
const CLIENT_ID = 'client-id-42';

let transport: Transport;

beforeAll(() => nock.disableNetConnect());
beforeEach(() => {
  transport = new Transport({ timeoutMs: 5000, userAgent: 'unit-test', maxSockets: 4, maxResponseBytes: 1 << 20 });
});
afterEach(() => {
  transport.close();
  nock.cleanAll();
});

function client(overrides: Partial<OAuth2Options> = {}, now?: () => number) {
  const clock = now ? { ...instantClock(), now } : undefined;
  const logger = memoryLogger();
  const options: OAuth2Options = {
    tokenUrl: TOKEN_URL,
    clientId: CLIENT_ID,
    clientSecret: SECRET,
    method: 'body',
    retry: { maxRetries: 2, backoffFactor: 0.001, maxRetryWaitSeconds: 1 },
    ...overrides,
  };
  return { auth: new OAuth2ClientCredentials(options, transport, logger, clock), logger };
}

describe('OAuth2ClientCredentials', () => {
  it('posts grant_type=client_credentials with client_id and client_secret in the form body by default', async () => {
    let body: Record<string, string> = {};
    const scope = nock(AUTH, { badheaders: ['authorization'] })
      .post('/oauth/token', (b: Record<string, string>) => {
        body = { ...b };
        return true;
      })
      .matchHeader('content-type', /application\/x-www-form-urlencoded/)
      .reply(200, { access_token: 'tok-1', token_type: 'Bearer', expires_in: 3600 });
    const { auth } = client();
    await expect(auth.accessToken()).resolves.toBe('tok-1');
    expect(scope.isDone()).toBe(true);
    expect(body).toEqual({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: SECRET });
  });

  it('with auth_method basic sends an Authorization Basic header and no credentials in the body', async () => {
    let body: Record<string, string> = {};
    const expected = `Basic ${Buffer.from(`${CLIENT_ID}:${SECRET}`).toString('base64')}`;
    const scope = nock(AUTH)
      .post('/oauth/token', (b: Record<string, string>) => {
        body = { ...b };
        return true;
      })
      .matchHeader('authorization', expected)
      .reply(200, { access_token: 'tok-basic', expires_in: 3600 });
    const { auth } = client({ method: 'basic' });
    await expect(auth.accessToken()).resolves.toBe('tok-basic');
    expect(scope.isDone()).toBe(true);
    expect(body).toEqual({ grant_type: 'client_credentials' });
  });

  it('sends scope when it is set', async () => {
    const scope = nock(AUTH)
      .post('/oauth/token', { grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: SECRET, scope: 'bookings:read' })
      .reply(200, { access_token: 'tok-scoped', expires_in: 3600 });
    const { auth } = client({ scope: 'bookings:read' });
    await expect(auth.accessToken()).resolves.toBe('tok-scoped');
    expect(scope.isDone()).toBe(true);
  });

  it('caches the token: a second call makes no request', async () => {
    nock(AUTH).post('/oauth/token').once().reply(200, { access_token: 'tok-cached', expires_in: 3600 });
    const { auth } = client();
    expect(await auth.accessToken()).toBe('tok-cached');
    // No second interceptor: a second request would fail with a nock "no match" network error.
    expect(await auth.accessToken()).toBe('tok-cached');
    expect(auth.tokenRequests).toBe(1);
  });

  it('shares one token request among concurrent callers', async () => {
    nock(AUTH).post('/oauth/token').once().delay(20).reply(200, { access_token: 'tok-shared', expires_in: 3600 });
    const { auth } = client();
    const tokens = await Promise.all([auth.accessToken(), auth.accessToken(), auth.accessToken()]);
    expect(tokens).toEqual(['tok-shared', 'tok-shared', 'tok-shared']);
    expect(auth.tokenRequests).toBe(1);
  });

  it('refreshes the token before expires_in runs out (at most 60 s early)', async () => {
    let clock = Date.UTC(2025, 0, 1);
    nock(AUTH).post('/oauth/token').reply(200, { access_token: 'tok-a', expires_in: 3600 });
    nock(AUTH).post('/oauth/token').reply(200, { access_token: 'tok-b', expires_in: 3600 });
    const { auth } = client({}, () => clock);
    expect(await auth.accessToken()).toBe('tok-a');
    clock += (3600 - 61) * 1000; // still more than 60 s left: reused
    expect(await auth.accessToken()).toBe('tok-a');
    expect(auth.tokenRequests).toBe(1);
    clock += 2000; // 59 s left, before expiry: refreshed
    expect(await auth.accessToken()).toBe('tok-b');
    expect(auth.tokenRequests).toBe(2);
  });

  it('refreshes a short-lived token at 90% of its life', async () => {
    let clock = 1_000_000;
    nock(AUTH).post('/oauth/token').reply(200, { access_token: 'short-1', expires_in: 100 });
    nock(AUTH).post('/oauth/token').reply(200, { access_token: 'short-2', expires_in: '100' });
    const { auth } = client({}, () => clock);
    expect(await auth.accessToken()).toBe('short-1');
    clock += 89_000;
    expect(await auth.accessToken()).toBe('short-1');
    clock += 1_000;
    expect(await auth.accessToken()).toBe('short-2');
  });

  // Found by fuzzing (issue 13): {"toString": 1} as expires_in made Number() throw a TypeError; a lifetime of a
  // millisecond had a token fetched before nearly every request.
  it.each([
    ['an object', { toString: 1 }, '(an object)'],
    ['a fraction of a second', 0.001, '0.001'],
    ['negative', -5, '-5'],
    ['a word', 'soon', '"soon"'],
    ['"NaN"', 'NaN', '"NaN"'],
    ['"Infinity"', 'Infinity', '"Infinity"'],
    ['an array', [3600], '(an array)'],
  ])('takes a token whose expires_in is %s to last an hour, with a warning', async (_what, expiresIn, shown) => {
    let clock = 1_000_000;
    nock(AUTH).post('/oauth/token').reply(200, { access_token: 'odd-1', expires_in: expiresIn });
    const { auth, logger } = client({}, () => clock);
    expect(await auth.accessToken()).toBe('odd-1');
    clock += 3_000_000;
    expect(await auth.accessToken()).toBe('odd-1');
    expect(auth.tokenRequests).toBe(1);
    expect(logger.lines).toContain(`warn Token request POST ${TOKEN_URL}: expires_in ${shown} is not a number of seconds (at least 1); the token is taken to last 3600 s, and is fetched again if the API rejects it sooner.`);
  });

  it('takes an expires_in of 1e400 (Infinity once parsed) as no lifetime either', async () => {
    nock(AUTH).post('/oauth/token').reply(200, '{"access_token":"long","expires_in":1e400}', { 'content-type': 'application/json' });
    const { auth, logger } = client({}, () => 1_000_000);
    expect(await auth.accessToken()).toBe('long');
    expect(logger.lines.filter((l) => l.startsWith('warn'))).toEqual([`warn Token request POST ${TOKEN_URL}: expires_in Infinity is not a number of seconds (at least 1); the token is taken to last 3600 s, and is fetched again if the API rejects it sooner.`]);
  });

  it('invalidate() drops the current token so the next call fetches a new one, but ignores a stale token', async () => {
    nock(AUTH).post('/oauth/token').reply(200, { access_token: 'tok-old', expires_in: 3600 });
    nock(AUTH).post('/oauth/token').reply(200, { access_token: 'tok-new', expires_in: 3600 });
    const { auth } = client();
    expect(await auth.accessToken()).toBe('tok-old');
    auth.invalidate('tok-old');
    expect(await auth.accessToken()).toBe('tok-new');
    auth.invalidate('tok-old'); // a late 401 for the old token must not drop the new one
    expect(await auth.accessToken()).toBe('tok-new');
    expect(auth.tokenRequests).toBe(2);
  });

  it('turns a rejected token request into an AuthError naming the URL and OAuth error code, without the secret', async () => {
    nock(AUTH).post('/oauth/token').reply(401, { error: 'invalid_client', error_description: 'Client authentication failed' });
    const { auth } = client();
    const err = await auth.accessToken().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    const message = (err as AuthError).message;
    expect(message).toContain(TOKEN_URL);
    expect(message).toContain('invalid_client');
    expect(message).toContain('HTTP 401');
    expect(message).toMatch(/check client_id and client_secret/);
    expect(message).not.toContain(SECRET);
    expect((err as AuthError).failureType).toBe('config_error');
    expect(auth.tokenRequests).toBe(1);
  });

  it('does not leak the secret even when the token endpoint echoes it back', async () => {
    nock(AUTH).post('/oauth/token').reply(400, { error: 'invalid_request', error_description: `bad secret ${SECRET}` });
    const { auth, logger } = client();
    const err = (await auth.accessToken().catch((e: unknown) => e)) as AuthError;
    expect(err).toBeInstanceOf(AuthError);
    // The message carries the endpoint's description; the redactor is what keeps it out of logs.
    logger.error(err.message);
    expect(logger.lines.join('\n')).not.toContain(SECRET);
    expect(logger.lines.join('\n')).toContain('invalid_request');
  });

  it('accepts a token response that starts with a UTF-8 byte order mark', async () => {
    nock(AUTH).post('/oauth/token').reply(200, Buffer.from('\ufeff{"access_token":"tok-bom","expires_in":3600}'), { 'content-type': 'application/json; charset=utf-8' });
    await expect(client().auth.accessToken()).resolves.toBe('tok-bom');
  });

  it('retries a 503 from the token endpoint and then succeeds, counting both requests', async () => {
    nock(AUTH).post('/oauth/token').reply(503, 'busy');
    nock(AUTH).post('/oauth/token').reply(200, { access_token: 'tok-after-503', expires_in: 3600 });
    const { auth } = client();
    await expect(auth.accessToken()).resolves.toBe('tok-after-503');
    expect(nock.isDone()).toBe(true);
    expect(auth.tokenRequests).toBe(2);
  });

  it('reports a 200 without access_token as an AuthError after retrying', async () => {
    nock(AUTH).post('/oauth/token').times(3).reply(200, { token_type: 'Bearer' });
    const { auth } = client();
    const err = (await auth.accessToken().catch((e: unknown) => e)) as AuthError;
    expect(err).toBeInstanceOf(AuthError);
    expect(err.message).toMatch(/^Could not get an access token: .*failed after 2 retries: the token endpoint answered HTTP 200 without an "access_token" field; fields present: token_type\.$/);
    expect(nock.isDone()).toBe(true);
  });

  it('fails at once, as a config_error naming the token URL and the cap, on a token response past max_response_mb', async () => {
    let requests = 0;
    nock(AUTH).post('/oauth/token').times(3).reply(() => [200, `{"access_token":"${'a'.repeat(2 << 20)}"}`, { 'x-request': String(++requests) }]);
    const { auth } = client();
    const err = (await auth.accessToken().then(() => 'a token', (e: unknown) => e)) as AuthError;
    expect(err).toBeInstanceOf(AuthError);
    expect(err.message).toBe(`Could not get an access token: Token request POST ${TOKEN_URL} answered with more than 1 MB (max_response_mb); the response was cut off there.`);
    expect(err.failureType).toBe('config_error');
    expect(err.exitCode).toBe(1);
    expect(requests).toBe(1); // not retried
  });

  describe('a token response it cannot use is described, never quoted', () => {
    const LIVE = 'live-credential-0123456789';

    /** Fail the token request with `reply` twice (one retry) and return the error and every log line. */
    async function failWith(reply: nock.ReplyBody, headers: Record<string, string> = {}) {
      nock(AUTH).post('/oauth/token').times(2).reply(200, reply, headers);
      const { auth, logger } = client({ retry: { maxRetries: 1, backoffFactor: 0, maxRetryWaitSeconds: 0 } });
      const err = (await auth.accessToken().catch((e: unknown) => e)) as AuthError;
      expect(err).toBeInstanceOf(AuthError);
      // Not even the redactor is needed: the value is in neither the error nor the WARN line of the retry.
      expect(err.message).not.toContain(LIVE);
      expect(logger.lines.join('\n')).not.toContain(LIVE);
      expect(logger.lines.some((l) => l.startsWith('warn '))).toBe(true);
      return err.message;
    }

    it.each([
      [{ accessToken: LIVE, expires_in: 3600 }, 'without an "access_token" field; fields present: accessToken, expires_in'],
      [{ refresh_token: LIVE, expires_in: 3600 }, 'without an "access_token" field; fields present: refresh_token, expires_in'],
      [{}, 'without an "access_token" field; fields present: none'],
      [{ access_token: '' }, 'with an "access_token" that is empty'],
      [{ access_token: { value: LIVE } }, 'with an "access_token" that is not a string (an object)'],
      [[LIVE], 'with JSON that is an array, not an object'],
      [JSON.stringify(LIVE), 'with JSON that is a string, not an object'],
    ])('%j', async (reply, problem) => {
      expect(await failWith(reply as nock.ReplyBody)).toContain(`the token endpoint answered HTTP 200 ${problem}`);
    });

    it('names the fields of a form-encoded answer', async () => {
      const message = await failWith(`access_token=${LIVE}&token_type=bearer&scope=read`, { 'content-type': 'application/x-www-form-urlencoded' });
      expect(message).toMatch(/with a form-encoded body, not JSON \(\d+ bytes, application\/x-www-form-urlencoded\); fields present: access_token, token_type, scope\.$/);
    });

    it('describes an HTML page by its type and size', async () => {
      const message = await failWith(`<html><body>Sign in; token ${LIVE}</body></html>`, { 'content-type': 'text/html; charset=utf-8' });
      expect(message).toMatch(/with a body that is not JSON \(\d+ bytes, text\/html\)\.$/);
    });

    it('lists at most 20 field names, odd ones quoted and shortened', async () => {
      const fields = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [i === 0 ? `odd name ${'x'.repeat(80)}` : `f${i}`, LIVE]));
      const message = await failWith(fields);
      expect(message).toContain(`fields present: "odd name ${'x'.repeat(55)}…", f1, f2,`);
      expect(message).toContain('f19 and 5 more.');
    });

    it('masks token fields in an error response it quotes', async () => {
      nock(AUTH).post('/oauth/token').reply(400, { error: 'invalid_grant', error_description: `refresh failed for {"refresh_token":"${LIVE}"} and access_token=${LIVE}` });
      const { auth } = client();
      const err = (await auth.accessToken().catch((e: unknown) => e)) as AuthError;
      expect(err.message).toBe(`The token endpoint ${TOKEN_URL} rejected the client credentials with HTTP 400 invalid_grant (refresh failed for {"refresh_token":"***"} and access_token=***).`);
    });
  });

  it('registers the client secret and issued tokens with the log redactor', async () => {
    nock(AUTH).post('/oauth/token').reply(200, { access_token: 'issued-token-123', expires_in: 3600 });
    const { auth, logger } = client();
    await auth.accessToken();
    logger.info(`secret=${SECRET} token=issued-token-123`);
    expect(logger.lines.at(-1)).toBe('info secret=*** token=***');
  });
});
