/**
 * A bounded queue between producers and one consumer: `push` waits while it is full (back-pressure),
 * `close(error)` lets the consumer take what is queued and then throws the error.
 */
export class Channel<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private closed = false;
  private error: unknown;
  private readonly spaceWaiters: Array<() => void> = [];
  private itemWaiter: (() => void) | undefined;

  constructor(private readonly capacity: number) {}

  async push(item: T): Promise<void> {
    while (this.items.length >= this.capacity && !this.closed) await new Promise<void>((r) => this.spaceWaiters.push(r));
    if (this.closed) return;
    this.items.push(item);
    this.itemWaiter?.();
  }

  close(error?: unknown): void {
    if (this.closed) return;
    this.closed = true;
    this.error = error;
    this.itemWaiter?.();
    for (const wake of this.spaceWaiters.splice(0)) wake();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      if (this.items.length > 0) {
        const item = this.items.shift()!;
        this.spaceWaiters.shift()?.();
        yield item;
        continue;
      }
      if (this.closed) {
        if (this.error !== undefined) throw this.error;
        return;
      }
      await new Promise<void>((r) => (this.itemWaiter = r));
      this.itemWaiter = undefined;
    }
  }
}
