/**
 * Walking JSON as bytes, without decoding or parsing it: where a value ends, how deep it nests, which members of an
 * object to keep. Everything here is iterative (no recursion, so no nesting can overflow the stack) and allocates
 * nothing per byte. It walks structure without validating what lies between: callers parse the parts they take
 * (JSON.parse) or take them only from text already parsed. Bytes that are not valid UTF-8 do not disturb it: every
 * byte it looks for is ASCII, which never occurs inside a multi-byte sequence and which no decoder swallows.
 */

export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const OPEN_BRACE = 0x7b;
export const CLOSE_BRACE = 0x7d;
export const OPEN_BRACKET = 0x5b;
export const CLOSE_BRACKET = 0x5d;
export const COMMA = 0x2c;
export const COLON = 0x3a;
const LF = 0x0a;
const CR = 0x0d;

/** The deepest nesting a record (an object at depth 1) may have; deeper ones are refused before anything parses them. */
export const MAX_JSON_DEPTH = 1000;

/**
 * What skipValue saw of the value it passed: its deepest nesting (0 for a scalar), and any line break between tokens.
 * When `commas` is given, the offset of every comma directly inside the value (an object's members, an array's
 * elements) is appended to it, relative to the value's start: what selectMembers needs to split an object.
 */
export class ValueShape {
  depth = 0;
  lineBreaks = false;
  commas: OffsetList | undefined = undefined;
}

/**
 * Offsets appended one at a time (a page's commas: thousands) to a typed array that doubles when full: its storage is
 * outside the JavaScript heap, where a growing array of numbers was, for every page, tens of KB of young-generation
 * garbage. `values` is valid up to `length`.
 */
export class OffsetList {
  values = new Int32Array(4096);
  length = 0;

  push(offset: number): void {
    if (this.length === this.values.length) {
      const grown = new Int32Array(2 * this.length);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = offset;
  }
}

function isSpace(c: number | undefined): boolean {
  return c === 0x20 || c === LF || c === CR || c === 0x09;
}

export function skipSpace(b: Uint8Array, i: number): number {
  while (isSpace(b[i])) i++;
  return i;
}

/**
 * From the opening quote at i to just past the closing one (the first quote after it that an even number of
 * backslashes precede); -1 if the string is not terminated. The quotes are found with indexOf, a native search: about
 * a third less CPU over records than looking at every byte here.
 */
export function skipString(b: Uint8Array, i: number): number {
  const open = i;
  for (;;) {
    const q = b.indexOf(QUOTE, i + 1);
    if (q < 0) return -1;
    let k = q - 1;
    while (k > open && b[k] === BACKSLASH) k--;
    if ((q - 1 - k) % 2 === 0) return q + 1;
    i = q;
  }
}

/**
 * Past the value starting at i (no space before it): a string, an object or array whatever it holds, or a scalar
 * token (up to the next delimiter); -1 if a string, object or array is not terminated. `shape`, when given, is set
 * to what the value held.
 */
export function skipValue(b: Uint8Array, i: number, shape?: ValueShape): number {
  const c = b[i];
  if (c === OPEN_BRACE || c === OPEN_BRACKET) return skipCompound(b, i, shape);
  if (shape) {
    shape.depth = 0;
    shape.lineBreaks = false;
  }
  if (c === QUOTE) return skipString(b, i);
  const n = b.length;
  while (i < n) {
    const d = b[i];
    if (d === COMMA || d === CLOSE_BRACE || d === CLOSE_BRACKET || d === COLON || isSpace(d)) break;
    i++;
  }
  return i;
}

function skipCompound(b: Uint8Array, i: number, shape: ValueShape | undefined): number {
  const n = b.length;
  const start = i;
  const commas = shape?.commas;
  let depth = 0;
  let deepest = 0;
  let lineBreaks = false;
  for (; i < n; i++) {
    const c = b[i];
    if (c === QUOTE) {
      i = skipString(b, i);
      if (i < 0) return -1;
      i--;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > deepest) deepest = depth;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (--depth === 0) {
        if (shape) {
          shape.depth = deepest;
          shape.lineBreaks = lineBreaks;
        }
        return i + 1;
      }
    } else if (c === COMMA) {
      if (depth === 1 && commas) commas.push(i - start);
    } else if (c === LF || c === CR) {
      lineBreaks = true;
    }
  }
  return -1;
}

