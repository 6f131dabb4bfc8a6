import { OAuth2ClientCredentials } from '../../src/auth/oauth2.js';
import type { Exchange, OutgoingRequest, Transport } from '../../src/http/transport.js';
import { Logger } from '../../src/logging/logger.js';
import { Redactor } from '../../src/logging/redactor.js';
import { memoryLogger } from '../support/quiet-logger.js';

const SECRET = 'cl1ent-s3cret/with+chars=';
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.payload.signature';

describe('Redactor', () => {
  it('masks a registered client secret wherever it appears, every time', () => {
    const r = new Redactor();
    r.add(SECRET);
    expect(r.redact(`client_secret=${SECRET} and again ${SECRET}`)).toBe('client_secret=*** and again ***');
  });

  it('masks the URL/form-encoded form of a secret', () => {
    const r = new Redactor();
    r.add(SECRET);
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_secret: SECRET }).toString();
    expect(form).not.toContain(SECRET); // the encoded form differs from the raw one
    expect(r.redact(`body: ${form}`)).toBe('body: grant_type=client_credentials&client_secret=***');
  });

  it('masks an access token in an Authorization Bearer header', () => {
    const r = new Redactor();
    r.add(TOKEN);
    expect(r.redact(`GET /v1/bookings authorization: Bearer ${TOKEN}`)).toBe('GET /v1/bookings authorization: Bearer ***');
  });

  it('masks the base64 of a secret, as it appears in an Authorization Basic header', () => {
    const r = new Redactor();
    r.add(SECRET);
    const basic = Buffer.from(SECRET).toString('base64').replace(/=+$/, '');
    expect(r.redact(`authorization: Basic ${basic}`)).toBe('authorization: Basic ***');
  });

  it('masks the longest match first, so a secret containing another leaves nothing behind', () => {
    const r = new Redactor();
    r.add('abcd');
    r.add('abcdefgh');
    expect(r.redact('x abcdefgh y abcd z')).toBe('x *** y *** z');
  });

  it('treats regular-expression characters in secrets literally', () => {
    const r = new Redactor();
    r.add('a.b*c(d)');
    expect(r.redact('a.b*c(d) axbbbc(d)')).toBe('*** axbbbc(d)');
  });

  it('leaves text alone when nothing is registered, and ignores empty or very short values', () => {
    const r = new Redactor();
    expect(r.redact('nothing to hide')).toBe('nothing to hide');
    r.add(undefined);
    r.add('');
    r.add('abc');
    expect(r.redact('abc abc')).toBe('abc abc');
  });
});

describe('OAuth2 client and the redactor', () => {
  /** A transport that records what it was asked to send and issues a token. */
  function fakeTransport(sent: OutgoingRequest[]): Transport {
    const send = async (req: OutgoingRequest): Promise<Exchange> => {
      sent.push(req);
      return { kind: 'response', status: 200, headers: {}, body: JSON.stringify({ access_token: TOKEN, expires_in: 60 }), durationMs: 1 };
    };
    return { send } as unknown as Transport;
  }

  it.each(['client-id-42', 'client-id-4'])('masks the whole Authorization Basic header it sends (client id %s)', async (clientId) => {
    const sent: OutgoingRequest[] = [];
    const logger = memoryLogger();
    const retry = { maxRetries: 0, backoffFactor: 0, maxRetryWaitSeconds: 0 };
    const auth = new OAuth2ClientCredentials({ tokenUrl: 'https://auth.test/token', clientId, clientSecret: SECRET, method: 'basic', retry }, fakeTransport(sent), logger);
    await auth.accessToken();
    const header = sent[0]!.headers!.authorization!;
    expect(header).toMatch(/^Basic /);
    logger.info(`authorization: ${header}`);
    // Masking only part of the base64 would leave the rest decodable to the secret.
    expect(logger.lines.at(-1)).toBe('info authorization: Basic ***');
  });

  it('masks client id, client secret and issued token in form bodies and Bearer headers', async () => {
    const sent: OutgoingRequest[] = [];
    const logger = memoryLogger();
    const retry = { maxRetries: 0, backoffFactor: 0, maxRetryWaitSeconds: 0 };
    const auth = new OAuth2ClientCredentials({ tokenUrl: 'https://auth.test/token', clientId: 'my-client', clientSecret: SECRET, method: 'body', retry }, fakeTransport(sent), logger);
    const token = await auth.accessToken();
    logger.info(`form ${new URLSearchParams(sent[0]!.form).toString()} then authorization: Bearer ${token}`);
    expect(logger.lines.at(-1)).toBe('info form grant_type=client_credentials&client_id=***&client_secret=*** then authorization: Bearer ***');
  });
});

describe('Logger', () => {
  it('redacts every line at every level before it reaches the sink', () => {
    const logger = memoryLogger('debug');
    logger.redactor.add(SECRET);
    logger.redactor.add(TOKEN);
    logger.debug(`token ${TOKEN}`);
    logger.info(`secret ${SECRET}`);
    logger.warn(`Authorization: Bearer ${TOKEN}`);
    logger.error(`failed with ${SECRET}`);
    logger.metric({ type: 'counter', metric: 'x', value: 1, tags: { auth: TOKEN } });
    expect(logger.lines).toEqual([
      'debug token ***',
      'info secret ***',
      'warn Authorization: Bearer ***',
      'error failed with ***',
      'info METRIC: {"type":"counter","metric":"x","value":1,"tags":{"auth":"***"}}',
    ]);
    expect(logger.lines.join('\n')).not.toContain(SECRET);
    expect(logger.lines.join('\n')).not.toContain(TOKEN);
  });

  it('masks secrets registered after the logger was created', () => {
    const lines: string[] = [];
    const logger = new Logger((_lvl, m) => lines.push(m), 'info');
    logger.info(`before ${TOKEN}`);
    logger.redactor.add(TOKEN);
    logger.info(`after ${TOKEN}`);
    expect(lines).toEqual([`before ${TOKEN}`, 'after ***']);
  });

  it('drops lines below its level', () => {
    const logger = memoryLogger('warn');
    logger.info('hidden');
    logger.warn('shown');
    expect(logger.lines).toEqual(['warn shown']);
  });
});
