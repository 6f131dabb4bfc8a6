import { RepeatWatch } from '../../src/engine/repeat-watch.js';

const T = Date.UTC(2025, 0, 1);

describe('RepeatWatch', () => {
  it('in a sorted walk, counts a record that comes again among those sharing the newest lastModified', () => {
    const watch = new RepeatWatch();
    for (const [uuid, ms] of [['a', T], ['b', T + 1000], ['c', T + 1000], ['b', T + 1000], ['d', T + 2000]] as const) watch.delivered(uuid, ms, true);
    expect(watch.repeats).toBe(1);
  });

  it('in a sorted walk, forgets an instant once a later one comes (records of the same uuid at a later instant changed)', () => {
    const watch = new RepeatWatch();
    for (const [uuid, ms] of [['a', T], ['b', T + 1000], ['a', T + 2000]] as const) watch.delivered(uuid, ms, true);
    expect(watch.repeats).toBe(0);
  });

  it('in an unsorted walk, counts a uuid that comes again with the same lastModified anywhere in the pass, not with another', () => {
    const watch = new RepeatWatch();
    const uuids = Array.from({ length: 5000 }, (_, i) => `u-${i}`);
    uuids.forEach((u, i) => watch.delivered(u, T + (i % 7) * 1000, false));
    expect(watch.repeats).toBe(0);
    watch.delivered('u-10', T + 3 * 1000, false);
    watch.delivered('u-11', T + 9 * 1000, false); // changed: another lastModified
    expect(watch.repeats).toBe(1);
  });

  it('stops counting for the rest of a pass after a rewind, and starts again with a new pass', () => {
    const watch = new RepeatWatch();
    watch.delivered('a', T, true);
    watch.rewound();
    watch.delivered('a', T, true);
    expect(watch.repeats).toBe(0);
    watch.newPass();
    watch.delivered('a', T, true);
    watch.delivered('a', T, true);
    expect(watch.repeats).toBe(1);
  });
});

describe('RepeatWatch pages', () => {
  it('leaves a page that is the page before it again to the paginator, and counts a page that repeats only some of it', () => {
    const watch = new RepeatWatch();
    watch.deliveredPage(['a', 'b'], [T, T], true);
    watch.deliveredPage(['a', 'b'], [T, T], true); // page 0 answered as page 1, or the last page again past the end
    expect(watch.repeats).toBe(0);
    watch.deliveredPage(['b', 'c'], [T, T], true);
    expect(watch.repeats).toBe(1);
  });
});
