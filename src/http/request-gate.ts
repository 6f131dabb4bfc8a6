import type { Clock } from '../util/clock.js';

export interface RequestGateOptions {
  /** Most requests in flight at once (max_concurrency). */
  maxInFlight: number;
  /** Evenly spaced requests at most this often (max_requests_per_second); undefined for no cap. */
  maxPerSecond?: number | undefined;
  /** Successes in a row before a halved limit grows back by one. */
  recoverAfter?: number;
  clock: Clock;
}

/**
 * Every request to the API passes here, whichever booking type it reads: one place that decides when a request may
 * go out. Three rules, all shared by every partition:
 * - at most `limit` requests in flight; the limit halves on each 429 and grows back by one after `recoverAfter`
 *   successes in a row, never above maxInFlight;
 * - a pause: after a 429 (or any response with a usable Retry-After), no new request goes out until the wait the API
 *   asked for has elapsed, so an API that rate-limits per client sees the whole client slow down, not one request;
 * - with maxPerSecond, requests are spaced at least 1/maxPerSecond apart.
 * A request takes its slot first and then waits out any pause, so nothing that got a slot before a 429 arrived slips
 * through during the pause.
 */
export class RequestGate {
  private inFlight = 0;
  private current: number;
  private successes = 0;
  private pausedUntil = 0;
  private nextSlot = 0;
  private readonly waiters: Array<() => void> = [];
  private readonly clock: Clock;
  private readonly maxInFlight: number;
  private readonly minSpacingMs: number;
  private readonly recoverAfter: number;

  constructor(options: RequestGateOptions) {
    this.clock = options.clock;
    this.maxInFlight = Math.max(1, options.maxInFlight);
    this.current = this.maxInFlight;
    this.minSpacingMs = options.maxPerSecond ? 1000 / options.maxPerSecond : 0;
    this.recoverAfter = options.recoverAfter ?? 20;
  }

  /** The current limit on requests in flight. */
  get limit(): number {
    return this.current;
  }

  /** Run one request: a slot, then the pause and rate rules, then the request itself. */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire();
    try {
      await this.ready(signal);
      return await task();
    } finally {
      this.release();
    }
  }

  /** Wait until a request may go out under the pause and rate rules (for requests that take no slot, like tokens). */
  async ready(signal?: AbortSignal): Promise<void> {
    await this.pauseOver(signal);
    if (this.minSpacingMs === 0) return;
    const now = this.clock.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + this.minSpacingMs;
    if (slot > now) await this.clock.sleep(slot - now, signal);
    await this.pauseOver(signal);
  }

  /** The API asked us to slow down: halve the limit and hold every new request for `waitMs`. */
  throttled(waitMs: number): void {
    this.current = Math.max(1, Math.floor(this.current / 2));
    this.successes = 0;
    this.pause(waitMs);
  }

  /** Hold every new request until `waitMs` from now (a pause already longer is kept). */
  pause(waitMs: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + waitMs);
  }

  succeeded(): void {
    if (this.current >= this.maxInFlight) return;
    if (++this.successes >= this.recoverAfter) {
      this.current++;
      this.successes = 0;
      this.wake();
    }
  }

  private async pauseOver(signal?: AbortSignal): Promise<void> {
    for (let wait = this.pausedUntil - this.clock.now(); wait > 0; wait = this.pausedUntil - this.clock.now()) {
      await this.clock.sleep(wait, signal);
    }
  }

  private async acquire(): Promise<void> {
    while (this.inFlight >= this.current) await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.inFlight++;
  }

  private release(): void {
    this.inFlight--;
    this.wake();
  }

  private wake(): void {
    let free = this.current - this.inFlight;
    while (free-- > 0 && this.waiters.length > 0) this.waiters.shift()!();
  }
}
