import type { BookingType, TapConfig } from '../config/options.js';
import { ApiDataError, ConfigError } from '../errors.js';
import type { PageBody, PageRequest } from '../http/bookings-api.js';
import type { Page } from '../http/page-body.js';
import type { Logger } from '../logging/logger.js';
import type { Bookmark } from '../state/bookmarks.js';
import type { Clock } from '../util/clock.js';
import { formatDateTime } from '../util/time.js';
import { ApiShape, type ShapeNews } from './api-shape.js';
import { BookmarkPolicy, type ChangeEvidence } from './bookmark-policy.js';
import { changeEvidence } from './change-evidence.js';
import { ChangeLedger } from './change-ledger.js';
import { changedAfterWindow } from './change-probe.js';
import { factsOf } from './page-facts.js';
import { KeysetPaginator } from './paginators/keyset.js';
import { PageNumberPaginator } from './paginators/page-number.js';
import type { PageToken, Paginator, Step } from './paginators/paginator.js';
import { ReadAhead } from './read-ahead.js';
import type { BookingRecord, RecordChecker } from './record-check.js';
import type { RecordEditor } from '../privacy/record-editor.js';
import { RecordPipeline, type CheckedPage } from './record-pipeline.js';
import { RepeatWatch } from './repeat-watch.js';
import { RequestBudget } from './request-budget.js';
import { UsablePages } from './usable-pages.js';
import { checkWindowEnd, type WindowCheckOutcome } from './window-check.js';
import { PageBaseCheck } from './page-base-check.js';

export interface PageSource {
  fetchPage(req: PageRequest): Promise<PageBody>;
}

export interface PartitionWindow {
  bookingType: BookingType;
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms of a whole second, inclusive. */
  to: number;
}

export type PartitionEvent =
  /** Records to write, then (once they are written) the bookmark they allow, if any. */
  | { kind: 'page'; bookingType: BookingType; page: number; records: BookingRecord[]; raw: Uint8Array[]; bookmark: Bookmark | undefined }
  /** The whole window has been read: where the bookmark ends (see FinalBookmark). */
  | { kind: 'done'; bookingType: BookingType; bookmark: Bookmark | undefined; hold: boolean; stats: PartitionStats };

export interface PartitionStats {
  pages: number;
  records: number;
  /** Records trimmed because they lie outside the window. */
  filtered: number;
  rewinds: number;
  requests: number;
  sorted: boolean;
  /** The strategy that finished the read. */
  pagination: Paginator['name'];
}

export type ReaderConfig = Pick<
  TapConfig,
  'pageSize' | 'firstPage' | 'maxConcurrency' | 'recordOrder' | 'pagination' | 'windowFromParam' | 'windowToParam' | 'maxRetries' | 'backoffFactor' | 'maxRetryWaitSeconds'
>;

/** What reading needs besides the config, whether one partition (readPartition) or the whole sync (runSync). */
export interface ReadingParts {
  source: PageSource;
  checker: RecordChecker;
  logger: Logger;
  clock: Clock;
  /** Top-level properties to keep in records (undefined keeps all). */
  properties?: ReadonlySet<string> | undefined;
  /** Hashes and drops the personal-data paths in each delivered record (undefined: records go out as received). */
  editor?: RecordEditor | undefined;
  signal?: AbortSignal;
}

export interface ReaderOptions extends ReadingParts {
  config: ReaderConfig;
  /**
   * The most pages this partition may keep requested ahead: its share of max_concurrency among the booking types being
   * read at the same time (see sync.ts). Default: all of max_concurrency.
   */
  readAheadShare?: () => number;
}

