/**
 * `npm run hostile-responses [-- --tap path/to/bin/tap-bookings.js] [--only NAME] [--max-response-mb N]`: the tap's peak RSS and outcome
 * against an API that answers with too much (bench/lib/hostile-server.ts): a gzip bomb, a 200 that never ends, huge
 * pages valid and invalid, a huge token response. Each sync runs in a child process with default settings (but
 * backoff_factor 0), measured by GNU time (or /proc). Any tap binary can be measured (an older checkout's, for
 * comparison).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHostileServer, type Hostile } from './lib/hostile-server.js';
import { measure } from './lib/measure.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MB = 1 << 20;

const ATTACKS: Array<{ name: string; attack: Hostile }> = [
  { name: 'gzip body inflating to 2 GB', attack: { kind: 'gzip-bomb', inflatedBytes: 2048 * MB } },
  { name: '200 that never ends', attack: { kind: 'endless' } },
  { name: '300 MB page', attack: { kind: 'page', bytes: 300 * MB, valid: true } },
  { name: '600 MB invalid page', attack: { kind: 'page', bytes: 600 * MB, valid: false } },
  { name: '2 GB token response', attack: { kind: 'token', bytes: 2048 * MB } },
];

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const TAP = resolve(arg('tap') ?? join(ROOT, 'bin', 'tap-bookings.js'));
const ONLY = arg('only');
/** Passed to the tap as max_response_mb when given (a tap older than the setting refuses it). */
const MAX_RESPONSE_MB = arg('max-response-mb');

const dir = mkdtempSync(join(tmpdir(), 'hostile-'));
console.log(`tap: ${TAP}\n`);
console.log('| attack | exit | peak RSS (MiB) | wall (s) | server sent (MB, cut off?) | last stderr line |');
console.log('|---|---|---|---|---|---|');
for (const { name, attack } of ATTACKS) {
  if (ONLY && !name.includes(ONLY)) continue;
  const server = await startHostileServer(attack);
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ base_url: server.url, client_id: 'hostile-id', client_secret: 'hostile-secret', start_date: '2024-01-01T00:00:00Z', booking_types: ['FLIGHT'], backoff_factor: 0, ...(MAX_RESPONSE_MB ? { max_response_mb: Number(MAX_RESPONSE_MB) } : {}) }));
  try {
    const run = await measure(process.execPath, [TAP, '--config', config], { stdout: 'count', timeoutMs: 300_000 });
    await server.stop(); // every response the server began has ended or been cut off
    const sent = server.served.map((s) => `${(s.bodyBytes / MB).toFixed(0)}${s.cutOff ? ' cut' : ''}`).join(', ') || '-';
    // The tap's own last word, else what killed it (V8's fatal error), else the last line.
    const lines = run.stderrTail.trim().split('\n');
    const last = lines.filter((l) => l.startsWith('tap-bookings:')).pop() ?? lines.find((l) => /Check failed|FATAL ERROR|Error:/.test(l)) ?? lines.pop() ?? '';
    const exit = run.timedOut ? 'killed at 300 s' : String(run.code ?? run.signal);
    console.log(`| ${name} | ${exit} | ${run.peakRssMiB?.toFixed(0) ?? '?'} | ${run.wallS.toFixed(1)} | ${sent} | ${last.slice(0, 240).replace(/\|/g, '\\|')} |`);
  } catch (err) {
    await server.stop();
    throw err;
  }
}
