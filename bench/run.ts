/**
 * `npm run bench`: tap-bookings against the sandbox API next to the tools it is an alternative to, each at its
 * defaults and at its best documented concurrency, in interleaved rounds; the load into PostgreSQL through
 * target-postgres; memory at 10k and 1M records; CPU per record against a floor. See BENCHMARKS.md.
 *
 *   npm run bench                      # the full run (~35 minutes on 2 cores)
 *   npm run bench -- --smoke           # about a minute: 1,000 records, 5 ms latency, one round; checks counts only (or BENCH_SMOKE=1)
 *
 * Options: --records N (main scenario, default 20000), --latency-ms L (50), --page-size P (50), --rounds R (3; smoke 1),
 * --max-concurrency C (the tap's; default: the tap's own default), --memory-records A,B (10000,1000000),
 * --tools ID,... (see TOOLS below; default: all of DEFAULT_TOOLS), --skip-memory, --skip-floor,
 * --require-peers (a missing venv or PostgreSQL fails the run), --venvs DIR (default .venv),
 * --airbyte-concurrency N (16) and --airbyte-step P30D (the tuned manifest), --tap-node-flags "FLAGS",
 * --profile (one extra, unmeasured tap run under `node --cpu-prof`), --out DIR,
 * --baseline PATH (another build's bin/tap-bookings.js, run as tool `tap-baseline` in the same rounds and memory runs;
 * add it to --tools, e.g. --tools tap,tap-baseline,dlt,airbyte).
 *
 * Exit status: 0 when every tool that ran delivered the expected records in every round; 1 when a count is wrong or a
 * tool failed (or a peer is missing with --require-peers). Performance goals are reported, never the exit status.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { haveGnuTime, measure, measurePipe, type Command, type Measured } from './lib/measure.js';
import { machineInfo, venvInfo } from './lib/machine.js';
import { findPostgres, pgReachable, sql, targetConfig, type Pg } from './lib/postgres.js';
import { summariseProfile, type ProfileSummary } from './lib/profile.js';
import { startSandbox, statsDelta, type RunningSandbox } from './lib/sandbox.js';
import { defaultMaxConcurrency } from './lib/tap-defaults.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'tap-bookings.js');
const PEERS = join(ROOT, 'bench', 'peers');
const SCHEMA = join(ROOT, 'src', 'schema', 'bookings.schema.json');
const BOOKING_TYPES = ['FLIGHT', 'HOTEL'];
const SEED = 42;

// ---------------------------------------------------------------- options

function flag(name: string): boolean {
  return process.argv.includes(`--${name}`);
}
function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0) return process.argv[i + 1];
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  return eq?.slice(name.length + 3);
}
function num(name: string, fallback: number): number {
  const v = option(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number, got ${v}`);
  return n;
}

const SMOKE = flag('smoke') || ['1', 'true', 'yes'].includes((process.env.BENCH_SMOKE ?? '').toLowerCase());
/** The tools of a run, in the order each round runs them. */
const DEFAULT_TOOLS = [
  'tap', 'tap-hash', 'tap-mc1', 'minimal', 'dlt', 'dlt-par', 'airbyte', 'airbyte-conc', 'sdk',
  'dlt-duckdb', 'dlt-duckdb-par',
  'pipe-tap', 'pipe-sdk', 'pipe-tap-fast', 'pipe-sdk-fast', 'pipe-sdkbatch-fast',
];
const OPTS = {
  smoke: SMOKE,
  records: num('records', SMOKE ? 1000 : 20_000),
  latencyMs: num('latency-ms', SMOKE ? 5 : 50),
  pageSize: num('page-size', 50),
  rounds: num('rounds', SMOKE ? 1 : 3),
  maxConcurrency: option('max-concurrency') === undefined ? undefined : num('max-concurrency', defaultMaxConcurrency()),
  memoryRecords: (option('memory-records') ?? (SMOKE ? '1000' : '10000,1000000')).split(',').filter(Boolean).map(Number),
  tools: (option('tools') ?? DEFAULT_TOOLS.join(',')).split(',').map((s) => s.trim()).filter(Boolean),
  skipMemory: flag('skip-memory'),
  skipFloor: flag('skip-floor'),
  requirePeers: flag('require-peers'),
  profile: flag('profile'),
  out: resolve(option('out') ?? join(ROOT, 'bench', 'results')),
  venvs: resolve(option('venvs') ?? join(ROOT, '.venv')),
  airbyteConcurrency: num('airbyte-concurrency', 16),
  airbyteStep: option('airbyte-step') ?? 'P30D',
  baseline: option('baseline') === undefined ? undefined : resolve(option('baseline')!),
  /** Node flags for tap-bookings' runs only, e.g. "--max-semi-space-size=1" (an experiment; the report says so). */
  tapNodeFlags: (option('tap-node-flags') ?? '').split(' ').filter(Boolean),
  timeoutMs: SMOKE ? 180_000 : 30 * 60_000,
};
const TAP_MC = OPTS.maxConcurrency ?? defaultMaxConcurrency();

// ---------------------------------------------------------------- results

type Status = 'ok' | 'failed' | 'missing' | 'skipped';
/** extract: records to stdout, counted by the bench (the same sink for every tool); load: into a local database; pipeline: into PostgreSQL. */
type Group = 'extract' | 'load' | 'pipeline';

/** One measured run of one tool. */
interface Run {
  round: number;
  status: Status;
  records: number | null;
  wallS: number | null;
  recordsPerS: number | null;
  cpuS: number | null;
  peakRssMiB: number | null;
  /** 1-, 5- and 15-minute load averages just before the tool started and just after it ended. */
  loadStart: number[];
  loadEnd: number[];
  api?: ReturnType<typeof statsDelta>;
  detail?: Record<string, unknown>;
  note?: string;
}

/** A tool in a scenario: its runs and their medians. */
interface Row {
  scenario: string;
  id: string;
  tool: string;
  settings: string;
  group: Group;
  /** tap-bookings itself, a peer it is compared with, or the minimal reference loop (bench/minimal-tap.ts). */
  kind: 'tap' | 'peer' | 'reference';
  status: Status;
  expected: number;
  runs: Run[];
  records: number | null;
  wallS: number | null;
  recordsPerS: number | null;
  minRecordsPerS: number | null;
  maxRecordsPerS: number | null;
  cpuS: number | null;
  cpuPerRecordUs: number | null;
  peakRssMiB: number | null;
  /** Lowest and highest 1-minute load average seen at the start or end of this row's runs. */
  load: [number, number] | null;
  /** tap-bookings' (default) median records/s ÷ this row's. */
  tapSpeedup: number | null;
  /** tap-bookings' at max_concurrency 1 ÷ this row's. */
  tap1Speedup: number | null;
  /** This row's CPU per record ÷ tap-bookings' (default) CPU per record. */
  cpuVsTap: number | null;
  note?: string;
}

const stamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
const baseName = `${SMOKE ? 'smoke-' : ''}${stamp}`;
const rows: Row[] = [];
const report: Record<string, unknown> = {
  kind: SMOKE ? 'smoke' : 'full',
  startedAt: new Date().toISOString(),
  options: { ...OPTS, out: undefined },
  loadAtStart: loadavg(),
  rows,
};

