import { hash32 } from '../change-ledger.js';
import { driftRewind } from '../drift.js';
import { EmptyPageCheck, type PageFacts, type PageToken, type Paginator, type Step, type TotalsTrust } from './paginator.js';

/** Pages whose content the repeat check remembers, the latest ones. */
const MAX_PAGES_REMEMBERED = 2000;

export interface PageNumberOptions {
  firstPage: number;
  /** page_size: what the reader asks for. The API may serve fewer (or more) per page; the paginator learns that. */
  pageSize: number;
  /** The window start, sent with every request. */
  from: number;
  /** Read as if the API reported no totals worth trusting (they were caught contradicting themselves before). */
  distrustTotals?: boolean;
  /**
   * Request each page only after the one before it arrived: for a list the totals cannot guard (an API that ignores
   * the window end keeps changed records in its list, so moves leave the totals unchanged).
   */
  oneByOne?: boolean;
}

/**
 * Page numbers over one window: page first, first + 1, … . What it trusts depends on what the API shows:
 *
 * - Totals reported and consistent ('trusted'): the read ends where the totals say; a page that reports fewer records
 *   in total than the page before it means records left the window mid-read, and the reader goes back as far as
 *   they can have shifted (drift.ts); a page before the last that holds fewer records than the totals imply, or an
 *   empty one, contradicts them and is fetched again (then the partition fails) rather than taken for the end.
 * - The totals turn out unreliable: a request sent after the reader saw a total reports a higher one (a window whose
 *   end is in the past can only lose records), or a page holds more records than its totals allow, or totals come
 *   and go. From then on they are ignored as no totals at all.
 * - No totals ('absent'), or unreliable: the read ends at the first empty page (a short page may only mean the API
 *   caps its page size), and drift cannot be seen: the read is `unguarded`.
 *
 * Whatever the API says, a page with the same records as an earlier page of this pass ends the partition with an
 * error (an API that ignores `page`, or cycles A, B, A, B), except a repeat of a short last page (an API that answers
 * pages past the end with the last one).
 */
export class PageNumberPaginator implements Paginator {
  readonly name = 'page_number' as const;
  private trust: TotalsTrust = 'unknown';
  /** Records per page as the API serves them. */
  private size: number;
  private sizeKnown = false;
  private mostOnAPage = 0;
  /** Last page by the trusted totals. */
  private lastPage: number | undefined;
  /**
   * The total each page reported when last taken. Page p is compared with page p-1's latest: after a rewind, the page
   * read again first is compared with the one before it from the earlier walk, since records may have left between.
   */
  private readonly totalOf = new Map<number, number>();
  private previousCount = 0;
  private minTotal = Infinity;
  private readonly minTotalAtIssue = new Map<number, number>();
  /** Drops already followed: "page|previous total|total". */
  private readonly handled = new Set<string>();
  /**
   * A hash of each page's fingerprint → the page that had it and its total, for this pass (cleared when the reader
   * goes back). A hash collision can only make a page look repeated once more, which two repeats are allowed for.
   */
  private readonly seen = new Map<number, { page: number; total: number | undefined }>();
  /** Pages in a row that repeated an earlier one. */
  private repeats = 0;
  /** totalPages only, last page full: one more page is read to see whether it really was the last. */
  private confirming = false;
  /** The last page that held a full page of records. */
  private lastFullPage: number | undefined;
  /** Without totals, an empty page (confirmed) after a full one: the page after it is read before this one is taken for the end. */
  private emptyBeforePeek: number | undefined;
  private implied = 0;
  private readonly empty = new EmptyPageCheck();
  private productive = 0;
  unreliableReason: string | undefined;
  /**
   * The API does not apply the window end, so records added while the read runs join the set and totals may rise
   * honestly: a rise is then no sign of unreliable totals.
   */
  totalsMayRise = false;

  constructor(private readonly options: PageNumberOptions) {
    this.size = options.pageSize;
    if (options.distrustTotals) this.trust = 'unreliable';
  }

  /** Reading without trusting the totals from the start. */
  get distrusting(): boolean {
    return this.options.distrustTotals === true;
  }

  get oneByOne(): boolean {
    return this.options.oneByOne === true;
  }

  get totalsTrust(): TotalsTrust {
    return this.trust;
  }


  get unguarded(): boolean {
    return this.trust === 'absent' || this.trust === 'unreliable';
  }

  /**
   * For the request budget: the pages the first totals reported imply (later totals may be inflated by an API that
   * keeps growing its answer), or without totals the pages that brought records not seen before.
   */
  get impliedPages(): number {
    return this.implied > 0 ? this.implied : this.productive;
  }

  first(): PageToken {
    return { page: this.options.firstPage, from: this.options.from };
  }

  ahead(current: PageToken, depth: number): PageToken[] {
    // Without trusted totals pages are read one after the other: a page fetched before the one ahead of it could miss
    // records that an insert pushed across their boundary, with no total to show it.
    if (this.trust !== 'trusted' || this.lastPage === undefined || this.options.oneByOne) return [];
    const last = this.lastPage;
    const out: PageToken[] = [];
    for (let p = current.page + 1; p <= last && out.length < depth; p++) out.push({ page: p, from: current.from });
    return out;
  }

