import { isUtf8 } from 'node:buffer';

/**
 * Where each record of a page's `"data"` array lies in the raw response bytes, so that a record can be parsed on its
 * own and written out as the API sent it instead of being serialised again (JSON.stringify was the largest cost per
 * record after JSON.parse). Returns the spans, or undefined whenever the bytes cannot be copied verbatim into a
 * one-line message, and the caller then parses the whole text and serialises the records as before:
 * - the body is not valid UTF-8 (decoding replaced bytes, so the copy would differ from what was parsed);
 * - it is not an object with exactly one `"data"` key spelled plainly, holding an array of objects;
 * - a record spans lines (pretty-printed JSON: a line break between tokens would break the one-message-per-line
 *   protocol).
 *
 * It walks structure without validating what lies inside records or other values: the caller parses each part (the
 * body with a stand-in for the array, then every record) and falls back if any fails. Whatever it does not expect between
 * those parts makes it give up (undefined), never guess.
 */
export function locateRecordSpans(body: Uint8Array): RecordSpans | undefined {
  if (!isUtf8(body)) return undefined;
  const n = body.length;
  let i = skipSpace(body, 0);
  if (body[i] !== OPEN_BRACE) return undefined;
  i++;
  let found: RecordSpans | undefined;
  for (;;) {
    i = skipSpace(body, i);
    if (body[i] === CLOSE_BRACE) return skipSpace(body, i + 1) === n ? found : undefined;
    if (body[i] !== QUOTE) return undefined;
    const keyStart = i + 1;
    i = skipString(body, i);
    const isData = i - keyStart === 5 && body[keyStart] === 0x64 && body[keyStart + 1] === 0x61 && body[keyStart + 2] === 0x74 && body[keyStart + 3] === 0x61;
    i = skipSpace(body, i);
    if (body[i] !== COLON) return undefined;
    i = skipSpace(body, i + 1);
    if (isData) {
      if (found !== undefined || body[i] !== OPEN_BRACKET) return undefined;
      const spans: number[] = [];
      const arrayStart = i;
      i = readElements(body, i + 1, spans);
      if (i < 0) return undefined;
      found = { spans, arrayStart, arrayEnd: i };
    } else {
      i = skipValue(body, i);
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
  /** Where the "data" array begins (its '[') and ends (just past its ']'). */
  arrayStart: number;
  arrayEnd: number;
}

export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const OPEN_BRACE = 0x7b;
export const CLOSE_BRACE = 0x7d;
export const OPEN_BRACKET = 0x5b;
export const CLOSE_BRACKET = 0x5d;
export const COMMA = 0x2c;
const COLON = 0x3a;
const LF = 0x0a;
const CR = 0x0d;

export function isSpace(c: number | undefined): boolean {
  return c === 0x20 || c === LF || c === CR || c === 0x09;
}

export function skipSpace(b: Uint8Array, i: number): number {
  while (isSpace(b[i])) i++;
  return i;
}

/**
 * From the opening quote to just past the closing one: the first quote after it that an even number of backslashes
 * precede. (Found with indexOf, a native search: about a third faster over records than looking at every byte here.
 * Also used by privacy/record-editor.ts.)
 */
export function skipString(b: Uint8Array, i: number): number {
  const open = i;
  for (;;) {
    const q = b.indexOf(QUOTE, i + 1);
    if (q < 0) return b.length;
    let k = q - 1;
    while (k > open && b[k] === BACKSLASH) k--;
    if ((q - 1 - k) % 2 === 0) return q + 1;
    i = q;
  }
}

/** Past one value of any kind (line breaks allowed: only records are copied). */
export function skipValue(b: Uint8Array, i: number): number {
  const c = b[i];
  if (c === QUOTE) return skipString(b, i);
  if (c === OPEN_BRACE || c === OPEN_BRACKET) return skipCompound(b, i, true);
  const n = b.length;
  while (i < n) {
    const d = b[i];
    if (d === COMMA || d === CLOSE_BRACE || d === CLOSE_BRACKET || isSpace(d)) break;
    i++;
  }
  return i;
}

/**
 * Past the object or array starting at i; -1 if it is unterminated, or contains a line break (outside strings, where
 * only whitespace can hold one) when breaks are not allowed.
 */
function skipCompound(b: Uint8Array, i: number, allowBreaks = false): number {
  const n = b.length;
  let depth = 0;
  for (; i < n; i++) {
    const c = b[i];
    if (c === QUOTE) {
      i = skipString(b, i) - 1;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (--depth === 0) return i + 1;
    } else if ((c === LF || c === CR) && !allowBreaks) {
      return -1;
    }
  }
  return -1;
}

/** Record each object element of the array whose '[' is just before i; index past its ']' or -1 to give up. */
function readElements(b: Uint8Array, i: number, spans: number[]): number {
  i = skipSpace(b, i);
  if (b[i] === CLOSE_BRACKET) return i + 1;
  for (;;) {
    if (b[i] !== OPEN_BRACE) return -1;
    const end = skipCompound(b, i);
    if (end < 0) return -1;
    spans.push(i, end);
    i = skipSpace(b, end);
    if (b[i] === CLOSE_BRACKET) return i + 1;
    if (b[i] !== COMMA) return -1;
    i = skipSpace(b, i + 1);
  }
}