function log(msg: string): void {
  process.stderr.write(`[bench] ${msg}\n`);
}

function saveProgress(): void {
  mkdirSync(OPTS.out, { recursive: true });
  writeFileSync(join(OPTS.out, `${baseName}.json.tmp`), `${JSON.stringify(report, null, 2)}\n`);
}

const load = (): number[] => loadavg().map((x) => Math.round(x * 100) / 100);

function runFrom(round: number, expected: number, m: { code: number | null; signal: NodeJS.Signals | null; timedOut: boolean; wallS: number; cpuS: number | null; peakRssMiB: number | null; stderrTail: string }, records: number | null, loadStart: number[], extra: Partial<Run> = {}): Run {
  const problems: string[] = [];
  if (m.timedOut) problems.push(`timed out after ${OPTS.timeoutMs / 1000} s`);
  else if (m.code !== 0 || m.signal) problems.push(`exited ${m.code ?? m.signal}`);
  if (records !== expected) problems.push(`delivered ${records ?? 'no'} records, expected ${expected}`);
  return {
    round,
    status: problems.length ? 'failed' : 'ok',
    records,
    wallS: m.wallS,
    recordsPerS: records !== null && m.wallS > 0 ? records / m.wallS : null,
    cpuS: m.cpuS,
    peakRssMiB: m.peakRssMiB,
    loadStart,
    loadEnd: load(),
    ...extra,
    note: [...problems, extra.note].filter(Boolean).join('; ') || undefined,
    ...(problems.length ? { detail: { ...(extra.detail ?? {}), stderrTail: m.stderrTail.slice(-2000) } } : {}),
  };
}

const cpuOf = (m: { cpuUserS: number | null; cpuSysS: number | null }): number | null => (m.cpuUserS !== null && m.cpuSysS !== null ? m.cpuUserS + m.cpuSysS : null);
const fromMeasured = (m: Measured) => ({ ...m, cpuS: cpuOf(m) });

// ---------------------------------------------------------------- tools

interface Ctx {
  round: number;
  sb: RunningSandbox;
  dir: string;
  expected: number;
  pg: Pg | null;
}

interface Tool {
  id: string;
  tool: string;
  settings: string;
  group: Group;
  kind: Row['kind'];
  /** What is missing to run it (a venv, PostgreSQL), or null. */
  missing(pg: Pg | null): string | null;
  run(ctx: Ctx): Promise<Run>;
}

function tapConfig(sb: RunningSandbox, dir: string, name: string, extra: Record<string, unknown> = {}): string {
  const cfg: Record<string, unknown> = { ...sb.config, page_size: OPTS.pageSize, ...extra };
  if (OPTS.maxConcurrency !== undefined && extra.max_concurrency === undefined) cfg.max_concurrency = OPTS.maxConcurrency;
  const path = join(dir, `${name}.json`);
  writeFileSync(path, `${JSON.stringify(cfg, null, 2)}\n`);
  return path;
}

/** A program whose stdout is the sink: RECORD lines counted by the bench, the bytes thrown away. */
async function runStdout(ctx: Ctx, name: string, cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  const before = await ctx.sb.stats();
  const loadStart = load();
  const m = await measure(cmd, args, { stdout: 'count', timeoutMs: OPTS.timeoutMs, ...opts });
  const api = statsDelta(before, await ctx.sb.stats());
  return runFrom(ctx.round, ctx.expected, fromMeasured(m), m.records, loadStart, { api, detail: { stdoutMB: m.stdoutBytes / 1e6, lines: m.lines, name } });
}

const venv = (name: string, bin: string) => join(OPTS.venvs, name, 'bin', bin);
const needVenv = (name: string, bin: string) => () => (existsSync(venv(name, bin)) ? null : `${join(OPTS.venvs, name)} not found: run scripts/interop-setup.sh python`);

function tapTool(id: string, settings: string, extra: Record<string, unknown>, bin = BIN, tool = 'tap-bookings'): Tool {
  return {
    id, tool, settings, group: 'extract', kind: 'tap', missing: () => (existsSync(bin) ? null : `${bin} not found`),
    run: (ctx) => runStdout(ctx, id, process.execPath, [...OPTS.tapNodeFlags, bin, '--config', tapConfig(ctx.sb, ctx.dir, `${id}-${ctx.round}`, extra)]),
  };
}

function dltArgs(ctx: Ctx, destination: string, parallelized: boolean, workdir: string): string[] {
  const c = ctx.sb.config;
  return [join(PEERS, 'dlt_bookings.py'), '--base-url', c.base_url, '--client-id', c.client_id, '--client-secret', c.client_secret,
    '--start-date', c.start_date, '--booking-types', BOOKING_TYPES.join(','), '--page-size', String(OPTS.pageSize),
    '--workdir', workdir, '--destination', destination, ...(parallelized ? ['--parallelized'] : [])];
}

function dltStdoutTool(id: string, parallelized: boolean): Tool {
  return {
    id, tool: 'dlt 1.31 rest_api_source', group: 'extract', kind: 'peer', missing: needVenv('dlt', 'python'),
    settings: parallelized ? '`parallelized=True` (both resources in dlt\'s extract thread pool)' : 'defaults (one thread, round robin)',
    run: async (ctx) => {
      const workdir = mkdtempSync(join(ctx.dir, `${id}-`));
      try {
        return await runStdout(ctx, id, venv('dlt', 'python'), dltArgs(ctx, 'stdout', parallelized, workdir));
      } finally {
        rmSync(workdir, { recursive: true, force: true });
      }
    },
  };
}

