import { ApiShape } from '../../src/engine/api-shape.js';
import { changeEvidence } from '../../src/engine/change-evidence.js';
import { ChangeLedger, DistinctUuids, hash32 } from '../../src/engine/change-ledger.js';

const windowed = { windowFromParam: 'updatedFrom', windowToParam: 'updatedTo' };
const T = Date.UTC(2025, 0, 1);

/** A ledger of three delivered pages: a0-a2 (oldest at T), b0-b2 (T+10 s), c0-c2 (T+20 s). */
function ledger(): ChangeLedger {
  const l = new ChangeLedger();
  ['a', 'b', 'c'].forEach((p, i) => {
    l.beginPage();
    for (let k = 2; k >= 0; k--) l.add(`${p}${k}`, T + i * 10_000 + k * 1000);
  });
  return l;
}

const input = (shape: ApiShape, probe: Array<string> | string, unguarded = true) => ({
  shape, ledger: ledger(), unguarded, keyset: false, repeats: 0,
  probe: async () => (typeof probe === 'string' ? probe : new Set(probe.map(hash32))),
});

describe('changeEvidence', () => {
  it('is clean when the read ruled out drift as it went, without asking what changed', async () => {
    let asked = false;
    const evidence = await changeEvidence({ ...input(new ApiShape('auto', windowed, T + 60_000), []), unguarded: false, probe: async () => ((asked = true), new Set<number>()) });
    expect(evidence).toEqual({ kind: 'clean' });
    expect(asked).toBe(false);
  });

  it('is clean when none of the records changed after the window end was delivered in this read', async () => {
    expect(await changeEvidence(input(new ApiShape('auto', windowed, T + 60_000), ['x1', 'x2']))).toEqual({ kind: 'clean' });
  });

  it('in a sorted read, names the oldest record of the first page that delivered a record that changed later', async () => {
    expect(await changeEvidence(input(new ApiShape('ascending', windowed, T + 60_000), ['c1', 'b2']))).toEqual({ kind: 'changed', oldest: { ms: T + 10_000, value: new Date(T + 10_000).toISOString() } });
  });

  it('in an unsorted read, or one not yet shown to be sorted, cannot tell where a skipped record lies', async () => {
    for (const order of ['unsorted', 'auto'] as const) {
      expect(await changeEvidence(input(new ApiShape(order, windowed, T + 60_000), ['c1']))).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('can lie anywhere') });
    }
  });

  it('cannot vouch for a read whose pages delivered a record twice, unchanged, even one that ruled out drift as it went', async () => {
    const evidence = await changeEvidence({ ...input(new ApiShape('ascending', windowed, T + 60_000), []), unguarded: false, repeats: 2 });
    expect(evidence).toEqual({ kind: 'unknown', reason: expect.stringMatching(/^2 records came twice in one pass over the pages, unchanged: the API's order is not the same from one request to the next/) });
  });

  it('passes on why the probe could not list what changed', async () => {
    expect(await changeEvidence(input(new ApiShape('auto', windowed, T + 60_000), 'more than 12 pages of records changed after the window end'))).toEqual({ kind: 'unknown', reason: 'more than 12 pages of records changed after the window end' });
  });

  it('for an API that ignores the window, counts the distinct records seen against the total it lists', async () => {
    const shape = new ApiShape('ascending', { windowFromParam: null, windowToParam: null }, T + 60_000);
    shape.lastTotal = 10;
    for (const u of ['a0', 'a1', 'a2', 'b0', 'b1', 'b2', 'c0', 'c1', 'c2']) shape.seenThisPass.add(u);
    expect(await changeEvidence(input(shape, []))).toMatchObject({ kind: 'unknown', reason: expect.stringContaining('saw 9 distinct records of the 10') });
    shape.seenThisPass.add('d0');
    expect(await changeEvidence(input(shape, []))).toEqual({ kind: 'clean' });
    shape.pastEnd.add(hash32('a1'));
    expect(await changeEvidence(input(shape, []))).toMatchObject({ kind: 'changed', oldest: { ms: T } });
  });
});

describe('DistinctUuids', () => {
  it('counts each uuid once, across growth of its table', () => {
    const seen = new DistinctUuids();
    for (let i = 0; i < 5000; i++) seen.add(`u${i % 3000}`);
    expect(seen.size).toBe(3000);
  });
});
