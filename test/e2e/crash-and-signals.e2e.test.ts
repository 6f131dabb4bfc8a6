import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import split2 from 'split2';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { systemClock, type Clock } from '../../src/util/clock.js';
import { BIN, lastStateInput, mergeByUuid, recordsOf, runCli, tempDir, writeJson } from '../support/cli.js';
import { expectGroundTruth, truthOf } from '../support/ground-truth.js';
import { singerSyncInProcess } from '../support/in-process.js';

/**
 * Crash safety over real processes: kill -9 at random points and resume from the last STATE written,
 * SIGTERM/SIGINT, a reader that goes away (EPIPE) and a reader that is slow.
 */
describe('crash safety', () => {
  let sandbox: Sandbox;
  let dir: string;
  /** While `held`, the sandbox answers nothing more: every response it owes waits for good. */
  let held = false;
  const clock: Clock = { now: systemClock.now, sleep: (ms, signal) => (held ? new Promise(() => {}) : systemClock.sleep(ms, signal)) };
  beforeEach(async () => {
    held = false;
    sandbox = await startSandbox({ records: 1000, seed: 5, faults: { latencyMs: 5 }, clock });
    dir = tempDir();
  });
  afterEach(() => sandbox.stop());

  const config = (o: Record<string, unknown> = {}) => writeJson(dir, `c-${Math.random()}.json`, sandbox.tapConfig({ backoff_factor: 0.01, ...o }));

  it('loses nothing across repeated kill -9 and resume, and re-delivers a bounded number of records', async () => {
    const truth = mergeByUuid(sandbox.store.groundTruth().filter((r) => r.bookingType === 'FLIGHT' || r.bookingType === 'HOTEL'));
    const seen = new Map<string, number>();
    let state: unknown;
    const kills: number[] = [];
    let seed = 12345;
    const nextRandom = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let attempt = 0; attempt < 6; attempt++) {
      // Kills after 70 to 174 records, well short of the about 860 flights and hotels in all: each run is killed mid-sync.
      const killAfter = attempt < 5 ? Math.floor(25 + nextRandom() * 150) : Infinity;
      let records = 0;
      const run = await runCli(['--config', config(), ...(state === undefined ? [] : ['--state', writeJson(dir, `s${attempt}.json`, state)])], {
        onMessage: (m, kill) => {
          if (m.type === 'RECORD' && ++records === killAfter) kill('SIGKILL');
        },
      });
      for (const r of recordsOf(run.messages)) seen.set(String(r.uuid), (seen.get(String(r.uuid)) ?? 0) + 1);
      state = lastStateInput(run.messages) ?? state;
      if (killAfter !== Infinity) {
        expect(run.signal).toBe('SIGKILL');
        kills.push(killAfter);
      } else expect(run.code).toBe(0);
    }
    const missing = [...truth.keys()].filter((u) => !seen.has(u));
    expect(missing).toEqual([]);
    const redelivered = [...seen.values()].reduce((a, n) => a + n - 1, 0);
    // Per kill, at most the records written after the last STATE: one page per booking type (50 × 2),
    // plus the records sharing a bookmark's lastModified.
    expect(redelivered).toBeLessThanOrEqual(kills.length * (2 * 50 + 4));
  });

  it.each([['SIGTERM', 143], ['SIGINT', 130]] as const)('on %s stops fetching, writes what it has and a final STATE, and exits %i', async (signal, code) => {
    sandbox.faults.update({ latencyMs: 40 });
    let records = 0;
    const run = await runCli(['--config', config()], {
      onMessage: (m, kill) => {
        if (m.type === 'RECORD' && ++records === 120) {
          // From here on the sandbox answers nothing: the tap exits only if it stops waiting for its requests.
          held = true;
          kill(signal);
        }
      },
    });
    held = false;
    expect(run.code).toBe(code);
    expect(run.messages.at(-1)?.type).toBe('STATE');
    expect(run.stderr).toMatch(new RegExp(`${signal} received: stopping`));
    expect(run.stderr).not.toMatch(/\n\s+at /);
    // The last state is a sound place to resume from (the resumed sync is the engine's work: in process).
    sandbox.faults.update({ latencyMs: 0 });
    const rerun = await singerSyncInProcess(sandbox.tapConfig({ backoff_factor: 0.01 }), lastStateInput(run.messages));
    expect(rerun.error).toBeUndefined();
    expectGroundTruth(mergeByUuid(recordsOf(rerun.messages), mergeByUuid(recordsOf(run.messages))), truthOf(sandbox));
  });

  it('exits promptly with a clear message when the reader closes stdout', async () => {
    const child = spawn(process.execPath, [BIN, '--config', config()], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    let lines = 0;
    child.stdout.pipe(split2()).on('data', () => {
      if (++lines === 10) child.stdout.destroy();
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(code).toBe(1);
    expect(stderr).toMatch(/tap-bookings: stdout was closed by the program reading it/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('waits for a slow reader: it stops asking for pages while its output is blocked, then delivers everything', async () => {
    // Pages of 5: about 170 of them, far more than the pipe, the tap's output buffer and its read-ahead hold.
    const child = spawn(process.execPath, [BIN, '--config', config({ max_concurrency: 8, page_size: 5 })], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pause();
    const pages = Math.ceil(sandbox.store.groundTruth('FLIGHT').length / 5) + Math.ceil(sandbox.store.groundTruth('HOTEL').length / 5);
    // The tap has stopped when the API sees no new request for 20 checks in a row (a slow machine only makes the
    // count smaller, never larger: what fails is a tap that reads on regardless of its reader).
    let requests = -1;
    for (let still = 0, checks = 0; still < 20 && checks < 600; checks++) {
      await new Promise((r) => setTimeout(r, 50));
      const now = sandbox.stats().apiRequests;
      still = now === requests && now > 0 ? still + 1 : 0;
      requests = now;
    }
    const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
    try {
      expect(requests).toBeGreaterThan(0);
      expect(requests).toBeLessThan(pages / 2);
      expect(rss).toBeLessThan(150);
    } catch (failed) {
      child.kill('SIGKILL'); // its reader is paused: left alone, it would never end
      throw failed;
    }
    let count = 0;
    child.stdout.pipe(split2()).on('data', (line: string) => {
      if (line.startsWith('{"type":"RECORD"')) count++;
    });
    child.stdout.resume();
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(code).toBe(0);
    expect(count).toBe(sandbox.store.groundTruth('FLIGHT').length + sandbox.store.groundTruth('HOTEL').length);
  });
});