function dltLoadTool(id: string, destination: 'duckdb' | 'filesystem', parallelized: boolean): Tool {
  return {
    id, tool: destination === 'duckdb' ? 'dlt → duckdb (merge)' : 'dlt → filesystem jsonl', group: 'load', kind: 'peer', missing: needVenv('dlt', 'python'),
    settings: parallelized ? '`parallelized=True`' : 'defaults',
    run: async (ctx) => {
      const workdir = mkdtempSync(join(ctx.dir, `${id}-`));
      const before = await ctx.sb.stats();
      const loadStart = load();
      const m = await measure(venv('dlt', 'python'), dltArgs(ctx, destination, parallelized, workdir), { stdout: 'collect', timeoutMs: OPTS.timeoutMs });
      const api = statsDelta(before, await ctx.sb.stats());
      rmSync(workdir, { recursive: true, force: true });
      let summary: Record<string, unknown> = {};
      try {
        summary = JSON.parse(m.stdout?.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
      } catch {
        /* reported as a count failure */
      }
      const run = runFrom(ctx.round, ctx.expected, fromMeasured(m), typeof summary.rows === 'number' ? summary.rows : null, loadStart, { api, detail: summary });
      if (run.status === 'ok' && summary.distinct_uuids != null && summary.distinct_uuids !== ctx.expected) {
        run.status = 'failed';
        run.note = `table has ${String(summary.distinct_uuids)} distinct uuids, expected ${ctx.expected}`;
      }
      return run;
    },
  };
}

/** The Airbyte manifest with the CDK's documented concurrency: `concurrency_level`, and a cursor `step` so that each booking type is cut into time slices read in parallel. */
function concurrentManifest(dir: string): string {
  const manifest = yaml.load(readFileSync(join(PEERS, 'airbyte', 'manifest.yaml'), 'utf8')) as Record<string, any>;
  manifest.concurrency_level = { type: 'ConcurrencyLevel', default_concurrency: OPTS.airbyteConcurrency, max_concurrency: OPTS.airbyteConcurrency };
  const cursor = manifest.streams[0].incremental_sync as Record<string, unknown>;
  // Slices [start, start + step - granularity]; the API's updatedTo is exclusive and lastModified has milliseconds, so
  // the slice bounds are sent with microseconds: nothing falls between one slice's end and the next one's start.
  Object.assign(cursor, { step: OPTS.airbyteStep, cursor_granularity: 'PT0.000001S', datetime_format: '%Y-%m-%dT%H:%M:%S.%fZ' });
  const path = join(dir, 'manifest-concurrent.yaml');
  writeFileSync(path, yaml.dump(manifest));
  return path;
}

function airbyteTool(id: string, concurrent: boolean): Tool {
  return {
    id, tool: 'airbyte-cdk 7.39 low-code manifest', group: 'extract', kind: 'peer', missing: needVenv('airbyte-cdk', 'source-declarative-manifest'),
    settings: concurrent ? `\`concurrency_level\` ${OPTS.airbyteConcurrency}, cursor \`step\` ${OPTS.airbyteStep}` : 'defaults (2 workers, one slice per booking type)',
    run: async (ctx) => {
      const cfgPath = join(ctx.dir, `${id}-${ctx.round}.json`);
      const c = ctx.sb.config;
      writeFileSync(cfgPath, JSON.stringify({ base_url: c.base_url, client_id: c.client_id, client_secret: c.client_secret, start_date: c.start_date.replace(/\.\d+Z$/, 'Z') }));
      const manifest = concurrent ? concurrentManifest(ctx.dir) : join(PEERS, 'airbyte', 'manifest.yaml');
      // cwd: the CDK's own cwd-relative lookups (e.g. a local manifest.yaml) must not find ours by accident
      return runStdout(ctx, id, venv('airbyte-cdk', 'source-declarative-manifest'),
        ['read', '--config', cfgPath, '--catalog', join(PEERS, 'airbyte', 'configured_catalog.json'), '--manifest-path', manifest], { cwd: ctx.dir });
    },
  };
}

function sdkConfig(ctx: Ctx, name: string, batchDir?: string): string {
  const c = ctx.sb.config;
  const cfg: Record<string, unknown> = {
    base_url: c.base_url, client_id: c.client_id, client_secret: c.client_secret, start_date: c.start_date,
    booking_types: BOOKING_TYPES, page_size: OPTS.pageSize, schema_path: SCHEMA,
  };
  // The Singer SDK's BATCH messages: jsonl.gz files of 10,000 records (its default batch_size) and a BATCH message each.
  if (batchDir) cfg.batch_config = { encoding: { format: 'jsonl', compression: 'gzip' }, storage: { root: `file://${batchDir}`, prefix: 'batch-' } };
  const path = join(ctx.dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(cfg));
  return path;
}

const SDK = 'Singer SDK 0.54.9 REST tap';
const sdkTool: Tool = {
  id: 'sdk', tool: SDK, settings: 'defaults (partitions one after the other; the SDK has no concurrency setting)', group: 'extract', kind: 'peer',
  missing: needVenv('tap-bookings-sdk', 'tap-bookings-sdk'),
  run: (ctx) => runStdout(ctx, 'sdk', venv('tap-bookings-sdk', 'tap-bookings-sdk'), ['--config', sdkConfig(ctx, `sdk-${ctx.round}`)]),
};

const minimalTool: Tool = {
  id: 'minimal', tool: 'reference: minimal Node loop', settings: `node:http, ${TAP_MC} in flight`, group: 'extract', kind: 'reference', missing: () => null,
  run: (ctx) => runStdout(ctx, 'minimal', process.execPath, [join(ROOT, 'bench', 'dist', 'minimal-tap.js'), '--config', tapConfig(ctx.sb, ctx.dir, `minimal-${ctx.round}`)]),
};

/** target-postgres settings the pipeline rows try (all documented in its `--about`). */
const TARGET_SETTINGS: Record<string, { label: string; settings: Record<string, unknown> }> = {
  defaults: { label: 'target defaults', settings: {} },
  novalidate: { label: '`validate_records: false`', settings: { validate_records: false } },
  copy: { label: '`use_copy: true`', settings: { use_copy: true } },
  big: { label: '`batch_size_rows: 100000`', settings: { batch_size_rows: 100_000 } },
  nometa: { label: '`add_record_metadata: false`, `activate_version: false`', settings: { add_record_metadata: false, activate_version: false } },
  fast: { label: '`validate_records: false`, `use_copy: true`', settings: { validate_records: false, use_copy: true } },
};

type PipeSource = 'tap' | 'sdk' | 'sdkbatch';
const PIPE_SOURCES: Record<PipeSource, string> = { tap: 'tap-bookings', sdk: SDK, sdkbatch: `${SDK}, BATCH (jsonl.gz)` };

function pipeTool(source: PipeSource, variant: string): Tool {
  const id = `pipe-${source}${variant === 'defaults' ? '' : `-${variant}`}`;
  const ts = TARGET_SETTINGS[variant]!;
  return {
    id, tool: `${PIPE_SOURCES[source]} | target-postgres 0.8.1`, settings: ts.label, group: 'pipeline', kind: source === 'tap' ? 'tap' : 'peer',
    missing: (pg) => {
      const v = source === 'tap' ? null : needVenv('tap-bookings-sdk', 'tap-bookings-sdk')();
      if (v) return v;
      if (!existsSync(venv('target-postgres', 'target-postgres'))) return `${join(OPTS.venvs, 'target-postgres')} not found: run scripts/interop-setup.sh python`;
      return pg && pgReachable(pg) ? null : 'no PostgreSQL: run scripts/interop-setup.sh (or set PGHOST and friends)';
    },
    run: async (ctx) => {
      const pg = ctx.pg!;
      const schema = `bench_${process.pid}_${id.replace(/-/g, '_')}`;
      sql(pg, `drop schema if exists "${schema}" cascade`);
      const tcfg = join(ctx.dir, `${id}-${ctx.round}-target.json`);
      writeFileSync(tcfg, JSON.stringify(targetConfig(pg, schema, ts.settings)));
      const batchDir = source === 'sdkbatch' ? mkdtempSync(join(ctx.dir, 'batches-')) : undefined;
      const src: Command = source === 'tap'
        ? { cmd: process.execPath, args: [...OPTS.tapNodeFlags, BIN, '--config', tapConfig(ctx.sb, ctx.dir, `${id}-${ctx.round}`)] }
        : { cmd: venv('tap-bookings-sdk', 'tap-bookings-sdk'), args: ['--config', sdkConfig(ctx, `${id}-${ctx.round}`, batchDir)] };
      const before = await ctx.sb.stats();
      const loadStart = load();
      const m = await measurePipe(src, { cmd: venv('target-postgres', 'target-postgres'), args: ['--config', tcfg] }, OPTS.timeoutMs);
      const api = statsDelta(before, await ctx.sb.stats());
      let rowsLoaded: number | null = null;
      let distinct: number | null = null;
      try {
        [rowsLoaded, distinct] = sql(pg, `select count(*), count(distinct uuid) from "${schema}".bookings`).split('|').map(Number) as [number, number];
      } catch {
        /* no table: a count failure below */
      }
      sql(pg, `drop schema if exists "${schema}" cascade`);
      if (batchDir) rmSync(batchDir, { recursive: true, force: true });
      const failed = m.source.code !== 0 || m.source.signal ? m.source : m.target;
      const cpu = [cpuOf(m.source), cpuOf(m.target)];
      const run = runFrom(ctx.round, ctx.expected, {
        code: failed.code, signal: failed.signal, timedOut: m.timedOut, wallS: m.wallS,
        cpuS: cpu.every((c) => c !== null) ? cpu[0]! + cpu[1]! : null,
        peakRssMiB: m.source.peakRssMiB !== null && m.target.peakRssMiB !== null ? m.source.peakRssMiB + m.target.peakRssMiB : null,
        stderrTail: `${m.source.stderrTail}\n--- target ---\n${m.target.stderrTail}`,
      }, rowsLoaded, loadStart, {
        api,
        detail: {
          distinctUuids: distinct, targetSettings: ts.settings,
          source: { cpuS: cpu[0], peakRssMiB: m.source.peakRssMiB }, target: { cpuS: cpu[1], peakRssMiB: m.target.peakRssMiB },
        },
      });
      if (run.status === 'ok' && distinct !== ctx.expected) {
        run.status = 'failed';
        run.note = `table has ${distinct} distinct uuids, expected ${ctx.expected}`;
      }
      return run;
    },
  };
}

/** The tap-hash row's settings: the traveller fields the README's "Personal data" section names. */
const HASHED_PATHS = ['booker.name', 'booker.email', 'passengers[].person.name', 'passengers[].person.email', 'approverEmail', 'nameOnCreditCard', 'seats[]', 'etickets[]'];
const DROPPED_PATHS = ['passengers[].person.passport'];

const TOOLS: Tool[] = [
  tapTool('tap', `defaults (\`max_concurrency\` ${TAP_MC})`, {}),
  tapTool('tap-mc1', '`max_concurrency: 1`', { max_concurrency: 1 }),
  // Personal data hashed and dropped inside the tap (issue 16): the goal is ≥ 90 % of the `tap` row's records/s.
  tapTool('tap-hash', `\`hash_properties\` (${HASHED_PATHS.length} paths), \`drop_properties\` (${DROPPED_PATHS.length})`, { hash_properties: HASHED_PATHS, hash_key: 'bench-hash-key-0123456789', drop_properties: DROPPED_PATHS }),
  // Another build of tap-bookings (--baseline path/to/bin/tap-bookings.js), in the same rounds: before/after comparisons.
  ...(OPTS.baseline ? [tapTool('tap-baseline', `defaults, build at ${OPTS.baseline}`, {}, OPTS.baseline, 'tap-bookings (baseline)')] : []),
  minimalTool,
  dltStdoutTool('dlt', false),
  dltStdoutTool('dlt-par', true),
  airbyteTool('airbyte', false),
  airbyteTool('airbyte-conc', true),
  sdkTool,
  dltLoadTool('dlt-duckdb', 'duckdb', false),
  dltLoadTool('dlt-duckdb-par', 'duckdb', true),
  dltLoadTool('dlt-fs', 'filesystem', false),
  ...(['tap', 'sdk', 'sdkbatch'] as PipeSource[]).flatMap((s) => Object.keys(TARGET_SETTINGS).map((v) => pipeTool(s, v))),
];

/** The CPU floor (bench/floor.ts); with 0 passes it only reads every page once, which warms the sandbox up. */
async function runFloor(sb: RunningSandbox, dir: string, passes: number): Promise<Record<string, unknown> | null> {
  const cfgPath = tapConfig(sb, dir, 'floor');
  log(passes ? 'floor: fetching every page once, then JSON.parse + JSON.stringify per record' : 'warm-up: fetching every page once');
  const m = await measure(process.execPath, [join(ROOT, 'bench', 'dist', 'floor.js'), '--config', cfgPath, '--passes', String(passes)], { stdout: 'collect', timeoutMs: OPTS.timeoutMs });
  if (m.code !== 0) {
    log(`floor failed: ${m.stderrTail}`);
    return null;
  }
  return JSON.parse(m.stdout!.trim()) as Record<string, unknown>;
}

// ---------------------------------------------------------------- aggregation

function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function newRow(scenario: string, t: Pick<Tool, 'id' | 'tool' | 'settings' | 'group' | 'kind'>, expected: number): Row {
  return {
    scenario, id: t.id, tool: t.tool, settings: t.settings, group: t.group, kind: t.kind, status: 'ok', expected, runs: [], records: null, wallS: null,
    recordsPerS: null, minRecordsPerS: null, maxRecordsPerS: null, cpuS: null, cpuPerRecordUs: null, peakRssMiB: null, load: null,
    tapSpeedup: null, tap1Speedup: null, cpuVsTap: null,
  };
}

/** Medians over the runs that delivered the right count; a row fails if any run failed. */
function summarise(row: Row): void {
  const ok = row.runs.filter((r) => r.status === 'ok');
  const failed = row.runs.filter((r) => r.status === 'failed');
  row.status = row.runs.length === 0 ? row.status : failed.length ? 'failed' : ok.length ? 'ok' : row.runs[0]!.status;
  const pick = (f: (r: Run) => number | null) => ok.map(f).filter((v): v is number => v !== null);
  const rps = pick((r) => r.recordsPerS);
  row.records = ok[0]?.records ?? row.runs.find((r) => r.records !== null)?.records ?? null;
  row.wallS = median(pick((r) => r.wallS));
  row.recordsPerS = median(rps);
  row.minRecordsPerS = rps.length ? Math.min(...rps) : null;
  row.maxRecordsPerS = rps.length ? Math.max(...rps) : null;
  row.cpuS = median(pick((r) => r.cpuS));
  row.cpuPerRecordUs = row.cpuS !== null && row.records ? (row.cpuS / row.records) * 1e6 : null;
  row.peakRssMiB = median(pick((r) => r.peakRssMiB));
  const loads = row.runs.flatMap((r) => [r.loadStart[0], r.loadEnd[0]]).filter((v): v is number => v !== undefined);
  row.load = loads.length ? [Math.min(...loads), Math.max(...loads)] : null;
  row.note = [...new Set(row.runs.map((r) => r.note).filter(Boolean))].join('; ') || undefined;
}

// ---------------------------------------------------------------- output

const f = (v: number | null | undefined, digits = 1): string => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits));
const int = (v: number | null | undefined): string => (v === null || v === undefined ? '–' : Math.round(v).toLocaleString('en-US'));
/** A markdown table cell: a `|` (even in a code span) would end the cell. */
const cell = (s: string): string => s.replace(/\|/g, '\\|');
const x = (v: number | null | undefined): string => (v === null || v === undefined ? '–' : `${v.toFixed(2)}×`);

