import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/**
 * Keeps a sync's memory flat without costing CPU, by changing two of V8's heap-sizing heuristics at run time (both are
 * read by V8 at each collection, so setting them after start-up takes effect; flags given to node win). Only the
 * commands that sync call it (Singer sync, Airbyte read): --help, spec, discover and the rest are left alone.
 *
 * Left alone, V8 sizes the heap for throughput: the young generation grows to 2 × 16 MB and the old generation to
 * several times what survives a full collection, which put a 1,000,000-record sync at about 200 MB resident while
 * its live data stays near 15 MB. Measured on that sync (bench/, no latency): with a 4 MB semi-space and a full
 * collection once the old generation grows 50 % past its last live size, peak RSS was 122 MB at the same CPU time
 * (a 1 MB semi-space, V8's starting size, saved 7 MB more but cost about 15 % more CPU).
 *
 * - heap-growing-percent=50: the next full collection is due at 1.5 × what survived the last one.
 * - max-optimized-bytecode-size=40 KB (V8's default is 60 KB): TurboFan leaves the bookings validator (one function
 *   of 43 KB of bytecode, src/generated/) to the interpreter. Optimising it took about 10-15 MB of compiler memory at
 *   once, the largest single part of a 10,000-record sync's peak; every other function of a sync is far smaller.
 * - The young generation starts at 1 MB per semi-space and doubles (semi-space-growth-factor=2) until it reaches
 *   `semiSpaceMb`; then growth stops (factor 1). V8 has no run-time setting for the maximum itself, so the size is
 *   looked at after each garbage collection (a PerformanceObserver of 'gc' entries, which V8 reports anyway), and the
 *   observer is gone once the size is reached: no timer, no polling.
 */
/** The largest function TurboFan optimises, in bytes of bytecode (see tuneHeap). */
export const MAX_OPTIMIZED_BYTECODE = 40 * 1024;

export function tuneHeap(semiSpaceMb = 4): void {
  const given = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`;
  if (!/heap[-_]growing[-_]percent/.test(given)) setFlagsFromString('--heap-growing-percent=50');
  if (!/max[-_]optimized[-_]bytecode[-_]size/.test(given)) setFlagsFromString(`--max-optimized-bytecode-size=${MAX_OPTIMIZED_BYTECODE}`);
  if (/semi[-_]space/.test(given)) return;
  const stopAt = 2 * semiSpaceMb * 1024 * 1024; // new space = two semi-spaces
  const youngSize = (): number => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? Infinity;
  if (youngSize() >= stopAt) {
    setFlagsFromString('--semi-space-growth-factor=1');
    return;
  }
  setFlagsFromString('--semi-space-growth-factor=2');
  const observer = new PerformanceObserver(() => {
    if (youngSize() < stopAt) return;
    setFlagsFromString('--semi-space-growth-factor=1');
    observer.disconnect();
  });
  observer.observe({ entryTypes: ['gc'] });
}
