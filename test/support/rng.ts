/** Looked up once: a global's lookup is slow in Jest's vm contexts (see src/sandbox/random.ts). */
const { imul } = Math;

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so a failing property test can be replayed from its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
