import { ApiDataError, HttpError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import { sleep } from '../util/sleep.js';
import { classifyStatus, RETRYABLE_NETWORK_CODES, retryDelayMs, type Decision } from './retry-policy.js';
import { bodySnippet, headerValue, type Exchange } from './transport.js';

export interface RetrySettings {
  maxRetries: number;
  backoffFactor: number;
  maxRetryWaitSeconds: number;
}

/** A 2xx body that cannot be used (not JSON, an HTML page, no data): retried like a 5xx, then reported. */
export class UnusableBody {
  constructor(readonly reason: string) {}
}

export interface RetryingRequest<T> {
  /** Printed in messages, e.g. "GET https://api.example.com/v1/bookings?page=3". */
  describe: string;
  send: (attempt: number) => Promise<Exchange>;
  /** Turn a 2xx response into a value, or say why it is unusable (its `body` text is decoded only if read). */
  parse: (exchange: Exchange & { kind: 'response' }) => T | UnusableBody;
  /**
   * Called once a 2xx response is in; the promise it returns resolves when the caller is ready for the value: the
   * body is parsed only then (an unusable one is retried then). Until then the response is kept as bytes, which
   * costs far less memory and garbage collection than parsed records waiting for their turn.
   */
  turn?: (() => Promise<void>) | undefined;
  /** Called on a 401 once per request: drop the cached token so the next send gets a new one. */
  refreshToken?: () => void;
  /** Called after each exchange with its status (or network error code). */
  observe?: (exchange: Exchange) => void;
  onThrottled?: () => void;
  onSuccess?: () => void;
  /** Build the final error for a non-retryable response, when the caller knows better (the token endpoint does). */
  failure?: (exchange: Exchange & { kind: 'response' }, decision: Decision & { action: 'fail' }) => Error | undefined;
  settings: RetrySettings;
  logger: Logger;
  signal?: AbortSignal;
}

export interface RetryStats {
  retries: number;
}

/**
 * Send a request until it yields a usable value: retry 429/5xx, network errors and unusable 2xx bodies
 * up to max_retries times with backoff (Retry-After honoured), refresh the token once on a 401,
 * and fail at once on any other status.
 */
export async function requestWithRetries<T>(req: RetryingRequest<T>, stats?: RetryStats): Promise<T> {
  let retries = 0;
  let refreshed = false;
  for (let attempt = 1; ; attempt++) {
    const exchange = await req.send(attempt);
    req.observe?.(exchange);
    let reason: string;
    let retryAfter: string | undefined;
    let transientData = false;
    if (exchange.kind === 'network-error') {
      if (!RETRYABLE_NETWORK_CODES.has(exchange.code)) {
        const hint = exchange.code === 'ENOTFOUND' ? ' (host not found: check the URL)' : /CERT|SSL|TLS/.test(exchange.code) ? ' (TLS certificate rejected)' : '';
        throw new HttpError(`${req.describe} failed: ${exchange.code}${hint}: ${exchange.message}`, undefined, { userFault: hint !== '' });
      }
      reason = exchange.code === 'ETIMEDOUT' ? 'timed out' : `network error ${exchange.code}`;
    } else {
      const decision = classifyStatus(exchange.status, refreshed);
      if (decision.action === 'accept') {
        if (req.turn) await req.turn();
        const value = req.parse(exchange);
        if (!(value instanceof UnusableBody)) {
          req.onSuccess?.();
          return value;
        }
        reason = value.reason;
        transientData = true;
      } else if (decision.action === 'refresh-token' && req.refreshToken) {
        refreshed = true;
        req.logger.info(`${req.describe}: HTTP 401, fetching a new access token and retrying once.`);
        req.refreshToken();
        continue;
      } else if (decision.action === 'fail' || decision.action === 'refresh-token') {
        const fail = decision.action === 'fail' ? decision : { action: 'fail' as const, reason: decision.reason, userFault: true };
        throw req.failure?.(exchange, fail) ?? new HttpError(`${req.describe} failed with ${fail.reason}: ${bodySnippet(exchange.body)}`, exchange.status, { userFault: fail.userFault });
      } else {
        reason = decision.reason;
        if (exchange.status === 429) req.onThrottled?.();
        retryAfter = headerValue(exchange.headers, 'retry-after');
      }
    }
    if (retries >= req.settings.maxRetries) {
      const message = `${req.describe} failed after ${retries} ${retries === 1 ? 'retry' : 'retries'}: ${reason}.`;
      if (transientData) throw new ApiDataError(message);
      throw new HttpError(message, exchange.kind === 'response' ? exchange.status : undefined, { transient: true });
    }
    retries++;
    if (stats) stats.retries++;
    const delay = retryDelayMs({ attempt: retries, backoffFactorSeconds: req.settings.backoffFactor, maxWaitSeconds: req.settings.maxRetryWaitSeconds, retryAfter });
    req.logger.warn(`${req.describe}: ${reason}; retry ${retries} of ${req.settings.maxRetries} in ${(delay / 1000).toFixed(2)} s.`);
    await sleep(delay, req.signal);
  }
}
