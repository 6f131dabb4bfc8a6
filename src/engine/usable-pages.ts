import type { TapConfig } from '../config/options.js';
import { ApiDataError } from '../errors.js';
import type { PageBody } from '../http/bookings-api.js';
import { parsePage, type Page } from '../http/page-body.js';
import { UnusableBody } from '../http/request-with-retries.js';
import { retryDelayMs } from '../http/retry-policy.js';
import type { Logger } from '../logging/logger.js';
import type { Clock } from '../util/clock.js';

/**
 * Parsing a page when the reader takes it, and asking again for one that cannot be used: a 2xx body that is not JSON,
 * an HTML page, no `data`, or (the paginator's call) a page that contradicts what the API said before. Each is fetched
 * again up to max_retries times with backoff, then reported with the request and the reason; one that asking again
 * cannot change (a record nested too deep) is reported at once.
 */
export class UsablePages {
  constructor(
    private readonly config: Pick<TapConfig, 'maxRetries' | 'backoffFactor' | 'maxRetryWaitSeconds'>,
    private readonly logger: Logger,
    private readonly clock: Clock,
    private readonly signal: AbortSignal | undefined,
    /** Whether records will be projected (a catalog deselects properties) or edited (hash_/drop_properties): the pages then note their members. */
    private readonly members = false,
  ) {}

  /** The first body (requested ahead, say), parsed; an unusable one is fetched again with `refetch`. */
  async take(first: () => Promise<PageBody>, refetch: () => Promise<PageBody>, page: number, retriesSoFar = 0): Promise<{ page: Page; describe: string }> {
    let retries = retriesSoFar;
    for (let body = await first(); ; body = await refetch()) {
      const parsed = parsePage(body.bytes, page, { members: this.members });
      if (!(parsed instanceof UnusableBody)) return { page: parsed, describe: body.describe };
      if (parsed.final) throw new ApiDataError(`${body.describe}: ${parsed.reason}.`);
      if (retries >= this.config.maxRetries) throw new ApiDataError(`${body.describe} failed after ${retries} ${retries === 1 ? 'retry' : 'retries'}: ${parsed.reason}.`);
      await this.waitBeforeRetry(`${body.describe}: ${parsed.reason}`, ++retries);
    }
  }

  /** Whether another retry is allowed after `retries`. */
  mayRetry(retries: number): boolean {
    return retries < this.config.maxRetries;
  }

  /** Wait before retry number `retry` (1 for the first), as backoff_factor says, and say so. */
  async waitBeforeRetry(what: string, retry: number): Promise<void> {
    const delay = retryDelayMs({ attempt: retry, backoffFactorSeconds: this.config.backoffFactor, maxWaitSeconds: this.config.maxRetryWaitSeconds, now: this.clock.now() });
    this.logger.warn(`${what}; retry ${retry} of ${this.config.maxRetries} in ${(delay / 1000).toFixed(2)} s.`);
    await this.clock.sleep(delay, this.signal);
  }
}
