import { hash as digestOf } from 'node:crypto';
import { BACKSLASH, CLOSE_BRACE, CLOSE_BRACKET, COMMA, MemberNames, membersBetweenCommas, OPEN_BRACE, OPEN_BRACKET, QUOTE, oneLine, skipSpace, skipString, skipValue, type MemberCommas } from '../util/json-bytes.js';
import { DigestCache } from './digest-cache.js';
import type { PathNode } from './property-paths.js';

/**
 * Hashes and drops the values a path tree names in one record's JSON bytes, and leaves every other byte as it was:
 * numbers keep their digits, strings their escapes, the API's spacing and member order stay. The record is scanned
 * once (only the members on a path are looked into; everything else is skipped over), the edits are listed, and the
 * output is assembled in one pass. A record in which no path matches comes back as the same buffer. Given the commas
 * between the record's members (which the page's scan noted), only the names of its members are read: a value is
 * looked at only when a path leads into it, so the cost follows what is edited rather than the record's size.
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
  /** The quoted hex HMACs of the texts hashed lately (a hash costs microseconds; most values come back). */
  private readonly digests = new DigestCache<Buffer>();
  private readonly quotedHash = (text: Uint8Array): Buffer => this.quoted(this.hash(text));
  /**
   * Where the quoted digests are written: small Buffers from Node's shared pool would each keep an 8 KB slab alive
   * (with the records' copies in it) for as long as the cache holds them.
   */
  private readonly digestArena = new ByteArena(64 * 1024);
  /** Where edited records are written: one allocation for many records (a few pages' worth), not one from the pool each. */
  private readonly recordArena = new ByteArena(256 * 1024);
  /** The edits of the record being edited (the same arrays for every record, never shrunk: no allocation per record). */
  private readonly edits = new EditList();
  /** Members' spans of the objects being walked where a member may be dropped, one stack for all of them. */
  private readonly spans = new SpanStack();
  /** The record whose top-level members topMember is given (set by editBetweenCommas). */
  private topBytes: Buffer = NO_BYTES;
  /** The callback for each top-level member, made once rather than once per record. */
  private readonly topMember = (keyStart: number, _nameEnd: number, end: number): void => {
    const b = this.topBytes;
    const child = this.member(b, keyStart, this.root);
    if (child !== undefined) this.editValue(b, skipSpace(b, skipSpace(b, this.nameEnd(b, keyStart, child)) + 1), end, child);
    if (this.root.drops) this.spans.push(keyStart, end, child?.action === 'drop');
  };
  /** The record being edited holds no backslash (set by edit). */
  private plain = false;
  /** The key XOR the inner pad (64 bytes) then the outer pad (64 bytes). */
  private readonly pads: Buffer;
  /** The inner pad followed by room for a text (most hashed values fit). */
  private readonly innerScratch = Buffer.allocUnsafeSlow(HMAC_BLOCK + 1024);
  /** The outer pad followed by the inner digest. */
  private readonly outer = Buffer.allocUnsafeSlow(HMAC_BLOCK + 32);
  constructor(tree: PathNode, hashKey: string) {
    this.root = new Compiled(tree);
    let key = Buffer.from(hashKey, 'utf8');
    if (key.length > HMAC_BLOCK) key = digestOf('sha256', key, 'buffer');
    this.pads = Buffer.alloc(2 * HMAC_BLOCK);
    for (let k = 0; k < HMAC_BLOCK; k++) {
      this.pads[k] = (key[k] ?? 0) ^ 0x36;
      this.pads[HMAC_BLOCK + k] = (key[k] ?? 0) ^ 0x5c;
    }
    this.pads.copy(this.innerScratch, 0, 0, HMAC_BLOCK);
    this.pads.copy(this.outer, 0, HMAC_BLOCK);
  }

  /** The record with its edits made; `members`, when given, are the commas between its members (it starts with its '{'). */
  edit(bytes: Uint8Array, members?: MemberCommas): Uint8Array {
    const b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    const i = skipSpace(b, 0);
    if (b[i] !== OPEN_BRACE) return bytes;
    // Without a backslash anywhere, every member's name is written as its plain bytes.
    this.plain = b.indexOf(BACKSLASH) < 0;
    this.edits.count = 0;
    if (members && i === 0) this.editBetweenCommas(b, members);
    else this.editObject(b, i, this.root);
    if (this.edits.count === 0) return bytes;
    return this.applyEdits(b, this.edits);
  }

  /**
   * The lowercase hex HMAC-SHA-256 (RFC 2104) of a text's UTF-8 bytes: SHA-256 of the outer pad and SHA-256 of the
   * inner pad and the text, made with node:crypto's one-shot digests (createHmac builds a stream object per call, which
   * cost a third more here).
   */
  hash(text: Uint8Array): string {
    const inner = this.innerScratch.length >= HMAC_BLOCK + text.length ? this.innerScratch : Buffer.allocUnsafe(HMAC_BLOCK + text.length);
    if (inner !== this.innerScratch) this.pads.copy(inner, 0, 0, HMAC_BLOCK);
    inner.set(text, HMAC_BLOCK);
    this.outer.set(digestOf('sha256', inner.subarray(0, HMAC_BLOCK + text.length), 'buffer'), HMAC_BLOCK);
    return digestOf('sha256', this.outer, 'hex');
  }

  /** The hash of b[start, end), quoted, as bytes. */
  private cachedHash(b: Buffer, start: number, end: number): Buffer {
    return this.digests.get(b, start, end, this.quotedHash);
  }

  /** The hex digest with its quotes, as bytes in the digests' arena. */
  private quoted(hex: string): Buffer {
    const out = this.digestArena.take(hex.length + 2);
    out[0] = QUOTE;
    out.write(hex, 1, 'latin1');
    out[out.length - 1] = QUOTE;
    return out;
  }

  /**
   * The node of the member whose name's opening quote is at keyStart, if any. In a record without backslashes a name
   * is its bytes, compared in place; otherwise it is read whole (escapes and all) and looked up.
   */
  private member(b: Buffer, keyStart: number, node: Compiled): Compiled | undefined {
    if (this.plain) return node.plainLookup(b, keyStart);
    return node.mayBe(b, keyStart) ? node.lookup(b, keyStart, past(skipString(b, keyStart))) : undefined;
  }

  /** Past the name of a member whose opening quote is at keyStart and whose node `member` found. */
  private nameEnd(b: Buffer, keyStart: number, child: Compiled): number {
    return this.plain ? keyStart + child.keyBytes : past(skipString(b, keyStart));
  }

  /** Past the object whose '{' is at i, listing the edits its members on a path need. */
  private editObject(b: Buffer, i: number, node: Compiled): number {
    // Members' spans, kept only where a member may be dropped (to remove the right commas).
    const mark = node.drops ? this.spans.top : -1;
    i++;
    for (;;) {
      i = skipSpace(b, i);
      if (b[i] === CLOSE_BRACE) break;
      const keyStart = i;
      const child = this.member(b, keyStart, node);
      i = child === undefined ? past(skipString(b, keyStart)) : this.nameEnd(b, keyStart, child);
      i = skipSpace(b, skipSpace(b, i) + 1); // past the colon
      i = child === undefined ? past(skipValue(b, i)) : this.editValue(b, i, -1, child);
      if (mark >= 0) this.spans.push(keyStart, i, child?.action === 'drop');
      i = skipSpace(b, i);
      if (b[i] === COMMA) i++;
    }
    if (mark >= 0) this.spans.release(mark, this.edits);
    return i + 1;
  }

  /**
   * The edits for the members of the record b (starting with its '{'), found between the commas a scan noted: each
   * member's name is read, and its value only when a path leads into it. The record must be valid JSON (it was parsed).
   */
  private editBetweenCommas(b: Buffer, members: MemberCommas): void {
    const mark = this.spans.top;
    this.topBytes = b;
    membersBetweenCommas(b, members, this.topMember);
    this.topBytes = NO_BYTES; // not to keep the page the record came in alive
    if (this.root.drops) this.spans.release(mark, this.edits);
  }

  /**
   * Past the value at i of a member (or item) on a path, listing its edit: hashed, looked into, or (its member's
   * removal being the object's to list) dropped. `end` is where the value ends when known, else -1.
   */
  private editValue(b: Buffer, i: number, end: number, child: Compiled): number {
    if (child.action === 'drop') return end < 0 ? past(skipValue(b, i)) : end;
    if (child.action === 'hash') {
      const valueEnd = end < 0 ? past(skipValue(b, i)) : end;
      this.hashEdit(b, i, valueEnd);
      return valueEnd;
    }
    return this.descend(b, i, child);
  }

  /** Past the array whose '[' is at i, editing each item as `items` says. */
  private editArray(b: Buffer, i: number, items: Compiled): number {
    i++;
    for (;;) {
      i = skipSpace(b, i);
      if (b[i] === CLOSE_BRACKET) return i + 1;
      i = skipSpace(b, this.editValue(b, i, -1, items));
      if (b[i] === COMMA) i++;
    }
  }

  /** Past the value at i, looking into it when it is an object or array the node has paths in. */
  private descend(b: Buffer, i: number, node: Compiled): number {
    const c = b[i];
    if (c === OPEN_BRACE && node.hasMembers) return this.editObject(b, i, node);
    if (c === OPEN_BRACKET && node.items) return this.editArray(b, i, node.items);
    return past(skipValue(b, i));
  }

  /**
   * The record with the edits made, in one pass, written into the editor's output arena. (Drops are listed when their
   * object ends, so edits may be out of order.)
   */
  private applyEdits(b: Buffer, edits: EditList): Buffer {
    const { ranges, with: replacements, count } = edits;
    let order: number[] | undefined;
    for (let k = 1; k < count; k++) {
      if (ranges[2 * k]! < ranges[2 * k - 2]!) {
        order = Array.from({ length: count }, (_, j) => j).sort((x, y) => ranges[2 * x]! - ranges[2 * y]!);
        break;
      }
    }
    let length = b.length;
    for (let k = 0; k < count; k++) length += (replacements[k]?.length ?? 0) - (ranges[2 * k + 1]! - ranges[2 * k]!);
    const out = this.recordArena.take(length);
    let from = 0;
    let at = 0;
    for (let j = 0; j < count; j++) {
      const k = order ? order[j]! : j;
      const start = ranges[2 * k]!;
      at = copyBytes(b, from, start, out, at);
      const quoted = replacements[k];
      if (quoted !== undefined) {
        out.set(quoted, at);
        at += quoted.length;
      }
      from = ranges[2 * k + 1]!;
    }
    copyBytes(b, from, b.length, out, at);
    return out;
  }

  private hashEdit(b: Buffer, start: number, end: number): void {
    const c = b[start];
    if (c === NULL_N) return; // null stays null
    let quoted: Buffer;
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      const text = oneLine(b.subarray(start, end));
      quoted = this.cachedHash(Buffer.from(text.buffer, text.byteOffset, text.length), 0, text.length);
    } else if (c !== QUOTE) {
      quoted = this.cachedHash(b, start, end);
    } else if (!this.plain && hasByte(b, BACKSLASH, start + 1, end - 1)) {
      const text = Buffer.from(JSON.parse(b.toString('utf8', start, end)) as string, 'utf8');
      quoted = this.cachedHash(text, 0, text.length);
    } else {
      quoted = this.cachedHash(b, start + 1, end - 1);
    }
    this.edits.add(start, end, quoted);
  }
}

