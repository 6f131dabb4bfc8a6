/**
 * How a partition's window is walked, one page at a time. A paginator decides which request comes next from what the
 * last page showed (its PageFacts); it does no I/O and parses nothing. Each strategy is one module:
 * - page-number.ts: `page` = 0, 1, 2 … over a fixed window, with the drift rule when the API reports totals;
 * - keyset.ts: the window's start moves to the newest lastModified delivered, so nothing can shift under the reader.
 * A new strategy (a cursor token, say) is one more module implementing Paginator and one more `pagination` value.
 */

/** One request's position: the page number and the window start sent with it (keyset moves the start). */
export interface PageToken {
  page: number;
  /** Epoch ms of a whole second. */
  from: number;
}

/** What the reader learnt from a page, after checking its records. */
export interface PageFacts {
  token: PageToken;
  /** Records on the page. */
  count: number;
  /** Records on the page that this read has not delivered yet (see Paginator.isRepeat). */
  fresh: number;
  totalElements: number | undefined;
  totalPages: number | undefined;
  /** The page size the body reports, if any. */
  reportedSize: number | undefined;
  /** Identifies the page's content: its record count and first and last uuid. */
  fingerprint: string;
  /** lastModified of the first and last record on the page (epoch ms). */
  firstMs: number | undefined;
  lastMs: number | undefined;
  /** lastModified never decreases from one record to the next on the page. */
  ordered: boolean;
}

export type Step =
  /** Deliver the page, then read `token`. */
  | { kind: 'next'; token: PageToken }
  /** Deliver the page (unless `deliver` is false); the window has been read. */
  | { kind: 'end'; deliver?: boolean }
  /** Discard the page and read again from `token`: records may have slid past the reader. */
  | { kind: 'rewind'; token: PageToken; message: string }
  /**
   * Discard the page and fetch it again: it contradicts what the API said before (a transient answer, we hope).
   * `confirm`: not a contradiction, only worth one look more (an empty page taken for the end without totals).
   */
  | { kind: 'retry'; reason: string; confirm?: boolean; hint?: string }
  /** The API is not doing what this strategy needs; the reader falls back or fails. */
  | { kind: 'unsuitable'; reason: string }
  /** Stop the partition with an error. */
  | { kind: 'fail'; message: string };

/** How far the API's totals can be trusted: reported and consistent, never reported, or caught contradicting themselves. */
export type TotalsTrust = 'unknown' | 'trusted' | 'absent' | 'unreliable';

export interface Paginator {
  readonly name: 'page_number' | 'keyset';
  first(): PageToken;
  /** Tokens worth requesting before the reader needs them, in order, after `current` (pages known to exist). */
  ahead(current: PageToken, depth: number): PageToken[];
  /** A request for `token` is being sent (for the totals' consistency check). */
  issued(token: PageToken): void;
  step(facts: PageFacts): Step;
  /** A record on a page was already delivered by this read (keyset reads its cursor's second again). */
  isRepeat(uuid: string, ms: number): boolean;
  /** Told of each record delivered. */
  delivered(uuid: string, ms: number): void;
  /**
   * True once this read walked pages whose drift the strategy could not rule out (page numbers without trustworthy
   * totals, or keyset inside one second): a record that changed mid-read may have made it skip another, and only
   * the change probe at the end can tell.
   */
  readonly unguarded: boolean;
  /** Counted for the request budget: pages the API's own figures imply, and rewinds those figures justify. */
  readonly impliedPages: number;
}

/**
 * Whether an empty page may be taken for the end at once, or must be asked for once more first: without totals an
 * empty page is the only sign of the end, and one that a flaky API sends in the middle would end the read early.
 */
export class EmptyPageCheck {
  private asked: string | undefined;

  /** true: take the end; false: ask once more. */
  confirmed(token: PageToken): boolean {
    const key = `${token.from}|${token.page}`;
    if (this.asked === key) return true;
    this.asked = key;
    return false;
  }
}

/** The whole second at or before ms. */
export function floorSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}
