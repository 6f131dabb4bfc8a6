import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** GNU time reports a child's exact user/sys CPU and max RSS (from wait4's rusage) after it exits. */
const GNU_TIME = '/usr/bin/time';
export const haveGnuTime = existsSync(GNU_TIME);

export interface Measured {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  wallS: number;
  /** User + system CPU seconds of the program (and any children it waited for). */
  cpuUserS: number | null;
  cpuSysS: number | null;
  /** Peak resident set size in MiB (the table calls it MB, as ps and top do). */
  peakRssMiB: number | null;
  /** How peak RSS and CPU were measured. */
  method: 'gnu-time' | 'proc-poll';
  /** stdout lines, and those that are protocol RECORD messages (`"type":"RECORD"` near the start). */
  lines: number;
  records: number;
  stdoutBytes: number;
  /** stdout, when asked for (small outputs only). */
  stdout?: string;
  stderrTail: string;
}

export interface MeasureOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** 'count': count lines and RECORD messages and throw the bytes away; 'collect': keep stdout as text too. */
  stdout: 'count' | 'collect';
  timeoutMs: number;
}

const RECORD_MARK = Buffer.from('"type":"RECORD"');
const HEAD = 64;

/**
 * A counting sink: counts newline-terminated lines and the ones whose first 64 bytes hold `"type":"RECORD"`
 * (Singer and Airbyte both write `{"type":"RECORD",...}`), without parsing JSON, so the sink costs little
 * next to the program it measures.
 */
export class LineCounter {
  lines = 0;
  records = 0;
  bytes = 0;
  private head = Buffer.alloc(HEAD);
  private headLen = 0;

  push(chunk: Buffer): void {
    this.bytes += chunk.length;
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      const end = nl === -1 ? chunk.length : nl;
      if (this.headLen < HEAD && end > start) {
        const n = Math.min(HEAD - this.headLen, end - start);
        chunk.copy(this.head, this.headLen, start, start + n);
        this.headLen += n;
      }
      if (nl === -1) return;
      this.endLine();
      start = nl + 1;
    }
  }

  end(): void {
    if (this.headLen > 0) this.endLine();
  }

  private endLine(): void {
    if (this.headLen > 0) {
      this.lines++;
      if (this.head.subarray(0, this.headLen).includes(RECORD_MARK)) this.records++;
    }
    this.headLen = 0;
  }
}

function readProcKb(pid: number, field: string): number | null {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

function readProcCpu(pid: number): { user: number; sys: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat (1-based), i.e. 11 and 12 after the command name; in ticks
    return { user: Number(fields[11]) / 100, sys: Number(fields[12]) / 100 };
  } catch {
    return null;
  }
}

/**
 * Run a program to its end and measure it: wall time from spawn to exit, CPU and peak RSS (GNU time when
 * installed, else /proc/<pid>/status VmHWM and /proc/<pid>/stat polled every 50 ms), stdout through a counting sink.
 */
export function measure(cmd: string, args: string[], opts: MeasureOptions): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-time-'));
  const timeFile = join(dir, 'time.txt');
  const argv = haveGnuTime ? [GNU_TIME, '-o', timeFile, '-f', '%e %U %S %M', cmd, ...args] : [cmd, ...args];
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, so a timeout ends the whole tree
    });
    const counter = new LineCounter();
    const collected: Buffer[] = [];
    let stderr = '';
    let timedOut = false;
    let hwmKb = 0;
    let cpu: { user: number; sys: number } | null = null;
    const poll = haveGnuTime
      ? undefined
      : setInterval(() => {
          if (child.pid === undefined) return;
          const hwm = readProcKb(child.pid, 'VmHWM') ?? readProcKb(child.pid, 'VmRSS');
          if (hwm !== null) hwmKb = Math.max(hwmKb, hwm);
          cpu = readProcCpu(child.pid) ?? cpu;
        }, 50);
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    }, opts.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      counter.push(chunk);
      if (opts.stdout === 'collect') collected.push(chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      reject(err);
    });
    child.on('close', (code, signal) => {
      const wallS = Number(process.hrtime.bigint() - started) / 1e9;
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      counter.end();
      let cpuUserS: number | null = null;
      let cpuSysS: number | null = null;
      let peakRssMiB: number | null = null;
      let exitCode = code;
      if (haveGnuTime) {
        const t = parseGnuTime(timeFile, code);
        exitCode = t.code;
        cpuUserS = t.user;
        cpuSysS = t.sys;
        peakRssMiB = t.rssMiB;
      } else {
        cpuUserS = (cpu as { user: number; sys: number } | null)?.user ?? null;
        cpuSysS = (cpu as { user: number; sys: number } | null)?.sys ?? null;
        peakRssMiB = hwmKb > 0 ? hwmKb / 1024 : null;
      }
      rmSync(dir, { recursive: true, force: true });
      resolvePromise({
        code: exitCode,
        signal,
        timedOut,
        wallS,
        cpuUserS,
        cpuSysS,
        peakRssMiB,
        method: haveGnuTime ? 'gnu-time' : 'proc-poll',
        lines: counter.lines,
        records: counter.records,
        stdoutBytes: counter.bytes,
        ...(opts.stdout === 'collect' ? { stdout: Buffer.concat(collected).toString('utf8') } : {}),
        stderrTail: stderr.slice(-4000),
      });
    });
  });
}

