import { CLOSE_BRACE, CLOSE_BRACKET, COLON, COMMA, MAX_JSON_DEPTH, MemberNames, OffsetList, OPEN_BRACE, OPEN_BRACKET, QUOTE, skipSpace, skipString, skipValue, ValueShape } from '../util/json-bytes.js';

/**
 * Where each record of a page's `"data"` array lies in the raw response bytes, so that each record can be parsed on
 * its own and written out as the API sent it (never serialised again: JSON.stringify was the largest cost per record
 * after JSON.parse, and it changes numbers that JavaScript cannot hold exactly). The page is an object whose last
 * member named `data` (however the name is written: `"d\u0061ta"` is `data`, and of two, JSON.parse keeps the last)
 * holds an array, or null for no records. With `members`, the commas directly inside each record are noted too
 * (for selectMembers, which then looks at member names only). Returns the spans; `{ tooDeep }` for a record that nests deeper than
 * MAX_JSON_DEPTH; undefined for any other shape (not an object, no `data` array, unterminated), which the caller then
 * reports from the whole text.
 *
 * It walks structure without validating what lies inside values: the caller parses every part (the body with a
 * stand-in for the array, then each record), and every byte is in exactly one part.
 */
export function locateRecordSpans(body: Uint8Array, options: { members?: boolean } = {}): RecordSpans | TooDeep | undefined {
  const n = body.length;
  let i = skipSpace(body, 0);
  if (body[i] !== OPEN_BRACE) return undefined;
  i++;
  let found: RecordSpans | TooDeep | undefined;
  for (;;) {
    i = skipSpace(body, i);
    if (body[i] === CLOSE_BRACE) return skipSpace(body, i + 1) === n ? found : undefined;
    if (body[i] !== QUOTE) return undefined;
    const keyStart = i;
    i = skipString(body, i);
    if (i < 0) return undefined;
    const isData = DATA.find(body, keyStart, i) !== undefined;
    i = skipSpace(body, i);
    if (body[i] !== COLON) return undefined;
    i = skipSpace(body, i + 1);
    if (isData && body[i] === OPEN_BRACKET) {
      // With members, readElements notes the commas (and sets `commas`).
      const spans: RecordSpans = { spans: [], lineBreaks: [], arrayStart: i, arrayEnd: -1, ...(options.members ? { commasFrom: [] } : {}) };
      const read = readElements(body, i + 1, spans);
      if (typeof read !== 'number') return read;
      if (read < 0) return undefined;
      spans.arrayEnd = i = read;
      found = spans;
    } else {
      const start = i;
      i = skipValue(body, i);
      // A later "data" replaces an earlier one, as in JSON.parse: null means no records, anything else is no page.
      if (isData) found = isNull(body, start, i) ? { spans: [], lineBreaks: [], arrayStart: start, arrayEnd: i, ...(options.members ? { commas: new Int32Array(0), commasFrom: [0] } : {}) } : undefined;
    }
    if (i < 0 || i >= n) return undefined;
    i = skipSpace(body, i);
    if (body[i] === COMMA) i++;
    else if (body[i] !== CLOSE_BRACE) return undefined;
  }
}

export interface RecordSpans {
  /** [start0, end0, start1, end1, …]: each record's bytes, end exclusive. */
  spans: number[];
  /** Indexes of the records whose bytes hold line breaks (between tokens: a JSON string cannot hold one). */
  lineBreaks: number[];
  /** Where the "data" array (or null) begins and ends (just past it). */
  arrayStart: number;
  arrayEnd: number;
  /**
   * When asked for: the commas directly inside each record, relative to its start, record k's from commasFrom[k] to
   * commasFrom[k + 1] (the array may be longer than the last of those: what lies past it means nothing).
   */
  commas?: Int32Array;
  commasFrom?: number[];
}

/** A record nesting deeper than MAX_JSON_DEPTH: its index and depth. */
export interface TooDeep {
  tooDeep: { index: number; depth: number };
}

const DATA = new MemberNames(['data']);

/** Whether [start, end) is the token null, every byte of it: the stand-in replaces it, so no parse checks it later. */
function isNull(b: Uint8Array, start: number, end: number): boolean {
  return end - start === 4 && b[start] === 0x6e && b[start + 1] === 0x75 && b[start + 2] === 0x6c && b[start + 3] === 0x6c;
}

/**
 * Record each element of the array whose '[' is just before i: the index past its ']', -1 to give up, or the first
 * element nesting deeper than MAX_JSON_DEPTH.
 */
function readElements(b: Uint8Array, i: number, found: RecordSpans): number | TooDeep {
  const commas = found.commasFrom && new OffsetList();
  const read = readEach(b, i, found, commas);
  if (commas) found.commas = commas.values;
  return read;
}

function readEach(b: Uint8Array, i: number, { spans, lineBreaks, commasFrom }: RecordSpans, commas: OffsetList | undefined): number | TooDeep {
  const shape = new ValueShape();
  shape.commas = commas;
  i = skipSpace(b, i);
  commasFrom?.push(0);
  if (b[i] === CLOSE_BRACKET) return i + 1;
  for (;;) {
    const end = skipValue(b, i, shape);
    commasFrom?.push(commas!.length);
    if (end < 0 || end === i) return -1;
    if (shape.depth > MAX_JSON_DEPTH) return { tooDeep: { index: spans.length / 2, depth: shape.depth } };
    if (shape.lineBreaks) lineBreaks.push(spans.length / 2);
    spans.push(i, end);
    i = skipSpace(b, end);
    if (b[i] === CLOSE_BRACKET) return i + 1;
    if (b[i] !== COMMA) return -1;
    i = skipSpace(b, i + 1);
  }
}
