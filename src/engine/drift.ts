/**
 * The drift rule for page-number reads over a window whose totals the API reports honestly. Pure.
 *
 * Page numbers over a filtered result set shift when a record leaves it: a booking modified during the sync gets a
 * lastModified after the window's end, every later record moves one place to the left, and the record that slides
 * across a page boundary is never read. Because the window ends no later than the sync's start, records can only
 * leave it, so the `totalElements` each page reports can only fall. If page p reports d fewer than the page before
 * it (in page order), at most d records slid back past the boundary, and reading again from ceil(d / size) pages
 * earlier covers every one of them (the repeats are harmless: targets merge on uuid). Equal totals mean both pages
 * came from the same set, and a higher total means page p was fetched first, so their ranges overlap.
 */
export interface DriftInput {
  /** The page just taken, and the total it reports. */
  page: number;
  total: number;
  /** The total the page before it (in page order) reported when last taken, if it was. */
  previousTotal: number | undefined;
  /** Records per page as the API serves them. */
  size: number;
  firstPage: number;
}

export interface Rewind {
  /** Records that left the window between the two pages' fetches. */
  left: number;
  /** The page to read again from. */
  restart: number;
}

export function driftRewind({ page, total, previousTotal, size, firstPage }: DriftInput): Rewind | undefined {
  if (previousTotal === undefined || total >= previousTotal) return undefined;
  const left = previousTotal - total;
  return { left, restart: Math.max(firstPage, page - Math.ceil(left / size)) };
}
