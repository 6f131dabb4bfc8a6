import type { BookingType, TapConfig } from '../config/options.js';
import type { Logger } from '../logging/logger.js';
import type { OAuth2ClientCredentials } from '../auth/oauth2.js';
import { formatIsoSeconds } from '../util/time.js';
import type { AdaptiveLimiter } from './adaptive-limiter.js';
import { locateRecordSpans } from './record-spans.js';
import { requestWithRetries, UnusableBody, type RetryStats } from './request-with-retries.js';
import { bodySnippet, describeUrl, type Exchange, type Transport } from './transport.js';

export const BOOKINGS_PATH = '/v1/bookings';

/** One page as the API returned it. Totals are undefined when the API does not report them. */
export interface Page {
  page: number;
  records: unknown[];
  totalPages: number | undefined;
  totalElements: number | undefined;
  /** The page size the API says it used, when it says (it may serve fewer records per page than asked for). */
  pageSize?: number | undefined;
  /** Each record's bytes as received, when they can be copied verbatim (see record-spans.ts); aligned with records. */
  rawRecords?: Uint8Array[] | undefined;
}

export interface PageRequest {
  bookingType: BookingType;
  page: number;
  /** Window bounds, epoch ms (from inclusive). */
  from: number;
  to: number;
  signal?: AbortSignal;
  /** Called when the response is in; resolves when the caller is ready to read the page (see RetryingRequest.turn). */
  turn?: (() => Promise<void>) | undefined;
}

export interface RequestObserver {
  (event: { endpoint: string; status: number | string; durationMs: number }): void;
}

/**
 * GET /v1/bookings: query building (booking type, page, size, window parameters), auth header,
 * retries through requestWithRetries, and the shape check of the body ({"data": [...], "page": {...}}).
 */
export class BookingsApi {
  readonly stats: RetryStats = { retries: 0 };
  requests = 0;

  constructor(
    private readonly config: TapConfig,
    private readonly transport: Transport,
    private readonly auth: OAuth2ClientCredentials,
    private readonly limiter: AdaptiveLimiter,
    private readonly logger: Logger,
    private readonly observe?: RequestObserver,
  ) {}

  query(req: Pick<PageRequest, 'bookingType' | 'page' | 'from' | 'to'>): Record<string, string> {
    const c = this.config;
    const q: Record<string, string> = { bookingType: req.bookingType, page: String(req.page), size: String(c.pageSize) };
    // The start is rounded down to a whole second (records before it are trimmed again on our side); the end is
    // already a whole second (see windowEnd), so the API's precision never costs a record. Whether the API treats
    // the end as inclusive or not, records it leaves out are after every bookmark this sync can set.
    if (c.windowFromParam) q[c.windowFromParam] = formatWindowValue(Math.floor(req.from / 1000) * 1000, c.windowFormat);
    if (c.windowToParam) q[c.windowToParam] = formatWindowValue(Math.ceil(req.to / 1000) * 1000, c.windowFormat);
    return q;
  }

  async fetchPage(req: PageRequest): Promise<Page> {
    const url = `${this.config.baseUrl}${BOOKINGS_PATH}`;
    const searchParams = this.query(req);
    const describe = `GET ${describeUrl(url, searchParams)}`;
    let token = '';
    return requestWithRetries<Page>(
      {
        describe,
        send: async () => {
          token = await this.auth.accessToken(req.signal);
          this.requests++;
          return this.limiter.run(() =>
            this.transport.send({ method: 'GET', url, searchParams, headers: { authorization: `Bearer ${token}` }, signal: req.signal }),
          );
        },
        parse: (exchange) => parsePage(exchange.raw ?? exchange.body, req.page),
        turn: req.turn,
        refreshToken: () => this.auth.invalidate(token),
        observe: (exchange: Exchange) =>
          this.observe?.({ endpoint: BOOKINGS_PATH, status: exchange.kind === 'response' ? exchange.status : exchange.code, durationMs: exchange.durationMs }),
        onThrottled: () => this.limiter.onThrottled(),
        onSuccess: () => this.limiter.onSuccess(),
        settings: this.config,
        logger: this.logger,
        signal: req.signal,
      },
      this.stats,
    );
  }
}

