import { RequestGate } from '../../src/http/request-gate.js';
import { ManualClock, settle } from '../support/clocks.js';

/** Start `n` requests through the gate; each records the clock when it goes out and resolves when released. */
function requests(gate: RequestGate, clock: ManualClock, n: number) {
  const sentAt: number[] = [];
  const releases: Array<() => void> = [];
  const all = Array.from({ length: n }, () =>
    gate.run(() => {
      sentAt.push(clock.now());
      return new Promise<void>((resolve) => releases.push(resolve));
    }),
  );
  return { sentAt, releases, all };
}

describe('RequestGate', () => {
  it('lets at most max_concurrency requests out at once', async () => {
    const clock = new ManualClock();
    const gate = new RequestGate({ maxInFlight: 2, clock });
    const r = requests(gate, clock, 3);
    await settle();
    expect(r.sentAt).toHaveLength(2);
    r.releases[0]!();
    await settle();
    expect(r.sentAt).toHaveLength(3);
  });

  it('after a pause, sends no request at all until the pause is over, whoever asks', async () => {
    const clock = new ManualClock();
    const gate = new RequestGate({ maxInFlight: 8, clock });
    const t0 = clock.now();
    gate.pause(5_000);
    const r = requests(gate, clock, 3);
    await clock.advance(4_999);
    expect(r.sentAt).toEqual([]);
    await clock.advance(1);
    expect(r.sentAt).toEqual([t0 + 5_000, t0 + 5_000, t0 + 5_000]);
  });

  it('keeps the longer of two pauses', async () => {
    const clock = new ManualClock();
    const gate = new RequestGate({ maxInFlight: 8, clock });
    gate.pause(10_000);
    gate.pause(2_000);
    const r = requests(gate, clock, 1);
    await clock.advance(9_000);
    expect(r.sentAt).toEqual([]);
    await clock.advance(1_000);
    expect(r.sentAt).toHaveLength(1);
  });

  it('holds a request that already had its slot when the pause began', async () => {
    const clock = new ManualClock();
    const gate = new RequestGate({ maxInFlight: 1, clock });
    const first = requests(gate, clock, 1);
    await settle();
    const second = requests(gate, clock, 1); // waits for the slot
    await settle();
    gate.throttled(3_000); // the first request's answer was a 429
    first.releases[0]!();
    await clock.advance(2_999);
    expect(second.sentAt).toEqual([]);
    await clock.advance(1);
    expect(second.sentAt).toHaveLength(1);
  });

  it('halves the limit on each throttle and grows it back by one after recoverAfter successes', async () => {
    const clock = new ManualClock();
    const gate = new RequestGate({ maxInFlight: 8, recoverAfter: 3, clock });
    gate.throttled(0);
    gate.throttled(0);
    expect(gate.limit).toBe(2);
    for (let i = 0; i < 3; i++) gate.succeeded();
    expect(gate.limit).toBe(3);
    for (let i = 0; i < 100; i++) gate.succeeded();
    expect(gate.limit).toBe(8);
    for (let i = 0; i < 10; i++) gate.throttled(0);
    expect(gate.limit).toBe(1);
  });

  it('spaces requests evenly at max_requests_per_second', async () => {
    const clock = new ManualClock();
    const gate = new RequestGate({ maxInFlight: 8, maxPerSecond: 4, clock });
    const t0 = clock.now();
    const r = requests(gate, clock, 5);
    await clock.advance(1_000);
    expect(r.sentAt.map((t) => t - t0)).toEqual([0, 250, 500, 750, 1000]);
  });

  it('gives up a wait when the sync is interrupted', async () => {
    const clock = new ManualClock();
    const gate = new RequestGate({ maxInFlight: 8, clock });
    gate.pause(60_000);
    const controller = new AbortController();
    const waiting = gate.run(async () => 'sent', controller.signal);
    controller.abort();
    await expect(waiting).rejects.toThrow(/Interrupted/);
  });
});