/**
 * Ranges of the record ([start, end) pairs) each replaced by a hash written as a JSON string, or removed. The arrays
 * are kept from record to record and never shrunk (setting an array's length to 0 lets V8 free its storage, and
 * growing it again allocated for every record).
 */
class EditList {
  readonly ranges: number[] = [];
  /** The hex digest written in place of a range (with its quotes, as bytes), or undefined to remove the range. */
  readonly with: Array<Buffer | undefined> = [];
  count = 0;

  add(start: number, end: number, replacement: Buffer | undefined): void {
    const k = this.count++;
    this.ranges[2 * k] = start;
    this.ranges[2 * k + 1] = end;
    this.with[k] = replacement;
  }
}

/**
 * Each member's [keyStart, valueEnd, dropped] for the objects being walked that may lose a member, nested objects'
 * spans above their parent's, in one array kept from record to record.
 */
class SpanStack {
  private readonly spans: number[] = [];
  top = 0;

  push(keyStart: number, valueEnd: number, dropped: boolean): void {
    this.spans[this.top++] = keyStart;
    this.spans[this.top++] = valueEnd;
    this.spans[this.top++] = dropped ? 1 : 0;
  }

  /**
   * Lets go of the spans from `mark` up, first listing in `edits` the removals of the dropped members: a member
   * followed by a kept one goes up to that one's key (its comma with it); a run of dropped members at the end goes
   * from the end of the last kept value (taking the comma before the run); if every member is dropped, all go.
   */
  release(mark: number, edits: EditList): void {
    const spans = this.spans;
    const end = this.top;
    this.top = mark;
    let lastKept = -1;
    for (let k = mark; k < end; k += 3) if (spans[k + 2] === 0) lastKept = k;
    for (let k = mark; k < end; k += 3) {
      if (spans[k + 2] === 0) continue;
      if (k < lastKept) {
        edits.add(spans[k]!, spans[k + 3]!, undefined);
      } else {
        // The trailing run: one removal from the last kept value's end (or the first dropped key) to the last value's end.
        edits.add(lastKept >= 0 ? spans[lastKept + 1]! : spans[k]!, spans[end - 2]!, undefined);
        return;
      }
    }
  }
}

