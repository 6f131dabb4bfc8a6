import type { Sandbox } from '../../src/sandbox/index.js';
import { ManualClock } from '../support/clocks.js';
import { admin, bookings, postToken, start, token } from './helpers.js';

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('token endpoint', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await start({ records: 50, clientId: 'my-client', clientSecret: 's3cret' });
  });
  afterAll(() => sandbox.stop());

  it('issues a bearer token for client credentials in the form body', async () => {
    const res = await postToken(sandbox);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({ access_token: expect.stringMatching(/^[A-Za-z0-9_-]{20,}$/), token_type: 'Bearer', expires_in: 3600, scope: 'bookings:read' });
    const api = await bookings(sandbox, body.access_token as string, { bookingType: 'FLIGHT' });
    expect(api.status).toBe(200);
  });

  it('issues a token for client credentials sent as HTTP Basic', async () => {
    const res = await postToken(sandbox, { body: form({ grant_type: 'client_credentials' }), headers: { authorization: basic('my-client', 's3cret') } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string };
    expect((await bookings(sandbox, body.access_token, { bookingType: 'HOTEL' })).status).toBe(200);
  });

  it('gives a fresh token each time and echoes a requested scope', async () => {
    const a = await token(sandbox);
    const b = await token(sandbox);
    expect(a).not.toBe(b);
    const res = await postToken(sandbox, { body: form({ grant_type: 'client_credentials', client_id: 'my-client', client_secret: 's3cret', scope: 'bookings:admin' }) });
    expect(((await res.json()) as { scope: string }).scope).toBe('bookings:admin');
  });

  it('accepts URL-encoded Basic credentials with reserved characters (RFC 6749 2.3.1)', async () => {
    const odd = await start({ records: 10, clientId: 'id:with/colon', clientSecret: 'p@ss:w%rd é' });
    try {
      const encoded = basic(encodeURIComponent('id:with/colon'), encodeURIComponent('p@ss:w%rd é'));
      const res = await postToken(odd, { body: form({ grant_type: 'client_credentials' }), headers: { authorization: encoded } });
      expect(res.status).toBe(200);
      expect((await postToken(odd)).status).toBe(200); // the same credentials in the form body
    } finally {
      await odd.stop();
    }
  });

  it.each([
    ['a wrong secret in the body', { body: form({ grant_type: 'client_credentials', client_id: 'my-client', client_secret: 'nope' }) }],
    ['an unknown client in the body', { body: form({ grant_type: 'client_credentials', client_id: 'other', client_secret: 's3cret' }) }],
    ['no credentials at all', { body: form({ grant_type: 'client_credentials' }) }],
    ['a wrong secret as HTTP Basic', { body: form({ grant_type: 'client_credentials' }), headers: { authorization: basic('my-client', 'wrong') } }],
    ['Basic overriding correct body credentials', { body: form({ grant_type: 'client_credentials', client_id: 'my-client', client_secret: 's3cret' }), headers: { authorization: basic('x', 'y') } }],
  ])('answers %s with 401 invalid_client', async (_, init) => {
    const res = await postToken(sandbox, init);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_client');
  });

  it('rejects another grant type with 400 unsupported_grant_type', async () => {
    const res = await postToken(sandbox, { body: form({ grant_type: 'password', client_id: 'my-client', client_secret: 's3cret' }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('unsupported_grant_type');
  });

  it('counts token requests and issued tokens in the stats', async () => {
    const before = sandbox.stats();
    await token(sandbox);
    await postToken(sandbox, { body: form({ grant_type: 'client_credentials', client_id: 'my-client', client_secret: 'bad' }) });
    const after = (await admin(sandbox, 'GET', '/stats')).json;
    expect(after.tokenRequests - before.tokenRequests).toBe(2);
    expect(after.tokensIssued - before.tokensIssued).toBe(1);
    expect((after.byStatus['401'] ?? 0) - (before.byStatus['401'] ?? 0)).toBe(1);
  });
});

describe('bearer tokens on /v1/bookings', () => {
  let sandbox: Sandbox;
  beforeEach(async () => {
    sandbox = await start({ records: 50 });
  });
  afterEach(() => sandbox.stop());

  const expectInvalidToken = async (res: Response) => {
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_token');
  };

  it('rejects a missing, unknown or non-Bearer token with 401 invalid_token', async () => {
    await expectInvalidToken(await fetch(`${sandbox.url}/v1/bookings?bookingType=FLIGHT`));
    await expectInvalidToken(await bookings(sandbox, 'made-up-token', { bookingType: 'FLIGHT' }));
    const good = await token(sandbox);
    await expectInvalidToken(await fetch(`${sandbox.url}/v1/bookings?bookingType=FLIGHT`, { headers: { authorization: `Token ${good}` } }));
  });

  it('rejects every issued token after POST /__admin/tokens/expire, and a new one works', async () => {
    const old = await token(sandbox);
    expect((await bookings(sandbox, old, { bookingType: 'FLIGHT' })).status).toBe(200);
    expect((await admin(sandbox, 'POST', '/tokens/expire')).json).toEqual({ expired: 1 });
    await expectInvalidToken(await bookings(sandbox, old, { bookingType: 'FLIGHT' }));
    expect((await bookings(sandbox, await token(sandbox), { bookingType: 'FLIGHT' })).status).toBe(200);
  });

  it('rejects revoked tokens after POST /__admin/tokens/revoke', async () => {
    const old = await token(sandbox);
    expect((await admin(sandbox, 'POST', '/tokens/revoke')).status).toBe(200);
    const res = await bookings(sandbox, old, { bookingType: 'FLIGHT' });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'invalid_token', message: 'token revoked' });
  });

  it('the expire-token fault expires only the caller\'s token for that request', async () => {
    const a = await token(sandbox);
    const b = await token(sandbox);
    sandbox.faults.set({ script: ['expire-token'] });
    await expectInvalidToken(await bookings(sandbox, a, { bookingType: 'FLIGHT' }));
    await expectInvalidToken(await bookings(sandbox, a, { bookingType: 'FLIGHT' }));
    expect((await bookings(sandbox, b, { bookingType: 'FLIGHT' })).status).toBe(200);
  });
});

describe('token lifetime', () => {
  it('honours tokenTtlSeconds: expires_in says it, and the token stops working once that much time has passed', async () => {
    const clock = new ManualClock();
    const sandbox = await start({ records: 20, tokenTtlSeconds: 1, clock });
    try {
      const res = await postToken(sandbox);
      const body = (await res.json()) as { access_token: string; expires_in: number };
      expect(body.expires_in).toBe(1);
      expect((await bookings(sandbox, body.access_token, { bookingType: 'FLIGHT' })).status).toBe(200);
      await clock.advance(999);
      expect((await bookings(sandbox, body.access_token, { bookingType: 'FLIGHT' })).status).toBe(200);
      await clock.advance(1);
      const late = await bookings(sandbox, body.access_token, { bookingType: 'FLIGHT' });
      expect(late.status).toBe(401);
      expect(await late.json()).toEqual({ error: 'invalid_token', message: 'token expired' });
    } finally {
      await sandbox.stop();
    }
  });
});
