import type { Page, PageRequest } from '../../src/http/bookings-api.js';
import type { PageSource } from '../../src/engine/partition-reader.js';

export interface FakeRecord {
  uuid: string;
  lastModified: string;
  ms: number;
  version: number;
}

/**
 * An in-memory travel API for engine tests: one booking type's records, filtered by the window and paged like
 * the real API, sorted by lastModified (or by uuid when `sorted` is false). Each fetch reads the records as they
 * are at the moment it is served, so tests can change them between or during fetches.
 */
export class FakeApi implements PageSource {
  records: FakeRecord[];
  served = 0;
  clock: number;
  beforeServe: ((req: PageRequest) => void) | undefined;

  constructor(
    initial: Array<{ uuid: string; ms: number }>,
    /** pageSize: the size the API serves, whatever the request asks for; reportPageSize: say it in the body. */
    readonly options: { pageSize: number; sorted: boolean; firstPage?: number; totals?: boolean; reportPageSize?: boolean },
  ) {
    this.records = initial.map((r) => ({ ...r, lastModified: new Date(r.ms).toISOString(), version: 0 }));
    this.clock = Date.UTC(2099, 0, 1); // modifications happen "now", after any window a test reads
  }

  inWindow(from: number, to: number): FakeRecord[] {
    const rows = this.records.filter((r) => r.ms >= from && r.ms <= to);
    return this.options.sorted ? rows.sort((a, b) => a.ms - b.ms || a.uuid.localeCompare(b.uuid)) : rows.sort((a, b) => a.uuid.localeCompare(b.uuid));
  }

  serve(req: PageRequest): Page {
    this.beforeServe?.(req);
    this.served++;
    const rows = this.inWindow(req.from, req.to);
    const size = this.options.pageSize;
    const index = req.page - (this.options.firstPage ?? 0);
    const data = rows.slice(index * size, (index + 1) * size).map((r) => ({ uuid: r.uuid, lastModified: r.lastModified, version: r.version }));
    const totals = this.options.totals !== false;
    return {
      page: req.page,
      records: data,
      totalElements: totals ? rows.length : undefined,
      totalPages: totals ? Math.ceil(rows.length / size) : undefined,
      pageSize: this.options.reportPageSize ? size : undefined,
    };
  }

  async fetchPage(req: PageRequest): Promise<Page> {
    return this.serve(req);
  }

  /** Modify a record: it gets a lastModified later than anything before (after the window's end). */
  modify(uuid: string): void {
    const r = this.records.find((x) => x.uuid === uuid)!;
    r.ms = ++this.clock;
    r.lastModified = new Date(r.ms).toISOString();
    r.version++;
  }
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