/**
 * Reads one booking type's window and loses nothing, whatever the API's shape: sorted or not, with or without totals,
 * honouring the window parameters or not, records changing while it reads. It composes small parts:
 * - a paginator (paginators/) says which page comes next, and whether records can have slid past the reader;
 * - a read-ahead (read-ahead.ts) keeps pages requested before they are needed, as bytes;
 * - the page is parsed here, when it is taken, and an unusable or contradictory one is fetched again (usable-pages.ts);
 * - a record pipeline (record-pipeline.ts) checks, trims to the window, projects and edits (privacy/) each record;
 * - what the pages show of the API (api-shape.ts): whether it sorts, whether it applies the window;
 * - a bookmark policy (bookmark-policy.ts) says when the bookmark may move;
 * - a change ledger (change-ledger.ts) records what was delivered, and at the end of the read the change evidence
 *   (change-evidence.ts, with the change probe) says whether a record delivered early changed later;
 * - a request budget (request-budget.ts) stops the read with an error rather than let an API keep it going.
 *
 * With `pagination: auto`, the read starts with page numbers. It moves to keyset pagination (immune to drift) when
 * records come sorted and the API reports no totals, reads the window again without the totals once they are caught
 * contradicting themselves, and again one page after another once the API shows it ignores the window end.
 */
export async function* readPartition(window: PartitionWindow, options: ReaderOptions): AsyncGenerator<PartitionEvent> {
  yield* new PartitionRead(window, options).run();
}

/**
 * What the reader does after a step: deliver the page or not, and where it goes next: a page, the end, the same page
 * again, the first page of a new paginator, or (keyset) a new paginator once this page is delivered.
 */
type Move = { deliver: boolean; next: PageToken | 'end' | 'again' | 'restarted' | { keysetFromHere: boolean } };

class PartitionRead {
  private readonly config: ReaderConfig;
  private readonly logger: Logger;
  private readonly pipeline: RecordPipeline;
  private readonly shape: ApiShape;
  /** Records a page-number pass delivered twice (repeat-watch.ts). */
  private readonly repeats = new RepeatWatch();
  private readonly policy: BookmarkPolicy;
  private readonly pages: UsablePages;
  private readonly budget: RequestBudget;
  private readonly stats: PartitionStats;
  private readonly ahead: ReadAhead<PageBody>;
  private ledger = new ChangeLedger();
  private paginator: Paginator;
  /** The current pass walked pages whose drift nobody watched (see Paginator.unguarded). */
  private unguarded = false;
  /** Keyset was tried and the API did not behave as it needs. */
  private keysetFailed = false;
  private windowCheck: { outcome(): WindowCheckOutcome; settled: Promise<unknown> } | undefined;
  private windowCheckSeen = false;
  /** With first_page 1: whether the API counts pages from 0 after all (page-base-check.ts). */
  private pageBase: PageBaseCheck | undefined;
  /** The uuids of the read's first page (page first_page of the window), for the page-base check. */
  private firstPageUuids: string[] | undefined;
  /** Contradictory answers to the current page so far. */
  private retries = 0;
  private readonly said = new Set<string>();

  constructor(
    private readonly window: PartitionWindow,
    private readonly options: ReaderOptions,
  ) {
    const { config } = options;
    this.config = config;
    this.logger = options.logger;
    this.pipeline = new RecordPipeline(options.checker, window.bookingType, window, options.properties, options.editor);
    this.shape = new ApiShape(config.recordOrder, config, window.to);
    this.pages = new UsablePages(config, options.logger, options.clock, options.signal, options.properties !== undefined || options.editor !== undefined);
    this.budget = new RequestBudget(window.bookingType);
    this.paginator = config.pagination === 'keyset' ? this.keyset() : this.pageNumbers();
    this.policy = new BookmarkPolicy({ sorted: this.shape.sorted, windowEnd: this.shape.toHonoured, orderTrusted: this.shape.believedSorted || this.paginator.name === 'keyset' });
    this.stats = { pages: 0, records: 0, filtered: 0, rewinds: 0, requests: 0, sorted: this.shape.sorted, pagination: this.paginator.name };
    this.ahead = new ReadAhead<PageBody>((token) => this.fetch(token, this.window.to), options.readAheadShare ?? (() => config.maxConcurrency));
  }