/**
 * Copies src[from, to) into out at `at` and says where the copy ends. Short runs (most between two edits: a comma and
 * a name) are copied byte by byte, since Buffer#copy of part of a buffer makes a view of it for every call.
 */
function copyBytes(src: Uint8Array, from: number, to: number, out: Buffer, at: number): number {
  const length = to - from;
  if (length > SHORT_COPY) {
    out.set(src.subarray(from, to), at);
    return at + length;
  }
  for (let k = 0; k < length; k++) out[at + k] = src[from + k]!;
  return at + length;
}

/** Runs up to this long are copied in a loop (measured on Node 20: the loop about 2 ns a byte, a view and its copy about 100 ns). */
const SHORT_COPY = 40;

function hasByte(b: Buffer, byte: number, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (b[i] === byte) return true;
  return false;
}

/**
 * Buffers cut one after another from chunks of the arena's own (allocUnsafeSlow, outside Node's pool); a chunk is
 * let go once nothing cut from it is held any more.
 */
class ByteArena {
  private chunk = Buffer.allocUnsafeSlow(0);
  private at = 0;
  constructor(private readonly chunkBytes: number) {}

  take(length: number): Buffer {
    if (this.at + length > this.chunk.length) {
      this.chunk = Buffer.allocUnsafeSlow(Math.max(this.chunkBytes, length));
      this.at = 0;
    }
    this.at += length;
    return this.chunk.subarray(this.at - length, this.at);
  }
}

