import { OAuth2ClientCredentials } from '../../src/auth/oauth2.js';
import type { Exchange, OutgoingRequest, Transport } from '../../src/http/transport.js';
import { Logger } from '../../src/logging/logger.js';
import fc from 'fast-check';
import { MAX_TOKENS, maskTokenFields, Redactor } from '../../src/logging/redactor.js';
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

  it('masks the longest match first, so a secret containing another leaves nothing behind, in any encoding', () => {
    const r = new Redactor();
    r.add('ab/d');
    r.add('ab/defgh');
    expect(r.redact('x ab/defgh y ab/d z')).toBe('x *** y *** z');
    expect(r.redact('x ab%2Fdefgh y ab\\/d z')).toBe('x *** y *** z');
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

/** Every way a quoted request or response may spell a secret, each written independently of the redactor. */
const ENCODINGS: Array<[string, (s: string) => string]> = [
  ['as is', (s) => s],
  ['JSON-escaped (JSON.stringify)', (s) => JSON.stringify(s).slice(1, -1)],
  ['JSON-escaped with \\/ (PHP json_encode)', (s) => jsonAscii(s, 'lower').replace(/\//g, '\\/')],
  ['JSON-escaped, ensure_ascii (Python json.dumps)', (s) => jsonAscii(s, 'lower')],
  ['JSON-escaped, \\u with upper-case hex', (s) => jsonAscii(s, 'upper')],
  ['JSON-escaped, <>& as \\u (Go encoding/json)', (s) => JSON.stringify(s).slice(1, -1).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`)],
  ['JSON-escaped twice', (s) => JSON.stringify(JSON.stringify(s).slice(1, -1)).slice(1, -1)],
  ['encodeURIComponent', encodeURIComponent],
  ['percent-encoded, lower-case hex', (s) => encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase())],
  ['form-encoded (URLSearchParams, + for space)', (s) => new URLSearchParams({ x: s }).toString().slice(2)],
  ['HTML-escaped', (s) => s.replace(/[&<>"'/]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '/': '&#x2F;' })[c]!)],
  ['base64', (s) => Buffer.from(s).toString('base64')],
  ['base64 without padding', (s) => Buffer.from(s).toString('base64').replace(/=+$/, '')],
  ['base64url', (s) => Buffer.from(s).toString('base64url')],
  ['base64url with padding', (s) => Buffer.from(s).toString('base64').replace(/\+/g, '-').replace(/\//g, '_')],
];

/** JSON-escape with every character beyond ASCII as \uXXXX (UTF-16 units), hex digits in the given case. */
function jsonAscii(s: string, hexCase: 'lower' | 'upper'): string {
  return JSON.stringify(s)
    .slice(1, -1)
    .replace(/[^\x00-\x7f]/g, (c) => {
      const hex = c.charCodeAt(0).toString(16).padStart(4, '0');
      return `\\u${hexCase === 'upper' ? hex.toUpperCase() : hex}`;
    });
}

/** Secrets with what encoders change: / + = (URL), a space (form), " \\ (JSON), < & ' (HTML), non-ASCII and astral characters. */
const AWKWARD_SECRETS = ['S3cr/et+Key=', 'pass word&more?', 'q"uo\\te<d>\'s', 'gr\u00fc\u00dfe-\u00e9t\u00e9', 'emoji-\u{1F600}-key', 'tab\there\nnewline'];

describe('Redactor: a secret in every encoding', () => {
  it('masks the JSON-escaped secret an API echoed in its error body (S3cr\\/et+Key=)', () => {
    const r = new Redactor();
    r.add('S3cr/et+Key=');
    expect(r.redact('HTTP 400: {"error":"invalid request","echo":{"secret":"S3cr\\/et+Key="}}')).toBe('HTTP 400: {"error":"invalid request","echo":{"secret":"***"}}');
  });

  describe.each(ENCODINGS)('%s', (_name, encode) => {
    it.each(AWKWARD_SECRETS)('masks %j', (secret) => {
      const r = new Redactor();
      r.add(secret);
      expect(r.redact(`before ${encode(secret)} after`)).toBe('before *** after');
    });
  });

  it('masks any secret in any of these encodings (property, 300 random secrets of any Unicode characters)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 4, maxLength: 24 }), (secret) => {
        const r = new Redactor();
        r.add(secret);
        for (const [name, encode] of ENCODINGS) {
          const encoded = encode(secret);
          if (name.startsWith('base64') && encoded.replace(/=+$/, '').length < 8) continue; // too short to mask, by design
          const out = r.redact(`before ${encoded} after`);
          if (out.includes(encoded) || out.includes(secret)) throw new Error(`${name}: ${JSON.stringify(encoded)} left in ${JSON.stringify(out)}`);
        }
      }),
      { numRuns: 300, seed: 20261126 },
    );
  });
});

describe('Redactor: access tokens', () => {
  it(`keeps the ${MAX_TOKENS} newest tokens, and the secrets, however many tokens were issued`, () => {
    const r = new Redactor();
    r.add(SECRET);
    const tokens = Array.from({ length: 1000 }, (_, i) => `token-${i}-${'x'.repeat(40)}`);
    for (const token of tokens) r.addToken(token);
    const newest = tokens.slice(-MAX_TOKENS);
    expect(r.redact([SECRET, ...newest].join(' '))).toBe(Array(MAX_TOKENS + 1).fill('***').join(' '));
    // Replaced long ago, so expired: no longer in the pattern, which stays as small as with four.
    expect(r.redact(tokens[0]!)).toBe(tokens[0]);
  });

  /** A printable-ASCII string of `length` characters, every one of the 94 used. */
  const printable = (length: number, seed: number) => Array.from({ length }, (_, i) => String.fromCharCode(0x21 + ((i * 7919 + seed) % 94))).join('');

  it.each([
    ['a JWT of 4,000 characters', `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(printable(2900, 1)).toString('base64url')}.sig_-nature`],
    ['1,000,000 printable characters', printable(1_000_000, 2)],
    ['100,000 characters that every encoder changes', '/+="\\<&\' ~'.repeat(10_000)],
  ])('masks a huge token (%s) whole, in every encoding, and stays usable', (_name, token) => {
    const r = new Redactor();
    r.addToken(token);
    for (const [name, encode] of ENCODINGS) {
      // Past its first 256 characters a token is masked as a run of the characters it is made of: with a space among
      // them, the run takes the word after it too (more than the token, never less).
      expect([name, r.redact(`before ${encode(token)} after`)]).toEqual([name, expect.stringMatching(/^before \*\*\*( after)?$/)]);
    }
    expect(r.redact('an ordinary line')).toBe('an ordinary line');
  });
});

describe('token-like fields, registered or not', () => {
  it.each([
    ['{"access_token":"tok-1","token_type":"Bearer","expires_in":3600}', '{"access_token":"***","token_type":"Bearer","expires_in":3600}'],
    ['{"accessToken": "tok-1"}', '{"accessToken": "***"}'],
    ['{"ACCESS_TOKEN" : "tok-1"}', '{"ACCESS_TOKEN" : "***"}'],
    ['{"refresh_token":"r-1","refreshToken":"r-2","RefreshToken":"r-3"}', '{"refresh_token":"***","refreshToken":"***","RefreshToken":"***"}'],
    ['{"id_token":"eyJ.x.y","idToken":"eyJ.z"}', '{"id_token":"***","idToken":"***"}'],
    ['{"client_secret":"s\\"q","clientSecret":"s2","Client_Secret":"s3"}', '{"client_secret":"***","clientSecret":"***","Client_Secret":"***"}'],
    ['grant_type=refresh_token&refresh_token=r-1&client_secret=s%2F1', 'grant_type=refresh_token&refresh_token=***&client_secret=***'],
    ['access_token=tok-1&expires_in=3600', 'access_token=***&expires_in=3600'],
    ['https://x.test/cb#access_token=tok-1&state=s', 'https://x.test/cb#access_token=***&state=s'],
    ['{"body":"{\\"access_token\\":\\"tok-1\\"}"}', '{"body":"{\\"access_token\\":\\"***"}'],
    ['{"access_token":"cut-by-the-snippet…', '{"access_token":"***'],
  ])('masks the value in %s', (text, masked) => {
    expect(maskTokenFields(text)).toBe(masked);
    expect(new Redactor().redact(text)).toBe(masked);
  });

  it.each([
    '{"token_type":"Bearer","expires_in":3600,"scope":"bookings:read"}',
    '{"access_token":"","access_token_expires_in":5,"refresh_token":null}',
    'page_token=abc&valid_token=def',
    'client_secret: is required',
    'check client_id and client_secret.',
  ])('leaves other fields and empty or non-string values alone: %s', (text) => {
    expect(maskTokenFields(text)).toBe(text);
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