const GROUP_TITLE: Record<Group, string> = {
  extract: 'Extraction: records to stdout, counted by the bench (the same sink for every tool)',
  load: 'Load into a local database (dlt: extract + normalise + load; not comparable with the extraction rows)',
  pipeline: 'Pipeline into PostgreSQL: source | target-postgres through an OS pipe, rows counted in the table',
};

function table(): { text: string; markdown: string } {
  const head = ['scenario', 'tool', 'settings', 'status', 'runs', 'records', 'records/s median', 'min–max', 'wall s', 'CPU s', 'CPU µs/rec', 'peak RSS MB', 'load 1m', 'tap ÷ tool', 'tap@1 ÷ tool', 'CPU/rec ÷ tap'];
  const body = rows.map((r) => [
    r.scenario, r.tool, r.settings.replace(/`/g, ''), r.status, `${r.runs.filter((u) => u.status === 'ok').length}/${r.runs.length}`,
    r.records === null ? `– / ${int(r.expected)}` : r.records === r.expected ? int(r.records) : `${int(r.records)} ≠ ${int(r.expected)}`,
    int(r.recordsPerS), r.minRecordsPerS === null ? '–' : `${int(r.minRecordsPerS)}–${int(r.maxRecordsPerS)}`,
    f(r.wallS, 2), f(r.cpuS, 2), f(r.cpuPerRecordUs, 0), f(r.peakRssMiB), r.load ? `${f(r.load[0])}–${f(r.load[1])}` : '–',
    x(r.tapSpeedup), x(r.tap1Speedup), x(r.cpuVsTap),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i <= 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const text = [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
  const mdHead = head.slice(1);
  const md: string[] = [];
  for (const scenario of [...new Set(rows.map((r) => r.scenario))]) {
    for (const g of ['extract', 'load', 'pipeline'] as Group[]) {
      const idx = rows.map((r, i) => (r.scenario === scenario && r.group === g ? i : -1)).filter((i) => i >= 0);
      if (!idx.length) continue;
      md.push(`### ${scenario}: ${GROUP_TITLE[g]}`, '', `| ${mdHead.join(' | ')} |`, `|${mdHead.map((_, i) => (i <= 2 ? '---' : '---:')).join('|')}|`);
      for (const i of idx) md.push(`| ${cell(rows[i]!.tool)} | ${rows[i]!.settings} | ${body[i]!.slice(3).join(' | ')} |`);
      md.push('');
    }
  }
  return { text, markdown: md.join('\n') };
}

interface Goal {
  goal: string;
  status: 'met' | 'NOT MET' | 'n/a';
  detail: string;
}

function markdownReport(goals: Goal[], t: { markdown: string }, profile: ProfileSummary | null): string {
  const mi = report.machine as ReturnType<typeof machineInfo>;
  const tools = report.tools as Record<string, unknown>;
  const floor = report.floor as { records: number; pages: number; bytes: number; coldCpuPerRecordS: number; bestCpuPerRecordS: number } | undefined;
  const la = (v: unknown) => (Array.isArray(v) ? (v as number[]).map((n) => n.toFixed(2)).join(', ') : '?');
  const lines = [
    `# tap-bookings benchmark ${SMOKE ? '(smoke) ' : ''}${report.startedAt as string}`,
    '',
    `Machine: ${mi.cpuModel}, ${mi.cores} cores, ${mi.memoryGiB} GiB, Linux ${mi.kernel}; Node ${mi.node}; ` +
      `tap-bookings ${mi.tapBookings.version} (${mi.tapBookings.commit ?? '?'}${mi.tapBookings.dirty ? ', uncommitted changes' : ''}); ` +
      `CPU and peak RSS by ${mi.gnuTime ? 'GNU time (wait4 rusage)' : '/proc polling every 50 ms'}. ` +
      `Load average (1, 5, 15 min) at the start: ${la(report.loadAtStart)}; at the end: ${la(report.loadAtEnd)}.`,
    '',
    `Tools: ${Object.entries(tools).map(([k, v]) => `${k}: ${v ? JSON.stringify(v) : 'missing'}`).join('; ')}`,
    '',
    `Main scenario: ${int(OPTS.records)} records (${BOOKING_TYPES.join(' + ')}), ${OPTS.latencyMs} ms latency per request, page size ${OPTS.pageSize}, ` +
      `${OPTS.rounds} interleaved round(s) (every tool once per round, in the order of the table in odd rounds and in reverse in even ones); medians over the rounds, min–max of records/s, ` +
      `the 1-minute load average's lowest and highest value at the start and end of the row's runs. ` +
      `tap max_concurrency ${OPTS.maxConcurrency ?? `default (${defaultMaxConcurrency()})`}${OPTS.tapNodeFlags.length ? `, tap run with node ${OPTS.tapNodeFlags.join(' ')}` : ''}. ` +
      `Memory scenario: ${OPTS.memoryRecords.map(int).join(' and ')} records, no latency, one run each.`,
    '',
    'Ratios: **tap ÷ tool** = tap-bookings\' median records/s at its defaults ÷ the row\'s (16 requests in flight against the tool\'s own); ' +
      '**tap@1 ÷ tool** = tap-bookings\' at `max_concurrency: 1` ÷ the row\'s (one request in flight: what is left when concurrency is taken away); ' +
      '**CPU/rec ÷ tap** = the row\'s CPU seconds per record ÷ tap-bookings\' (defaults) in the same group (for pipelines: ÷ `tap-bookings | target-postgres` at the same target settings). ' +
      'Pipeline rows: CPU and peak RSS are source + target.',
    '',
    t.markdown,
    '## Goals',
    '',
    '| goal | status | figures |',
    '|---|---|---|',
    ...goals.map((g) => `| ${cell(g.goal)} | ${g.status} | ${cell(g.detail)} |`),
    '',
  ];
  if (floor?.records) {
    lines.push(
      '## CPU floor',
      '',
      `${int(floor.records)} records in ${int(floor.pages)} pages (${f(floor.bytes / 1e6)} MB of JSON), parsed per page and stringified per record: ` +
        `${f(floor.coldCpuPerRecordS * 1e6, 1)} µs/record on the first (cold) pass, ${f(floor.bestCpuPerRecordS * 1e6, 1)} µs/record on the fastest of 3 (the floor used below).`,
      '',
      '| run | CPU µs/record | × floor |',
      '|---|---:|---:|',
    );
    const ratios = (report.cpuRatios ?? {}) as Record<string, { usPerRecord?: number; vsBestFloor?: number | null }>;
    for (const [k, v] of Object.entries(ratios)) if (k !== 'marginal') lines.push(`| ${k} (start-up included) | ${f(v.usPerRecord)} | ${f(v.vsBestFloor ?? null, 2)} |`);
    const mg = ratios.marginal as { tapUsPerRecord?: number | null; referenceUsPerRecord?: number | null } | undefined;
    if (mg?.tapUsPerRecord) lines.push(`| tap-bookings, marginal between the memory runs | ${f(mg.tapUsPerRecord)} | ${f(mg.tapUsPerRecord / (floor.bestCpuPerRecordS * 1e6), 2)} |`);
    if (mg?.referenceUsPerRecord) lines.push(`| reference loop, marginal between the memory runs | ${f(mg.referenceUsPerRecord)} | ${f(mg.referenceUsPerRecord / (floor.bestCpuPerRecordS * 1e6), 2)} |`);
    lines.push('');
  }
  lines.push('## Every run', '', '| scenario | tool | settings | round | status | records/s | wall s | CPU s | peak RSS MB | load at start | load at end | API requests | tokens |', '|---|---|---|---:|---|---:|---:|---:|---:|---|---|---:|---:|');
  for (const r of rows) {
    for (const u of r.runs) {
      lines.push(`| ${r.scenario} | ${cell(r.tool)} | ${r.settings} | ${u.round} | ${u.status} | ${int(u.recordsPerS)} | ${f(u.wallS, 2)} | ${f(u.cpuS, 2)} | ${f(u.peakRssMiB)} | ${la(u.loadStart)} | ${la(u.loadEnd)} | ${u.api?.apiRequests ?? '–'} | ${u.api?.tokenRequests ?? '–'} |`);
    }
  }
  const pipes = rows.filter((r) => r.group === 'pipeline' && r.status === 'ok');
  if (pipes.length) {
    lines.push('', '## Pipelines: source and target separately (medians)', '', '| tool | settings | source CPU s | target CPU s | source peak RSS MB | target peak RSS MB |', '|---|---|---:|---:|---:|---:|');
    for (const r of pipes) {
      const ok = r.runs.filter((u) => u.status === 'ok');
      const part = (side: 'source' | 'target', k: 'cpuS' | 'peakRssMiB') => median(ok.map((u) => ((u.detail?.[side] as Record<string, number | null>)?.[k]) ?? null).filter((v): v is number => v !== null));
      lines.push(`| ${cell(r.tool)} | ${r.settings} | ${f(part('source', 'cpuS'), 2)} | ${f(part('target', 'cpuS'), 2)} | ${f(part('source', 'peakRssMiB'))} | ${f(part('target', 'peakRssMiB'))} |`);
    }
  }
  const dltRows = rows.filter((r) => r.group === 'load' && r.runs.some((u) => u.detail?.steps_s));
  if (dltRows.length) {
    lines.push('', '## dlt steps (each run)', '', '| tool | settings | round | import s | extract s | normalize s | load s |', '|---|---|---:|---:|---:|---:|---:|');
    for (const r of dltRows) {
      for (const u of r.runs) {
        const s = u.detail?.steps_s as Record<string, number> | undefined;
        if (s) lines.push(`| ${cell(r.tool)} | ${r.settings} | ${u.round} | ${u.detail!.import_s as number} | ${s.extract} | ${s.normalize} | ${s.load} |`);
      }
    }
  }
  if (profile) {
    lines.push('', `## Where tap-bookings spends CPU (node --cpu-prof, main scenario, ${profile.totalMs} ms sampled)`, '', '| place | self ms | share |', '|---|---:|---:|');
    for (const p of profile.places.slice(0, 15)) lines.push(`| ${p.place} | ${p.selfMs} | ${p.share} % |`);
    lines.push('', '| function | where | self ms | share |', '|---|---|---:|---:|');
    for (const fn of profile.functions.slice(0, 20)) lines.push(`| ${fn.name} | ${fn.where} | ${fn.selfMs} | ${fn.share} % |`);
  }
  const failed = rows.filter((r) => r.status === 'failed' || r.status === 'missing');
  if (failed.length) {
    lines.push('', '## Failures and missing tools', '');
    for (const r of failed) lines.push(`- ${r.scenario} / ${r.tool} (${r.settings}): ${r.status}: ${r.note ?? ''}`);
  }
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------- main

function logRun(row: Row, u: Run): void {
  const fmt = `${u.records ?? '?'} / ${row.expected} records, ${f(u.wallS, 2)} s, ${int(u.recordsPerS)} rec/s, peak RSS ${f(u.peakRssMiB)} MB, CPU ${f(u.cpuS, 2)} s, load ${u.loadStart[0]}→${u.loadEnd[0]}`;
  log(`${row.scenario} / ${row.id} round ${u.round}: ${u.status.toUpperCase()} ${fmt}${u.note ? ` (${u.note})` : ''}`);
  if (u.status === 'failed' && u.detail?.stderrTail) log(`  stderr tail:\n${String(u.detail.stderrTail).split('\n').slice(-15).join('\n')}`);
}

/** `--render RESULTS.json`: write the markdown report of an earlier run again from its JSON (e.g. after a change to the report's layout). */
function render(path: string): number {
  const saved = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown> & { rows: Row[]; goals: Goal[]; options: typeof OPTS; profile?: ProfileSummary };
  Object.assign(report, saved);
  Object.assign(OPTS, { ...saved.options, out: OPTS.out, venvs: OPTS.venvs });
  rows.splice(0, rows.length, ...saved.rows);
  const out = path.replace(/\.json$/, '.md');
  writeFileSync(out, markdownReport(saved.goals, table(), saved.profile ?? null));
  log(`wrote ${out}`);
  return 0;
}

async function main(): Promise<number> {
  if (option('render')) return render(resolve(option('render')!));
  const unknown = OPTS.tools.filter((id) => !TOOLS.some((t) => t.id === id));
  if (unknown.length) throw new Error(`unknown --tools ${unknown.join(', ')}; known: ${TOOLS.map((t) => t.id).join(', ')}`);
  const work = mkdtempSync(join(tmpdir(), 'tap-bookings-bench-'));
  report.machine = machineInfo(ROOT, haveGnuTime);
  report.tools = {
    dlt: venvInfo(OPTS.venvs, 'dlt', ['dlt', 'duckdb', 'requests']),
    'airbyte-cdk': venvInfo(OPTS.venvs, 'airbyte-cdk', ['airbyte-cdk', 'requests']),
    'singer-sdk tap': venvInfo(OPTS.venvs, 'tap-bookings-sdk', ['singer-sdk', 'requests']),
    'target-postgres': venvInfo(OPTS.venvs, 'target-postgres', ['meltanolabs-target-postgres', 'singer-sdk', 'psycopg']),
  };
  const pg = findPostgres(ROOT);
  const pgVersion = pg && pgReachable(pg) ? sql(pg, 'show server_version') : null;
  report.postgres = pg ? { host: pg.host, port: pg.port, database: pg.database, version: pgVersion } : null;
  log(`${SMOKE ? 'SMOKE run' : 'full run'}; results in ${OPTS.out}/${baseName}.{json,md}; load average ${load().join(' ')}`);
  saveProgress();
  let profile: ProfileSummary | null = null;
  const sandboxes: RunningSandbox[] = [];
  const selected = OPTS.tools.map((id) => TOOLS.find((t) => t.id === id)!);
  try {
    // ---- main scenario: every selected tool, in rounds, against one sandbox with latency
    const mainName = `${OPTS.records / 1000}k@${OPTS.latencyMs}ms`;
    const sb = await startSandbox({ records: OPTS.records, latencyMs: OPTS.latencyMs, bookingTypes: BOOKING_TYPES, seed: SEED, dir: work, bin: BIN });
    sandboxes.push(sb);
    const counts = (await sb.stats()).records;
    const expected = BOOKING_TYPES.reduce((a, t) => a + (counts[t] ?? 0), 0);
    if (expected !== OPTS.records) throw new Error(`the sandbox holds ${expected} FLIGHT/HOTEL records, expected ${OPTS.records}`);
    log(`sandbox ${sb.url}: ${JSON.stringify(counts)} (started in ${sb.startS.toFixed(2)} s)`);

    // The floor's fetch reads every page once, which also warms the sandbox up (JIT) before any timed run.
    report.floor = await runFloor(sb, work, OPTS.skipFloor ? 0 : 3);
    saveProgress();
    const mainRows = selected.map((t) => {
      const row = newRow(mainName, t, expected);
      const why = t.missing(pg);
      if (why) Object.assign(row, { status: 'missing', note: why });
      rows.push(row);
      return { t, row };
    });
    for (let round = 1; round <= OPTS.rounds; round++) {
      // Odd rounds in the table's order, even rounds in reverse: no tool always runs right after the same one (a run
      // leaves the sandbox with work of its own, a collection due, for whichever runs next).
      for (const { t, row } of round % 2 === 1 ? mainRows : [...mainRows].reverse()) {
        if (row.status === 'missing') continue;
        log(`${mainName} / ${t.id} round ${round}/${OPTS.rounds}: running`);
        const u = await t.run({ round, sb, dir: work, expected, pg });
        row.runs.push(u);
        logRun(row, u);
        summarise(row);
        saveProgress();
      }
    }
    if (OPTS.profile && OPTS.tools.includes('tap')) {
      const profDir = join(OPTS.out, `${baseName}-profile`);
      log(`profile: one more tap run under node --cpu-prof (not measured) into ${profDir}`);
      await measure(process.execPath, [...OPTS.tapNodeFlags, '--cpu-prof', '--cpu-prof-dir', profDir, BIN, '--config', tapConfig(sb, work, 'tap-profile')], { stdout: 'count', timeoutMs: OPTS.timeoutMs });
      const file = readdirSync(profDir).find((n) => n.endsWith('.cpuprofile'));
      if (file) {
        profile = summariseProfile(join(profDir, file));
        report.profile = { file: join(profDir, file), ...profile };
      }
    }
    report.sandboxMain = { url: sb.url, peakRssMiB: sb.peakRssMiB(), stats: await sb.stats() };
    await sb.stop();
    sandboxes.pop();

    // ---- memory scenario: tap-bookings (and the reference loop) alone, no latency, growing record counts
    if (!OPTS.skipMemory && OPTS.tools.includes('tap')) {
      for (const n of OPTS.memoryRecords) {
        const msb = await startSandbox({ records: n, latencyMs: 0, bookingTypes: BOOKING_TYPES, seed: SEED, dir: work, bin: BIN });
        sandboxes.push(msb);
        const name = `memory ${n >= 1e6 ? `${n / 1e6}M` : `${n / 1000}k`}@0ms`;
        const others = TOOLS.filter((u) => (u.id === 'minimal' || u.id === 'tap-baseline') && OPTS.tools.includes(u.id));
        for (const t of [TOOLS.find((u) => u.id === 'tap')!, ...others]) {
          const row = newRow(name, t, n);
          rows.push(row);
          log(`${name} / ${t.id}: running`);
          const u = await t.run({ round: 1, sb: msb, dir: work, expected: n, pg });
          u.detail = { ...(u.detail ?? {}), sandboxPeakRssMiB: msb.peakRssMiB() };
          row.runs.push(u);
          logRun(row, u);
          summarise(row);
          saveProgress();
        }
        await msb.stop();
        sandboxes.pop();
      }
    }
  } finally {
    for (const s of sandboxes) await s.stop();
    rmSync(work, { recursive: true, force: true });
  }
  report.loadAtEnd = loadavg();

  // ---- ratios and goals
  const isMemory = (r: Row) => r.scenario.startsWith('memory');
  const find = (scenario: string, id: string) => rows.find((r) => r.scenario === scenario && r.id === id && r.status === 'ok');
  for (const r of rows) {
    if (r.status !== 'ok' || !r.recordsPerS) continue;
    const tap = find(r.scenario, 'tap');
    const tap1 = find(r.scenario, 'tap-mc1');
    if (r.group === 'extract' || isMemory(r)) {
      if (tap?.recordsPerS) r.tapSpeedup = tap.recordsPerS / r.recordsPerS;
      if (tap1?.recordsPerS) r.tap1Speedup = tap1.recordsPerS / r.recordsPerS;
      if (tap?.cpuPerRecordUs && r.cpuPerRecordUs) r.cpuVsTap = r.cpuPerRecordUs / tap.cpuPerRecordUs;
    } else if (r.group === 'pipeline') {
      // the tap's pipeline at the same target settings
      const same = find(r.scenario, r.id.replace(/^pipe-(sdkbatch|sdk|tap)/, 'pipe-tap'));
      if (same?.recordsPerS) r.tapSpeedup = same.recordsPerS / r.recordsPerS;
      if (same?.cpuPerRecordUs && r.cpuPerRecordUs) r.cpuVsTap = r.cpuPerRecordUs / same.cpuPerRecordUs;
    }
  }
  const judge = (ok: boolean): Goal['status'] => (SMOKE ? 'n/a' : ok ? 'met' : 'NOT MET');
  const goals: Goal[] = [];
  const mainScenario = rows.find((r) => !isMemory(r))?.scenario ?? '';
  const tapMain = find(mainScenario, 'tap');
  const tap1 = find(mainScenario, 'tap-mc1');
  const floor = report.floor as { coldCpuPerRecordS?: number; bestCpuPerRecordS?: number } | null | undefined;
  const floorUs = floor?.bestCpuPerRecordS !== undefined ? floor.bestCpuPerRecordS * 1e6 : undefined;
  if (tapMain?.recordsPerS) {
    const latencyLimit = (TAP_MC * OPTS.pageSize) / (OPTS.latencyMs / 1000);
    const cpuLimit = floorUs ? 1e6 / floorUs : Infinity;
    const limit = Math.min(latencyLimit, cpuLimit);
    goals.push({
      goal: `close to the limit: tap records/s at ${OPTS.latencyMs} ms ≥ 80 % of min(latency limit, CPU limit)`,
      status: OPTS.latencyMs > 0 ? judge(tapMain.recordsPerS >= 0.8 * limit) : 'n/a',
      detail: `${int(tapMain.recordsPerS)} of min(${int(latencyLimit)} = ${TAP_MC} in flight × ${OPTS.pageSize} / ${OPTS.latencyMs} ms, ${int(cpuLimit)} = 1 / floor ${f(floorUs)} µs): ${f((tapMain.recordsPerS / limit) * 100, 0)} %`,
    });
  }
  if (tap1?.recordsPerS && OPTS.latencyMs > 0) {
    const limit = OPTS.pageSize / (OPTS.latencyMs / 1000);
    goals.push({ goal: `at 1 request in flight: ≥ 95 % of page_size / latency (${int(limit)} records/s)`, status: judge(tap1.recordsPerS >= 0.95 * limit), detail: `${int(tap1.recordsPerS)} records/s: ${f((tap1.recordsPerS / limit) * 100, 0)} %` });
  }
  const tapHash = find(mainScenario, 'tap-hash');
  if (tapMain?.recordsPerS && tapHash?.recordsPerS) {
    const ratio = tapHash.recordsPerS / tapMain.recordsPerS;
    const cpu = tapHash.cpuPerRecordUs && tapMain.cpuPerRecordUs ? `; CPU per record ${f(tapHash.cpuPerRecordUs)} vs ${f(tapMain.cpuPerRecordUs)} µs (×${(tapHash.cpuPerRecordUs / tapMain.cpuPerRecordUs).toFixed(2)})` : '';
    goals.push({ goal: 'hashing personal data on (tap-hash) ≥ 90 % of the tap\'s records/s', status: judge(ratio >= 0.9), detail: `${int(tapHash.recordsPerS)} vs ${int(tapMain.recordsPerS)} records/s: ${f(ratio * 100, 0)} %${cpu}` });
  }
  for (const peer of rows.filter((r) => r.kind === 'peer' && r.group === 'extract' && !isMemory(r))) {
    goals.push({
      goal: `tap ≥ 5× ${peer.tool} (${peer.settings}) records/s`,
      status: peer.status !== 'ok' || !tapMain ? 'n/a' : judge((peer.tapSpeedup ?? 0) >= 5),
      detail: peer.tapSpeedup !== null ? `${x(peer.tapSpeedup)} (${int(tapMain?.recordsPerS)} vs ${int(peer.recordsPerS)} rec/s); at max_concurrency 1: ${x(peer.tap1Speedup)}` : peer.status === 'ok' ? 'tap-bookings not run' : `${peer.tool} ${peer.status}`,
    });
  }
  const cpuRatios: Record<string, unknown> = {};
  for (const r of rows.filter((u) => (u.kind === 'tap' || u.kind === 'reference') && u.group === 'extract' && u.status === 'ok' && u.cpuPerRecordUs)) {
    cpuRatios[`${r.scenario} / ${r.tool} (${r.settings.replace(/`/g, '')})`] = { usPerRecord: r.cpuPerRecordUs, vsBestFloor: floorUs ? r.cpuPerRecordUs! / floorUs : null };
  }
  const marginal = (id: string): number | null => {
    const m = rows.filter((r) => r.id === id && isMemory(r) && r.status === 'ok' && r.cpuS !== null);
    if (m.length < 2) return null;
    const a = m[0]!;
    const b = m[m.length - 1]!;
    return ((b.cpuS! - a.cpuS!) / (b.expected - a.expected)) * 1e6;
  };
  const tapMarginal = marginal('tap');
  const refMarginal = marginal('minimal');
  cpuRatios.marginal = { tapUsPerRecord: tapMarginal, referenceUsPerRecord: refMarginal, tapVsBestFloor: tapMarginal && floorUs ? tapMarginal / floorUs : null };
  report.cpuRatios = cpuRatios;
  if (floorUs && tapMarginal !== null) {
    goals.push({
      goal: 'CPU per record (marginal, between the memory runs) ≤ 1.2× the parse-and-stringify floor',
      status: judge(tapMarginal / floorUs <= 1.2),
      detail: `${f(tapMarginal)} vs ${f(floorUs)} µs/record: ×${(tapMarginal / floorUs).toFixed(2)}` + (refMarginal !== null ? `; the reference loop ${f(refMarginal)} µs (×${(refMarginal / floorUs).toFixed(2)})` : ''),
    });
  }
  for (const r of rows.filter((u) => u.id === 'tap' && isMemory(u) && u.status === 'ok')) {
    goals.push({ goal: `tap peak RSS ≤ 80 MB at ${int(r.expected)} records`, status: judge((r.peakRssMiB ?? Infinity) <= 80), detail: `${f(r.peakRssMiB)} MB` });
  }
  const tapPipes = rows.filter((r) => r.group === 'pipeline' && r.kind === 'tap' && r.status === 'ok' && r.recordsPerS);
  const sdkDefault = find(mainScenario, 'pipe-sdk');
  const sdkPipes = rows.filter((r) => r.group === 'pipeline' && r.kind === 'peer' && r.status === 'ok' && r.recordsPerS);
  if (tapPipes.length && sdkDefault?.recordsPerS) {
    const best = tapPipes.reduce((a, b) => (b.recordsPerS! > a.recordsPerS! ? b : a));
    const bestSdk = sdkPipes.reduce((a, b) => (b.recordsPerS! > a.recordsPerS! ? b : a));
    goals.push({
      goal: '`tap | target-postgres` ≥ 2× the Singer SDK tap\'s pipeline',
      status: judge(best.recordsPerS! / sdkDefault.recordsPerS! >= 2),
      detail: `best tap pipeline (${best.settings}) ${int(best.recordsPerS)} rec/s vs the SDK tap's at target defaults ${int(sdkDefault.recordsPerS)}: ${x(best.recordsPerS! / sdkDefault.recordsPerS!)}; ` +
        `vs the SDK's best (${bestSdk.tool.replace(/ \| target-postgres.*/, '')}, ${bestSdk.settings}) ${int(bestSdk.recordsPerS)}: ${x(best.recordsPerS! / bestSdk.recordsPerS!)}`,
    });
  }
  report.goals = goals;
  report.finishedAt = new Date().toISOString();

  const t = table();
  process.stdout.write(`\n${t.text}\n\n`);
  for (const g of goals) process.stdout.write(`${g.status.padEnd(7)}  ${g.goal}: ${g.detail}\n`);
  process.stdout.write(`\nload average at the start ${(report.loadAtStart as number[]).map((v) => v.toFixed(2)).join(' ')}, at the end ${(report.loadAtEnd as number[]).map((v) => v.toFixed(2)).join(' ')}\n`);
  const bad = rows.filter((r) => r.status === 'failed' || (OPTS.requirePeers && r.status === 'missing'));
  const passed = rows.filter((r) => r.status === 'ok').length;
  // The plain closing line CI reads: every tool that delivered the right count in every round passed.
  process.stdout.write(`\nbench: ${passed} passed, ${bad.length} failed\n`);

  mkdirSync(OPTS.out, { recursive: true });
  writeFileSync(join(OPTS.out, `${baseName}.md`), markdownReport(goals, t, profile));
  renameSync(join(OPTS.out, `${baseName}.json.tmp`), join(OPTS.out, `${baseName}.json`));
  writeFileSync(join(OPTS.out, `${baseName}.json`), `${JSON.stringify(report, null, 2)}\n`);
  log(`wrote ${join(OPTS.out, baseName)}.json and .md`);
  return bad.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    log(`error: ${(err as Error).stack ?? String(err)}`);
    process.exit(1);
  },
);
