import type { PageBody, PageRequest } from '../../src/http/bookings-api.js';
import type { PageSource } from '../../src/engine/partition-reader.js';

export interface FakeRecord {
  uuid: string;
  lastModified: string;
  ms: number;
  version: number;
}

/** How a travel API behaves: the matrix the reader must lose nothing on. */
export interface ApiShape {
  /** Records per page the API serves, whatever the request asks for (a cap, silent unless reportPageSize). */
  pageSize: number;
  /** By lastModified ascending (then uuid), or by uuid (a stable order that is not by time). */
  sorted: boolean;
  firstPage?: number;
  /** 'exact' (page.totalElements/totalPages), 'none', or 'flicker' (totalElements one lower on odd pages). */
  totals?: 'exact' | 'none' | 'flicker';
  reportPageSize?: boolean;
  /** false: updatedFrom and updatedTo are ignored, every record is served. */
  honoursWindow?: boolean;
  /** Whether the window end is inclusive (default: exclusive). */
  toInclusive?: boolean;
  /** The first request for this page index of a window comes back empty (data: []) while the totals say more. */
  emptyOnce?: number;
  /** How many requests for the emptyOnce page come back empty (default 1). */
  emptyTimes?: number;
  /**
   * An order that changes from one request to the next: 'all' (an OFFSET without ORDER BY), or 'ties' (sorted by
   * lastModified only: records sharing one are shuffled). The same seed gives the same requests the same orders.
   */
  unstable?: { order: 'all' | 'ties'; seed: number };
}

/**
 * An in-memory travel API for engine tests: one booking type's records, filtered and paged like a real API of the
 * given shape. Each fetch reads the records as they are at the moment it is served, so tests can change them between
 * or during fetches. Bodies are JSON bytes, as the reader receives them.
 */
export class FakeApi implements PageSource {
  records: FakeRecord[];
  served = 0;
  clock: number;
  beforeServe: ((req: PageRequest) => void) | undefined;
  private readonly emptied = new Map<string, number>();
  private nextId = 0;

  constructor(
    initial: Array<{ uuid: string; ms: number }>,
    readonly shape: ApiShape,
    /** Changes happen "now": after any window a test reads. */
    now = Date.UTC(2099, 0, 1),
  ) {
    this.records = initial.map((r) => ({ ...r, lastModified: new Date(r.ms).toISOString(), version: 0 }));
    this.clock = now;
    this.nextId = initial.length;
  }

  /** The records a request for [from, to] sees, in the API's order. */
  view(from: number | undefined, to: number | undefined): FakeRecord[] {
    const windowed = this.shape.honoursWindow !== false;
    const rows = this.records.filter((r) => !windowed || ((from === undefined || r.ms >= from) && (to === undefined || (this.shape.toInclusive ? r.ms <= to : r.ms < to))));
    const unstable = this.shape.unstable;
    if (unstable) {
      // A fresh order per request: the uuids' hashes mixed with the request's number.
      const salt = imul(unstable.seed + this.served, 0x9e3779b1);
      const noise = (r: FakeRecord) => scramble(`${salt}:${r.uuid}`);
      if (unstable.order === 'all') return rows.sort((a, b) => noise(a) - noise(b));
      return rows.sort((a, b) => a.ms - b.ms || noise(a) - noise(b));
    }
    return this.shape.sorted ? rows.sort((a, b) => a.ms - b.ms || cmp(a.uuid, b.uuid)) : rows.sort((a, b) => scramble(a.uuid) - scramble(b.uuid) || cmp(a.uuid, b.uuid));
  }

  /** The body as an object, for tests that look at it. */
  page(req: PageRequest): Record<string, unknown> {
    this.beforeServe?.(req);
    this.served++;
    const rows = this.view(req.from, req.to);
    const size = this.shape.pageSize;
    const index = req.page - (this.shape.firstPage ?? 0);
    let data = rows.slice(index * size, (index + 1) * size).map((r) => ({ uuid: r.uuid, lastModified: r.lastModified, version: r.version }));
    const key = `${req.from}|${req.to}|${index}`;
    if (this.shape.emptyOnce === index && data.length > 0 && (this.emptied.get(key) ?? 0) < (this.shape.emptyTimes ?? 1)) {
      this.emptied.set(key, (this.emptied.get(key) ?? 0) + 1);
      data = [];
    }
    const totals = this.shape.totals ?? 'exact';
    if (totals === 'none') return { data };
    const total = totals === 'flicker' && index % 2 === 1 ? rows.length - 1 : rows.length;
    return { data, page: { totalElements: total, totalPages: Math.ceil(total / size), ...(this.shape.reportPageSize ? { pageSize: size } : {}) } };
  }

  serve(req: PageRequest): PageBody {
    return body(this.page(req), `GET fake?page=${req.page}`);
  }

  async fetchPage(req: PageRequest): Promise<PageBody> {
    return this.serve(req);
  }

  /** Modify a record: it gets a lastModified later than anything before (after the window's end). */
  modify(uuid: string): void {
    const r = this.records.find((x) => x.uuid === uuid)!;
    r.ms = ++this.clock;
    r.lastModified = new Date(r.ms).toISOString();
    r.version++;
  }

  /** Add a record, modified now. */
  insert(): string {
    const uuid = `n${String(this.nextId++).padStart(4, '0')}`;
    const ms = ++this.clock;
    this.records.push({ uuid, ms, lastModified: new Date(ms).toISOString(), version: 0 });
    return uuid;
  }
}

/** A page body as the reader receives it. */
export function body(value: unknown, describe = 'GET fake'): PageBody {
  return { bytes: Buffer.from(JSON.stringify(value)), describe };
}

/** A stable order that has nothing to do with time. */
/** Looked up once: a global's lookup is slow in Jest's vm contexts (see src/sandbox/random.ts). */
const { imul } = Math;

function scramble(uuid: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < uuid.length; i++) h = imul(h ^ uuid.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function makeRecords(count: number, options: { start?: number; step?: number; ties?: number[] } = {}): Array<{ uuid: string; ms: number }> {
  const start = options.start ?? Date.UTC(2025, 0, 1);
  const step = options.step ?? 60_000;
  const out: Array<{ uuid: string; ms: number }> = [];
  for (let i = 0; i < count; i++) {
    const tied = options.ties?.includes(i) && i > 0;
    out.push({ uuid: `u${String(i).padStart(4, '0')}`, ms: tied ? out[i - 1]!.ms : start + i * step });
  }
  return out;
}
