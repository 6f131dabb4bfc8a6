import { readFileSync } from 'node:fs';

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }>;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  /** Self time by function (top N). */
  functions: Array<{ name: string; where: string; selfMs: number; share: number }>;
  /** Self time by where the code lives: a package under node_modules, tap-bookings' own dist/ file, node:internal, or V8 (GC, program, idle). */
  places: Array<{ place: string; selfMs: number; share: number }>;
}

function place(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return `npm:${nm[1]}`;
  const dist = /\/dist\/(.+)$/.exec(url);
  if (dist) return `tap-bookings:${dist[1]}`;
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  return url;
}

/** Self time per function and per package of a `node --cpu-prof` profile. */
export function summariseProfile(path: string, top = 25): ProfileSummary {
  const p = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const selfUs = new Map<number, number>();
  p.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const byFn = new Map<string, { name: string; where: string; us: number }>();
  const byPlace = new Map<string, number>();
  let total = 0;
  for (const node of p.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    if (us === 0) continue;
    total += us;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName || '(anonymous)';
    const where = url ? `${url.replace(/^file:\/\/.*?\/(node_modules|dist)\//, '$1/')}:${lineNumber + 1}` : '';
    const key = `${name}@${where}`;
    const fn = byFn.get(key) ?? { name, where, us: 0 };
    fn.us += us;
    byFn.set(key, fn);
    const pl = place(url, name);
    byPlace.set(pl, (byPlace.get(pl) ?? 0) + us);
  }
  const share = (us: number) => Math.round((us / Math.max(1, total)) * 1000) / 10;
  return {
    totalMs: Math.round(total / 1000),
    functions: [...byFn.values()].sort((a, b) => b.us - a.us).slice(0, top).map((f) => ({ name: f.name, where: f.where, selfMs: Math.round(f.us / 1000), share: share(f.us) })),
    places: [...byPlace.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([pl, us]) => ({ place: pl, selfMs: Math.round(us / 1000), share: share(us) })),
  };
}