  async *run(): AsyncGenerator<PartitionEvent> {
    const { bookingType } = this.window;
    if (this.shape.toHonoured && this.shape.fromHonoured && this.shape.sorted) {
      this.budget.allow(1);
      this.windowCheck = checkWindowEnd((token, to) => this.fetch(token, to), this.window.from, this.config.firstPage);
    }
    let token = this.paginator.first();
    if (this.config.firstPage === 1) {
      this.budget.allow(3);
      const from = token.from; // the read's own start (keyset sends it as a whole second)
      this.pageBase = new PageBaseCheck((page) => this.request({ page, from }, this.window.to, 0));
    }
    try {
      for (;;) {
        this.applyStartChecks();
        for (const next of this.paginator.ahead(token, this.ahead.depth)) {
          if (this.ahead.size >= this.ahead.depth || this.stats.requests >= this.budget.limit(this.paginator)) break;
          this.ahead.request(next);
        }
        this.budget.check(this.stats.requests, this.paginator, this.stats.rewinds);
        const { page, describe } = await this.pages.take(() => this.ahead.take(token), () => this.fetch(token, this.window.to), token.page, this.retries);
        this.stats.pages++;
        const checked = this.pipeline.check(page);
        if (this.pageBase && this.firstPageUuids === undefined) this.firstPageUuids = checked.records.map((r) => r.uuid); // the read's first page
        const facts = factsOf(token, page, checked, (uuid, ms) => this.paginator.isRepeat(uuid, ms));
        this.learn(this.shape.observe(facts, checked, this.paginator.name === 'page_number'));
        const step = this.paginator.step(facts);
        if (this.logger.enabled('debug')) this.logger.debug(`${bookingType}: ${describe}: ${facts.count} records (${facts.fresh} new), totals ${facts.totalElements ?? '-'}/${facts.totalPages ?? '-'}: ${step.kind}${'token' in step ? ` to page ${step.token.page}` : ''}.`);
        const move = await this.follow(step, token, describe);
        if (move.deliver && page.records.length > 0) yield this.deliver(page, checked, token);
        const { next } = move;
        if (next === 'end') {
          // The window check may answer after the last page: an API that ignores the window end must be read again,
          // one page after another, before the read can vouch for anything.
          await this.windowCheck?.settled;
          await this.pageBase?.final(this.firstPageUuids);
          this.applyStartChecks();
          if (!this.readAgainOneByOne()) break;
          token = this.paginator.first();
          continue;
        }
        if (typeof next === 'object' && 'keysetFromHere' in next) {
          this.startOver(this.keyset(next.keysetFromHere ? this.policy.newestDelivered : undefined), !next.keysetFromHere);
          token = this.paginator.first();
        } else if (next === 'restarted') {
          token = this.paginator.first();
        } else if (next !== 'again') {
          token = next;
        }
      }
    } finally {
      this.ahead.clear();
    }
    const evidence = await changeEvidence({ shape: this.shape, ledger: this.ledger, unguarded: this.unguarded, keyset: this.paginator.name === 'keyset', repeats: this.repeats.repeats + (this.paginator instanceof KeysetPaginator ? this.paginator.repeats : 0), probe: () => this.probe() });
    const final = this.policy.final(evidence);
    if (evidence.kind !== 'clean') this.explainHold(evidence, final.bookmark);
    this.stats.sorted = this.shape.sorted;
    this.stats.pagination = this.paginator.name;
    yield { kind: 'done', bookingType, bookmark: final.bookmark, hold: final.hold, stats: this.stats };
  }

