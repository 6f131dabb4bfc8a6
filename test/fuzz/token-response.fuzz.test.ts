import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { OAuth2ClientCredentials } from '../../src/auth/oauth2.js';
import { AuthError } from '../../src/errors.js';
import { Transport } from '../../src/http/transport.js';
import { memoryLogger } from '../support/quiet-logger.js';
import { json, mutated, params, text, TIMEOUT, typedAsync } from './fuzz.js';

/**
 * The token endpoint's answer fuzzed, over real HTTP: valid token responses with random changes (expires_in as a
 * string, negative, huge, a fraction, an object with "toString"; access_token missing or of any type), random JSON,
 * random bytes, under random statuses. The client gets a token or an AuthError, never another error; a token it got
 * is kept for a while (no token request per API request); and no answer is quoted with its token in it.
 */
let server: Server;
let url = '';
let answer = { status: 200, body: Buffer.alloc(0), type: 'application/json' };
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(answer.status, { 'content-type': answer.type }).end(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth/token`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const TOKEN = 'tok-9f8e7d6c5b4a39281706';
const GOOD = { access_token: TOKEN, token_type: 'Bearer', expires_in: 3600 };
const expiresIn = fc.oneof(json, fc.constantFrom('3600', '-1', '0', '0.001', '1e400', 'NaN', 'Infinity', ' 60 ', '', { toString: 1 }, { valueOf: 1 }, -1, 0, 1e-9, 1e308, Number.MAX_SAFE_INTEGER));
const body = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(mutated(GOOD), expiresIn).map(([doc, e]) => Buffer.from(text(doc !== null && typeof doc === 'object' && !Array.isArray(doc) && 'expires_in' in doc ? { ...doc, expires_in: e } : doc))) },
  { weight: 2, arbitrary: mutated(GOOD).map((doc) => Buffer.from(text(doc))) },
  { weight: 1, arbitrary: json.map((doc) => Buffer.from(text(doc))) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 48 }).map((b) => Buffer.from(b)) },
);
const status = fc.oneof({ weight: 6, arbitrary: fc.constant(200) }, { weight: 1, arbitrary: fc.constantFrom(201, 400, 401, 403, 404, 429, 500, 503) });

describe('the token response fuzzed', () => {
  it('gives a token kept for a while, or an AuthError, never anything else', async () => {
    const transport = new Transport({ timeoutMs: 5000, userAgent: 'fuzz', maxSockets: 2, maxResponseBytes: 1 << 20 });
    try {
      await fc.assert(fc.asyncProperty(status, body, fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'), async (s, b, type) => {
        answer = { status: s, body: b, type };
        let now = Date.UTC(2026, 0, 1);
        const logger = memoryLogger('debug');
        const auth = new OAuth2ClientCredentials({ tokenUrl: url, clientId: 'fuzz-id', clientSecret: 'fuzz-secret-value', method: 'body', retry: { maxRetries: 1, backoffFactor: 0, maxRetryWaitSeconds: 0 } }, transport, logger, { now: () => now, sleep: async () => {} });
        const result = await typedAsync(() => auth.accessToken());
        if (result instanceof Error) {
          expect(result).toBeInstanceOf(AuthError);
          expect(result.message).not.toContain(TOKEN);
        } else {
          expect(typeof result).toBe('string');
          const requests = auth.tokenRequests;
          now += 1000;
          await auth.accessToken();
          expect(auth.tokenRequests).toBe(requests);
        }
        for (const line of logger.lines) expect(line).not.toContain(TOKEN);
      }), params());
    } finally {
      transport.close();
    }
  }, TIMEOUT);
});
