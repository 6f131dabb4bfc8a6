import { ApiDataError, HttpError, ResponseTooLargeError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { Clock } from '../util/clock.js';
import type { RequestGate } from './request-gate.js';
import { classifyStatus, parseRetryAfter, RETRYABLE_NETWORK_CODES, retryDelayMs } from './retry-policy.js';
import { bodySnippet, headerValue, MEGABYTE, type Exchange } from './transport.js';

export interface RetrySettings {
  maxRetries: number;
  backoffFactor: number;
  maxRetryWaitSeconds: number;
}

/**
 * A 2xx body that cannot be used (not JSON, an HTML page, no data): retried like a 5xx, then reported. A `final` one
 * (a record nested too deep) is reported at once by the readers that look at it: asking again would get it again.
 */
export class UnusableBody {
  readonly final: boolean;
  constructor(
    readonly reason: string,
    options: { final?: boolean } = {},
  ) {
    this.final = options.final ?? false;
  }
}

export type ResponseExchange = Exchange & { kind: 'response' };

export interface RetryingRequest<T> {
  /** Printed in messages, e.g. "GET https://api.example.com/v1/bookings?page=3". */
  describe: string;
  /** Send one attempt. When `gate` is given, send must pass through it (gate.run or gate.ready). */
  send: (attempt: number) => Promise<Exchange>;
  /** Turn a 2xx response into a value, or say why it is unusable. */
  parse: (exchange: ResponseExchange) => T | UnusableBody;
  /** Called on a 401 once per request: drop the cached token so the next send gets a new one. */
  refreshToken?: () => void;
  /** Build the final error for a non-retryable response, when the caller knows better (the token endpoint does). */
  failure?: (exchange: ResponseExchange) => Error | undefined;
  /**
   * The API's shared gate. A 429, or any retryable response with a usable Retry-After, pauses every request through
   * it (not only this one) for the wait; the retry then waits at the gate with everyone else.
   */
  gate?: RequestGate | undefined;
  settings: RetrySettings;
  logger: Logger;
  clock: Clock;
  signal?: AbortSignal | undefined;
}

export interface RetryStats {
  retries: number;
}

/**
 * Send a request until it yields a usable value: retry 429/5xx, network errors and unusable 2xx bodies
 * up to max_retries times with backoff (Retry-After honoured), refresh the token once on a 401,
 * and fail at once on any other status, or on a response larger than max_response_mb whatever its status.
 */
export async function requestWithRetries<T>(req: RetryingRequest<T>, stats?: RetryStats): Promise<T> {
  let retries = 0;
  let refreshed = false;
  for (let attempt = 1; ; attempt++) {
    const exchange = await req.send(attempt);
    let reason: string;
    let retryAfter: string | undefined;
    let transientData = false;
    let throttled = false;
    if (exchange.kind === 'too-large') {
      throw new ResponseTooLargeError(`${req.describe} answered with more than ${describeSize(exchange.limitBytes)} (max_response_mb); the response was cut off there.`, exchange.status);
    }
    if (exchange.kind === 'network-error') {
      if (!RETRYABLE_NETWORK_CODES.has(exchange.code)) {
        const hint = exchange.code === 'ENOTFOUND' ? ' (host not found: check the URL)' : /CERT|SSL|TLS/.test(exchange.code) ? ' (TLS certificate rejected)' : exchange.code.startsWith('Z_') ? ' (the body is not compressed as its Content-Encoding says)' : '';
        throw new HttpError(`${req.describe} failed: ${exchange.code}${hint}: ${exchange.message}`, undefined, { userFault: hint !== '' });
      }
      reason = exchange.code === 'ETIMEDOUT' ? 'timed out' : `network error ${exchange.code}`;
    } else {
      const decision = classifyStatus(exchange.status, refreshed);
      if (decision.action === 'accept') {
        const value = req.parse(exchange);
        if (!(value instanceof UnusableBody)) {
          req.gate?.succeeded();
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
        const location = exchange.status >= 300 && exchange.status < 400 ? headerValue(exchange.headers, 'location') : undefined;
        const detail = location !== undefined ? `Location: ${location}` : bodySnippet(exchange.body);
        throw req.failure?.(exchange) ?? new HttpError(`${req.describe} failed with ${decision.reason}: ${detail}`, exchange.status, { userFault: decision.action === 'fail' ? decision.userFault : true });
      } else {
        reason = decision.reason;
        throttled = exchange.status === 429;
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
    const now = req.clock.now();
    const delay = retryDelayMs({ attempt: retries, backoffFactorSeconds: req.settings.backoffFactor, maxWaitSeconds: req.settings.maxRetryWaitSeconds, retryAfter, now });
    const shared = req.gate !== undefined && (throttled || parseRetryAfter(retryAfter, now) !== undefined);
    req.logger.warn(`${req.describe}: ${reason}; retry ${retries} of ${req.settings.maxRetries} in ${(delay / 1000).toFixed(2)} s${shared ? ' (every request to the API waits as long)' : ''}.`);
    if (shared) {
      if (throttled) req.gate!.throttled(delay);
      else req.gate!.pause(delay);
    } else {
      await req.clock.sleep(delay, req.signal);
    }
  }
}

/** "64 MB" for a whole number of megabytes (of 1,048,576 bytes), else the bytes. */
function describeSize(bytes: number): string {
  const mb = bytes / MEGABYTE;
  return Number.isInteger(mb) ? `${mb} MB` : `${bytes} bytes`;
}
