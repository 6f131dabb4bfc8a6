import type { GlobalArgs } from './run-command.js';

/** A Singer sync's arguments, when the command line is nothing but that. */
export interface PlainSync extends GlobalArgs {
  config: string[];
  state: string | undefined;
  catalog: string | undefined;
}

const LOG_LEVELS = new Set(['debug', 'info', 'warn', 'error']);

/**
 * The command line of a plain Singer sync (what Meltano and other orchestrators run): `--config FILE` (repeatable),
 * `--state FILE`, `--catalog FILE` (or `--properties FILE`), `--debug`, `--log-level LEVEL`, each once, each value in
 * its own argument and not starting with "-". Such a line means the same to yargs, so main.ts runs the sync without
 * loading yargs (about 15 MB of resident memory, most of a sync's start-up). Anything else, including every mistake,
 * returns undefined and goes to yargs, which parses, explains and rejects as always.
 */
export function plainSync(argv: readonly string[]): PlainSync | undefined {
  const out: PlainSync = { config: [], state: undefined, catalog: undefined, debug: false };
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--debug') {
      if (seen.has(arg)) return undefined;
      seen.add(arg);
      out.debug = true;
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined || value === '' || value.startsWith('-')) return undefined;
    const name = arg === '--properties' ? '--catalog' : arg;
    if (name !== '--config' && seen.has(name)) return undefined;
    seen.add(name);
    if (name === '--config') out.config.push(value);
    else if (name === '--state') out.state = value;
    else if (name === '--catalog') out.catalog = value;
    else if (name === '--log-level' && LOG_LEVELS.has(value)) out['log-level'] = value;
    else return undefined;
    i++;
  }
  // `--debug` before a value-less end or next to another option is as above; a line without a config is not a sync.
  return out.config.length > 0 ? out : undefined;
}
