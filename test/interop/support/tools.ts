import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import split2 from 'split2';
import { BIN } from '../../support/cli.js';
import { assertNoSecrets, secretsOf } from '../../support/secrets.js';

/** An executable of the interop virtual environments (scripts/interop-setup.sh); fails loudly if absent. */
export function venvTool(venv: string, tool: string): string {
  const path = resolve('.venv', venv, 'bin', tool);
  if (!existsSync(path)) throw new Error(`${path} is missing: run scripts/interop-setup.sh first (the interop suite never skips a tool quietly).`);
  return path;
}

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Run a program to its end, collecting its output; rejects with the program's stderr if it fails. `input`, if given,
 * is written to its standard input, which is then closed (no standard input otherwise).
 */
export function run(cmd: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; allowFailure?: boolean; timeoutMs?: number; input?: string } = {}): Promise<ProcessResult> {
  return new Promise((resolvePromise, reject) => {
    const stdin = options.input === undefined ? 'ignore' : 'pipe';
    const child = spawn(cmd, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: [stdin, 'pipe', 'pipe'] }) as ChildProcessByStdio<Writable | null, Readable, Readable>;
    child.stdin?.on('error', () => {}); // a program that exits before reading all of its input: its exit code tells
    child.stdin?.end(options.input);
    const result: ProcessResult = { code: null, signal: null, stdout: '', stderr: '' };
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (result.stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (result.stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      Object.assign(result, { code, signal });
      if ((code !== 0 || signal) && !options.allowFailure) reject(new Error(`${cmd} ${args.join(' ')} exited ${code ?? signal}\n${result.stderr.slice(-4000)}`));
      else resolvePromise(result);
    });
  });
}

export interface PipeResult {
  tap: { code: number | null; signal: NodeJS.Signals | null; stderr: string };
  target: ProcessResult;
  /** RECORD lines the tap wrote (and the target received). */
  records: number;
  /** The states target-postgres emitted, in order: each vouches for rows it has committed. */
  targetStates: unknown[];
}

/**
 * `tap-bookings ARGS | target-postgres --config T`, with Node in the middle of the pipe forwarding whole lines,
 * as Meltano does between its plugins. `killAfterRecords` sends SIGKILL to the tap once that many records have
 * gone through: the target then sees the end of its input, loads what it has and emits its last state. `through`
 * puts a program between them (a mapper: `tap | mapper | target`); its exit code must be 0.
 */
export function tapIntoTarget(tapArgs: string[], targetConfigPath: string, options: { killAfterRecords?: number; through?: { cmd: string; args: string[] } } = {}): Promise<PipeResult> {
  const targetBin = venvTool('target-postgres', 'target-postgres');
  return new Promise((resolvePromise, reject) => {
    const tap = spawn(process.execPath, [BIN, ...tapArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
    const target = spawn(targetBin, ['--config', targetConfigPath], { stdio: ['pipe', 'pipe', 'pipe'] });
    const mapper = options.through && spawn(options.through.cmd, options.through.args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let mapperStderr = '';
    let mapperDone = !mapper;
    if (mapper) {
      mapper.on('close', () => {
        mapperDone = true;
        finish();
      });
      mapper.stdin.on('error', () => {}); // its exit code tells
      mapper.stdout.pipe(target.stdin);
      mapper.stderr.setEncoding('utf8').on('data', (d: string) => (mapperStderr += d));
      mapper.on('error', reject);
    }
    const sink = mapper ? mapper.stdin : target.stdin;
    const out: PipeResult = { tap: { code: null, signal: null, stderr: '' }, target: { code: null, signal: null, stdout: '', stderr: '' }, records: 0, targetStates: [] };
    let tapDone = false;
    let targetDone = false;
    let forwarded = '';
    const finish = () => {
      if (!tapDone || !targetDone || !mapperDone) return;
      try {
        assertNoSecrets(`${forwarded}\n${out.tap.stderr}`, secretsOf(tapArgs), `The output of tap-bookings ${tapArgs.join(' ')}`);
      } catch (err) {
        reject(err);
        return;
      }
      if (mapper && mapper.exitCode !== 0) reject(new Error(`${options.through!.cmd} exited ${mapper.exitCode ?? mapper.signalCode}\n${mapperStderr.slice(-4000)}`));
      else if (out.target.code !== 0) reject(new Error(`target-postgres exited ${out.target.code ?? out.target.signal}\n${out.target.stderr.slice(-4000)}`));
      else resolvePromise(out);
    };
    // Only whole lines go on: a tap killed mid-write leaves a partial last line, which an orchestrator drops.
    let pending = '';
    tap.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line === '') continue;
        if ((JSON.parse(line) as { type?: string }).type === 'RECORD') out.records++;
        sink.write(line + '\n');
        forwarded += line + '\n';
        if (options.killAfterRecords !== undefined && out.records >= options.killAfterRecords && tap.exitCode === null) tap.kill('SIGKILL');
      }
    }).on('end', () => sink.end());
    target.stdin.on('error', () => {}); // the target's own exit code tells what went wrong
    tap.stderr.setEncoding('utf8').on('data', (d: string) => (out.tap.stderr += d));
    target.stdout.pipe(split2()).on('data', (line: string) => {
      out.target.stdout += line + '\n';
      try {
        out.targetStates.push(JSON.parse(line));
      } catch {
        /* not a state line */
      }
    });
    target.stderr.setEncoding('utf8').on('data', (d: string) => (out.target.stderr += d));
    tap.on('close', (code, signal) => {
      Object.assign(out.tap, { code, signal });
      tapDone = true;
      finish();
    });
    target.on('close', (code, signal) => {
      Object.assign(out.target, { code, signal });
      targetDone = true;
      finish();
    });
    tap.on('error', reject);
    target.on('error', reject);
  });
}