/** The deepest nesting of any value in the text (a scalar is 0, `{}` and `[]` are 1), counted without parsing it. */
export function nestingDepth(b: Uint8Array): number {
  const n = b.length;
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < n; i++) {
    const c = b[i];
    if (c === QUOTE) {
      i = skipString(b, i);
      if (i < 0) break;
      i--;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > deepest) deepest = depth;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return deepest;
}

/** A member name with escapes, as JSON.parse reads it; undefined if it is not a valid JSON string. */
function unescapedName(b: Uint8Array, start: number, end: number): string | undefined {
  try {
    return JSON.parse(Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('utf8')) as string;
  } catch {
    return undefined;
  }
}

function bytesAt(b: Uint8Array, at: number, bytes: Uint8Array): boolean {
  for (let k = 0; k < bytes.length; k++) if (b[at + k] !== bytes[k]) return false;
  return true;
}

/** Names to look for among an object's members, prepared for comparing against bytes: the plain names grouped by their UTF-8 length. */
export class MemberNames {
  private readonly byLength = new Map<number, Array<{ bytes: Uint8Array; text: string }>>();
  private readonly all: ReadonlySet<string>;
  /** The first byte of each name as written (a backslash may start any name): a member starting otherwise is none. */
  private readonly firsts = new Uint8Array(256);
  /**
   * The names as they are written without escapes, by their first byte (for findPlain; a name holding a quote, a
   * backslash or a control character is never written so).
   */
  private readonly plainByFirst: Array<Array<{ bytes: Uint8Array; text: string }> | undefined> = [];

  constructor(names: Iterable<string>) {
    this.all = new Set(names);
    this.firsts[BACKSLASH] = 1;
    for (const text of this.all) {
      const bytes = Buffer.from(text, 'utf8');
      this.firsts[bytes.length > 0 ? bytes[0]! : QUOTE] = 1;
      if (!bytes.some((c) => c === QUOTE || c === BACKSLASH || c < 0x20)) (this.plainByFirst[bytes.length > 0 ? bytes[0]! : QUOTE] ??= []).push({ bytes, text });
      const group = this.byLength.get(bytes.length) ?? [];
      group.push({ bytes, text });
      this.byLength.set(bytes.length, group);
    }
  }

  /**
   * The name (as kept) of the member name whose opening quote is at `start`, for bytes that hold no backslash (so
   * every name is written as its plain bytes): compared in place, without finding where the name ends first.
   */
  findPlain(b: Uint8Array, start: number): string | undefined {
    const candidates = this.plainByFirst[b[start + 1]!];
    if (candidates === undefined) return undefined;
    for (const { bytes, text } of candidates) if (b[start + 1 + bytes.length] === QUOTE && bytesAt(b, start + 1, bytes)) return text;
    return undefined;
  }

  /** Whether the member name whose opening quote is at `start` may be one of these (its first byte says it is not, mostly). */
  mayBe(b: Uint8Array, start: number): boolean {
    return this.firsts[b[start + 1]!] === 1;
  }

  /** The name (as kept) of the member name whose quotes span [start, end), or undefined if it is not kept. */
  find(b: Uint8Array, start: number, end: number): string | undefined {
    for (let k = start + 1; k < end - 1; k++) {
      if (b[k] === BACKSLASH) {
        // Written with escapes: compared as JSON.parse reads it (`"b\u006foker"` is `booker`).
        const text = unescapedName(b, start, end);
        return text !== undefined && this.all.has(text) ? text : undefined;
      }
    }
    const group = this.byLength.get(end - start - 2);
    if (!group) return undefined;
    for (const { bytes, text } of group) if (bytesAt(b, start + 1, bytes)) return text;
    return undefined;
  }
}

