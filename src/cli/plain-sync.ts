import type { GlobalArgs } from './run-command.js';

/** A Singer sync's arguments, when the command line is nothing but that. */
export interface PlainSync extends GlobalArgs {
  config: string[];
  state: string | undefined;
  catalog: string | undefined;
}

/** An Airbyte `read`'s arguments, when the command line is nothing but that. */
export interface PlainRead extends GlobalArgs {
  config: string;
  catalog: string;
  state: string | undefined;
}

const LOG_LEVELS = new Set(['debug', 'info', 'warn', 'error']);

/**
 * The command line of a plain sync (what Meltano, Airbyte and other orchestrators run): for Singer, `--config FILE`
 * (repeatable), `--state FILE`, `--catalog FILE` (or `--properties FILE`); for Airbyte, `read` then `--config FILE`,
 * `--catalog FILE` (both required) and `--state FILE`; for both `--debug` and `--log-level LEVEL`. Each option once
 * (but Singer's `--config`), each value in its own argument and not starting with "-". Such a line means the same to
 * yargs, so main.ts runs the sync without loading yargs (about 15 MB of resident memory, most of a sync's start-up).
 * Anything else, including every mistake, returns undefined and goes to yargs, which parses, explains and rejects as
 * always.
 */
export function plainSync(argv: readonly string[]): ({ kind: 'singer' } & PlainSync) | ({ kind: 'airbyte-read' } & PlainRead) | undefined {
  const read = argv[0] === 'read';
  const options = plainOptions(read ? argv.slice(1) : argv, read ? ['--config', '--catalog', '--state'] : ['--config', '--catalog', '--state', '--properties']);
  if (!options) return undefined;
  const { values, debug, logLevel } = options;
  const config = values.get('--config') ?? [];
  const global: GlobalArgs = { debug, ...(logLevel ? { 'log-level': logLevel } : {}) };
  if (read) {
    const catalog = values.get('--catalog');
    if (config.length !== 1 || catalog === undefined || (values.get('--state')?.length ?? 0) > 1) return undefined;
    return { kind: 'airbyte-read', ...global, config: config[0]!, catalog: catalog[0]!, state: values.get('--state')?.[0] };
  }
  const catalog = [...(values.get('--catalog') ?? []), ...(values.get('--properties') ?? [])];
  if (config.length === 0 || catalog.length > 1 || (values.get('--state')?.length ?? 0) > 1) return undefined;
  return { kind: 'singer', ...global, config, state: values.get('--state')?.[0], catalog: catalog[0] };
}

/** `--name value` pairs of the given names, `--debug` and `--log-level LEVEL` once each; undefined for anything else. */
function plainOptions(argv: readonly string[], names: readonly string[]): { values: Map<string, string[]>; debug: boolean; logLevel: string | undefined } | undefined {
  const values = new Map<string, string[]>();
  let debug = false;
  let logLevel: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--debug') {
      if (debug) return undefined;
      debug = true;
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined || value === '' || value.startsWith('-')) return undefined;
    i++;
    if (arg === '--log-level') {
      if (logLevel !== undefined || !LOG_LEVELS.has(value)) return undefined;
      logLevel = value;
    } else if (names.includes(arg)) {
      values.set(arg, [...(values.get(arg) ?? []), value]);
    } else {
      return undefined;
    }
  }
  return { values, debug, logLevel };
}
