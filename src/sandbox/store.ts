import { BOOKING_TYPES, generateRecord, type SandboxBookingType } from './generate.js';
import { mix, Random, uuidFor } from './random.js';

export interface StoreOptions {
  seed: number;
  records: number;
  /** Share of each booking type, e.g. { FLIGHT: 0.5, HOTEL: 0.4, CAR: 0.05, RAIL: 0.05 }. */
  mix: Partial<Record<SandboxBookingType, number>>;
  /** Generated lastModified values are spread over [from, to) (epoch ms). */
  from: number;
  to: number;
  /** Share of records whose lastModified equals the previous record's (ties at bookmark boundaries). */
  tieRate: number;
  /** The time changes are stamped with (epoch ms); the system clock unless a test says otherwise. */
  now?: () => number;
}

export interface WindowQuery {
  bookingType: SandboxBookingType;
  from?: number | undefined;
  to?: number | undefined;
  toInclusive: boolean;
  sorted: boolean;
}

/**
 * The sandbox's data: a compact index (type, lastModified, version per record id, uuid derived from the seed)
 * and records built on demand, so a million bookings fit in a few tens of MB.
 * Per booking type, `byTime` keeps ids sorted by (lastModified, id); `byUuid` is built only for the unsorted mode.
 */
export class BookingStore {
  private types: Uint8Array;
  private lm: Float64Array;
  private versions: Uint16Array;
  private count = 0;
  private readonly byTime = new Map<SandboxBookingType, number[]>();
  private readonly byUuid = new Map<SandboxBookingType, string[] | undefined>();
  private readonly uuidCache = new Map<number, string>();
  private lastNow = 0;
  private readonly random: Random;
  /** Bumped on every change, so cached window results can be checked. */
  generation = 0;
  mutations = 0;
  inserts = 0;

  constructor(private readonly options: StoreOptions) {
    const capacity = Math.max(16, options.records + 1024);
    this.types = new Uint8Array(capacity);
    this.lm = new Float64Array(capacity);
    this.versions = new Uint16Array(capacity);
    for (const t of BOOKING_TYPES) this.byTime.set(t, []);
    this.random = new Random(mix(options.seed, 0xabcdef));
    const weights = BOOKING_TYPES.map((t) => options.mix[t] ?? 0);
    const total = weights.reduce((a, b) => a + b, 0) || 1;
    const span = options.to - options.from;
    let previous = options.from;
    for (let i = 0; i < options.records; i++) {
      // Non-decreasing in id, so each type's ids are already in time order.
      const ms = i > 0 && this.random.chance(options.tieRate) ? previous : options.from + Math.floor((i * span) / options.records) + this.random.int(0, Math.max(0, Math.floor(span / options.records) - 1));
      previous = Math.max(previous, ms);
      let pick = this.random.next() * total;
      let type = 0;
      while (type < weights.length - 1 && (pick -= weights[type]!) >= 0) type++;
      this.add(type, previous);
    }
  }

  get size(): number {
    return this.count;
  }

  private add(typeIndex: number, ms: number): number {
    if (this.count === this.lm.length) this.grow();
    const id = this.count++;
    this.types[id] = typeIndex;
    this.lm[id] = ms;
    this.byTime.get(BOOKING_TYPES[typeIndex]!)!.push(id);
    return id;
  }

  private grow(): void {
    const size = this.lm.length * 2;
    const types = new Uint8Array(size);
    types.set(this.types);
    const lm = new Float64Array(size);
    lm.set(this.lm);
    const versions = new Uint16Array(size);
    versions.set(this.versions);
    this.types = types;
    this.lm = lm;
    this.versions = versions;
  }

  uuid(id: number): string {
    let u = this.uuidCache.get(id);
    if (!u) {
      u = uuidFor(this.options.seed, id);
      if (this.uuidCache.size < 200_000) this.uuidCache.set(id, u);
    }
    return u;
  }

  record(id: number): Record<string, unknown> {
    return generateRecord(this.options.seed, { id, uuid: this.uuid(id), bookingType: BOOKING_TYPES[this.types[id]!]!, lastModified: this.lm[id]!, version: this.versions[id]! });
  }

