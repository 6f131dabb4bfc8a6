import { InterruptedError } from '../../src/errors.js';
import type { Clock } from '../../src/util/clock.js';

/** A clock whose waits end at once: for tests where retries and pauses must not cost time. */
export function instantClock(now = Date.UTC(2026, 0, 1)): Clock & { slept: number[] } {
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw new InterruptedError('Interrupted.');
      slept.push(ms);
    },
  };
}

/**
 * A clock that moves only when the test says: `advance(ms)` wakes every sleeper due by then, in order, letting
 * promise reactions run between them. Tests of waits (Retry-After, backoff, rate limits) assert what happens before
 * and after a moment without depending on how fast the machine is.
 */
export class ManualClock implements Clock {
  private sleepers: Array<{ due: number; wake: () => void }> = [];

  constructor(private t = Date.UTC(2026, 0, 1)) {}

  now(): number {
    return this.t;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new InterruptedError('Interrupted.'));
      const sleeper = { due: this.t + Math.max(0, ms), wake: () => resolve() };
      this.sleepers.push(sleeper);
      signal?.addEventListener('abort', () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        reject(new InterruptedError('Interrupted.'));
      }, { once: true });
    });
  }

  /** Sleepers waiting now. */
  get waiting(): number {
    return this.sleepers.length;
  }

  /** Move time forward by ms, waking sleepers as their time comes (and whatever they start in turn). */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await settle();
      const next = this.sleepers.filter((s) => s.due <= end).sort((a, b) => a.due - b.due)[0];
      if (!next) break;
      this.t = Math.max(this.t, next.due);
      this.sleepers = this.sleepers.filter((s) => s !== next);
      next.wake();
    }
    this.t = end;
    await settle();
  }
}

/** Let pending promise reactions (and I/O callbacks already due) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

/**
 * Wait until `condition` holds, checking after each turn of the event loop: for an event that comes over real I/O
 * (a request reaching a server). No time limit of its own: a condition that never holds fails on Jest's timeout.
 */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setImmediate(r));
}
