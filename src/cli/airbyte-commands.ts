import type { Argv } from 'yargs';
import { tuneHeap } from './heap-tuning.js';
import { reportError, runCommand, type GlobalArgs } from './run-command.js';
import { once } from './usage.js';

const airbyte = async (args: GlobalArgs, body: (mod: typeof import('../commands/airbyte.js'), logger: Parameters<Parameters<typeof runCommand>[1]>[0], signal: AbortSignal) => Promise<void>): Promise<void> => {
  const mod = await import('../commands/airbyte.js');
  await runCommand(
    args,
    async (logger, signal) => {
      mod.useAirbyteLogSink(logger);
      await body(mod, logger, signal);
    },
    (err, logger) => {
      mod.reportAirbyteError(err, logger);
      reportError(err, logger);
    },
  );
};

/** A command-line mistake in an Airbyte command, said where the platform reads: a TRACE ERROR (config_error) on stdout. */
export async function reportUsageError(message: string): Promise<void> {
  const [{ reportAirbyteError }, { ConfigError }, { Logger }] = await Promise.all([import('../commands/airbyte.js'), import('../errors.js'), import('../logging/logger.js')]);
  reportAirbyteError(new ConfigError(message), new Logger());
}

/** Airbyte `read`: its arguments as yargs or plain-sync.ts read them. */
export function airbyteRead(args: GlobalArgs & { config: string; catalog: string; state?: string | undefined }): Promise<void> {
  return airbyte(args, (mod, logger, signal) => {
    tuneHeap();
    return mod.read({ config: args.config, catalog: args.catalog, state: args.state }, logger, signal);
  });
}

/**
 * Airbyte protocol commands. Errors become a TRACE ERROR message on stdout (and a non-zero exit), except in
 * `check`, which always answers with CONNECTION_STATUS and exits 0, as the protocol expects.
 */
export function registerAirbyteCommands<T extends GlobalArgs>(cli: Argv<T>): void {
  cli
    .command('spec', 'Airbyte: print the connector specification', {}, async () => {
      const { spec } = await import('../commands/airbyte.js');
      await spec();
    })
    .command(
      'check',
      'Airbyte: check the config and the connection',
      (y) => y.option('config', { type: 'string', demandOption: true, coerce: once('config'), description: 'Config JSON file' }),
      (args) => airbyte(args, (mod, logger, signal) => mod.check(args.config, logger, signal)),
    )
    .command(
      'discover',
      'Airbyte: print the catalog',
      (y) => y.option('config', { type: 'string', demandOption: true, coerce: once('config'), description: 'Config JSON file' }),
      (args) => airbyte(args, async (mod, logger) => mod.discover(args.config, logger)),
    )
    .command(
      'read',
      'Airbyte: read records',
      (y) =>
        y
          .option('config', { type: 'string', demandOption: true, coerce: once('config'), description: 'Config JSON file' })
          .option('catalog', { type: 'string', demandOption: true, coerce: once('catalog'), description: 'Configured catalog JSON file' })
          .option('state', { type: 'string', coerce: once('state'), description: 'State JSON file (an array of Airbyte state messages)' }),
      (args) => airbyteRead(args),
    );
}
