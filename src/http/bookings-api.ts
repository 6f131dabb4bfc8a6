import type { BookingType, TapConfig } from '../config/options.js';
import { ApiDataError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { OAuth2ClientCredentials } from '../auth/oauth2.js';
import type { Clock } from '../util/clock.js';
import { formatIsoSeconds } from '../util/time.js';
import type { RequestGate } from './request-gate.js';
import { ClockLagWatch } from './clock-lag.js';
import { requestWithRetries, type RetryStats } from './request-with-retries.js';
import { describeUrl, headerValue, type Transport } from './transport.js';
import { invalidUtf8Sequences } from './utf8.js';

export const BOOKINGS_PATH = '/v1/bookings';

export interface PageRequest {
  bookingType: BookingType;
  page: number;
  /** Records per page, sent as `size`. */
  size: number;
  /** Window start, epoch ms (inclusive); sent rounded down to a whole second. */
  from: number;
  /** Window end, epoch ms; undefined sends no end (the change probe reads everything after `from`). */
  to: number | undefined;
  signal?: AbortSignal | undefined;
  /** Retries for this request, when not max_retries (a probe whose failure says enough: see page-base-check.ts). */
  maxRetries?: number | undefined;
}

/** A 2xx body as received, not yet parsed: the reader parses it when it takes the page (see http/page-body.ts). */
export interface PageBody {
  bytes: Buffer;
  /** The request, safe to print ("GET https://…/v1/bookings?bookingType=FLIGHT&page=3…"). */
  describe: string;
}

/**
 * GET /v1/bookings: query building (booking type, page, size, window parameters), the bearer token, and retries of
 * HTTP-level failures through requestWithRetries and the API's shared gate. It returns the body's bytes, checked to be
 * UTF-8 (checkedEncoding); what they mean is the reader's business.
 */
export class BookingsApi {
  readonly stats: RetryStats = { retries: 0 };
  private readonly clockLag: ClockLagWatch;

  constructor(
    private readonly config: TapConfig,
    private readonly transport: Transport,
    private readonly auth: OAuth2ClientCredentials,
    private readonly gate: RequestGate,
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {
    this.clockLag = new ClockLagWatch(config.windowEndLagSeconds, logger);
  }

  query(req: Pick<PageRequest, 'bookingType' | 'page' | 'size' | 'from' | 'to'>): Record<string, string> {
    const c = this.config;
    const q: Record<string, string> = { bookingType: req.bookingType, page: String(req.page), size: String(req.size) };
    // The start is rounded down to a whole second (records before it are trimmed again on our side); the end is
    // already a whole second (see windowEnd), so the API's precision never costs a record. Whether the API treats
    // the end as inclusive or not, records it leaves out are after every bookmark this sync can set.
    if (c.windowFromParam) q[c.windowFromParam] = formatWindowValue(Math.floor(req.from / 1000) * 1000, c.windowFormat);
    if (c.windowToParam && req.to !== undefined) q[c.windowToParam] = formatWindowValue(Math.ceil(req.to / 1000) * 1000, c.windowFormat);
    return q;
  }

  async fetchPage(req: PageRequest): Promise<PageBody> {
    const url = `${this.config.baseUrl}${BOOKINGS_PATH}`;
    const searchParams = this.query(req);
    const describe = `GET ${describeUrl(url, searchParams)}`;
    let token = '';
    return requestWithRetries<PageBody>(
      {
        describe,
        send: async () => {
          token = await this.auth.accessToken(req.signal);
          return this.gate.run(() => this.transport.send({ method: 'GET', url, searchParams, headers: { authorization: `Bearer ${token}` }, signal: req.signal }), req.signal);
        },
        parse: (exchange) => {
          this.clockLag.observe(headerValue(exchange.headers, 'date'), this.clock.now());
          return this.checkedEncoding({ bytes: exchange.raw ?? Buffer.from(exchange.body), describe });
        },
        refreshToken: () => this.auth.invalidate(token),
        gate: this.gate,
        settings: req.maxRetries === undefined ? this.config : { ...this.config, maxRetries: req.maxRetries },
        logger: this.logger,
        clock: this.clock,
        signal: req.signal,
      },
      this.stats,
    );
  }

  /**
   * A body whose bytes are not all valid UTF-8 still reaches the reader, each invalid sequence decoded as U+FFFD (the
   * replacement character), but never silently: one warning per request, naming it and counting the sequences. With
   * schema_validation "fail" the request fails instead, as a record that does not match the schema would.
   */
  private checkedEncoding(body: PageBody): PageBody {
    const invalid = invalidUtf8Sequences(body.bytes);
    if (invalid === 0) return body;
    const what = `${body.describe}: the response holds ${invalid} invalid UTF-8 byte ${invalid === 1 ? 'sequence' : 'sequences'}`;
    if (this.config.schemaValidation === 'fail') throw new ApiDataError(`${what}, which would reach the records as U+FFFD (set schema_validation to "warn" to load them anyway).`);
    this.logger.warn(`${what}; ${invalid === 1 ? 'it is' : 'each is'} delivered as U+FFFD (the replacement character).`);
    return body;
  }
}

export function formatWindowValue(ms: number, format: TapConfig['windowFormat']): string {
  if (format === 'epoch_seconds') return String(Math.floor(ms / 1000));
  if (format === 'epoch_millis') return String(ms);
  return formatIsoSeconds(ms);
}
