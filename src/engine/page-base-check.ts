import type { PageBody } from '../http/bookings-api.js';
import { parsePage } from '../http/page-body.js';
import { UnusableBody } from '../http/request-with-retries.js';

export type PageBaseVerdict = 'pending' | 'ok' | 'zero-based';

/**
 * Does the API count pages from 0 although first_page is 1? Then the read would never ask for page 0, and its
 * bookmarks would vouch for records it skipped. Page 0 of the window is asked for once, beside the read: an API that
 * counts from 1 refuses it, answers it empty, or answers it as page 1; one that counts from 0 answers records that
 * the read's first page (its page 1) does not hold. Mid-read bookmarks wait for the answer, and the read does not end
 * before it (see PartitionRead).
 */
export function checkPageBase(fetch: () => Promise<PageBody>): { settled: Promise<unknown>; verdict(firstPageUuids: readonly string[] | undefined): PageBaseVerdict } {
  let pageZero: string[] | undefined; // uuids on page 0; [] when it holds none or was refused
  const settled = fetch().then(
    (body) => {
      const page = parsePage(body.bytes, 0);
      pageZero = page instanceof UnusableBody ? [] : page.records.map((r) => String((r as { uuid?: unknown } | null)?.uuid));
    },
    () => (pageZero = []), // refused (a 1-based API may answer 400): nothing to compare
  );
  return {
    settled,
    verdict(firstPageUuids) {
      if (pageZero === undefined) return 'pending';
      if (pageZero.length === 0) return 'ok';
      if (firstPageUuids === undefined) return 'pending';
      const first = new Set(firstPageUuids);
      return pageZero.some((u) => first.has(u)) ? 'ok' : 'zero-based';
    },
  };
}
