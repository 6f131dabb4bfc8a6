import { EmptyPageCheck, floorSecond, type PageFacts, type PageToken, type Paginator, type Step } from './paginator.js';

export interface KeysetOptions {
  firstPage: number;
  pageSize: number;
  /** Where the walk starts: the window start, or the newest lastModified already delivered (and the uuids at it). */
  from: number;
  /** The window end (epoch ms): a sorted page that goes past it ends the walk. */
  to: number;
  delivered?: { ms: number; uuids: Iterable<string> } | undefined;
}

/**
 * Keyset pagination for an API that sorts by lastModified ascending and honours the window start: each request asks
 * for the first page of [newest lastModified delivered, window end], so records leaving the window (or being added
 * to it) can never shift a record past the reader, and no totals are needed. The start is sent as a whole second,
 * so the records of that second come again and are skipped as repeats.
 *
 * When a whole page shares one second, asking from that second again would return the same page: the walk then pages
 * through that second with page numbers (page 1, 2 … of the same start) until it gets past it. Inside such a run a
 * change can shift records as in any page-number read, so the read is then `unguarded` (the change probe checks it).
 */
export class KeysetPaginator implements Paginator {
  readonly name = 'keyset' as const;
  unguarded = false;
  /**
   * Records that came again on a later page of one second's run (page 1, 2 … of the same start): in an order that
   * stays put from one request to the next those pages hold only records not seen yet, so the API orders the records
   * sharing that second differently each time, and some may never come (see repeat-watch.ts).
   */
  repeats = 0;
  private pages = 0;
  private newest = -Infinity;
  private readonly atNewest = new Set<string>();
  private previousFingerprint = '';
  private readonly empty = new EmptyPageCheck();
  /** The most records a page held: the API's page size, as far as this walk can tell. */
  private mostOnAPage = 0;

  constructor(private readonly options: KeysetOptions) {
    if (options.delivered) {
      this.newest = options.delivered.ms;
      for (const u of options.delivered.uuids) this.atNewest.add(u);
    }
  }

  get impliedPages(): number {
    return this.pages;
  }

  first(): PageToken {
    return { page: this.options.firstPage, from: floorSecond(Math.max(this.options.from, this.newest)) };
  }

  ahead(): PageToken[] {
    return []; // the next request depends on this page's content
  }

  issued(): void {}

  isRepeat(uuid: string, ms: number): boolean {
    return ms < this.newest || (ms === this.newest && this.atNewest.has(uuid));
  }

  delivered(uuid: string, ms: number): void {
    if (ms > this.newest) {
      this.newest = ms;
      this.atNewest.clear();
    }
    if (ms === this.newest) this.atNewest.add(uuid);
  }

  step(f: PageFacts): Step {
    if (f.count === 0) {
      const remaining = (f.totalElements ?? 0) - (f.token.page - this.options.firstPage) * this.options.pageSize;
      if (remaining > 0) return { kind: 'retry', reason: `page ${f.token.page} from ${new Date(f.token.from).toISOString()} is empty although the API reports ${f.totalElements} records from there` };
      // Keyset meets an empty page only inside one second's pages (or on an empty window): asking once more is cheap.
      return this.empty.confirmed(f.token) ? { kind: 'end' } : { kind: 'retry', reason: 'an empty page, asked for once more before it is taken for the end', confirm: true };
    }
    this.pages++;
    if (!f.ordered) return { kind: 'unsuitable', reason: 'the records are not sorted by lastModified' };
    if (f.firstMs! < floorSecond(f.token.from)) return { kind: 'unsuitable', reason: 'the API returned records modified before the window start it was sent' };
    const { firstPage, pageSize, to } = this.options;
    // Only records of the start's second that were delivered already, on a page shorter than the API serves: nothing
    // is left after them. (A page of repeats as long as the API's pages may be followed by more of that second.)
    const served = this.mostOnAPage;
    this.mostOnAPage = Math.max(this.mostOnAPage, f.count);
    if (f.fresh === 0 && f.count < served) return { kind: 'end' };
    // The whole rest of [from, end] is on this page: it holds all the API counts there, and fewer than a full page.
    if (f.token.page === firstPage && f.totalElements !== undefined && f.count >= f.totalElements && f.count < (served || pageSize)) return { kind: 'end' };
    if (f.fingerprint === this.previousFingerprint && f.token.page > firstPage) {
      return { kind: 'fail', message: `the API returned the same ${f.count} records for page ${f.token.page} as for the page before, from the same start: it seems to ignore the "page" parameter` };
    }
    this.previousFingerprint = f.fingerprint;
    // (The second the walk started from may hold records a page-number pass already delivered, on any of its pages.)
    const resumedSecond = this.options.delivered !== undefined && f.token.from === floorSecond(this.options.delivered.ms);
    if (f.token.page > firstPage && !resumedSecond) this.repeats += f.count - f.fresh;
    if (f.lastMs! > to) return { kind: 'end' }; // sorted: everything after this is past the window too
    const second = floorSecond(f.lastMs!);
    if (second > f.token.from) return { kind: 'next', token: { page: firstPage, from: second } };
    // Paging within one second: a record of it that changes now can shift another past the reader.
    this.unguarded = true;
    return { kind: 'next', token: { page: f.token.page + 1, from: f.token.from } };
  }
}
