import { createHmac } from 'node:crypto';
import { BACKSLASH, CLOSE_BRACE, CLOSE_BRACKET, COMMA, MemberNames, OPEN_BRACE, OPEN_BRACKET, QUOTE, oneLine, skipSpace, skipString, skipValue } from '../util/json-bytes.js';
import type { PathNode } from './property-paths.js';

/**
 * Hashes and drops the values a path tree names in one record's JSON bytes, and leaves every other byte as it was:
 * numbers keep their digits, strings their escapes, the API's spacing and member order stay. The record is scanned
 * once (only the members on a path are looked into; everything else is skipped over), the edits are listed, and the
 * output is assembled in one pass. A record in which no path matches comes back as the same buffer.
 *
 * - hashed: the value becomes the lowercase hex HMAC-SHA-256 (keyed by hash_key) of, for a string, its characters
 *   (UTF-8, JSON escapes undone, so `"\u00e9"` and `"é"` hash alike), and for any other value (a number, a boolean,
 *   an object or array) its JSON text as the API sent it without whitespace between tokens. `null` stays null, so
 *   that a missing value stays missing.
 * - dropped: the member is removed with its comma.
 * Every member of an object that repeats a name is edited, since readers disagree about which of them counts.
 *
 * The bytes must be one valid JSON object (the record was parsed from them, or serialised into them).
 */
export class RecordEditor {
  private readonly root: Compiled;
  /**
   * Hex HMACs by the bytes hashed (as latin1 text), in two generations: when the newer is full, it becomes the older
   * and the oldest is let go, so values that keep coming back (a booker's e-mail) survive a flood of ones that never
   * do (e-ticket numbers).
   */
  private cache = new Map<string, string>();
  private older = new Map<string, string>();
  constructor(
    tree: PathNode,
    private readonly hashKey: string,
  ) {
    this.root = compile(tree);
  }

  edit(bytes: Uint8Array): Uint8Array {
    const b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    const i = skipSpace(b, 0);
    if (b[i] !== OPEN_BRACE) return bytes;
    const edits: Edits = { ranges: [], with: [] };
    this.editObject(b, i, this.root, edits);
    if (edits.with.length === 0) return bytes;
    return applyEdits(b, edits);
  }

  /** The lowercase hex HMAC-SHA-256 of a text's UTF-8 bytes, as the editor computes it. */
  hash(text: Uint8Array): string {
    return createHmac('sha256', this.hashKey).update(text).digest('hex');
  }

  /**
   * The hash of b[start, end). The same values come back record after record (a booker's e-mail, a traveller's name),
   * and one HMAC costs microseconds (node:crypto's cost per call, whatever the length): the last distinct texts are
   * remembered, by their bytes (HASH_CACHE_SIZE to twice as many).
   */
  private cachedHash(b: Buffer, start: number, end: number): string {
    const key = b.toString('latin1', start, end);
    let hex = this.cache.get(key);
    if (hex !== undefined) return hex;
    hex = this.older.get(key) ?? this.hash(b.subarray(start, end));
    if (this.cache.size >= HASH_CACHE_SIZE) {
      this.older = this.cache;
      this.cache = new Map();
    }
    this.cache.set(key, hex);
    return hex;
  }

  /** Past the object whose '{' is at i, listing the edits its members on a path need. */
  private editObject(b: Buffer, i: number, node: Compiled, edits: Edits): number {
    // Members' spans, kept only where a member may be dropped (to remove the right commas).
    const spans: number[] | undefined = node.drops ? [] : undefined;
    let dropped = 0;
    i++;
    for (;;) {
      i = skipSpace(b, i);
      if (b[i] === CLOSE_BRACE) break;
      const keyStart = i;
      i = past(skipString(b, i));
      const child = node.lookup(b, keyStart, i);
      i = skipSpace(b, skipSpace(b, i) + 1); // past the colon
      const valueStart = i;
      let drop = false;
      if (child === undefined) {
        i = past(skipValue(b, i));
      } else if (child.action === 'drop') {
        i = past(skipValue(b, i));
        drop = true;
        dropped++;
      } else if (child.action === 'hash') {
        i = past(skipValue(b, i));
        this.hashEdit(b, valueStart, i, edits);
      } else {
        i = this.descend(b, i, child, edits);
      }
      if (spans) spans.push(keyStart, i, drop ? 1 : 0);
      i = skipSpace(b, i);
      if (b[i] === COMMA) i++;
    }
    if (dropped > 0) dropEdits(spans!, edits);
    return i + 1;
  }

  /** Past the array whose '[' is at i, editing each item as `items` says. */
  private editArray(b: Buffer, i: number, items: Compiled, edits: Edits): number {
    i++;
    for (;;) {
      i = skipSpace(b, i);
      if (b[i] === CLOSE_BRACKET) return i + 1;
      const start = i;
      if (items.action === 'hash') {
        i = past(skipValue(b, i));
        this.hashEdit(b, start, i, edits);
      } else {
        i = this.descend(b, i, items, edits);
      }
      i = skipSpace(b, i);
      if (b[i] === COMMA) i++;
    }
  }

  /** Past the value at i, looking into it when it is an object or array the node has paths in. */
  private descend(b: Buffer, i: number, node: Compiled, edits: Edits): number {
    const c = b[i];
    if (c === OPEN_BRACE && node.hasMembers) return this.editObject(b, i, node, edits);
    if (c === OPEN_BRACKET && node.items) return this.editArray(b, i, node.items, edits);
    return past(skipValue(b, i));
  }

