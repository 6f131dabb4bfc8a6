import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { packagePath } from '../package-files.js';
import { startSandbox } from '../sandbox/index.js';

/**
 * `npm start`: the whole tap, end to end, offline. Starts the built-in sandbox API, writes a config for it,
 * runs the real CLI in a child process with stdout to a file, and prints what came out.
 */
const outDir = resolve(process.env.DEMO_OUTPUT_DIR ?? 'demo-output');
const records = Number(process.env.DEMO_RECORDS ?? 5000);

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const sandbox = await startSandbox({ records, seed: 42 });
  // A few faults, so the demo shows retries working: a 503, a 429 with Retry-After, a dropped connection.
  sandbox.faults.set({ script: ['ok', 503, 'ok', 'ok', { status: 429, retryAfter: '1' }, 'ok', 'reset'] });
  const configPath = resolve(outDir, 'config.json');
  const messagesPath = resolve(outDir, 'messages.jsonl');
  const logPath = resolve(outDir, 'tap.log');
  writeFileSync(configPath, `${JSON.stringify(sandbox.tapConfig({ backoff_factor: 0.2 }), null, 2)}\n`);
  process.stderr.write(`Sandbox API with ${records} bookings at ${sandbox.url}\nRunning: tap-bookings --config ${configPath} > ${messagesPath}\n`);

  const started = performance.now();
  const child = spawn(process.execPath, [packagePath('bin/tap-bookings.js'), '--config', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(createWriteStream(messagesPath));
  child.stderr.pipe(createWriteStream(logPath));
  const code: number = await new Promise((r) => child.on('close', (c) => r(c ?? 1)));
  const seconds = (performance.now() - started) / 1000;
  const stats = sandbox.stats();
  await sandbox.stop();

  const byType = new Map<string, number>();
  let lastState: unknown;
  let states = 0;
  const lines = createInterface({ input: createReadStream(messagesPath) });
  for await (const line of lines) {
    const m = JSON.parse(line) as { type: string; record?: { bookingType?: string }; value?: unknown };
    if (m.type === 'RECORD') byType.set(m.record?.bookingType ?? '?', (byType.get(m.record?.bookingType ?? '?') ?? 0) + 1);
    if (m.type === 'STATE') {
      states++;
      lastState = m.value;
    }
  }
  const statePath = resolve(outDir, 'state.json');
  const sandboxConfigPath = resolve(outDir, 'sandbox-config.json');
  if (lastState) writeFileSync(statePath, `${JSON.stringify(lastState, null, 2)}\n`);
  const total = [...byType.values()].reduce((a, b) => a + b, 0);
  const log = readFileSync(logPath, 'utf8');
  const retries = (log.match(/; retry \d+ of/g) ?? []).length;
  const out = [
    '',
    code === 0 ? `tap-bookings synced ${total} bookings in ${seconds.toFixed(1)} s` : `tap-bookings FAILED with exit code ${code} (see ${logPath})`,
    ...[...byType].map(([t, n]) => `  ${t.padEnd(7)} ${n} records`),
    `  pages served by the API: ${stats.pagesServed}, requests: ${stats.apiRequests}, retries after faults: ${retries}, STATE messages: ${states}`,
    `  final state: ${JSON.stringify(lastState)}`,
    `  messages: ${messagesPath}`,
    `  log:      ${logPath}`,
    '',
    'Next: the sandbox above has stopped. Start it again (the same seed gives the same bookings) and sync from that',
    'state: only what changed since is read (here, the records that share the bookmark\'s lastModified).',
    `  node bin/tap-bookings.js sandbox --port 0 --records ${records} --seed 42 --config-out ${sandboxConfigPath} &`,
    `  sleep 1; node bin/tap-bookings.js --config ${sandboxConfigPath} --state ${statePath}`,
    '  kill %1    # stops the sandbox',
    '',
  ];
  process.stdout.write(out.join('\n'));
  process.exitCode = code;
}

await main();