  /**
   * Act on a paginator's step, and on what it learnt of the API: start the window over with another strategy when
   * the one walking it cannot be relied on, go back after drift, fetch again a page that contradicts the totals, fail.
   */
  private async follow(step: Step, token: PageToken, describe: string): Promise<Move> {
    const { bookingType } = this.window;
    const paginator = this.paginator;
    if (this.readAgainOneByOne()) return { deliver: false, next: 'restarted' };
    if (paginator instanceof PageNumberPaginator && paginator.totalsTrust === 'unreliable' && !paginator.distrusting) {
      // The pages so far were read by totals (concurrently, drift checked with them) that cannot be relied on.
      const next = this.keysetPossible() ? this.keyset() : this.pageNumbers(true);
      this.sayOnce('distrust', 'warn', `${bookingType}: the API's totals cannot be relied on (${paginator.unreliableReason}); reading the window again from its start ${next.name === 'keyset' ? 'by lastModified (keyset pagination)' : 'one page after another without them'}.`);
      return this.restart(next, true);
    }
    // Page numbers without totals, over records that come sorted, are better read by keyset.
    const toKeyset = paginator instanceof PageNumberPaginator && paginator.totalsTrust === 'absent' && this.keysetPossible() && step.kind === 'next';
    if (paginator.unguarded && !toKeyset) {
      this.unguarded = true;
      this.policy.guarded(false);
    }
    switch (step.kind) {
      case 'retry':
        if (step.confirm) {
          this.logger.debug(`${bookingType}: ${step.reason} (${describe}).`);
          return { deliver: false, next: 'again' };
        }
        if (!this.pages.mayRetry(this.retries)) {
          throw new ApiDataError(`${bookingType}: ${step.reason}, and still so after ${this.retries} ${this.retries === 1 ? 'retry' : 'retries'} (${describe}). The partition stops here rather than take the page for the end of the data; its bookmark does not move past what was read.${step.hint ? ` ${step.hint}` : ''}`);
        }
        await this.pages.waitBeforeRetry(`${describe}: ${step.reason}`, ++this.retries);
        return { deliver: false, next: 'again' };
      case 'fail':
        throw new ApiDataError(`${bookingType}: ${step.message} (${describe}). Stopping instead of reading the same pages forever; the bookmark does not move past what was read.`);
      case 'rewind':
        this.retries = 0;
        this.stats.rewinds++;
        this.budget.allow(token.page - step.token.page + 1 + this.config.maxConcurrency);
        this.logger.info(`${bookingType}: ${step.message}.`);
        this.shape.rewound();
        this.repeats.rewound();
        return { deliver: false, next: step.token };
      case 'unsuitable':
        if (this.config.pagination === 'keyset') {
          throw new ApiDataError(`${bookingType}: pagination "keyset" needs an API that sorts by lastModified ascending and honours ${this.config.windowFromParam ?? 'the window start'}, but ${step.reason} (${describe}). Use pagination "auto" or "page_number".`);
        }
        this.keysetFailed = true;
        this.sayOnce('unsuitable', 'info', `${bookingType}: keyset pagination is not possible (${step.reason}); reading the window again with page numbers.`);
        return this.restart(this.pageNumbers(), true);
      default:
        this.retries = 0;
        if (toKeyset) {
          // Nothing can have drifted after one page: keyset goes on from the newest record delivered (after this
          // page is delivered); after more, it reads the window again.
          const fromHere = this.stats.pages === 1;
          this.sayOnce('keyset', 'info', `${bookingType}: the API reports no totals; reading by lastModified instead of page numbers (keyset pagination)${fromHere ? '' : ', from the window start again'}.`);
          return { deliver: true, next: { keysetFromHere: fromHere } };
        }
        return { deliver: step.kind === 'next' || step.deliver !== false, next: step.kind === 'end' ? 'end' : step.token };
    }
  }

  /**
   * An API that ignores the window end keeps records that change in its list, moved: pages fetched ahead of one
   * another can miss a record with no total to show it, and the change check needs pages read in order. Once that
   * shows, a read by page numbers starts over, one page after another. True when it did.
   */
  private readAgainOneByOne(): boolean {
    const paginator = this.paginator;
    if (!(paginator instanceof PageNumberPaginator) || this.shape.toHonoured || paginator.oneByOne) return false;
    this.sayOnce('one-by-one', 'warn', `${this.window.bookingType}: the API ignores the window end; reading the window again from its start, one page after another.`);
    this.startOver(this.pageNumbers(paginator.totalsTrust === 'unreliable'), true);
    return true;
  }

  private restart(paginator: Paginator, afresh: boolean): Move {
    this.startOver(paginator, afresh);
    return { deliver: false, next: 'restarted' };
  }

