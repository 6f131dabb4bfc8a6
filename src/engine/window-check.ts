import type { PageBody } from '../http/bookings-api.js';
import { parsePage } from '../http/page-body.js';
import { UnusableBody } from '../http/request-with-retries.js';
import { parseDateTime } from '../util/time.js';
import { floorSecond } from './paginators/paginator.js';

export type WindowCheckOutcome = 'pending' | 'honoured' | 'ignored' | 'inconclusive';

/**
 * Does the API apply the window end? One request for a one-second window at the window start: a record later than
 * that second shows the API ignores the window. Such an API keeps changed records in its list, so a mid-read bookmark
 * could pass a record a change made the reader skip: mid-read bookmarks wait for this answer. The request runs beside
 * the read; `outcome()` says what it showed so far, and `settled` resolves once it has answered.
 */
export function checkWindowEnd(fetch: (token: { page: number; from: number }, to: number) => Promise<PageBody>, windowStart: number, firstPage: number): { outcome(): WindowCheckOutcome; settled: Promise<unknown> } {
  const from = floorSecond(windowStart);
  let outcome: WindowCheckOutcome = 'pending';
  const settled = fetch({ page: firstPage, from }, from + 1000).then(
    (body) => {
      const page = parsePage(body.bytes, firstPage);
      if (page instanceof UnusableBody) {
        outcome = 'inconclusive';
        return;
      }
      const past = page.records.some((r) => {
        const lm = (r as { lastModified?: unknown } | null)?.lastModified;
        const ms = typeof lm === 'string' ? parseDateTime(lm) : undefined;
        return ms !== undefined && ms > from + 1000;
      });
      outcome = past ? 'ignored' : 'honoured';
    },
    () => (outcome = 'inconclusive'), // the read itself reports failures
  );
  return { outcome: () => outcome, settled };
}
