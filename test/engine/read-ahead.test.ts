import { ReadAhead } from '../../src/engine/read-ahead.js';
import type { PageToken } from '../../src/engine/paginators/paginator.js';
import { settle } from '../support/clocks.js';

/** A fetch whose responses the test releases by hand. */
function manualFetch() {
  const pending = new Map<number, (value: string) => void>();
  const requested: number[] = [];
  const fetch = (token: PageToken): Promise<string> => {
    requested.push(token.page);
    return new Promise((resolve) => pending.set(token.page, resolve));
  };
  const respond = async (page: number): Promise<void> => {
    pending.get(page)!(`page ${page}`);
    pending.delete(page);
    await settle();
  };
  return { fetch, requested, respond };
}

const at = (page: number): PageToken => ({ page, from: 0 });

describe('ReadAhead', () => {
  it('hands out the response of each page asked for, requesting it only once', async () => {
    const f = manualFetch();
    const ahead = new ReadAhead(f.fetch, () => 4);
    ahead.request(at(1));
    ahead.request(at(1));
    const taken = ahead.take(at(1));
    await f.respond(1);
    await expect(taken).resolves.toBe('page 1');
    expect(f.requested).toEqual([1]);
    // A page never requested ahead is requested when taken.
    const fresh = ahead.take(at(2));
    await f.respond(2);
    await expect(fresh).resolves.toBe('page 2');
    expect(f.requested).toEqual([1, 2]);
  });

  it('keeps fewer pages ahead while responses wait for the reader, down to two', async () => {
    const f = manualFetch();
    const ahead = new ReadAhead(f.fetch, () => 8);
    for (let p = 0; p < 8; p++) ahead.request(at(p));
    for (let p = 0; p < 8; p++) await f.respond(p); // a fast API: everything is in before the reader asks
    const depths: number[] = [];
    for (let p = 0; p < 7; p++) {
      await ahead.take(at(p));
      depths.push(ahead.depth);
    }
    expect(depths).toEqual([7, 6, 5, 4, 3, 2, 2]);
  });

  it('grows back to the maximum whenever the reader has to wait for a response', async () => {
    const f = manualFetch();
    const ahead = new ReadAhead(f.fetch, () => 3);
    for (let p = 0; p < 3; p++) ahead.request(at(p));
    for (let p = 0; p < 3; p++) await f.respond(p);
    await ahead.take(at(0));
    await ahead.take(at(1));
    expect(ahead.depth).toBe(2);
    const waiting = ahead.take(at(5)); // not requested yet: the reader waits
    expect(ahead.depth).toBe(3);
    await f.respond(5);
    await waiting;
    expect(ahead.depth).toBe(3); // never above the maximum
  });

  it('never keeps more ahead than its current share, which another partition finishing can raise', async () => {
    const f = manualFetch();
    let share = 2;
    const ahead = new ReadAhead(f.fetch, () => share);
    expect(ahead.depth).toBe(2);
    const waiting = ahead.take(at(0));
    expect(ahead.depth).toBe(2);
    share = 4;
    await f.respond(0);
    await waiting;
    void ahead.take(at(1)); // not in yet: the reader waits
    expect(ahead.depth).toBe(3); // it grows by one at each wait, now up to the larger share
  });

  it('forgets every request on clear, and an abandoned request that fails is not an unhandled rejection', async () => {
    // Jest does not fail a test on an unhandled rejection, so the test looks at the promise itself: a rejection
    // handler must be attached to every request as it is made (before anyone takes it, or after it is cleared).
    let reject!: (err: Error) => void;
    const made: Tracked<string>[] = [];
    const ahead = new ReadAhead<string>(() => {
      const p = new Tracked<string>((_, r) => (reject = r));
      made.push(p);
      return p;
    }, () => 2);
    ahead.request(at(0));
    expect(ahead.size).toBe(1);
    ahead.clear();
    expect(ahead.size).toBe(0);
    expect(made).toHaveLength(1);
    expect(made[0]!.rejectionHandled).toBe(true);
    reject(new Error('gone'));
    await settle();
  });
});

/** A promise that notes whether a rejection handler was attached to it. */
class Tracked<T> extends Promise<T> {
  rejectionHandled = false;
  override then<A = T, B = never>(onFulfilled?: ((value: T) => A | PromiseLike<A>) | null, onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    if (onRejected) this.rejectionHandled = true;
    return super.then(onFulfilled, onRejected);
  }
}