  private pageNumbers(distrustTotals = false): PageNumberPaginator {
    const paginator = new PageNumberPaginator({ firstPage: this.config.firstPage, pageSize: this.config.pageSize, from: this.window.from, distrustTotals, oneByOne: !this.shape.toHonoured });
    paginator.totalsMayRise = !this.shape.toHonoured;
    return paginator;
  }

  /** Keyset from the window start, or from the newest record delivered so far (and past the ones delivered at it). */
  private keyset(delivered?: { ms: number; uuids: Iterable<string> }): KeysetPaginator {
    return new KeysetPaginator({ firstPage: this.config.firstPage, pageSize: this.config.pageSize, from: this.window.from, to: this.window.to, delivered });
  }

  private keysetPossible(): boolean {
    return this.config.pagination === 'auto' && !this.keysetFailed && this.shape.believedSorted && this.shape.fromHonoured;
  }

  /**
   * Drop everything requested ahead and go on with another paginator. `afresh`: it reads the window from its start,
   * and only what it delivers counts for the change check (what was read before may have drifted unseen).
   */
  private startOver(paginator: Paginator, afresh: boolean): void {
    this.ahead.clear();
    if (afresh) {
      this.ledger = new ChangeLedger();
      this.policy.newPass();
      this.unguarded = false;
      this.policy.guarded(true);
    }
    if (paginator.name === 'keyset') this.policy.trustOrder();
    this.budget.retire(this.paginator);
    this.budget.allow(this.config.maxConcurrency);
    this.paginator = paginator;
    this.shape.newPass();
    // Records the walk before this one delivered twice still count unless the window is read again from its start.
    if (afresh) this.repeats.newPass();
    this.retries = 0;
  }

  private fetch(token: PageToken, to: number | undefined): Promise<PageBody> {
    this.paginator.issued(token);
    return this.request(token, to);
  }

  /** A request beside the read (its paginator does not see it): without retries when `maxRetries` is 0. */
  private request(token: PageToken, to: number | undefined, maxRetries?: number): Promise<PageBody> {
    this.stats.requests++;
    const { bookingType } = this.window;
    return this.options.source.fetchPage({ bookingType, page: token.page, size: this.config.pageSize, from: token.from, to, signal: this.options.signal, maxRetries });
  }

  /** Act on what a page (or the window check) showed of the API. */
  private learn(news: readonly ShapeNews[]): void {
    const { bookingType } = this.window;
    for (const item of news) {
      if (item === 'unsorted') {
        this.policy.unsorted();
        this.logger.info(`${bookingType}: the API does not return records sorted by lastModified; the bookmark will move only after the whole window has been read.`);
      } else if (item === 'sorted-believed') {
        this.policy.trustOrder();
      } else if (item === 'window-start-ignored') {
        this.sayOnce('window-start', 'info', `${bookingType}: the API returned records modified before the window start it was sent; they are trimmed here.`);
      } else {
        if (this.paginator instanceof PageNumberPaginator) this.paginator.totalsMayRise = true;
        this.policy.windowEndIgnored();
        this.sayOnce('window-end', 'info', `${bookingType}: the API returned records modified after the window end it was sent (${formatDateTime(this.window.to)}): it does not honour the window end, so the bookmark moves only once the whole window has been read and checked for records that changed while it was read.`);
      }
    }
  }

  /**
   * Apply what the checks beside the read's start found, once they have answered: the page base (page-base-check.ts),
   * then the window end (window-check.ts), whose answer lets mid-read bookmarks begin only once the page base is known.
   */
  private applyStartChecks(): void {
    if (!this.pageBaseKnown()) return;
    if (!this.windowCheck || this.windowCheckSeen) return;
    const outcome = this.windowCheck.outcome();
    if (outcome === 'pending') return;
    this.windowCheckSeen = true;
    if (outcome === 'honoured') this.policy.confirmWindowEnd();
    else if (outcome === 'ignored' && this.shape.toHonoured) this.learn([this.shape.windowEndIgnored()]);
  }

