import type { BookingType, TapConfig } from '../config/options.js';
import { ApiDataError } from '../errors.js';
import type { Page, PageRequest } from '../http/bookings-api.js';
import type { Logger } from '../logging/logger.js';
import type { Bookmark } from '../state/bookmarks.js';
import type { BookingRecord, RecordChecker } from './record-check.js';

export interface PageSource {
  fetchPage(req: PageRequest): Promise<Page>;
}

export interface PartitionWindow {
  bookingType: BookingType;
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, inclusive. */
  to: number;
}

export type PartitionEvent =
  /** Records to write, then (once they are written) the bookmark they allow, if any. */
  | { kind: 'page'; bookingType: BookingType; page: number; records: BookingRecord[]; raw: Uint8Array[] | undefined; bookmark: Bookmark | undefined }
  /** The whole window has been read; the bookmark may move to the newest record delivered. */
  | { kind: 'done'; bookingType: BookingType; bookmark: Bookmark | undefined; stats: PartitionStats };

export interface PartitionStats {
  pages: number;
  records: number;
  filtered: number;
  rewinds: number;
  sorted: boolean;
}

export interface ReaderOptions {
  config: Pick<TapConfig, 'pageSize' | 'firstPage' | 'maxConcurrency' | 'recordOrder'>;
  source: PageSource;
  checker: RecordChecker;
  logger: Logger;
  /** Properties to keep in records (undefined keeps all). */
  selected?: ReadonlySet<string> | undefined;
  signal?: AbortSignal;
}

/**
 * Reads one booking type's window page by page, several pages in flight, in page order, losing nothing when
 * records change while it reads.
 *
 * Page numbers over a filtered result set shift when a record leaves it: a booking modified during the sync gets a
 * lastModified after the window's end, every later record moves one place to the left, and the record that slides
 * across a page boundary is never read. Because the window ends no later than the sync's start, records can only
 * leave it, so the `totalElements` each page reports can only fall. If page p+1 reports d fewer than page p, at most
 * d records slid back past the boundary, and reading again from ceil(d / size) pages earlier covers every one of them
 * (the repeats are harmless: targets merge on uuid). Equal totals mean both pages came from the same set.
 * The modified records themselves carry a new lastModified beyond the window, so the next sync reads them.
 *
 * Bookmarks: when records arrive sorted by lastModified, each page's bookmark is the newest lastModified delivered
 * (a rewind only re-reads records at or after it). When they do not, the bookmark moves only once the whole window
 * has been read (the 'done' event).
 */
