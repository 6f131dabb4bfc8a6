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

// The bookings validator (src/generated/, 43 KB of bytecode) called as a sync calls it; whether TurboFan optimised it.
const VALIDATOR = resolve('dist/generated/bookings-validator.generated.js');
const OPTIMISED = `
if (process.env.TUNE === '1') (await import(${JSON.stringify(MODULE)})).tuneHeap(4);
const { validate } = await import(${JSON.stringify(VALIDATOR)});
const record = { uuid: 'u', lastModified: '2024-01-01T00:00:00Z', bookingType: 'HOTEL', hotel: { name: 'x' }, basePrice: 1 };
for (let i = 0; i < 20000; i++) {
  validate(record);
  if (i % 500 === 0) await new Promise((r) => setTimeout(r, 1));
}
const TURBOFANNED = 64;
process.stdout.write(String((%GetOptimizationStatus(validate) & TURBOFANNED) !== 0));
`;

describe('tuneHeap and TurboFan', () => {
  const optimised = (env: Record<string, string>, nodeArgs: string[] = []) =>
    execFileSync(process.execPath, ['--allow-natives-syntax', ...nodeArgs, '--input-type=module', '-e', OPTIMISED], { env: { ...process.env, ...env }, encoding: 'utf8' });

  it('leaves the bookings validator to the interpreter (optimising it took 10-15 MB of compiler memory at once)', () => {
    expect(optimised({ TUNE: '0' })).toBe('true');
    expect(optimised({ TUNE: '1' })).toBe('false');
  });

  it('leaves the limit alone when node was given it', () => {
    expect(optimised({ TUNE: '1' }, ['--max-optimized-bytecode-size=61440'])).toBe('true');
  });
});