  /** Whether the page base is known to be right (or not checked); an API counting pages from 0 under first_page 1 stops the read. */
  private pageBaseKnown(): boolean {
    const verdict = this.pageBase?.verdict(this.firstPageUuids) ?? 'ok';
    if (verdict === 'zero-based') {
      throw new ConfigError(`${this.window.bookingType}: first_page is 1, but the API answers page 0 of the window with records its page 1 does not hold: it counts pages from 0, and page 0 would never be read. Set first_page to 0.`);
    }
    return verdict === 'ok';
  }

  private deliver(page: Page, checked: CheckedPage, token: PageToken): PartitionEvent {
    this.applyStartChecks();
    const delivery = this.pipeline.deliver(page, checked, (uuid, ms) => this.paginator.isRepeat(uuid, ms));
    // The change check needs what this pass delivered, unless page numbers guarded by honest totals over a window the
    // API applies read it: any change to that (totals caught lying, the window end ignored) starts the pass over.
    const paginator = this.paginator;
    const ledgered = !(paginator instanceof PageNumberPaginator && paginator.totalsTrust === 'trusted' && this.shape.toHonoured);
    const byPageNumber = paginator.name === 'page_number';
    const pageUuids: string[] = [];
    const pageMs: number[] = [];
    if (ledgered) this.ledger.beginPage();
    for (let i = 0; i < delivery.records.length; i++) {
      const record = delivery.records[i]!;
      const ms = delivery.ms[i]!;
      if (ms < this.window.from || ms > this.window.to) continue; // dated out of any sane range: no bookmark from it
      if (ledgered) this.ledger.add(record.uuid, ms);
      if (byPageNumber) {
        pageUuids.push(record.uuid);
        pageMs.push(ms);
      }
      this.policy.observe(ms, record.lastModified, record.uuid);
      this.paginator.delivered(record.uuid, ms);
    }
    if (byPageNumber) this.repeats.deliveredPage(pageUuids, pageMs, this.shape.sorted);
    const odd = delivery.insane[0];
    if (odd) this.sayOnce('insane', 'warn', `${this.window.bookingType}: record ${odd.uuid} has lastModified ${odd.lastModified}, outside any sane range; such records are delivered as received, move no bookmark, and come again with every sync until the API corrects them.`);
    this.stats.records += delivery.records.length;
    this.stats.filtered += delivery.outside;
    return { kind: 'page', bookingType: this.window.bookingType, page: token.page, records: delivery.records, raw: delivery.raw, bookmark: this.policy.checkpoint() };
  }

  /** The change probe over what changed after the window end (change-probe.ts), within this read's budget. */
  private probe(): Promise<ReadonlySet<number> | string> {
    if (!this.config.windowFromParam) return Promise.resolve('the API takes no window start, so what changed after the window end cannot be asked for');
    return changedAfterWindow({
      windowEnd: this.window.to,
      sorted: this.shape.believedSorted && this.shape.fromHonoured,
      firstPage: this.config.firstPage,
      pageSize: this.config.pageSize,
      maxPages: 10 + 2 * Math.max(1, this.stats.pages),
      fetch: (token) => this.fetch(token, undefined),
      beforeRequest: () => {
        this.budget.check(this.stats.requests, this.paginator, this.stats.rewinds);
        this.budget.allow(1);
      },
      pages: this.pages,
      logger: this.logger,
    });
  }

  private explainHold(evidence: Exclude<ChangeEvidence, { kind: 'clean' }>, bookmark: Bookmark | undefined): void {
    const { bookingType } = this.window;
    const where = bookmark ? `at ${bookmark.value}` : 'where this sync started';
    if (evidence.kind === 'changed') {
      this.logger.warn(`${bookingType}: records delivered early in this read changed while it ran, so the API may have shifted others past the reader; the bookmark stays ${where} and the next sync reads from there again.`);
    } else {
      this.logger.warn(`${bookingType}: this read cannot be sure it missed nothing (${evidence.reason}); the bookmark stays ${where} and the next sync reads the window again.`);
    }
  }

  private sayOnce(key: string, level: 'info' | 'warn', message: string): void {
    if (this.said.has(key)) return;
    this.said.add(key);
    this.logger.log(level, message);
  }
}