  issued(token: PageToken): void {
    this.minTotalAtIssue.set(token.page, this.minTotal);
  }

  isRepeat(): boolean {
    return false;
  }

  delivered(): void {}

  step(f: PageFacts): Step {
    const { firstPage } = this.options;
    const page = f.token.page;
    this.observeTotals(f);

    if (f.totalElements !== undefined && this.trust !== 'unreliable') {
      const rewind = this.drift(page, f.totalElements);
      if (rewind) return { ...rewind, token: { page: rewind.token.page, from: f.token.from } };
    }

    if (f.count > 0) {
      const key = hash32(f.fingerprint);
      const earlier = this.seen.get(key);
      if (earlier !== undefined && earlier.page !== page) {
        // Pages past the end answered with the last page: the end, when that page was short or was announced as the last.
        if (earlier.page === page - 1 && (this.previousCount < this.size || this.confirming)) return { kind: 'end', deliver: false };
        // Records that move while the window is read shift pages by whole pages now and then. A repeat whose total
        // differs from the earlier page's is such a shift; one with the same total (or none) may be too (an API that
        // ignores the window keeps changed records in its list, so its total stays), and is given the benefit of the
        // doubt twice in a row, not a third time. The request budget bounds the rest.
        const shifted = f.totalElements !== undefined && earlier.total !== undefined && f.totalElements !== earlier.total;
        if (!shifted && this.repeats >= 2) return { kind: 'fail', message: `the API returned the same ${f.count} records for page ${page} as for page ${earlier.page}: it seems to ignore the "page" parameter or to repeat pages` };
        if (!shifted) this.repeats++;
      } else {
        this.repeats = 0;
        this.productive++;
      }
      this.seen.set(key, { page, total: f.totalElements });
      // A loop longer than this many pages is left to the request budget: memory stays bounded on huge windows.
      if (this.seen.size > MAX_PAGES_REMEMBERED) this.seen.delete(this.seen.keys().next().value!);
    }

    if (this.trust === 'trusted') {
      const verdict = this.againstTotals(f);
      if (verdict) return verdict;
    }
    if (this.emptyBeforePeek !== undefined && page === this.emptyBeforePeek + 1) {
      const empty = this.emptyBeforePeek;
      this.emptyBeforePeek = undefined;
      if (f.count === 0) return { kind: 'end' };
      return { kind: 'fail', message: `page ${empty} came back empty twice, yet page ${page} holds ${f.count} records: the API answered a page in the middle of the data empty, and reports no totals to tell how many records there are` };
    }
    if (f.count > 0) this.previousCount = f.count; // the last page that held records, for the repeat check
    if (f.count >= this.size) this.lastFullPage = page;
    if (this.trust === 'trusted') {
      if (this.confirming) return f.count === 0 ? { kind: 'end' } : this.distrust('a page after the last page the API announced holds records', f);
      const last = f.totalElements !== undefined ? (page - firstPage) * this.size + f.count >= f.totalElements : page >= this.lastPage!;
      // A short last page is the end; a full one is checked with one more page (totals one short would end the read
      // a page early, and an honest API just answers that page empty).
      if (last && f.count < this.size) return { kind: 'end' };
      if (last) this.confirming = true;
    } else if (f.count === 0) {
      // Without totals to trust an empty page is the end, once it is confirmed (a flaky API may send one in the
      // middle). Totals caught contradicting themselves still say roughly where the end is: a confirmed empty page
      // well before what the page itself reports is a contradiction to retry.
      if (!this.empty.confirmed(f.token)) return { kind: 'retry', reason: 'an empty page, asked for once more before it is taken for the end', confirm: true };
      const position = (page - firstPage) * this.size;
      if (f.totalElements !== undefined && position < f.totalElements) return { kind: 'retry', reason: `page ${page} is empty although the API reports ${f.totalElements} records` };
      // After a full page, an API answers the page past its end empty; one that answered a page in the middle empty
      // by mistake (twice) has records on the next: one more request tells them apart.
      if (f.totalElements === undefined && this.lastFullPage === page - 1) {
        this.emptyBeforePeek = page;
        return { kind: 'next', token: { page: page + 1, from: f.token.from } };
      }
      return { kind: 'end' };
    }
    return { kind: 'next', token: { page: page + 1, from: f.token.from } };
  }

