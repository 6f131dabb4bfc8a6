import type { PageBody } from '../http/bookings-api.js';
import type { Logger } from '../logging/logger.js';
import { DistinctUuids, hash32 } from './change-ledger.js';
import { factsOf } from './page-facts.js';
import { PageNumberPaginator } from './paginators/page-number.js';
import { floorSecond, type PageToken } from './paginators/paginator.js';
import type { UsablePages } from './usable-pages.js';

export interface ProbeOptions {
  /** The window end: the probe asks for everything modified after it. */
  windowEnd: number;
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
 * read. The records keep changing while they are listed, and one changed again moves (to the end of a sorted list),
 * so a walk can miss one: when the API reports totals, a walk that saw fewer distinct records than it lists is made
 * again, once.
 */
export async function changedAfterWindow(options: ProbeOptions): Promise<Set<number> | string> {
  let outcome: Set<number> | string = '';
  for (let attempt = 0; attempt < 2; attempt++) {
    const walk = await walkOnce(options);
    if (typeof walk === 'string') return walk;
    outcome = walk.changed;
    if (walk.total === undefined || walk.distinct.size >= walk.total) return outcome;
    outcome = `records kept moving while what changed after the window end was listed (${walk.distinct.size} seen of ${walk.total})`;
  }
  return outcome;
}

async function walkOnce(options: ProbeOptions): Promise<{ changed: Set<number>; distinct: DistinctUuids; total: number | undefined } | string> {
  const changed = new Set<number>();
  const distinct = new DistinctUuids();
  let total: number | undefined;
  const walk = new PageNumberPaginator({ firstPage: options.firstPage, pageSize: options.pageSize, from: floorSecond(options.windowEnd) + 1000 });
  let token = walk.first();
  let retries = 0;
  for (let n = 0; n < options.maxPages; n++) {
    options.beforeRequest();
    const { page, describe } = await options.pages.take(() => options.fetch(token), () => options.fetch(token), token.page, retries);
    for (const r of page.records) {
      const uuid = (r as { uuid?: unknown } | null)?.uuid;
      if (typeof uuid !== 'string') continue;
      changed.add(hash32(uuid));
      distinct.add(uuid);
    }
    total = page.totalElements;
    const step = walk.step(factsOf(token, page, undefined, () => false));
    if (step.kind === 'end') return { changed, distinct, total };
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
