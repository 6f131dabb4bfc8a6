import type { BookingType } from '../config/options.js';
import type { Logger } from '../logging/logger.js';
import type { SyncEvent } from './sync.js';

interface Counts {
  records: number;
  pages: number;
}

/** Periodic progress lines on the log (records, pages, records/s per booking type) and record_count metrics. */
export class ProgressReporter {
  private readonly counts = new Map<BookingType, Counts>();
  private readonly started = performance.now();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly intervalMs = 10_000,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.report('progress'), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  observe(event: SyncEvent): void {
    if (event.type === 'partition-started') this.counts.set(event.bookingType, { records: 0, pages: 0 });
    else if (event.type === 'records') this.counts.get(event.bookingType)!.records += event.records.length;
    else if (event.type === 'partition-completed') {
      this.counts.get(event.bookingType)!.pages = event.stats.pages;
      this.logger.metric({ type: 'counter', metric: 'record_count', value: event.stats.records, tags: { stream: 'bookings', context: { bookingType: event.bookingType } } });
    }
  }

  totals(): { records: number; byType: Record<string, number>; seconds: number } {
    const byType = Object.fromEntries([...this.counts].map(([t, c]) => [t, c.records]));
    const records = Object.values(byType).reduce((a, b) => a + b, 0);
    return { records, byType, seconds: (performance.now() - this.started) / 1000 };
  }

  report(label: string): void {
    const { seconds } = this.totals();
    const parts = [...this.counts].map(([t, c]) => `${t} ${c.records} records (${(c.records / Math.max(seconds, 0.001)).toFixed(0)}/s)`);
    this.logger.info(`${label}: ${parts.join(', ') || 'starting'} after ${seconds.toFixed(1)} s.`);
  }
}
