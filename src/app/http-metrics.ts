import type { Logger } from '../logging/logger.js';

/** Counts and times API requests; per-request METRIC lines at debug, totals at info when the sync ends. */
export class HttpMetrics {
  readonly byStatus = new Map<string, number>();
  requests = 0;
  totalMs = 0;

  constructor(private readonly logger: Logger) {}

  observe(e: { endpoint: string; status: number | string; durationMs: number }): void {
    this.requests++;
    this.totalMs += e.durationMs;
    const key = String(e.status);
    this.byStatus.set(key, (this.byStatus.get(key) ?? 0) + 1);
    if (this.logger.enabled('debug')) {
      const ok = typeof e.status === 'number' && e.status >= 200 && e.status < 300;
      this.logger.metric({ type: 'timer', metric: 'http_request_duration', value: e.durationMs / 1000, tags: { endpoint: e.endpoint, http_status_code: e.status, status: ok ? 'succeeded' : 'failed' } });
    }
  }

  logTotals(): void {
    for (const [status, count] of this.byStatus) {
      this.logger.metric({ type: 'counter', metric: 'http_request_count', value: count, tags: { endpoint: '/v1/bookings', http_status_code: /^\d+$/.test(status) ? Number(status) : status } });
    }
  }
}