export function formatWindowValue(ms: number, format: TapConfig['windowFormat']): string {
  if (format === 'epoch_seconds') return String(Math.floor(ms / 1000));
  if (format === 'epoch_millis') return String(ms);
  return formatIsoSeconds(ms);
}

/**
 * Check the body's shape; anything unusable is retried and then reported with the start of the body. From bytes, the
 * page is parsed record by record where record-spans.ts can locate them: no text of the whole page is made (at
 * 100-300 KB it would be allocated straight into the old generation and linger until a full collection), and each
 * record's bytes are kept for the writers to copy. Anything else is parsed as one text, as the error messages need.
 */
export function parsePage(body: string | Buffer, page: number): Page | UnusableBody {
  if (typeof body !== 'string') {
    const byRecord = parseByRecord(body, page);
    if (byRecord) return byRecord;
    body = body.toString('utf8');
  }
  const trimmed = body.trimStart();
  if (trimmed.startsWith('<')) return new UnusableBody(`the API answered with an HTML page instead of JSON: ${bodySnippet(body, 120)}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    return new UnusableBody(`the response is not valid JSON (${(err as Error).message}; ${body.length} bytes, starting ${JSON.stringify(bodySnippet(body, 60))})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return new UnusableBody(`the response is not a JSON object: ${bodySnippet(body)}`);
  const obj = parsed as Record<string, unknown>;
  if (!('data' in obj)) return new UnusableBody(`the response has no "data" key: ${bodySnippet(body)}`);
  const data = obj.data ?? [];
  if (!Array.isArray(data)) return new UnusableBody(`"data" in the response is not an array: ${bodySnippet(body)}`);
  return pageOf(obj, data, page, undefined);
}

/**
 * The page parsed as its parts: the body with a stand-in for the "data" array (for the totals), then each record.
 * Every byte is in exactly one part and the separators between records were checked, so the parts parse if and only
 * if the whole does; if any part fails, undefined hands the body to the whole-text path and its error message.
 */
function parseByRecord(raw: Buffer, page: number): Page | undefined {
  const located = locateRecordSpans(raw);
  if (!located) return undefined;
  const { spans, arrayStart, arrayEnd } = located;
  const count = spans.length / 2;
  const records = new Array<unknown>(count);
  const rawRecords = new Array<Uint8Array>(count);
  let outer: unknown;
  try {
    // 0 stands in for the array: if a later key spelled with escapes ("d\u0061ta") overrode it, as it would in the
    // whole text, the stand-in is gone and the whole-text path decides.
    outer = JSON.parse(`${raw.toString('utf8', 0, arrayStart)}0${raw.toString('utf8', arrayEnd)}`);
    if ((outer as Record<string, unknown>).data !== 0) return undefined;
    for (let k = 0; k < count; k++) {
      const start = spans[2 * k]!;
      const end = spans[2 * k + 1]!;
      records[k] = JSON.parse(raw.toString('utf8', start, end));
      rawRecords[k] = raw.subarray(start, end);
    }
  } catch {
    return undefined;
  }
  return pageOf(outer as Record<string, unknown>, records, page, count > 0 ? rawRecords : undefined);
}

function pageOf(obj: Record<string, unknown>, records: unknown[], page: number, rawRecords: Uint8Array[] | undefined): Page {
  const meta = (typeof obj.page === 'object' && obj.page !== null ? obj.page : obj) as Record<string, unknown>;
  const pageSize = nonNegativeInt(meta.pageSize ?? meta.size);
  return { page, records, totalPages: nonNegativeInt(meta.totalPages), totalElements: nonNegativeInt(meta.totalElements), pageSize: pageSize || undefined, rawRecords };
}

function nonNegativeInt(v: unknown): number | undefined {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
}
