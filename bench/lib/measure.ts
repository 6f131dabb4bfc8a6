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
        let text = '';
        try {
          text = readFileSync(timeFile, 'utf8');
        } catch {
          /* killed before time wrote it */
        }
        // GNU time writes "Command exited with non-zero status N" / "Command terminated by signal N" before the figures.
        const exited = /exited with non-zero status (\d+)/.exec(text);
        if (exited) exitCode = Number(exited[1]);
        const figures = text.trim().split('\n').pop()?.split(' ').map(Number);
        if (figures && figures.length === 4 && figures.every((n) => Number.isFinite(n))) {
          cpuUserS = figures[1]!;
          cpuSysS = figures[2]!;
          peakRssMiB = figures[3]! / 1024;
        }
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
