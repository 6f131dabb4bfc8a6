/**
 * The digests of texts hashed lately, found by the texts' bytes in place: no string is made of a text to look it up
 * (making one, and hashing it for a Map, cost more than the rest of a lookup). The same values come back record after
 * record (a booker's e-mail, a traveller's name) while others come once (e-ticket numbers), so entries live in two
 * generations: when the newer holds `capacity` texts it becomes the older and the oldest is let go, and a text found
 * in the older is carried into the newer. Texts longer than MAX_TEXT_BYTES are not kept (they are rarely repeated).
 */
export class DigestCache<T> {
  private newer: Generation<T>;
  private older: Generation<T>;

  constructor(private readonly capacity = 10_000) {
    this.newer = new Generation(capacity);
    this.older = new Generation(capacity);
  }

  /** The digest of b[start, end), computed by `digest` when it is not kept. */
  get(b: Uint8Array, start: number, end: number, digest: (text: Uint8Array) => T): T {
    if (end - start > MAX_TEXT_BYTES) return digest(b.subarray(start, end));
    const h = fnv1a(b, start, end);
    const found = this.newer.find(b, start, end, h);
    if (found !== undefined) return found;
    const value = this.older.find(b, start, end, h) ?? digest(b.subarray(start, end));
    if (this.newer.size >= this.capacity) {
      this.older = this.newer;
      this.newer = new Generation(this.capacity);
    }
    this.newer.add(b, start, end, h, value);
    return value;
  }
}

/** The longest text kept. */
export const MAX_TEXT_BYTES = 256;

/** One generation: an open-addressed table (linear probing, at most a third full) over the texts' bytes. */
class Generation<T> {
  size = 0;
  /** Entry index + 1 per slot, 0 for an empty slot. */
  private readonly slots: Int32Array;
  private readonly mask: number;
  private readonly hashes: Int32Array;
  private readonly at: Int32Array;
  private readonly lengths: Int32Array;
  private readonly values: T[] = [];
  private bytes: Uint8Array;
  private used = 0;

  constructor(capacity: number) {
    let slots = 16;
    while (slots < capacity * 3) slots *= 2;
    this.slots = new Int32Array(slots);
    this.mask = slots - 1;
    this.hashes = new Int32Array(capacity);
    this.at = new Int32Array(capacity);
    this.lengths = new Int32Array(capacity);
    this.bytes = new Uint8Array(Math.min(capacity * 32, 1 << 20));
  }

  find(b: Uint8Array, start: number, end: number, h: number): T | undefined {
    const length = end - start;
    for (let s = h & this.mask; ; s = (s + 1) & this.mask) {
      const e = this.slots[s]! - 1;
      if (e < 0) return undefined;
      if (this.hashes[e] === h && this.lengths[e] === length && this.sameBytes(e, b, start, length)) return this.values[e];
    }
  }

  add(b: Uint8Array, start: number, end: number, h: number, value: T): void {
    const length = end - start;
    if (this.used + length > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.used + length));
      grown.set(this.bytes.subarray(0, this.used));
      this.bytes = grown;
    }
    this.bytes.set(b.subarray(start, end), this.used);
    const e = this.size++;
    this.hashes[e] = h;
    this.at[e] = this.used;
    this.lengths[e] = length;
    this.values[e] = value;
    this.used += length;
    let s = h & this.mask;
    while (this.slots[s] !== 0) s = (s + 1) & this.mask;
    this.slots[s] = e + 1;
  }

  private sameBytes(e: number, b: Uint8Array, start: number, length: number): boolean {
    const at = this.at[e]!;
    for (let k = 0; k < length; k++) if (this.bytes[at + k] !== b[start + k]) return false;
    return true;
  }
}

/** FNV-1a, 32 bits, of b[start, end). */
function fnv1a(b: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let k = start; k < end; k++) h = Math.imul(h ^ b[k]!, 0x01000193);
  return h | 0;
}
