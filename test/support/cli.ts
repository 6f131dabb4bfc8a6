import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import split2 from 'split2';
import { expectAirbyteMessages } from './airbyte-protocol.js';
import { assertNoSecrets, secretsOf } from './secrets.js';

export const BIN = resolve('bin/tap-bookings.js');
const AIRBYTE_COMMANDS = new Set(['spec', 'check', 'discover', 'read']);

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  messages: Array<Record<string, unknown>>;
  stdout: string[];
  /** stdout lines that are not JSON (protocol tests expect none). */
  nonJson: string[];
  stderr: string;
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'tap-bookings-test-'));
}

export function writeJson(dir: string, name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}

/**
 * Run the built CLI in a child process, reading stdout line by line. In Airbyte mode every line must be an
 * AirbyteMessage that conforms to the protocol's JSON schema, and in every mode no output may hold a secret (the
 * config's client secret, a sandbox access token), or the run is rejected, whatever the test checks next.
 */
export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; onMessage?: (m: Record<string, unknown>, kill: (s?: NodeJS.Signals) => void) => void; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const result: CliResult = { code: null, signal: null, messages: [], stdout: [], nonJson: [], stderr: '' };
    const kill = (s: NodeJS.Signals = 'SIGKILL') => child.kill(s);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tap-bookings ${args.join(' ')} timed out; stderr:\n${result.stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.stdout.pipe(split2()).on('data', (line: string) => {
      result.stdout.push(line);
      let m: Record<string, unknown>;
      try {
        m = JSON.parse(line) as Record<string, unknown>;
      } catch {
        result.nonJson.push(line);
        return;
      }
      result.messages.push(m);
      options.onMessage?.(m, kill);
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (result.stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      result.code = code;
      result.signal = signal;
      try {
        assertNoSecrets(`${result.stdout.join('\n')}\n${result.stderr}`, secretsOf(args), `The output of tap-bookings ${args.join(' ')}`);
        if (AIRBYTE_COMMANDS.has(args[0] ?? '')) {
          if (result.nonJson.length > 0) throw new Error(`stdout in Airbyte mode holds lines that are not JSON: ${result.nonJson.slice(0, 3).join(' | ')}`);
          expectAirbyteMessages(result.messages);
        }
      } catch (err) {
        reject(err);
        return;
      }
      resolvePromise(result);
    });
  });
}

type Msg = Record<string, any>;

/** Records in a message stream, Singer or Airbyte. */
export function recordsOf(messages: Msg[]): Array<Record<string, unknown>> {
  return messages.flatMap((m) => (m.type === 'RECORD' ? [(m.record?.data ?? m.record) as Record<string, unknown>] : []));
}

/** The last state, as a file the same mode accepts back: the Singer state value, or the Airbyte state array. */
export function lastStateInput(messages: Msg[]): unknown {
  const states = messages.filter((m) => m.type === 'STATE');
  const last = states.at(-1);
  if (!last) return undefined;
  return 'value' in last ? last.value : [last.state];
}

/** uuid → latest record (later messages win, as a merging target would do). */
export function mergeByUuid(records: Array<Record<string, unknown>>, into = new Map<string, Record<string, unknown>>()): Map<string, Record<string, unknown>> {
  for (const r of records) into.set(String(r.uuid), r);
  return into;
}

/**
 * Each sync's window ends at least one second before it starts, so records changed within the last second are left
 * for the sync after. Only the interop tests wait this long (their tools run the CLI, whose clock is the system's);
 * in-process syncs move their clock ahead instead (test/support/in-process.ts).
 */
export function pastWindowGuard(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 2100));
}