  /**
   * The drift rule (drift.ts), whenever two pages in a row report totals (not once they are known to lie): a total lower than the page
   * before it means records left the set (or, in a list the API does not order by time, were added before a page that
   * was fetched later). A drop already handled (the same page, between the same totals) is not followed again: totals
   * that flicker would otherwise send the reader back for ever, and an honest API cannot show the same drop twice.
   */
  private drift(page: number, total: number): Extract<Step, { kind: 'rewind' }> | undefined {
    const previous = this.totalOf.get(page - 1);
    this.totalOf.set(page, total);
    this.minTotal = Math.min(this.minTotal, total);
    const rewind = driftRewind({ page, total, previousTotal: previous, size: this.size, firstPage: this.options.firstPage });
    if (!rewind) return undefined;
    const key = `${page}|${previous}|${total}`;
    if (this.handled.has(key)) {
      this.markUnreliable(`page ${page} again reports ${total} records in all where the page before it reports ${previous}, after both were read again`);
      return undefined;
    }
    this.handled.add(key);
    this.seen.clear();
    this.confirming = false;
    return {
      kind: 'rewind',
      token: { page: rewind.restart, from: this.options.from },
      message: `page ${page} reports ${total} records in all and the page before it ${previous}: records moved while the window was read and up to ${rewind.left} may have slid past the reader; reading again from page ${rewind.restart}`,
    };
  }

  /** Whether the totals can still be trusted, what they imply (last page, page size), and the check for a rising total. */
  private observeTotals(f: PageFacts): void {
    const reported = f.totalElements !== undefined || f.totalPages !== undefined;
    if (this.trust === 'unknown') this.trust = reported ? 'trusted' : 'absent';
    else if (this.trust === 'trusted' && !reported) this.markUnreliable('some pages report totals and others do not');
    else if (this.trust === 'absent' && reported) this.markUnreliable('some pages report totals and others do not');
    if (f.reportedSize !== undefined && f.reportedSize > 0) {
      this.size = f.reportedSize;
      this.sizeKnown = true;
    }
    this.mostOnAPage = Math.max(this.mostOnAPage, f.count);
    if (this.implied === 0 && f.totalPages !== undefined && f.totalElements === undefined) this.implied = Math.max(1, f.totalPages);
    if (this.implied === 0 && f.totalElements !== undefined) this.implied = Math.max(1, Math.ceil(f.totalElements / Math.max(1, Math.min(this.size, f.count || this.size))));
    // Without totals to tell a capped page from a last one, the fullest page seen is the API's page size (never more
    // than it is: a rewind counted in too large pages would fall short).
    if (this.trust !== 'trusted') {
      if (!this.sizeKnown && this.mostOnAPage > 0) this.size = this.mostOnAPage;
      return;
    }
    const atIssue = this.minTotalAtIssue.get(f.token.page);
    this.minTotalAtIssue.delete(f.token.page); // only requests still out need it
    if (!this.totalsMayRise && f.totalElements !== undefined && atIssue !== undefined && f.totalElements > atIssue) {
      this.markUnreliable(`page ${f.token.page} reports ${f.totalElements} records in the window after an earlier page reported ${atIssue}, and a window that ends in the past can only lose records`);
      return;
    }
    // The first page, when it is not the last, shows how many records the API really serves per page.
    if (!this.sizeKnown && f.token.page === this.options.firstPage && f.count > 0 && f.totalElements !== undefined && f.totalElements > f.count) {
      this.size = f.count;
      this.sizeKnown = true;
    }
    if (f.totalElements !== undefined) {
      this.lastPage = this.options.firstPage + Math.max(0, Math.ceil(f.totalElements / this.size) - 1);
    } else if (f.totalPages !== undefined) {
      this.lastPage = this.options.firstPage + Math.max(0, f.totalPages - 1);
    }
  }

  /** A page checked against its own totals: short or empty before the end is a contradiction, too full another. */
  private againstTotals(f: PageFacts): Step | undefined {
    const index = f.token.page - this.options.firstPage;
    if (f.totalElements !== undefined) {
      const expected = Math.max(0, Math.min(this.size, f.totalElements - index * this.size));
      if (f.count < expected) return { kind: 'retry', reason: `page ${f.token.page} holds ${f.count} records where the API's own total of ${f.totalElements} (at ${this.size} a page) implies ${expected}`, hint: TOTALS_HINT };
      if (f.count > expected) return this.distrust(`page ${f.token.page} holds ${f.count} records where the API's own total of ${f.totalElements} allows ${expected}`, f);
    } else if (this.lastPage !== undefined && f.token.page < this.lastPage && f.count < this.size) {
      return { kind: 'retry', reason: `page ${f.token.page} holds ${f.count} records although the API reports ${this.lastPage - this.options.firstPage + 1} pages of ${this.size}` };
    }
    return undefined;
  }

  /** Stop trusting the totals and go on from the next page as if there were none. */
  private distrust(reason: string, f: PageFacts): Step {
    this.markUnreliable(reason);
    if (f.count > 0) this.previousCount = f.count;
    return f.count === 0 ? { kind: 'end' } : { kind: 'next', token: { page: f.token.page + 1, from: f.token.from } };
  }

  private markUnreliable(reason: string): void {
    if (this.trust === 'unreliable') return;
    this.trust = 'unreliable';
    this.unreliableReason = reason;
    this.lastPage = undefined;
  }
}

/** What a page short of what the totals imply may mean, for the message when it stays short. */
const TOTALS_HINT = 'If the API numbers its pages from 0 while first_page is 1 (or the other way round), correct first_page; if its totals count records outside the window it was sent (every record of the booking type), set pagination to keyset, which needs no totals.';
