import { isUtf8 } from 'node:buffer';
import { MAX_JSON_DEPTH, oneLine, type MemberCommas } from '../util/json-bytes.js';
import { bodySnippet, MAX_TEXT_BYTES } from './transport.js';
import { locateRecordSpans, type RecordSpans } from './record-spans.js';
import { UnusableBody } from './request-with-retries.js';

/** One page as the API returned it. Totals are undefined when the API does not report them. */
export interface Page {
  page: number;
  records: unknown[];
  totalPages: number | undefined;
  totalElements: number | undefined;
  /** The page size the API says it used, when it says (it may serve fewer records per page than asked for). */
  pageSize?: number | undefined;
  /**
   * Each record's bytes as received, aligned with records: what the writers copy. Only two things differ from the
   * response: a record spread over several lines is put on one (spaces between tokens dropped), and bytes that are
   * not valid UTF-8 are written as the U+FFFD the parsed record holds (which the request has warned about).
   */
  rawRecords: Uint8Array[];
  /** Where record k's members lie in rawRecords[k], when parsePage was asked for them and knows (for selectMembers). */
  members?: ((k: number) => MemberCommas | undefined) | undefined;
}

export interface ParseOptions {
  /** The longest body parsed as one text to say why it is no page (V8's longest string). */
  maxTextBytes?: number;
  /** Note where each record's members lie (for a catalog's projection). */
  members?: boolean;
}

/**
 * Check the body's shape; anything unusable is retried and then reported with the start of the body. A page is
 * parsed record by record from its bytes (see record-spans.ts): no text of the whole page is made (at 100-300 KB it
 * would be allocated straight into the old generation and linger until a full collection), and each record's bytes
 * are kept for the writers to copy, so every value reaches the output exactly as the API wrote it. Only a body that
 * is no page is decoded as one text, for the error message, unless it is longer than a string can be
 * (`maxTextBytes`, V8's limit). A record nesting deeper than MAX_JSON_DEPTH is refused for good (`final`): asking
 * again would get it again.
 */
export function parsePage(body: string | Buffer, page: number, options: ParseOptions = {}): Page | UnusableBody {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const located = locateRecordSpans(bytes, { members: options.members });
  if (located && 'tooDeep' in located) {
    const { index, depth } = located.tooDeep;
    return new UnusableBody(`record ${index} nests ${depth} levels deep; at most ${MAX_JSON_DEPTH} are read`, { final: true });
  }
  return (located && byRecord(bytes, located, page)) ?? whyUnusable(bytes, options.maxTextBytes ?? MAX_TEXT_BYTES);
}

/**
 * The page parsed as its parts: the body with a stand-in for the "data" array (for the totals), then each record.
 * Every byte is in exactly one part and the separators between records were checked, so the parts parse if and only
 * if the whole does; if any part fails, undefined hands the body to whyUnusable.
 */
function byRecord(raw: Buffer, located: RecordSpans, page: number): Page | undefined {
  const { spans, lineBreaks, arrayStart, arrayEnd } = located;
  const count = spans.length / 2;
  const records = new Array<unknown>(count);
  const rawRecords = new Array<Uint8Array>(count);
  // Decoding replaces each invalid UTF-8 sequence with U+FFFD: the copy is then made from the decoded record.
  const valid = isUtf8(raw);
  let outer: Record<string, unknown>;
  try {
    // 0 stands in for the array (record-spans.ts found the member JSON.parse keeps, so the stand-in is what it sees).
    outer = JSON.parse(`${raw.toString('utf8', 0, arrayStart)}0${raw.toString('utf8', arrayEnd)}`) as Record<string, unknown>;
    if (outer.data !== 0) return undefined;
    for (let k = 0; k < count; k++) {
      const start = spans[2 * k]!;
      const end = spans[2 * k + 1]!;
      const text = raw.toString('utf8', start, end);
      records[k] = JSON.parse(text);
      rawRecords[k] = valid ? raw.subarray(start, end) : Buffer.from(text, 'utf8');
    }
  } catch {
    return undefined;
  }
  for (const k of lineBreaks) rawRecords[k] = oneLine(rawRecords[k]!);
  const { commas, commasFrom } = located;
  // The commas' offsets hold for the bytes as received: not for a record put on one line or decoded again.
  const oneLined = new Set(lineBreaks);
  const members = commas && commasFrom && valid && count > 0 ? (k: number) => (oneLined.has(k) ? undefined : { commas, from: commasFrom[k]!, to: commasFrom[k + 1]! }) : undefined;
  const meta = (typeof outer.page === 'object' && outer.page !== null ? outer.page : outer) as Record<string, unknown>;
  const pageSize = nonNegativeInt(meta.pageSize ?? meta.size);
  return { page, records, totalPages: nonNegativeInt(meta.totalPages), totalElements: nonNegativeInt(meta.totalElements), pageSize: pageSize || undefined, rawRecords, ...(members ? { members } : {}) };
}

/** Why a body is no page, from its whole text (when a string can hold it). */
function whyUnusable(raw: Buffer, maxTextBytes: number): UnusableBody {
  if (raw.length > maxTextBytes) {
    const start = JSON.stringify(bodySnippet(raw.toString('utf8', 0, 480), 60));
    return new UnusableBody(`the response is not a JSON object with a "data" array, and at ${raw.length} bytes it is too long to be parsed as one text to say more (${maxTextBytes} bytes at most); it starts ${start}`);
  }
  const body = raw.toString('utf8');
  if (body.trimStart().startsWith('<')) return new UnusableBody(`the API answered with an HTML page instead of JSON: ${bodySnippet(body, 120)}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    return new UnusableBody(`the response is not valid JSON (${(err as Error).message}; ${body.length} bytes, starting ${JSON.stringify(bodySnippet(body, 60))})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return new UnusableBody(`the response is not a JSON object: ${bodySnippet(body)}`);
  if (!Object.hasOwn(parsed, 'data')) return new UnusableBody(`the response has no "data" key: ${bodySnippet(body)}`);
  const data = (parsed as Record<string, unknown>).data;
  if (data === null || Array.isArray(data)) return new UnusableBody(`the response's records could not be located in its bytes (a fault of the tap's reader: please report it): ${bodySnippet(body)}`);
  return new UnusableBody(`"data" in the response is not an array: ${bodySnippet(body)}`);
}

function nonNegativeInt(v: unknown): number | undefined {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
}