/** A path node made ready for matching member names as bytes. */
class Compiled {
  readonly action: PathNode['action'];
  readonly hasMembers: boolean;
  /** Some member of this object is dropped. */
  readonly drops: boolean;
  readonly items: Compiled | undefined;
  /** This member's name as written without escapes, quotes included: its length in bytes. */
  readonly keyBytes: number;
  private readonly byName = new Map<string, Compiled>();
  private readonly names: MemberNames;
  constructor(node: PathNode, name = '') {
    let drops = false;
    for (const [childName, child] of node.members) {
      const compiled = new Compiled(child, childName);
      this.byName.set(childName, compiled);
      if (child.action === 'drop') drops = true;
    }
    this.names = new MemberNames(this.byName.keys());
    this.action = node.action;
    this.hasMembers = this.byName.size > 0;
    this.drops = drops;
    this.items = node.items && new Compiled(node.items);
    this.keyBytes = Buffer.byteLength(name, 'utf8') + 2;
  }

  /** Whether the member name whose opening quote is at `start` may have a node (most names' first byte says not). */
  mayBe(b: Uint8Array, start: number): boolean {
    return this.hasMembers && this.names.mayBe(b, start);
  }

  /** The node for the member whose name, written without escapes, starts with its quote at `start`, if any. */
  plainLookup(b: Uint8Array, start: number): Compiled | undefined {
    const found = this.names.findPlain(b, start);
    return found === undefined ? undefined : this.byName.get(found);
  }

  /** The node for the member whose key (quotes included) is b[start, end), if any. */
  lookup(b: Uint8Array, start: number, end: number): Compiled | undefined {
    if (!this.hasMembers) return undefined;
    const found = this.names.find(b, start, end);
    return found === undefined ? undefined : this.byName.get(found);
  }
}

const NULL_N = 0x6e;
const NO_BYTES = Buffer.alloc(0);
/** SHA-256's block size, the size of HMAC's pads. */
const HMAC_BLOCK = 64;

/**
 * An index from json-bytes' walkers, which say -1 for a value that does not end. A record reaches the editor parsed,
 * so that cannot happen; if it did, the sync fails rather than let a value through unedited.
 */
function past(end: number): number {
  if (end < 0) throw new Error('A record given to the record editor is not valid JSON; nothing of it is written.');
  return end;
}
