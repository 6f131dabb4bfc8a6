import type { PageBody } from '../http/bookings-api.js';
import { parsePage } from '../http/page-body.js';
import { UnusableBody } from '../http/request-with-retries.js';

export type PageBaseVerdict = 'pending' | 'ok' | 'zero-based';

/**
 * Does the API count pages from 0 although first_page is 1? Then the read would never ask for page 0, and its
 * bookmarks would vouch for records it skipped. Page 0 is asked for once, beside the read (from the read's own
 * start, without retries: an API that counts from 1 may refuse it, even with a 500): such an API refuses it, answers
 * it empty, or answers it as page 1; one that counts from 0 answers records the read's first page does not hold.
 * Records that changed between the two requests can make an API that counts from 1 look the same, so no record in
 * common is checked once more, with page 0 and page 1 asked for together. Mid-read bookmarks wait for the verdict, and
 * the read does not end before it (see PartitionRead).
 */
export class PageBaseCheck {
  private pageZero: string[] | undefined;
  private confirmed: 'ok' | 'zero-based' | undefined;
  private confirming = false;
  /** Resolves when the request under way has answered (the first one, then the confirmation's). */
  settled: Promise<unknown>;

  constructor(private readonly fetch: (page: number) => Promise<PageBody>) {
    this.settled = uuidsOf(fetch(0)).then((uuids) => (this.pageZero = uuids));
  }

  /** The verdict so far, given the uuids of the read's first page once it has been read. */
  verdict(firstPageUuids: readonly string[] | undefined): PageBaseVerdict {
    if (this.confirmed) return this.confirmed;
    if (this.pageZero === undefined) return 'pending';
    if (this.pageZero.length === 0) return (this.confirmed = 'ok');
    if (firstPageUuids === undefined) return 'pending';
    if (shareOne(this.pageZero, firstPageUuids)) return (this.confirmed = 'ok');
    if (!this.confirming) {
      this.confirming = true;
      this.settled = Promise.all([uuidsOf(this.fetch(0)), uuidsOf(this.fetch(1))]).then(([zero, one]) => {
        this.confirmed = zero.length > 0 && !shareOne(zero, one) ? 'zero-based' : 'ok';
      });
    }
    return 'pending';
  }

  /** The verdict once every request it needs has answered. */
  async final(firstPageUuids: readonly string[] | undefined): Promise<PageBaseVerdict> {
    for (;;) {
      await this.settled;
      const verdict = this.verdict(firstPageUuids);
      if (verdict !== 'pending' || firstPageUuids === undefined) return verdict;
    }
  }
}

/** The uuids of a page's records; none for a page refused or unusable. */
function uuidsOf(body: Promise<PageBody>): Promise<string[]> {
  return body.then(
    (b) => {
      const page = parsePage(b.bytes, 0);
      return page instanceof UnusableBody ? [] : page.records.map((r) => String((r as { uuid?: unknown } | null)?.uuid));
    },
    () => [], // refused (an API that counts from 1 may answer page 0 with an error): nothing to compare
  );
}

function shareOne(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(b);
  return a.some((u) => set.has(u));
}