/**
 * A new one-line object holding the members of the object `record` (valid JSON, already parsed) whose names are kept,
 * each copied byte for byte (`"name": value` as written), in their order. A name given more than once keeps only its
 * last member, as JSON.parse (and so the record check) sees it.
 */
export function selectMembers(record: Uint8Array, keep: MemberNames, split?: MemberCommas): Uint8Array {
  // [start, end) of each kept member; a later member of the same name replaces an earlier one (its start set to -1).
  const starts: number[] = [];
  const ends: number[] = [];
  let at: Map<string, number> | undefined;
  let kept = 0;
  let length = 1;
  const take = (start: number, nameEnd: number, end: number): void => {
    if (!keep.mayBe(record, start)) return;
    const name = keep.find(record, start, nameEnd < 0 ? skipString(record, start) : nameEnd);
    if (name === undefined) return;
    at ??= new Map();
    const earlier = at.get(name);
    if (earlier !== undefined) {
      length -= ends[earlier]! - starts[earlier]! + 1;
      starts[earlier] = -1;
      kept--;
    }
    at.set(name, starts.length);
    starts.push(start);
    ends.push(end);
    length += end - start + 1;
    kept++;
  };
  if (split) membersBetweenCommas(record, split, take);
  else membersByWalking(record, take);
  // One comma per member after the first, and the two braces: length counted a comma for each member, and "{".
  const out = Buffer.allocUnsafe(kept === 0 ? 2 : length);
  let to = 0;
  out[to++] = OPEN_BRACE;
  for (let k = 0; k < starts.length; k++) {
    const start = starts[k]!;
    if (start < 0) continue;
    if (to > 1) out[to++] = COMMA;
    out.set(record.subarray(start, ends[k]), to);
    to += ends[k]! - start;
  }
  out[to] = CLOSE_BRACE;
  return out;
}

/** The commas between an object's members, as skipValue found them: `commas[from]` to `commas[to]` (excluded). */
export interface MemberCommas {
  commas: ArrayLike<number>;
  from: number;
  to: number;
}

/** Each member of the object, found by walking its bytes. */
function membersByWalking(record: Uint8Array, take: (start: number, nameEnd: number, end: number) => void): void {
  const n = record.length;
  let i = skipSpace(record, 0) + 1;
  for (;;) {
    i = skipSpace(record, i);
    if (i >= n || record[i] !== QUOTE) return;
    const start = i;
    const nameEnd = skipString(record, i);
    if (nameEnd < 0) return;
    i = skipSpace(record, skipSpace(record, nameEnd) + 1);
    const end = skipValue(record, i);
    if (end < 0) return;
    take(start, nameEnd, end);
    i = skipSpace(record, end);
    if (record[i] !== COMMA) return;
    i++;
  }
}

/**
 * Each member of the object (starting at 0, no space before it), found between the commas a walk already saw: only
 * each member's name is looked at, not its value. The record must be valid JSON (it was parsed).
 */
export function membersBetweenCommas(record: Uint8Array, { commas, from, to }: MemberCommas, take: (start: number, nameEnd: number, end: number) => void): void {
  // nameEnd -1: found only for a member whose name may be kept.
  let begin = 1;
  for (let k = from; k <= to; k++) {
    let end = k < to ? commas[k]! : record.length - 1;
    const start = skipSpace(record, begin);
    begin = end + 1;
    if (record[start] !== QUOTE) continue; // an empty object
    while (isSpace(record[end - 1])) end--;
    take(start, -1, end);
  }
}

/** The value on one line: every space, tab and line break between tokens dropped, strings and tokens copied as they are. */
export function oneLine(value: Uint8Array): Uint8Array {
  const out = Buffer.allocUnsafe(value.length);
  const n = value.length;
  let at = 0;
  for (let i = 0; i < n; ) {
    const c = value[i]!;
    if (c === QUOTE) {
      const end = skipString(value, i);
      const stop = end < 0 ? n : end;
      out.set(value.subarray(i, stop), at);
      at += stop - i;
      i = stop;
    } else {
      if (!isSpace(c)) out[at++] = c;
      i++;
    }
  }
  return out.subarray(0, at);
}
