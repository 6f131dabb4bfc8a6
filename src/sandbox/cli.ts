import { writeFileSync } from 'node:fs';
import type { Argv } from 'yargs';
import { BOOKING_TYPES, type SandboxBookingType } from './generate.js';
import type { FaultPlan } from './faults.js';
import { startSandbox } from './index.js';

const QUIRKS = ['ignore-window', 'ignore-page', 'omit-totals', 'pretty-json', 'flicker-totals', 'empty-page-once', 'empty-page', 'null-page', 'short-total-pages', 'alternate-pages'];

/** The fault plan given on the command line, or what is wrong with it. */
function parseFaultPlan(text: string | undefined): FaultPlan | string {
  if (text === undefined) return {};
  let plan: unknown;
  try {
    plan = JSON.parse(text);
  } catch (err) {
    return `--faults is not valid JSON: ${(err as Error).message}`;
  }
  if (typeof plan !== 'object' || plan === null || Array.isArray(plan)) return '--faults must be a JSON object, e.g. {"rate": {"503": 0.1}}';
  return plan as FaultPlan;
}

function usageError(message: string): void {
  process.stderr.write(`tap-bookings sandbox: ${message}\n`);
  process.exitCode = 2;
}

/** `tap-bookings sandbox`: run the sandbox API until SIGINT/SIGTERM; prints a ready-made tap config on stdout. */
export function registerSandbox<T>(cli: Argv<T>): void {
  cli.command(
    'sandbox',
    'Run the built-in sandbox travel API (offline, deterministic data, fault injection)',
    (y) =>
      y
        .option('port', { type: 'number', default: 0, description: 'Port (0: any free port)' })
        .option('host', { type: 'string', default: '127.0.0.1' })
        .option('records', { type: 'number', default: 5000 })
        .option('seed', { type: 'number', default: 42 })
        .option('latency-ms', { type: 'number', default: 0, description: 'Added to every request' })
        .option('sort', { choices: ['asc', 'none'] as const, default: 'asc' as const, description: 'asc: by lastModified; none: a stable order that is not by time' })
        .option('max-page-size', { type: 'number', default: 200 })
        .option('token-ttl', { type: 'number', default: 3600, description: 'Token lifetime, seconds' })
        .option('booking-types', { type: 'string', description: 'Comma-separated types to generate, e.g. FLIGHT,HOTEL (default: all four, mostly FLIGHT and HOTEL)' })
        .option('first-page', { type: 'number', default: 0 })
        .option('to-inclusive', { type: 'boolean', default: false, description: 'Treat updatedTo as inclusive (default: exclusive)' })
        .option('quirks', { type: 'string', description: `Comma-separated API quirks: ${QUIRKS.join(', ')} (see src/sandbox/README.md)` })
        .option('cap-page-size', { type: 'number', description: 'Serve at most this many records per page, whatever size asks, without saying so' })
        .option('faults', { type: 'string', description: 'Initial fault plan as JSON, e.g. \'{"rate":{"429":0.05},"latencyMs":20}\' (see src/sandbox/README.md)' })
        .option('config-out', { type: 'string', description: 'Also write the tap config to this file' }),
    async (args) => {
      const types = args['booking-types']?.split(',').map((s) => s.trim().toUpperCase()) as SandboxBookingType[] | undefined;
      const unknown = types?.filter((t) => !BOOKING_TYPES.includes(t));
      if (unknown?.length) return usageError(`unknown booking type(s) ${unknown.join(', ')} (known: ${BOOKING_TYPES.join(', ')})`);
      const quirks = new Set(args.quirks?.split(',').map((s) => s.trim()).filter(Boolean) ?? []);
      const unknownQuirks = [...quirks].filter((q) => !QUIRKS.includes(q));
      if (unknownQuirks.length) return usageError(`unknown quirk(s) ${unknownQuirks.join(', ')} (known: ${QUIRKS.join(', ')})`);
      const faults = parseFaultPlan(args.faults);
      if (typeof faults === 'string') return usageError(faults);
      const sandbox = await startSandbox({
        port: args.port, host: args.host, records: args.records, seed: args.seed, sort: args.sort, maxPageSize: args['max-page-size'],
        tokenTtlSeconds: args['token-ttl'], firstPage: args['first-page'], toInclusive: args['to-inclusive'],
        ignoreWindow: quirks.has('ignore-window'), ignorePage: quirks.has('ignore-page'), omitTotals: quirks.has('omit-totals'), prettyJson: quirks.has('pretty-json'),
        flickerTotals: quirks.has('flicker-totals'), shortTotalPages: quirks.has('short-total-pages'), alternatePages: quirks.has('alternate-pages'),
        emptyPage: quirks.has('empty-page') || quirks.has('null-page') ? 'always' : quirks.has('empty-page-once') ? 'once' : undefined,
        emptyAs: quirks.has('null-page') ? 'null' : 'empty', capPageSize: args['cap-page-size'],
        faults: { ...faults, latencyMs: faults.latencyMs ?? args['latency-ms'] },
        ...(types ? { bookingTypes: Object.fromEntries(types.map((t) => [t, 1])) } : {}),
      });
      const config = sandbox.tapConfig(types ? { booking_types: types } : {});
      if (args['config-out']) writeFileSync(args['config-out'], `${JSON.stringify(config, null, 2)}\n`);
      process.stderr.write(`sandbox listening on ${sandbox.url} with ${args.records} bookings (admin API at ${sandbox.url}/__admin/); Ctrl-C stops it\n`);
      process.stdout.write(`${JSON.stringify(config, null, 2)}\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await sandbox.stop();
    },
  );
}
