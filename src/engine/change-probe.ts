import type { PageBody } from '../http/bookings-api.js';
import type { Logger } from '../logging/logger.js';
import { parseDateTime } from '../util/time.js';
import { DistinctUuids, hash32 } from './change-ledger.js';
import { factsOf } from './page-facts.js';
import { KeysetPaginator } from './paginators/keyset.js';
import { PageNumberPaginator } from './paginators/page-number.js';
import { floorSecond, type PageToken, type Paginator } from './paginators/paginator.js';
import type { UsablePages } from './usable-pages.js';

export interface ProbeOptions {
  /** The window end: the probe asks for everything modified after it. */
  windowEnd: number;
  /** The API seems to sort by lastModified (and applies the window start): the probe then walks by keyset. */
  sorted: boolean;
  firstPage: number;
  pageSize: number;
  /** Pages one walk may take before the probe gives up. */
  maxPages: number;
  /** Request a page (counted against the read's budget) with no window end. */
  fetch(token: PageToken): Promise<PageBody>;
  /** Called before each request (the request budget). */
  beforeRequest(): void;
  pages: UsablePages;
  logger: Logger;
}

/**
 * The change probe: the uuid hashes of every record modified after the window end, or why they could not all be
 * read. The records keep changing while they are listed, and a record changed again moves to the end of a sorted
 * list: the probe walks a sorted API by keyset, which nothing can shift, and sees such a record again at the end.
 * Other APIs are walked by page number (a list in a stable order keeps changed records in place); when they report
 * totals, a walk that saw fewer distinct records than they list is made again, once.
 */
export async function changedAfterWindow(options: ProbeOptions): Promise<Set<number> | string> {
  let byKeyset = options.sorted;
  let outcome: Set<number> | string = '';
  for (let attempt = 0; attempt < 2; attempt++) {
    const walk = await walkOnce(options, byKeyset);
    if (walk === 'unsorted') {
      byKeyset = false;
      attempt--;
      continue;
    }
    if (typeof walk === 'string') return walk;
    outcome = walk.changed;
    if (byKeyset || walk.total === undefined || walk.distinct.size >= walk.total) return outcome;
    outcome = `records kept moving while what changed after the window end was listed (${walk.distinct.size} seen of ${walk.total})`;
  }
  return outcome;
}

async function walkOnce(options: ProbeOptions, byKeyset: boolean): Promise<{ changed: Set<number>; distinct: DistinctUuids; total: number | undefined } | string> {
  const changed = new Set<number>();
  const distinct = new DistinctUuids();
  let total: number | undefined;
  const from = floorSecond(options.windowEnd) + 1000;
  const walk: Paginator = byKeyset
    ? new KeysetPaginator({ firstPage: options.firstPage, pageSize: options.pageSize, from, to: Number.MAX_SAFE_INTEGER })
    : new PageNumberPaginator({ firstPage: options.firstPage, pageSize: options.pageSize, from });
  let token = walk.first();
  let retries = 0;
  for (let n = 0; n < options.maxPages; n++) {
    options.beforeRequest();
    const { page, describe } = await options.pages.take(() => options.fetch(token), () => options.fetch(token), token.page, retries);
    const ms: number[] = [];
    const records: Array<{ uuid: string; lastModified: string }> = [];
    for (const r of page.records) {
      const o = (r ?? {}) as { uuid?: unknown; lastModified?: unknown };
      if (typeof o.uuid !== 'string') continue;
      changed.add(hash32(o.uuid));
      distinct.add(o.uuid);
      const lm = typeof o.lastModified === 'string' ? parseDateTime(o.lastModified) : undefined;
      if (lm !== undefined) {
        ms.push(lm);
        records.push({ uuid: o.uuid, lastModified: o.lastModified as string });
      }
    }
    total = page.totalElements;
    // Keyset needs each record's lastModified; page numbers only the page's shape.
    const checked = byKeyset && records.length === page.records.length ? { records: records as never, ms } : undefined;
    const step = walk.step(factsOf(token, page, checked, (uuid, at) => walk.isRepeat(uuid, at)));
    if (step.kind === 'next' || step.kind === 'end') for (let i = 0; i < records.length; i++) walk.delivered(records[i]!.uuid, ms[i]!);
    if (step.kind === 'end') return { changed, distinct, total };
    if (step.kind === 'unsuitable') return 'unsorted';
    if (step.kind === 'next' || step.kind === 'rewind') {
      token = step.token;
      retries = 0;
    } else if (step.kind === 'retry' && step.confirm) {
      continue;
    } else if (step.kind === 'retry' && options.pages.mayRetry(retries)) {
      await options.pages.waitBeforeRetry(`${describe}: ${step.reason}`, ++retries);
    } else {
      return `the records changed after the window end could not be read to the end (${describe})`;
    }
  }
  options.logger.debug(`The change probe stopped after ${options.maxPages} pages.`);
  return `more than ${options.maxPages} pages of records changed after the window end`;
}
