import { hash32 } from './change-ledger.js';

/**
 * Records delivered twice in one pass of a page-number walk. In a pass every record comes once, unless the API's order
 * changes between requests (an OFFSET without a stable ORDER BY, or records sharing one lastModified in no fixed
 * order) or records were added behind the reader; either way others can have been skipped, without the totals
 * showing it. Only records that come twice are evidence: a pass that saw none cannot have skipped one for these
 * reasons (with honest totals, a record skipped is one another took the place of).
 *
 * While the API sorts, a repeat can only be among the records sharing the newest lastModified, so only those are
 * remembered; otherwise every uuid of the pass is, as a 64-bit hash (16 bytes a record at most; a collision would be
 * a false repeat, which only holds the bookmark back: about once in 10^7 passes of a million records).
 */
export class RepeatWatch {
  repeats = 0;
  private on = true;
  private tieMs = -Infinity;
  private readonly atTie = new Set<string>();
  private all: WideUuidSet | undefined;

  /** The page delivered before. */
  private previousUuids: readonly string[] = [];
  private previousMs: readonly number[] = [];

  /**
   * A page's records delivered; `sorted`: the API still looks sorted by lastModified. A page that is the page before
   * it again, record for record (an API answering page 0 as page 1, or the pages past its end with its last page), is
   * the paginator's business (PageNumberPaginator's repeat check), not counted here.
   */
  deliveredPage(uuids: readonly string[], ms: readonly number[], sorted: boolean): void {
    const again = uuids.length > 0 && uuids.length === this.previousUuids.length && uuids.every((u, i) => u === this.previousUuids[i] && ms[i] === this.previousMs[i]);
    this.previousUuids = uuids;
    this.previousMs = ms;
    if (again) return;
    for (let i = 0; i < uuids.length; i++) this.delivered(uuids[i]!, ms[i]!, sorted);
  }

  /**
   * A record delivered; `sorted`: the API still looks sorted by lastModified. A record that changed while the read ran
   * comes again with another lastModified: that is a change (see change-evidence.ts), not a repeat.
   */
  delivered(uuid: string, ms: number, sorted: boolean): void {
    if (!this.on) return;
    if (sorted && this.all === undefined) {
      if (ms > this.tieMs) {
        this.tieMs = ms;
        this.atTie.clear();
      }
      if (ms !== this.tieMs) return;
      if (this.atTie.has(uuid)) this.repeats++;
      else this.atTie.add(uuid);
      return;
    }
    this.all ??= new WideUuidSet();
    if (!this.all.add(uuid, ms)) this.repeats++;
  }

  /** The reader went back a few pages on purpose: what comes again is no evidence, for the rest of the pass. */
  rewound(): void {
    this.on = false;
  }

  /** The window is read again from its start. */
  newPass(): void {
    this.previousUuids = [];
    this.previousMs = [];
    this.repeats = 0;
    this.on = true;
    this.tieMs = -Infinity;
    this.atTie.clear();
    this.all = undefined;
  }
}

/** A set of (uuid, lastModified) pairs as two 32-bit hashes each (open addressing). */
class WideUuidSet {
  private slots = new Int32Array(2048);
  private count = 0;

  /** False if the pair (its hashes) was there already. */
  add(uuid: string, ms: number): boolean {
    if ((this.count + 1) * 2 > this.slots.length / 2) this.grow();
    const low = ms % 0x100000000 | 0;
    const high = Math.floor(ms / 0x100000000) | 0;
    const added = insertPair(this.slots, Math.imul(hash32(uuid) ^ low, 0x01000193) ^ high || 1, Math.imul(secondHash(uuid) ^ high, 0x5bd1e995) ^ low);
    if (added) this.count++;
    return added;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    for (let i = 0; i < old.length; i += 2) if (old[i] !== 0) insertPair(this.slots, old[i]!, old[i + 1]!);
  }
}

function insertPair(slots: Int32Array, h1: number, h2: number): boolean {
  const mask = slots.length / 2 - 1;
  for (let i = h1 & mask; ; i = (i + 1) & mask) {
    const at = 2 * i;
    if (slots[at] === h1 && slots[at + 1] === h2) return false;
    if (slots[at] === 0) {
      slots[at] = h1;
      slots[at + 1] = h2;
      return true;
    }
  }
}

/** A second, independent 32-bit hash of the string (multiply-xorshift over its code units). */
function secondHash(text: string): number {
  let h = 0x9747b28c ^ text.length;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x5bd1e995);
    h ^= h >>> 15;
  }
  return h | 0;
}
