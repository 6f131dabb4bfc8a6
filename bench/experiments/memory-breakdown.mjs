// Where a sync's resident memory is, at its peak: loaded into the tap with --import, it samples /proc/self/status
// (resident anonymous and file-backed memory) and process.memoryUsage() (the V8 heap, external memory and
// ArrayBuffers) every few milliseconds, and prints the sample of the highest RSS (and, with MEM_TIMELINE=1, every
// sample) to stderr when the process exits. An experiment for BENCHMARKS.md ("Where the memory is"), not part of
// `npm run bench`; Linux only.
//
//   node --import ./bench/experiments/memory-breakdown.mjs bin/tap-bookings.js --config CONFIG > /dev/null
//   MEM_EVERY_MS=500 MEM_TIMELINE=1 node --import ./bench/experiments/memory-breakdown.mjs bin/tap-bookings.js --config CONFIG > /dev/null
//
// Read it as: file = the node binary's and libraries' pages touched (bare `node -e ''` has about 35 MB of them);
// anon = heapTotal (V8's heap, young generation included) + external (mostly ArrayBuffers: response bytes, socket
// reads and RECORD line buffers not yet collected) + the rest (malloc'd memory outside both: V8's compiler zones,
// freed memory that malloc's arenas keep, thread stacks). The sampling itself costs a few hundred KB.
import { readFileSync, writeSync } from 'node:fs';

const every = Number(process.env.MEM_EVERY_MS ?? 10);
const t0 = performance.now();
const mb = (bytes) => (bytes / 1048576).toFixed(1);
const samples = [];
let peak;

function sample() {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (key) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN) * 1024;
  const m = process.memoryUsage();
  const s = { ms: Math.round(performance.now() - t0), rss: kb('VmRSS'), anon: kb('RssAnon'), file: kb('RssFile'), heapTotal: m.heapTotal, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
  if (process.env.MEM_TIMELINE) samples.push(s);
  if (!peak || s.rss > peak.rss) peak = s;
}

const line = (s) =>
  `${s.ms} ms: rss ${mb(s.rss)} MB = file ${mb(s.file)} + anon ${mb(s.anon)} (heapTotal ${mb(s.heapTotal)}, external ${mb(s.external)} of which ArrayBuffers ${mb(s.arrayBuffers)}, rest ${mb(s.anon - s.heapTotal - s.external)}); heapUsed ${mb(s.heapUsed)}`;

sample();
setInterval(sample, every).unref();
process.on('exit', () => {
  sample();
  for (const s of samples) writeSync(2, `${line(s)}\n`);
  writeSync(2, `peak: ${line(peak)}\n`);
});
