import { ApiDataError, HttpError } from '../../src/errors.js';
import { requestWithRetries, UnusableBody, type RetrySettings } from '../../src/http/request-with-retries.js';
import { classifyStatus, parseRetryAfter, retryDelayMs, RETRYABLE_NETWORK_CODES } from '../../src/http/retry-policy.js';
import type { Exchange } from '../../src/http/transport.js';
import { instantClock } from '../support/clocks.js';
import { memoryLogger } from '../support/quiet-logger.js';

const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);

describe('classifyStatus', () => {
  it.each([200, 201, 204])('accepts %i', (status) => {
    expect(classifyStatus(status, false)).toEqual({ action: 'accept' });
  });

  it.each([429, 500, 502, 503, 504])('retries %i', (status) => {
    expect(classifyStatus(status, false)).toEqual({ action: 'retry', reason: `HTTP ${status}` });
    expect(classifyStatus(status, true).action).toBe('retry');
  });

  it.each([400, 403, 404, 405, 422])('fails at once on %i', (status) => {
    const d = classifyStatus(status, false);
    expect(d.action).toBe('fail');
  });

  it('marks 400, 403 and 404 as the user\'s fault with a hint, other 4xx and 501 as not', () => {
    expect(classifyStatus(400, false)).toMatchObject({ action: 'fail', userFault: true });
    expect(classifyStatus(403, false)).toMatchObject({ action: 'fail', userFault: true, reason: expect.stringContaining('not allowed') });
    expect(classifyStatus(404, false)).toMatchObject({ action: 'fail', userFault: true, reason: expect.stringContaining('base_url') });
    expect(classifyStatus(422, false)).toMatchObject({ action: 'fail', userFault: false });
    expect(classifyStatus(501, false)).toMatchObject({ action: 'fail', userFault: false });
  });

  it.each([301, 302, 307, 308])('fails at once on the redirect %i, saying that it is not followed', (status) => {
    expect(classifyStatus(status, false)).toMatchObject({ action: 'fail', userFault: true, reason: expect.stringMatching(/a redirect \(not followed: set base_url or token_url to where it leads\)/) });
  });

  it('asks for a token refresh on the first 401 and fails on the second', () => {
    expect(classifyStatus(401, false).action).toBe('refresh-token');
    expect(classifyStatus(401, true)).toMatchObject({ action: 'fail', userFault: true });
  });
});

describe('network error codes', () => {
  it.each(['ETIMEDOUT', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'EAI_AGAIN', 'UND_ERR_SOCKET'])('treats %s as retryable', (code) => {
    expect(RETRYABLE_NETWORK_CODES.has(code)).toBe(true);
  });

  it.each(['ENOTFOUND', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID'])('does not retry %s', (code) => {
    expect(RETRYABLE_NETWORK_CODES.has(code)).toBe(false);
  });
});

describe('retryDelayMs', () => {
  it('backs off exponentially: backoff_factor * 2^(n-1) seconds', () => {
    const delays = [1, 2, 3, 4].map((attempt) => retryDelayMs({ attempt, backoffFactorSeconds: 2, maxWaitSeconds: 600, now: NOW }));
    expect(delays).toEqual([2000, 4000, 8000, 16000]);
    expect(retryDelayMs({ attempt: 3, backoffFactorSeconds: 0.5, maxWaitSeconds: 600, now: NOW })).toBe(2000);
  });

  it('caps the backoff at max_retry_wait_seconds', () => {
    expect(retryDelayMs({ attempt: 10, backoffFactorSeconds: 2, maxWaitSeconds: 60, now: NOW })).toBe(60_000);
  });

  it('honours Retry-After in seconds instead of the backoff', () => {
    expect(retryDelayMs({ attempt: 1, backoffFactorSeconds: 2, maxWaitSeconds: 60, retryAfter: '7', now: NOW })).toBe(7000);
    expect(retryDelayMs({ attempt: 4, backoffFactorSeconds: 2, maxWaitSeconds: 60, retryAfter: ' 1.5 ', now: NOW })).toBe(1500);
  });

  it('honours Retry-After as an HTTP date', () => {
    const header = new Date(NOW + 12_000).toUTCString();
    expect(retryDelayMs({ attempt: 1, backoffFactorSeconds: 2, maxWaitSeconds: 60, retryAfter: header, now: NOW })).toBe(12_000);
  });

  it.each([
    ['a date in the past', new Date(NOW - 5_000).toUTCString()],
    ['the present moment', new Date(NOW).toUTCString()],
    ['a negative number', '-5'],
    ['zero', '0'],
    ['a number in another notation', '1e3'],
    ['empty', ''],
  ])('falls back to backoff_factor when Retry-After is %s: a "slow down" without a usable wait is no licence to retry at once', (_label, header) => {
    expect(parseRetryAfter(header, NOW)).toBeUndefined();
    expect(retryDelayMs({ attempt: 2, backoffFactorSeconds: 1.5, maxWaitSeconds: 60, retryAfter: header, now: NOW })).toBe(3000);
  });

  it('caps Retry-After (seconds or date) at max_retry_wait_seconds', () => {
    expect(retryDelayMs({ attempt: 1, backoffFactorSeconds: 2, maxWaitSeconds: 30, retryAfter: '3600', now: NOW })).toBe(30_000);
    const later = new Date(NOW + 3_600_000).toUTCString();
    expect(retryDelayMs({ attempt: 1, backoffFactorSeconds: 2, maxWaitSeconds: 30, retryAfter: later, now: NOW })).toBe(30_000);
  });

  it('falls back to the backoff when Retry-After is unreadable', () => {
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
    expect(retryDelayMs({ attempt: 2, backoffFactorSeconds: 1, maxWaitSeconds: 60, retryAfter: 'soon', now: NOW })).toBe(2000);
  });
});