export interface Command {
  cmd: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export interface MeasuredProcess {
  code: number | null;
  signal: NodeJS.Signals | null;
  cpuUserS: number | null;
  cpuSysS: number | null;
  peakRssMiB: number | null;
  stderrTail: string;
}

export interface MeasuredPipe {
  wallS: number;
  timedOut: boolean;
  source: MeasuredProcess;
  target: MeasuredProcess & { stdout: string };
}

/** GNU time's `%e %U %S %M` output (preceded by its exit notes) → figures and the exit code it saw. */
function parseGnuTime(path: string, code: number | null): { code: number | null; user: number | null; sys: number | null; rssMiB: number | null } {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    /* killed before time wrote it */
  }
  const exited = /exited with non-zero status (\d+)/.exec(text);
  const figures = text.trim().split('\n').pop()?.split(' ').map(Number);
  const ok = figures && figures.length === 4 && figures.every((n) => Number.isFinite(n));
  return { code: exited ? Number(exited[1]) : code, user: ok ? figures[1]! : null, sys: ok ? figures[2]! : null, rssMiB: ok ? figures[3]! / 1024 : null };
}

/**
 * `source | target` through an OS pipe (no Node in between, as a shell or Meltano's plain pipe would), each under
 * GNU time: wall time from spawning the source to the target's exit, each process's CPU and peak RSS. The target's
 * stdout (Singer STATE lines) is collected. Needs GNU time.
 */
export function measurePipe(source: Command, target: Command, timeoutMs: number): Promise<MeasuredPipe> {
  if (!haveGnuTime) return Promise.reject(new Error('measuring a pipe needs GNU time (/usr/bin/time)'));
  const dir = mkdtempSync(join(tmpdir(), 'bench-pipe-'));
  const tFile = join(dir, 'target.txt');
  const sFile = join(dir, 'source.txt');
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    const tgt = spawn(GNU_TIME, ['-o', tFile, '-f', '%e %U %S %M', target.cmd, ...target.args], {
      cwd: target.cwd, env: { ...process.env, ...target.env }, stdio: ['pipe', 'pipe', 'pipe'], detached: true,
    });
    const src = spawn(GNU_TIME, ['-o', sFile, '-f', '%e %U %S %M', source.cmd, ...source.args], {
      cwd: source.cwd, env: { ...process.env, ...source.env }, stdio: ['ignore', tgt.stdin!, 'pipe'], detached: true,
    });
    // The source holds the pipe's write end now; ours must close, or the target never sees the end of its input.
    tgt.stdin!.destroy();
    let tStdout = '';
    let tStderr = '';
    let sStderr = '';
    let timedOut = false;
    const keep = (s: string) => (s.length > 200_000 ? s.slice(-100_000) : s);
    tgt.stdout!.setEncoding('utf8').on('data', (d: string) => (tStdout = keep(tStdout + d)));
    tgt.stderr!.setEncoding('utf8').on('data', (d: string) => (tStderr = keep(tStderr + d)));
    src.stderr!.setEncoding('utf8').on('data', (d: string) => (sStderr = keep(sStderr + d)));
    const timer = setTimeout(() => {
      timedOut = true;
      for (const c of [src, tgt]) {
        try {
          if (c.pid !== undefined) process.kill(-c.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    }, timeoutMs);
    let srcExit: [number | null, NodeJS.Signals | null] | null = null;
    let tgtExit: [number | null, NodeJS.Signals | null] | null = null;
    let wallS = 0;
    const done = () => {
      if (!srcExit || !tgtExit) return;
      clearTimeout(timer);
      const s = parseGnuTime(sFile, srcExit[0]);
      const t = parseGnuTime(tFile, tgtExit[0]);
      rmSync(dir, { recursive: true, force: true });
      resolvePromise({
        wallS,
        timedOut,
        source: { code: s.code, signal: srcExit[1], cpuUserS: s.user, cpuSysS: s.sys, peakRssMiB: s.rssMiB, stderrTail: sStderr.slice(-4000) },
        target: { code: t.code, signal: tgtExit[1], cpuUserS: t.user, cpuSysS: t.sys, peakRssMiB: t.rssMiB, stderrTail: tStderr.slice(-4000), stdout: tStdout },
      });
    };
    src.on('error', reject);
    tgt.on('error', reject);
    src.on('close', (code, signal) => {
      srcExit = [code, signal];
      done();
    });
    tgt.on('close', (code, signal) => {
      wallS = Number(process.hrtime.bigint() - started) / 1e9;
      tgtExit = [code, signal];
      done();
    });
  });
}
