import type { PageToken } from './paginators/paginator.js';

/**
 * Pages requested before the reader needs them, handed out in the order the reader asks for them. A page that
 * arrives early waits as bytes (parsing is the reader's job when it takes the page): parsed records held back for
 * ordering would fill the heap.
 *
 * How many to keep requested ahead adapts: it starts at the maximum (a slow API needs every request in flight), drops
 * by one while responses wait for the reader (a fast API or a busy reader: more requests would only hold memory and the
 * API's capacity), and grows again whenever the reader has to wait for a response. The API's shared gate still bounds
 * what is really in flight.
 */
export class ReadAhead<T> {
  private readonly inflight = new Map<string, Promise<T>>();
  /** Requests whose response is in and waiting for the reader. */
  private readonly arrived = new Set<string>();
  private current: number;

  /**
   * `maxDepth`: the most pages to keep requested ahead, asked each time (the booking types read at once share
   * max_concurrency: see sync.ts).
   */
  constructor(
    private readonly fetch: (token: PageToken) => Promise<T>,
    private readonly maxDepth: () => number,
  ) {
    this.current = maxDepth();
  }

  /** How many pages to keep requested ahead now. */
  get depth(): number {
    return Math.min(this.current, this.maxDepth());
  }

  get size(): number {
    return this.inflight.size;
  }

  has(token: PageToken): boolean {
    return this.inflight.has(keyOf(token));
  }

  request(token: PageToken): void {
    const key = keyOf(token);
    if (this.inflight.has(key)) return;
    const promise = this.fetch(token);
    promise.then(
      () => {
        if (this.inflight.get(key) === promise) this.arrived.add(key);
      },
      () => undefined, // an abandoned request must not become an unhandled rejection
    );
    this.inflight.set(key, promise);
  }

  /** The response for `token`: the one requested ahead, or a new request. */
  take(token: PageToken): Promise<T> {
    const key = keyOf(token);
    if (!this.inflight.has(key)) this.request(token);
    const max = this.maxDepth();
    if (!this.arrived.has(key)) this.current = Math.min(max, this.current + 1);
    else if (this.arrived.size > 1) this.current = Math.max(Math.min(2, max), Math.min(max, this.current) - 1);
    const promise = this.inflight.get(key)!;
    this.inflight.delete(key);
    this.arrived.delete(key);
    return promise;
  }

  /** Drop every request ahead (the reader starts over with another window start or strategy). */
  clear(): void {
    this.inflight.clear();
    this.arrived.clear();
  }
}

function keyOf(token: PageToken): string {
  return `${token.from}|${token.page}`;
}
