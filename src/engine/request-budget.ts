import type { BookingType } from '../config/options.js';
import { ApiDataError } from '../errors.js';
import type { Paginator } from './paginators/paginator.js';

/**
 * How many requests one read of a window may make: a few times the pages the API's own figures imply, plus what
 * each rewind, restart and check justifies. Past it the partition stops with an error instead of looping, whatever
 * the API keeps answering.
 */
export class RequestBudget {
  private allowance = 20;
  private impliedBefore = 0;

  constructor(private readonly bookingType: BookingType) {}

  /** More requests justified (a rewind, a restart, a check). */
  allow(requests: number): void {
    this.allowance += requests;
  }

  /** A paginator is set aside for another: the pages it was told of still count. */
  retire(paginator: Paginator): void {
    this.impliedBefore += paginator.impliedPages;
  }

  limit(current: Paginator): number {
    return this.allowance + 3 * (this.impliedBefore + current.impliedPages);
  }

  /** Throw when `requests` have used up the budget. */
  check(requests: number, current: Paginator, rewinds: number): void {
    if (requests < this.limit(current)) return;
    throw new ApiDataError(
      `${this.bookingType}: the read of the window was still not over after ${requests} requests, more than the API's own figures justify (about ${this.impliedBefore + current.impliedPages} pages, ${rewinds} rewinds). Stopping instead of looping; the bookmark does not move past what was read.`,
    );
  }
}
