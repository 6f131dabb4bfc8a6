import type { Logger } from '../logging/logger.js';

/** Counts and times HTTP exchanges (token endpoint and API); per-request METRIC lines at debug, totals when the sync ends. */
export class HttpMetrics {
  /** "<endpoint> <status>" → count. */
  private readonly counts = new Map<string, { endpoint: string; status: number | string; count: number }>();
  /** Exchanges with the bookings endpoint. */
  requests = 0;
  totalMs = 0;

  constructor(
    private readonly logger: Logger,
    private readonly apiEndpoint: string,
  ) {}

  observe(e: { endpoint: string; status: number | string; durationMs: number }): void {
    if (e.endpoint.endsWith(this.apiEndpoint)) this.requests++;
    this.totalMs += e.durationMs;
    const key = `${e.endpoint} ${e.status}`;
    const entry = this.counts.get(key);
    if (entry) entry.count++;
    else this.counts.set(key, { endpoint: e.endpoint, status: e.status, count: 1 });
    if (this.logger.enabled('debug')) {
      const ok = typeof e.status === 'number' && e.status >= 200 && e.status < 300;
      this.logger.metric({ type: 'timer', metric: 'http_request_duration', value: e.durationMs / 1000, tags: { endpoint: e.endpoint, http_status_code: e.status, status: ok ? 'succeeded' : 'failed' } });
    }
  }

  logTotals(): void {
    for (const { endpoint, status, count } of this.counts.values()) {
      this.logger.metric({ type: 'counter', metric: 'http_request_count', value: count, tags: { endpoint, http_status_code: status } });
    }
  }
}
