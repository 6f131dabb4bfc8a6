import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SandboxOptions {
  records: number;
  latencyMs: number;
  bookingTypes: string[];
  seed: number;
  dir: string;
  bin: string;
  /** More `tap-bookings sandbox` options, e.g. ["--quirks", "ignore-window"]. */
  extraArgs?: string[];
}

export interface SandboxStats {
  apiRequests: number;
  pagesServed: number;
  tokenRequests: number;
  byStatus: Record<string, number>;
  records: Record<string, number>;
}

export interface RunningSandbox {
  url: string;
  config: Record<string, unknown> & { base_url: string; client_id: string; client_secret: string; start_date: string };
  configPath: string;
  pid: number;
  startS: number;
  stats(): Promise<SandboxStats>;
  /** The sandbox process's peak RSS so far (MiB), from /proc. */
  peakRssMiB(): number | null;
  stop(): Promise<void>;
}

/** Start `tap-bookings sandbox` as its own process; resolves once it listens and has written the tap config. */
export function startSandbox(opts: SandboxOptions): Promise<RunningSandbox> {
  const configPath = join(opts.dir, `sandbox-${opts.records}-${opts.latencyMs}ms.json`);
  const args = [
    opts.bin, 'sandbox', '--port', '0', '--records', String(opts.records), '--seed', String(opts.seed),
    '--latency-ms', String(opts.latencyMs), '--booking-types', opts.bookingTypes.join(','), '--config-out', configPath,
    ...(opts.extraArgs ?? []),
  ];
  const started = process.hrtime.bigint();
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolvePromise, reject) => {
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sandbox did not start within 60 s:\n${stderr}`));
    }, 60_000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`sandbox exited ${code ?? signal} before listening:\n${stderr}`));
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      const m = /sandbox listening on (\S+)/.exec(stderr);
      if (!m) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.stderr!.removeAllListeners('data');
      child.stderr!.resume();
      const config = JSON.parse(readFileSync(configPath, 'utf8')) as RunningSandbox['config'];
      const url = m[1]!;
      resolvePromise({
        url,
        config,
        configPath,
        pid: child.pid!,
        startS: Number(process.hrtime.bigint() - started) / 1e9,
        stats: async () => (await (await fetch(`${url}/__admin/stats`)).json()) as SandboxStats,
        peakRssMiB: () => {
          try {
            const m2 = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
            return m2 ? Number(m2[1]) / 1024 : null;
          } catch {
            return null;
          }
        },
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
            child.once('exit', () => {
              clearTimeout(kill);
              done();
            });
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

/** The difference of two sandbox stats snapshots: what one tool's run cost the API. */
export function statsDelta(before: SandboxStats, after: SandboxStats): { apiRequests: number; pagesServed: number; tokenRequests: number; non200: number } {
  const non200 = (s: SandboxStats) => Object.entries(s.byStatus).filter(([k]) => k !== '200').reduce((a, [, n]) => a + n, 0);
  return {
    apiRequests: after.apiRequests - before.apiRequests,
    pagesServed: after.pagesServed - before.pagesServed,
    tokenRequests: after.tokenRequests - before.tokenRequests,
    non200: non200(after) - non200(before),
  };
}
