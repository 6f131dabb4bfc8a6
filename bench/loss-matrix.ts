/**
 * `npm run loss-matrix [-- --tap path/to/bin/tap-bookings.js] [--records N] [--timeout-s S]`: the records a tap loses
 * for good on each API shape of the README's table. For each shape the built-in sandbox (this checkout's) imitates
 * the API; records change and are added while the first sync reads; then a second incremental sync runs from the
 * first one's final STATE, and whatever of the API's ground truth has not been delivered in its latest version by
 * then is lost. Any tap binary can be measured (an older checkout's, for comparison); a sync that has not ended after
 * --timeout-s is killed and reported as "never ends".
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox } from './lib/sandbox.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Shape {
  name: string;
  /** `tap-bookings sandbox` options that make the shape. */
  sandbox: string[];
  tap?: Record<string, unknown>;
}

const SHAPES: Shape[] = [
  { name: 'honours the window, reports totals', sandbox: [] },
  { name: 'ignores updatedFrom/updatedTo', sandbox: ['--quirks', 'ignore-window'] },
  { name: 'window_*_param: null', sandbox: [], tap: { window_from_param: null, window_to_param: null } },
  { name: 'no page totals', sandbox: ['--quirks', 'omit-totals'] },
  { name: 'no totals, unsorted', sandbox: ['--quirks', 'omit-totals', '--sort', 'none'] },
  { name: 'unsorted, middle page empty once', sandbox: ['--quirks', 'empty-page-once', '--sort', 'none'] },
  { name: 'unsorted, middle page empty always', sandbox: ['--quirks', 'empty-page', '--sort', 'none'] },
  { name: 'unsorted, middle page "data": null always', sandbox: ['--quirks', 'null-page', '--sort', 'none'] },
  { name: 'unsorted, totalPages too small', sandbox: ['--quirks', 'short-total-pages', '--sort', 'none'] },
  { name: 'totalElements one lower on odd pages', sandbox: ['--quirks', 'flicker-totals'] },
  { name: 'flickering totals, unsorted', sandbox: ['--quirks', 'flicker-totals', '--sort', 'none'] },
  { name: 'page size capped silently (20 of 50)', sandbox: ['--cap-page-size', '20'] },
  { name: 'pages alternate A, B, huge totalPages', sandbox: ['--quirks', 'alternate-pages'] },
];

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const TAP = resolve(arg('tap', join(ROOT, 'bin', 'tap-bookings.js')));
const RECORDS = Number(arg('records', '3000'));
const TIMEOUT_S = Number(arg('timeout-s', '60'));

interface Run {
  code: number | null;
  seconds: number;
  records: Array<Record<string, unknown>>;
  lastState: unknown;
  stderr: string;
}

function runTap(configPath: string, statePath?: string): Promise<Run> {
  return new Promise((done) => {
    const started = performance.now();
    const child = spawn(process.execPath, [TAP, '--config', configPath, ...(statePath ? ['--state', statePath] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
    const records: Array<Record<string, unknown>> = [];
    let lastState: unknown;
    let pending = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        if (!line) continue;
        const m = JSON.parse(line) as { type: string; record?: Record<string, unknown>; value?: unknown };
        if (m.type === 'RECORD') records.push(m.record!);
        if (m.type === 'STATE') lastState = m.value;
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_S * 1000);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, seconds: (performance.now() - started) / 1000, records, lastState, stderr });
    });
  });
}

async function admin(url: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${url}/__admin/${path}`, body === undefined ? {} : { method: body === null ? 'DELETE' : 'POST', body: body === null ? undefined : JSON.stringify(body) });
  return res.json();
}

async function measureShape(shape: Shape): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'loss-matrix-'));
  const sandbox = await startSandbox({ records: RECORDS, latencyMs: 0, bookingTypes: ['FLIGHT', 'HOTEL'], seed: 12, dir, bin: join(ROOT, 'bin', 'tap-bookings.js'), extraArgs: shape.sandbox });
  try {
    const configPath = join(dir, 'config.json');
    writeFileSync(configPath, JSON.stringify({ ...sandbox.config, booking_types: ['FLIGHT', 'HOTEL'], page_size: 50, ...shape.tap }));
    // 30 changes while the first sync reads: every 3 page requests, 2 records change and 1 is added, ten times.
    await admin(sandbox.url, 'schedule', { every: 3, mutate: 2, insert: 1, times: 10 });
    const first = await runTap(configPath);
    await admin(sandbox.url, 'schedule', null);
    const requests1 = (await sandbox.stats()).apiRequests;
    const timedOut = first.code === null;
    let second: Run | undefined;
    if (!timedOut) {
      await new Promise((r) => setTimeout(r, 2100)); // past the next window's end, a second before its start
      const statePath = join(dir, 'state.json');
      writeFileSync(statePath, JSON.stringify(first.lastState ?? {}));
      second = await runTap(configPath, statePath);
    }
    const delivered = new Map<string, string>();
    for (const r of [...first.records, ...(second?.records ?? [])]) delivered.set(String(r.uuid), String(r.lastModified));
    const truth = (await admin(sandbox.url, 'records')) as Array<Record<string, unknown>>;
    const lost = truth.filter((r) => delivered.get(String(r.uuid)) !== String(r.lastModified)).length;
    const exits = timedOut ? `killed after ${TIMEOUT_S} s (never ends)` : `${first.code}, ${second?.code ?? '-'}`;
    const lastError = /tap-bookings: (.*)/.exec(first.stderr)?.[1] ?? '';
    return `| ${shape.name} | ${lost} of ${truth.length} | ${exits} | ${requests1} | ${first.seconds.toFixed(1)} | ${lastError.slice(0, 140).replace(/\|/g, '/')} |`;
  } finally {
    await sandbox.stop();
  }
}

const lines = [
  `Tap: ${TAP}`,
  `${RECORDS} records (FLIGHT and HOTEL), page_size 50, 30 changes (20 modified, 10 added) while the first sync reads.`,
  '',
  '| API shape | not delivered in its latest version after two syncs | exit codes (sync 1, sync 2) | requests in sync 1 | sync 1 s | sync 1 error |',
  '|---|---:|---|---:|---:|---|',
];
process.stdout.write(`${lines.join('\n')}\n`);
for (const shape of SHAPES) process.stdout.write(`${await measureShape(shape)}\n`);