/** A scripted sender for requestWithRetries: one exchange per attempt. */
function scripted(exchanges: Exchange[]) {
  const sent: number[] = [];
  return {
    sent,
    send: async (attempt: number): Promise<Exchange> => {
      sent.push(attempt);
      const e = exchanges[Math.min(attempt - 1, exchanges.length - 1)];
      if (!e) throw new Error('script is empty');
      return e;
    },
  };
}
const res = (status: number, body = '{"ok":true}', headers: Record<string, string> = {}): Exchange => ({ kind: 'response', status, headers, body, durationMs: 1 });
const netErr = (code: string): Exchange => ({ kind: 'network-error', code, message: `${code} happened`, durationMs: 1 });
const FAST: RetrySettings = { maxRetries: 3, backoffFactor: 0.001, maxRetryWaitSeconds: 1 };

function run(exchanges: Exchange[], settings: RetrySettings = FAST, parse?: (body: string) => unknown) {
  const script = scripted(exchanges);
  const logger = memoryLogger();
  const stats = { retries: 0 };
  const promise = requestWithRetries(
    { describe: 'GET https://api.test/x', send: script.send, parse: (e) => (parse ?? ((b: string) => JSON.parse(b) as unknown))(e.body), settings, logger, clock: instantClock(NOW) },
    stats,
  );
  return { promise, script, logger, stats };
}

describe('requestWithRetries with the policy', () => {
  it.each([429, 500, 502, 503, 504])('retries HTTP %i and then succeeds', async (status) => {
    const { promise, script, stats } = run([res(status), res(200)]);
    await expect(promise).resolves.toEqual({ ok: true });
    expect(script.sent).toEqual([1, 2]);
    expect(stats.retries).toBe(1);
  });

  it.each(['ETIMEDOUT', 'ECONNRESET'])('retries network error %s and then succeeds', async (code) => {
    const { promise, script, logger } = run([netErr(code), res(200)]);
    await expect(promise).resolves.toEqual({ ok: true });
    expect(script.sent).toHaveLength(2);
    expect(logger.lines.join('\n')).toMatch(code === 'ETIMEDOUT' ? /timed out; retry 1 of 3/ : /network error ECONNRESET; retry 1 of 3/);
  });

  it.each([400, 403, 404])('does not retry HTTP %i', async (status) => {
    const { promise, script } = run([res(status, '{"message":"nope"}'), res(200)]);
    await expect(promise).rejects.toThrow(HttpError);
    await expect(promise).rejects.toThrow(new RegExp(`GET https://api.test/x failed with HTTP ${status}.*nope`));
    expect(script.sent).toEqual([1]);
  });

  it('fails at once on a non-retryable network error, with a hint', async () => {
    const { promise, script } = run([netErr('ENOTFOUND'), res(200)]);
    await expect(promise).rejects.toThrow(/ENOTFOUND \(host not found: check the URL\)/);
    expect(script.sent).toEqual([1]);
    await expect(run([netErr('Z_DATA_ERROR'), res(200)]).promise).rejects.toThrow(/Z_DATA_ERROR \(the body is not compressed as its Content-Encoding says\)/);
  });

  it('stops after max_retries retries (max_retries + 1 attempts) and says how many', async () => {
    const { promise, script, stats } = run([res(503)], { ...FAST, maxRetries: 2 });
    await expect(promise).rejects.toThrow('GET https://api.test/x failed after 2 retries: HTTP 503.');
    expect(script.sent).toEqual([1, 2, 3]);
    expect(stats.retries).toBe(2);
  });

  it('does not retry at all when max_retries is 0', async () => {
    const { promise, script } = run([res(500)], { ...FAST, maxRetries: 0 });
    const err = await promise.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).failureType).toBe('transient_error');
    expect(script.sent).toEqual([1]);
  });

  it('retries an unusable 2xx body and reports it as ApiDataError when retries run out', async () => {
    const parse = (b: string) => (b.includes('data') ? JSON.parse(b) : new UnusableBody('no data in body'));
    const { promise, script } = run([res(200, '{}')], { ...FAST, maxRetries: 1 }, parse);
    await expect(promise).rejects.toThrow(ApiDataError);
    await expect(promise).rejects.toThrow('failed after 1 retry: no data in body.');
    expect(script.sent).toEqual([1, 2]);
  });

  it('logs the wait it computed from backoff_factor for each retry', async () => {
    const { promise, logger } = run([res(502), res(502), res(200)], { maxRetries: 3, backoffFactor: 0.01, maxRetryWaitSeconds: 1 });
    await promise;
    const waits = logger.lines.filter((l) => l.includes('retry')).map((l) => /in ([\d.]+) s/.exec(l)?.[1]);
    expect(waits).toEqual(['0.01', '0.02']);
  });
});
