import type { RecordOrder } from '../config/options.js';
import { DistinctUuids, hash32 } from './change-ledger.js';
import { floorSecond, type PageFacts } from './paginators/paginator.js';
import type { CheckedPage } from './record-pipeline.js';

/**
 * Records seen in strictly increasing lastModified order before `auto` believes the API sorts (and may read by
 * keyset, which cannot notice an unsorted API by itself). Twelve increases in a row happen by chance in an unsorted
 * list about once in 479 million (1/13!).
 */
export const SORTED_EVIDENCE = 12;

/** Records past the window end remembered at most, for the change check of an API that ignores the window. */
export const MAX_CHANGED_TRACKED = 200_000;

/** What a page newly showed about the API. */
export type ShapeNews = 'unsorted' | 'sorted-believed' | 'window-start-ignored' | 'window-end-ignored';

/**
 * What one read has seen of how the API behaves: whether it sorts by lastModified, whether it applies the window
 * start and end, and, for an API that ignores the window end, which records lay past it and how many distinct records
 * the current pass saw. Starts from what the config says, and only ever learns the worse.
 */
export class ApiShape {
  sorted: boolean;
  fromHonoured: boolean;
  toHonoured: boolean;
  /** Strict increases of lastModified seen in page-number reads (see SORTED_EVIDENCE). */
  private increases = 0;
  private sortedBelieved: boolean;
  /** Newest lastModified on the pages of this pass, to notice records out of order. */
  private passNewest = -Infinity;
  /** Hashes of the uuids of records seen past the window end. */
  readonly pastEnd = new Set<number>();
  pastEndOverflow = false;
  /** For an API that ignores the window end: every uuid this pass saw, and the total its last page reported. */
  seenThisPass = new DistinctUuids();
  lastTotal: number | undefined;

  constructor(
    private readonly recordOrder: RecordOrder,
    config: { windowFromParam: string | null; windowToParam: string | null },
    private readonly windowEnd: number,
  ) {
    this.sorted = recordOrder !== 'unsorted';
    this.sortedBelieved = recordOrder === 'ascending';
    this.fromHonoured = config.windowFromParam !== null;
    this.toHonoured = config.windowToParam !== null;
  }

  /** The API sorts, by config or by SORTED_EVIDENCE records in order. */
  get believedSorted(): boolean {
    return this.sorted && this.sortedBelieved;
  }

  /** The window is read again from its start. */
  newPass(): void {
    this.rewound();
    this.seenThisPass = new DistinctUuids();
    this.lastTotal = undefined;
  }

  /** The reader went back a few pages: what comes next is compared for order afresh. */
  rewound(): void {
    this.passNewest = -Infinity;
  }

  /**
   * Learn from a page. `byPageNumber`: the page came from a page-number walk (keyset asks from its cursor's second,
   * so its pages start with records already seen: only order within the page counts there).
   */
  observe(facts: PageFacts, checked: CheckedPage, byPageNumber: boolean): ShapeNews[] {
    const news: ShapeNews[] = [];
    if (facts.count === 0) return news;
    const behind = byPageNumber && facts.firstMs! < this.passNewest;
    if (this.sorted && this.recordOrder === 'auto' && (!facts.ordered || behind)) {
      this.sorted = false;
      news.push('unsorted');
    }
    if (byPageNumber) {
      // Only a record later than the one read just before it counts (not the first of a pass).
      for (let i = 0; i < checked.ms.length; i++) {
        if (checked.ms[i]! > (i === 0 ? this.passNewest : checked.ms[i - 1]!) && (i > 0 || this.passNewest > -Infinity)) this.increases++;
      }
      if (this.sorted && !this.sortedBelieved && this.increases >= SORTED_EVIDENCE) {
        this.sortedBelieved = true;
        news.push('sorted-believed');
      }
    }
    this.passNewest = Math.max(this.passNewest, facts.lastMs!, facts.firstMs!);
    if (!this.toHonoured) {
      for (const r of checked.records) this.seenThisPass.add(r.uuid);
      this.lastTotal = facts.totalElements;
    }
    let beforeFrom = false;
    for (let i = 0; i < checked.ms.length; i++) {
      const ms = checked.ms[i]!;
      if (ms < floorSecond(facts.token.from)) beforeFrom = true;
      else if (ms > this.windowEnd) {
        if (this.pastEnd.size < MAX_CHANGED_TRACKED) this.pastEnd.add(hash32(checked.records[i]!.uuid));
        else this.pastEndOverflow = true;
        if (this.toHonoured) news.push(this.windowEndIgnored());
      }
    }
    if (beforeFrom && this.fromHonoured) {
      this.fromHonoured = false;
      news.push('window-start-ignored');
    }
    return news;
  }

  /** The API was seen to ignore the window end (by a page, or by the window check). */
  windowEndIgnored(): ShapeNews {
    this.toHonoured = false;
    return 'window-end-ignored';
  }
}