  /** Ids in the window, in the order the API serves them. Sorted mode: a view by binary search, no copy. */
  window(q: WindowQuery): { ids: readonly number[]; start: number; end: number } {
    const all = this.byTime.get(q.bookingType)!;
    if (q.sorted) {
      const start = q.from === undefined ? 0 : this.lowerBound(all, q.from);
      const end = q.to === undefined ? all.length : q.toInclusive ? this.upperBound(all, q.to) : this.lowerBound(all, q.to);
      return { ids: all, start, end: Math.max(start, end) };
    }
    const key = `${q.bookingType}|${q.from}|${q.to}|${q.toInclusive}|${this.generation}`;
    if (this.unsortedCache?.key === key) return this.unsortedCache.value;
    const ordered = this.uuidOrder(q.bookingType);
    const ids = ordered.map((u) => this.idOf.get(u)!).filter((id) => {
      const ms = this.lm[id]!;
      return (q.from === undefined || ms >= q.from) && (q.to === undefined || (q.toInclusive ? ms <= q.to : ms < q.to));
    });
    this.unsortedCache = { key, value: { ids, start: 0, end: ids.length } };
    return this.unsortedCache.value;
  }

  private unsortedCache: { key: string; value: { ids: readonly number[]; start: number; end: number } } | undefined;

  private readonly idOf = new Map<string, number>();

  private uuidOrder(type: SandboxBookingType): string[] {
    let order = this.byUuid.get(type);
    if (!order) {
      order = this.byTime.get(type)!.map((id) => {
        const u = this.uuid(id);
        this.idOf.set(u, id);
        return u;
      });
      order.sort();
      this.byUuid.set(type, order);
    }
    return order;
  }

  private lowerBound(ids: number[], ms: number): number {
    let lo = 0;
    let hi = ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.lm[ids[mid]!]! < ms) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private upperBound(ids: number[], ms: number): number {
    let lo = 0;
    let hi = ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.lm[ids[mid]!]! <= ms) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Strictly increasing wall-clock ms, so every change gets its own lastModified. */
  private now(): number {
    this.lastNow = Math.max((this.options.now ?? Date.now)(), this.lastNow + 1);
    return this.lastNow;
  }

  private typesFor(bookingType?: SandboxBookingType): SandboxBookingType[] {
    return bookingType ? [bookingType] : BOOKING_TYPES.filter((t) => this.byTime.get(t)!.length > 0);
  }

  /** Modify `count` existing records (seeded choice): new lastModified (now), new version (changed fields). */
  mutate(count: number, bookingType?: SandboxBookingType): Array<Record<string, unknown>> {
    const changed: Array<Record<string, unknown>> = [];
    const types = this.typesFor(bookingType);
    // Records changed by this call sit at the end of their list: pick among the others, so K changes hit K different
    // records (until every record of the type has changed once).
    const moved = new Map<SandboxBookingType, number>();
    for (let k = 0; k < count && types.length > 0; k++) {
      const type = types[k % types.length]!;
      const list = this.byTime.get(type)!;
      if (list.length === 0) continue;
      const fresh = list.length - ((moved.get(type) ?? 0) % list.length);
      moved.set(type, (moved.get(type) ?? 0) + 1);
      const index = this.random.int(0, fresh - 1);
      const id = list[index]!;
      list.splice(index, 1);
      this.lm[id] = this.now();
      this.versions[id] = (this.versions[id]! + 1) & 0xffff;
      list.push(id);
      this.mutations++;
      this.generation++;
      changed.push(this.record(id));
    }
    return changed;
  }

  /** Add `count` new records with lastModified = now. */
  insert(count: number, bookingType?: SandboxBookingType): Array<Record<string, unknown>> {
    const added: Array<Record<string, unknown>> = [];
    const types = this.typesFor(bookingType);
    for (let k = 0; k < count; k++) {
      const type = types[k % types.length] ?? 'FLIGHT';
      const id = this.add(BOOKING_TYPES.indexOf(type), this.now());
      const order = this.byUuid.get(type);
      if (order) {
        const u = this.uuid(id);
        this.idOf.set(u, id);
        let lo = 0;
        let hi = order.length;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (order[mid]! < u) lo = mid + 1;
          else hi = mid;
        }
        order.splice(lo, 0, u);
      }
      this.inserts++;
      this.generation++;
      added.push(this.record(id));
    }
    return added;
  }

  /** All current records (latest versions), optionally of one type: what a correct sync must end up with. */
  groundTruth(bookingType?: SandboxBookingType): Array<Record<string, unknown>> {
    return this.typesFor(bookingType).flatMap((t) => this.byTime.get(t)!.map((id) => this.record(id)));
  }

  counts(): Record<string, number> {
    return Object.fromEntries(BOOKING_TYPES.map((t) => [t, this.byTime.get(t)!.length]));
  }
}