  private hashEdit(b: Buffer, start: number, end: number, edits: Edits): void {
    const c = b[start];
    if (c === NULL_N) return; // null stays null
    let quoted: string;
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      const text = oneLine(b.subarray(start, end));
      quoted = this.cachedHash(Buffer.from(text.buffer, text.byteOffset, text.length), 0, text.length);
    } else if (c !== QUOTE) {
      quoted = this.cachedHash(b, start, end);
    } else if (hasByte(b, BACKSLASH, start + 1, end - 1)) {
      const text = Buffer.from(JSON.parse(b.toString('utf8', start, end)) as string, 'utf8');
      quoted = this.cachedHash(text, 0, text.length);
    } else {
      quoted = this.cachedHash(b, start + 1, end - 1);
    }
    edits.ranges.push(start, end);
    edits.with.push(quoted);
  }
}

/** Ranges of the record ([start, end) pairs) each replaced by a hash written as a JSON string, or removed. */
interface Edits {
  ranges: number[];
  /** The hex digest written in place of a range (with its quotes), or undefined to remove the range. */
  with: Array<string | undefined>;
}

/**
 * The removals for an object's dropped members, given each member's [keyStart, valueEnd, dropped] in order: a member
 * followed by a kept one goes up to that one's key (its comma with it); a run of dropped members at the end goes from
 * the end of the last kept value (taking the comma before the run); if every member is dropped, all of them go.
 */
function dropEdits(spans: number[], edits: Edits): void {
  const count = spans.length / 3;
  let lastKept = -1;
  for (let k = 0; k < count; k++) if (spans[3 * k + 2] === 0) lastKept = k;
  for (let k = 0; k < count; k++) {
    if (spans[3 * k + 2] === 0) continue;
    if (k < lastKept) {
      edits.ranges.push(spans[3 * k]!, spans[3 * (k + 1)]!);
    } else {
      // The trailing run: one removal from the last kept value's end (or the first dropped key) to the last value's end.
      edits.ranges.push(lastKept >= 0 ? spans[3 * lastKept + 1]! : spans[3 * k]!, spans[3 * (count - 1) + 1]!);
      edits.with.push(undefined);
      return;
    }
    edits.with.push(undefined);
  }
}

/** The record with the edits made, in one pass. (Drops are listed when their object ends, so edits may be out of order.) */
function applyEdits(b: Buffer, edits: Edits): Buffer {
  const { ranges } = edits;
  const count = edits.with.length;
  let order: number[] | undefined;
  for (let k = 1; k < count; k++) {
    if (ranges[2 * k]! < ranges[2 * k - 2]!) {
      order = Array.from({ length: count }, (_, j) => j).sort((x, y) => ranges[2 * x]! - ranges[2 * y]!);
      break;
    }
  }
  let length = b.length;
  for (let k = 0; k < count; k++) length += (edits.with[k] === undefined ? 0 : edits.with[k]!.length + 2) - (ranges[2 * k + 1]! - ranges[2 * k]!);
  const out = Buffer.allocUnsafe(length);
  let from = 0;
  let at = 0;
  for (let j = 0; j < count; j++) {
    const k = order ? order[j]! : j;
    const start = ranges[2 * k]!;
    at += b.copy(out, at, from, start);
    const hex = edits.with[k];
    if (hex !== undefined) {
      out[at] = QUOTE;
      at += out.write(hex, at + 1, 'latin1') + 1;
      out[at++] = QUOTE;
    }
    from = ranges[2 * k + 1]!;
  }
  b.copy(out, at, from);
  return out;
}

function hasByte(b: Buffer, byte: number, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (b[i] === byte) return true;
  return false;
}

/** A path node made ready for matching member names as bytes. */
interface Compiled {
  action: PathNode['action'];
  hasMembers: boolean;
  /** Some member of this object is dropped. */
  drops: boolean;
  items: Compiled | undefined;
  /** The node for the member whose key (quotes included) is b[start, end), if any. */
  lookup(b: Uint8Array, start: number, end: number): Compiled | undefined;
}

function compile(node: PathNode): Compiled {
  const byName = new Map<string, Compiled>();
  let drops = false;
  for (const [name, child] of node.members) {
    byName.set(name, compile(child));
    if (child.action === 'drop') drops = true;
  }
  const names = new MemberNames(byName.keys());
  return {
    action: node.action,
    hasMembers: byName.size > 0,
    drops,
    items: node.items && compile(node.items),
    lookup(b, start, end) {
      if (byName.size === 0) return undefined;
      const name = names.find(b, start, end);
      return name === undefined ? undefined : byName.get(name);
    },
  };
}

const NULL_N = 0x6e;
/** Distinct hashed texts in the newer generation of the cache (about 150 bytes each). */
const HASH_CACHE_SIZE = 10_000;

/**
 * An index from json-bytes' walkers, which say -1 for a value that does not end. A record reaches the editor parsed,
 * so that cannot happen; if it did, the sync fails rather than let a value through unedited.
 */
function past(end: number): number {
  if (end < 0) throw new Error('A record given to the record editor is not valid JSON; nothing of it is written.');
  return end;
}
