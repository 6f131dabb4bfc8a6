import { bodySnippet, MAX_TEXT_BYTES } from './transport.js';
import { locateRecordSpans } from './record-spans.js';
import { UnusableBody } from './request-with-retries.js';

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

/**
 * Check the body's shape; anything unusable is retried and then reported with the start of the body. From bytes, the
 * page is parsed record by record where record-spans.ts can locate them: no text of the whole page is made (at
 * 100-300 KB it would be allocated straight into the old generation and linger until a full collection), and each
 * record's bytes are kept for the writers to copy. Anything else is parsed as one text, as the error messages need,
 * unless it is longer than a string can be (`maxTextBytes`, V8's limit): such a body is unusable.
 */
export function parsePage(body: string | Buffer, page: number, maxTextBytes = MAX_TEXT_BYTES): Page | UnusableBody {
  if (typeof body !== 'string') {
    const byRecord = parseByRecord(body, page);
    if (byRecord) return byRecord;
    if (body.length > maxTextBytes) {
      const start = JSON.stringify(bodySnippet(body.toString('utf8', 0, 480), 60));
      return new UnusableBody(`the response cannot be read record by record (not valid JSON, or not one record per line), and at ${body.length} bytes it is too long to be parsed as one text (${maxTextBytes} bytes at most); it starts ${start}`);
    }
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
