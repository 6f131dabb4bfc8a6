import type { Bookmark } from '../state/bookmarks.js';

/** What the end of a read found about records that changed while it ran (see ChangeLedger). */
export type ChangeEvidence =
  /** Nothing delivered in this read changed while it ran (or drift was accounted for page by page). */
  | { kind: 'clean' }
  /** Records delivered early in the read changed later; in a sorted read nothing older than `oldest` can be missing. */
  | { kind: 'changed'; oldest: Bookmark }
  /** The read cannot tell (an unsorted read with changes, or a check that could not be completed). */
  | { kind: 'unknown'; reason: string };

/** Where a partition's bookmark ends after a read. */
export interface FinalBookmark {
  bookmark: Bookmark | undefined;
  /**
   * false: the bookmark moves forward to `bookmark`, if later. true: it is set to `bookmark`, or back to the one the
   * read started from when undefined, even if the read already gave a later one: that one was not safe after all.
   */
  hold: boolean;
}

/**
 * When a partition's bookmark may move. A bookmark says every record modified before it has been written.
 * Mid-read bookmarks (one per page) are given only while the read can vouch for them: records arrive sorted by
 * lastModified (and enough of them did to believe it), the API applies the window end, and the paginator rules out
 * skipped records as it goes. Otherwise the bookmark waits for the end of the window, where the change evidence
 * decides.
 */
export class BookmarkPolicy {
  /** The newest lastModified delivered by the whole read, and by the current pass over the window. */
  private newest: Bookmark | undefined;
  private passNewest: Bookmark | undefined;
  /** uuids delivered at the pass's newest lastModified (a keyset walk started from here skips them). */
  private readonly atNewest = new Set<string>();
  private sorted: boolean;
  private windowEnd: boolean;
  private orderTrusted: boolean;
  private windowEndConfirmed = false;
  private isGuarded = true;

  /**
   * sorted: the API may sort (record_order is not unsorted); windowEnd: the window end is sent (mid-read bookmarks
   * then wait until confirmWindowEnd()); orderTrusted: the order is known (record_order ascending, keyset), else
   * mid-read bookmarks wait until trustOrder().
   */
  constructor(options: { sorted: boolean; windowEnd: boolean; orderTrusted: boolean }) {
    this.sorted = options.sorted;
    this.windowEnd = options.windowEnd;
    this.orderTrusted = options.orderTrusted;
  }

  /** Records came out of order: no mid-read bookmarks from now on. */
  unsorted(): void {
    this.sorted = false;
  }

  /** The API returned records past the window end: no mid-read bookmarks from now on. */
  windowEndIgnored(): void {
    this.windowEnd = false;
  }

  /** The API was seen to apply the window end (see PartitionRead's window check): mid-read bookmarks may begin. */
  confirmWindowEnd(): void {
    this.windowEndConfirmed = true;
  }

  /** Enough records came in order to believe the API sorts them. */
  trustOrder(): void {
    this.orderTrusted = true;
  }

  /** Whether the paginator currently rules out skipped records (see Paginator.unguarded). */
  guarded(value: boolean): void {
    this.isGuarded = value;
  }

  /** The window is read again from its start: mid-read bookmarks count only what this pass delivers. */
  newPass(): void {
    this.passNewest = undefined;
    this.atNewest.clear();
  }

  /** A record was delivered. */
  observe(ms: number, value: string, uuid: string): void {
    if (!this.newest || ms > this.newest.ms) this.newest = { ms, value };
    if (!this.passNewest || ms > this.passNewest.ms) {
      this.passNewest = { ms, value };
      this.atNewest.clear();
    }
    if (ms === this.passNewest.ms) this.atNewest.add(uuid);
  }

  /** The newest lastModified delivered in this pass, and the uuids delivered at it. */
  get newestDelivered(): (Bookmark & { uuids: ReadonlySet<string> }) | undefined {
    return this.passNewest && { ...this.passNewest, uuids: this.atNewest };
  }

  /** The bookmark the records delivered so far allow, if mid-read bookmarks are safe. */
  checkpoint(): Bookmark | undefined {
    return this.sorted && this.windowEnd && this.windowEndConfirmed && this.orderTrusted && this.isGuarded ? this.passNewest : undefined;
  }

  /**
   * The bookmark once the whole window has been read: the newest record delivered by any pass (a record delivered by
   * an earlier pass and newer than all the last pass delivered has left the window since; the last pass read all of
   * it), unless the change evidence says otherwise.
   */
  final(evidence: ChangeEvidence): FinalBookmark {
    if (evidence.kind === 'clean') return { bookmark: this.newest, hold: false };
    if (evidence.kind === 'changed') {
      const bookmark = this.newest && this.newest.ms < evidence.oldest.ms ? this.newest : evidence.oldest;
      return { bookmark, hold: true };
    }
    return { bookmark: undefined, hold: true };
  }
}
