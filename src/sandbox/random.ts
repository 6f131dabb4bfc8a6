/** A small, fast, seeded PRNG (mulberry32) and a 32-bit mix for deriving per-record seeds. */

/**
 * Math's functions, looked up once: the sandbox also runs inside Jest, whose test files are vm contexts where every
 * lookup of a global such as Math costs hundreds of nanoseconds (40 times the generator's own work; no difference
 * in plain Node).
 */
const { floor, imul, round } = Math;

export function mix(a: number, b: number): number {
  let h = (a ^ imul(b, 0x9e3779b1)) >>> 0;
  h = imul(h ^ (h >>> 16), 0x85ebca6b);
  h = imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[floor(this.next() * items.length)]!;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  hex(length: number): string {
    let s = '';
    while (s.length < length) s += floor(this.next() * 0x100000000).toString(16).padStart(8, '0');
    return s.slice(0, length);
  }

  money(min: number, max: number): number {
    return round((min + this.next() * (max - min)) * 100) / 100;
  }
}

/** A deterministic UUID (version 4 layout) for record `id` of the data set made from `seed`. */
export function uuidFor(seed: number, id: number): string {
  const r = new Random(mix(seed, id + 0x51ed));
  const h = r.hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[parseInt(h[16]!, 16) & 3]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
