/**
 * What to do with an HTTP outcome, decided in one table, and how long to wait before a retry.
 * Pure functions: no I/O, no clock except what is passed in.
 */

export type Decision =
  | { action: 'accept' }
  | { action: 'retry'; reason: string }
  | { action: 'refresh-token'; reason: string }
  | { action: 'fail'; reason: string; userFault: boolean };

export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

/** Network error codes worth another try: the connection dropped or a timeout fired. */
export const RETRYABLE_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ETIMEDOUT', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ECONNABORTED',
  'ERR_GOT_REQUEST_ERROR', 'ERR_HTTP2_STREAM_ERROR', 'UND_ERR_SOCKET', 'ERR_STREAM_PREMATURE_CLOSE',
]);

/** Classify a response status. `alreadyRefreshed` is true when this request already got a fresh token after a 401. */
export function classifyStatus(status: number, alreadyRefreshed: boolean): Decision {
  if (status >= 200 && status < 300) return { action: 'accept' };
  if (RETRYABLE_STATUSES.has(status)) return { action: 'retry', reason: `HTTP ${status}` };
  if (status === 401 && !alreadyRefreshed) return { action: 'refresh-token', reason: 'HTTP 401' };
  if (status === 401) return { action: 'fail', reason: 'HTTP 401 (the API rejected a freshly issued token)', userFault: true };
  if (status === 403) return { action: 'fail', reason: 'HTTP 403 (the client is not allowed to read bookings)', userFault: true };
  if (status === 404) return { action: 'fail', reason: 'HTTP 404 (check base_url)', userFault: true };
  if (status >= 300 && status < 400) return { action: 'fail', reason: `HTTP ${status}, a redirect (not followed: set base_url or token_url to where it leads)`, userFault: true };
  if (status >= 400 && status < 500) return { action: 'fail', reason: `HTTP ${status}`, userFault: status === 400 };
  return { action: 'fail', reason: `HTTP ${status}`, userFault: false };
}

export interface RetryDelayInput {
  /** 1 for the first retry. */
  attempt: number;
  backoffFactorSeconds: number;
  maxWaitSeconds: number;
  retryAfter?: string | undefined;
  /** Epoch ms, to read a Retry-After given as an HTTP date. */
  now: number;
}

/**
 * Wait before retry n (n = 1 for the first retry), in ms: Retry-After when the response carries a usable one
 * (delta-seconds or an HTTP date in the future), else backoff_factor * 2^(n-1) seconds; either way at most
 * max_retry_wait_seconds.
 */
export function retryDelayMs({ attempt, backoffFactorSeconds, maxWaitSeconds, retryAfter, now }: RetryDelayInput): number {
  const cap = maxWaitSeconds * 1000;
  const fromHeader = parseRetryAfter(retryAfter, now);
  const delay = fromHeader ?? backoffFactorSeconds * 1000 * 2 ** (attempt - 1);
  return Math.max(0, Math.min(cap, delay));
}

/**
 * Retry-After as ms from now, or undefined when it gives no usable wait: absent, unreadable, negative, zero, or a
 * date that is not in the future. The caller then backs off by backoff_factor: an API that says "slow down" with a
 * meaningless value is not answered with an immediate retry.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) {
    const ms = Number(text) * 1000;
    return ms > 0 ? ms : undefined;
  }
  if (!/[a-z]{3}/i.test(text)) return undefined; // "-5", "1e3", "": neither a delay nor an HTTP date
  const date = Date.parse(text);
  return Number.isNaN(date) || date <= now ? undefined : date - now;
}
