/**
 * Bounds how many requests are in flight. The limit halves when the API says 429 (too many requests)
 * and grows back by one after `recoverAfter` consecutive successes, never above `max`.
 */
export class AdaptiveLimiter {
  private inFlight = 0;
  private current: number;
  private successes = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(
    readonly max: number,
    private readonly recoverAfter = 20,
  ) {
    this.current = max;
  }

  get limit(): number {
    return this.current;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  onThrottled(): void {
    this.current = Math.max(1, Math.floor(this.current / 2));
    this.successes = 0;
  }

  onSuccess(): void {
    if (this.current >= this.max) return;
    if (++this.successes >= this.recoverAfter) {
      this.current++;
      this.successes = 0;
      this.wake();
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
