/**
 * What one read of a window delivered, compactly: a 32-bit hash of each delivered record's uuid in delivery order
 * (4 bytes a record), and per delivered page the oldest lastModified on it. It answers one question at the end of a
 * read: was any record that the API later reports as changed delivered earlier in this read, and if so, from which
 * page on can records have slid past the reader?
 *
 * A record delivered and then changed while the read went on may have shifted every record behind it by one place
 * (it left the window, or moved to the end of an unwindowed list), so the record at a page boundary can have been
 * skipped. Hash collisions only ever make the answer earlier (more is read again), never later.
 */
export class ChangeLedger {
  private hashes = new Int32Array(4096);
  private count = 0;
  private readonly pageStart: number[] = [];
  /** The oldest lastModified (ms) on each delivered page. */
  private readonly pageOldest: number[] = [];

  /** Start a page of deliveries. */
  beginPage(): void {
    this.pageStart.push(this.count);
    this.pageOldest.push(Infinity);
  }

  add(uuid: string, ms: number): void {
    if (this.count === this.hashes.length) {
      const grown = new Int32Array(this.hashes.length * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[this.count++] = hash32(uuid);
    const last = this.pageOldest.length - 1;
    if (ms < this.pageOldest[last]!) this.pageOldest[last] = ms;
  }

  get size(): number {
    return this.count;
  }

  /**
   * The oldest lastModified (ms) on the earliest delivered page that holds one of `changed` (uuid hashes, see
   * hash32), or undefined when none of them was delivered in this read.
   */
  earliestDelivered(changed: ReadonlySet<number>): number | undefined {
    if (changed.size === 0) return undefined;
    for (let i = 0; i < this.count; i++) {
      if (!changed.has(this.hashes[i]!)) continue;
      let page = this.pageStart.length - 1;
      while (this.pageStart[page]! > i) page--;
      return this.pageOldest[page];
    }
    return undefined;
  }
}

/** FNV-1a over the string's UTF-16 code units, as a signed 32-bit integer. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

/**
 * How many distinct uuids a read saw, in 4 bytes a record (an open-addressing set of uuid hashes). A hash collision
 * makes the count one lower: the read then believes it may have missed a record, which is the safe mistake.
 */
export class DistinctUuids {
  private slots = new Int32Array(1024);
  private count = 0;

  add(uuid: string): void {
    if ((this.count + 1) * 2 > this.slots.length) this.grow();
    if (insert(this.slots, hash32(uuid) || 1)) this.count++;
  }

  get size(): number {
    return this.count;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    for (const h of old) if (h !== 0) insert(this.slots, h);
  }
}

/** Put a non-zero hash in the table; false if it was there already. */
function insert(slots: Int32Array, h: number): boolean {
  const mask = slots.length - 1;
  for (let i = h & mask; ; i = (i + 1) & mask) {
    if (slots[i] === h) return false;
    if (slots[i] === 0) {
      slots[i] = h;
      return true;
    }
  }
}