export async function* readPartition(window: PartitionWindow, options: ReaderOptions): AsyncGenerator<PartitionEvent> {
  const { config, source, checker, logger, selected, signal } = options;
  const { bookingType, from, to } = window;
  const first = config.firstPage;
  const inflight = new Map<number, Promise<Page>>();
  const stats: PartitionStats = { pages: 0, records: 0, filtered: 0, rewinds: 0, sorted: config.recordOrder !== 'unsorted' };

  let nextToRequest = first;
  let expected = first;
  let lastPage: number | undefined;
  let previousTotal: number | undefined;
  let previousFingerprint: string | undefined;
  let previousLm = -Infinity;
  let newest: Bookmark | undefined;
  // The page size the API really uses: page_size unless the API reports or shows a smaller one (some APIs cap the
  // size silently). Rewinds and the short-page stop must count in the API's pages, or a rewind falls short.
  let size = config.pageSize;

  // A page that arrives before its turn waits as bytes and is parsed when the reader gets to it (see
  // RetryingRequest.turn): parsed records held back for ordering would fill the heap and slow every collection.
  const turns = new Map<number, () => void>();
  // Pages whose response is in and waiting for their turn.
  const received = new Set<number>();
  // How many pages to keep requested ahead (the global limiter still bounds requests in flight). It starts at
  // max_concurrency, which a slow API needs; while responses keep waiting for the reader (a fast API, a busy
  // reader) it shrinks, since more requests would only hold memory and the API's capacity; whenever the reader has
  // to wait for a response it grows again.
  let depth = config.maxConcurrency;
  const request = (page: number): void => {
    let open!: () => void;
    const turn = new Promise<void>((resolve) => (open = resolve));
    turns.set(page, open);
    const promise = source.fetchPage({
      bookingType, page, from, to, signal,
      turn: () => {
        if (turns.has(page)) received.add(page);
        return turn;
      },
    });
    promise.catch(() => undefined); // an abandoned prefetch must not become an unhandled rejection
    inflight.set(page, promise);
  };
  const take = (page: number): Promise<Page> => {
    if (received.has(page) && received.size > 1) depth = Math.max(Math.min(2, config.maxConcurrency), depth - 1);
    else if (!received.has(page)) depth = Math.min(config.maxConcurrency, depth + 1);
    received.delete(page);
    turns.get(page)?.();
    turns.delete(page);
    const promise = inflight.get(page)!;
    inflight.delete(page);
    return promise;
  };

  try {
    for (;;) {
      // Without a page count only the next page is known to be worth asking for.
      const last = lastPage ?? expected;
      while (inflight.size < depth && nextToRequest <= last) request(nextToRequest++);
      if (!inflight.has(expected)) request(expected);
      const page = await take(expected);
      stats.pages++;
      if (page.pageSize !== undefined && page.pageSize < size) size = page.pageSize;

      if (page.totalElements !== undefined && previousTotal !== undefined && page.totalElements < previousTotal) {
        const shrunk = previousTotal - page.totalElements;
        const back = Math.ceil(shrunk / size);
        const restart = Math.max(first, expected - back);
        logger.info(`${bookingType}: ${shrunk} record(s) left the window while it was read (page ${expected} reports ${page.totalElements} of ${previousTotal}); reading again from page ${restart}.`);
        stats.rewinds++;
        inflight.clear();
        turns.clear();
        received.clear();
        expected = nextToRequest = restart;
        previousTotal = page.totalElements;
        previousFingerprint = undefined;
        previousLm = -Infinity;
        lastPage = page.totalPages !== undefined ? first + page.totalPages - 1 : undefined;
        continue;
      }
      if (page.totalElements !== undefined) previousTotal = page.totalElements;
      if (page.totalPages !== undefined) lastPage = first + page.totalPages - 1;
      // Every page before the last is full, so a shorter one shows the API's real page size.
      if (lastPage !== undefined && expected < lastPage && page.records.length > 0 && page.records.length < size) size = page.records.length;

      const fingerprint = fingerprintOf(page.records);
      if (page.records.length > 0 && fingerprint === previousFingerprint) {
        throw new ApiDataError(
          `The API returned the same ${page.records.length} ${bookingType} records for page ${expected} as for page ${expected - 1}: it seems to ignore the "page" parameter. Stopping instead of reading the same page forever.`,
        );
      }
      previousFingerprint = fingerprint;

      const out: BookingRecord[] = [];
      // Each kept record's bytes as the API sent them, when writers may copy them (not when properties are dropped).
      const pageRaw = selected ? undefined : page.rawRecords;
      const raw: Uint8Array[] | undefined = pageRaw && [];
      for (let i = 0; i < page.records.length; i++) {
        const { record, lastModifiedMs } = checker.check(page.records[i], { bookingType, page: expected, index: i });
        if (lastModifiedMs < previousLm && stats.sorted && config.recordOrder === 'auto') {
          stats.sorted = false;
          logger.info(`${bookingType}: the API does not return records sorted by lastModified; the bookmark will move only after the whole window has been read.`);
        }
        previousLm = Math.max(previousLm, lastModifiedMs);
        if (lastModifiedMs < from || lastModifiedMs > to) {
          stats.filtered++;
          continue;
        }
        if (!newest || lastModifiedMs > newest.ms) newest = { value: record.lastModified, ms: lastModifiedMs };
        out.push(selected ? pick(record, selected) : record);
        if (raw) raw.push(pageRaw![i]!);
      }
      stats.records += out.length;
      yield { kind: 'page', bookingType, page: expected, records: out, raw, bookmark: stats.sorted ? newest : undefined };
      expected++;

      if (page.records.length === 0) break;
      if (lastPage !== undefined ? expected > lastPage : page.records.length < size) break;
    }
  } finally {
    inflight.clear();
    turns.clear();
    received.clear();
  }
  yield { kind: 'done', bookingType, bookmark: newest, stats };
}

function fingerprintOf(records: unknown[]): string {
  if (records.length === 0) return '';
  const id = (r: unknown) => (typeof r === 'object' && r !== null ? String((r as Record<string, unknown>).uuid) : String(r));
  return `${records.length}:${id(records[0])}:${id(records[records.length - 1])}`;
}

function pick(record: BookingRecord, keep: ReadonlySet<string>): BookingRecord {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) if (keep.has(key)) out[key] = record[key];
  return out as BookingRecord;
}
