import type { Logger } from '../logging/logger.js';

/**
 * Watches the API's clock through the Date header of its responses. A sync's window ends window_end_lag_seconds
 * before it started so that records changed while it reads leave the window (see windowEnd); that needs the clock
 * stamping lastModified to lag this machine's by less. Date is the API's web server's clock, not necessarily the one
 * that stamps records, so a lag beyond the setting is warned about once, with the setting that covers it.
 */
export class ClockLagWatch {
  private warned = false;

  constructor(
    private readonly lagSeconds: number,
    private readonly logger: Logger,
  ) {}

  /** A response's Date header, received at `now` (epoch ms). */
  observe(date: string | undefined, now: number): void {
    if (this.warned || date === undefined) return;
    const at = Date.parse(date);
    if (Number.isNaN(at)) return;
    // Date is in whole seconds, rounded down: the API's clock may be up to a second later than it says.
    const behindSeconds = Math.floor((now - at - 1000) / 1000);
    if (behindSeconds < this.lagSeconds) return;
    this.warned = true;
    this.logger.warn(
      `The API's clock is about ${behindSeconds} s behind this machine's (its Date header said ${date}), at least window_end_lag_seconds (${this.lagSeconds}). If the same clock stamps lastModified, a record changed while the tap reads can stay inside the window and push unchanged records past the reader: set window_end_lag_seconds to ${behindSeconds + 1} or more.`,
    );
  }
}
