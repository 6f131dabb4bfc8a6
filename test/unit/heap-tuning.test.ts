import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

// A child node process allocates short-lived garbage the way a sync does, then reports its young generation's size
// (two semi-spaces) and whether V8 took the old-generation setting, with or without tuneHeap().
const MODULE = resolve('dist/cli/heap-tuning.js');
const SCRIPT = `
const { getHeapSpaceStatistics } = await import('node:v8');
if (process.env.TUNE === '1') (await import(${JSON.stringify(MODULE)})).tuneHeap(4);
let keep = [];
for (let round = 0; round < 400; round++) {
  await new Promise((r) => setTimeout(r, 1));
  for (let i = 0; i < 2000; i++) keep.push({ i, s: 'x'.repeat(50) + i, a: [i, i + 1] });
  if (keep.length > 20000) keep = [];
}
const young = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
process.stdout.write(String(young / 1048576));
`;

function youngMb(env: Record<string, string>, nodeArgs: string[] = []): number {
  return Number(execFileSync(process.execPath, [...nodeArgs, '--input-type=module', '-e', SCRIPT], { env: { ...process.env, ...env }, encoding: 'utf8' }));
}

describe('tuneHeap', () => {
  it('stops the young generation at 2 x 4 MB where V8 alone grows it further', () => {
    expect(youngMb({ TUNE: '0' })).toBeGreaterThan(8);
    expect(youngMb({ TUNE: '1' })).toBeLessThanOrEqual(8);
  });

  it('leaves the young generation alone when node was given a semi-space flag', () => {
    expect(youngMb({ TUNE: '1' }, ['--max-semi-space-size=16'])).toBeGreaterThan(8);
  });
});
