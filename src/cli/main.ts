import type { Argv } from 'yargs';
import { ConfigError } from '../errors.js';
import { stdoutWriter } from '../io/message-writer.js';
import { packageVersion } from '../package-files.js';
import { tuneHeap } from './heap-tuning.js';
import { plainSync } from './plain-sync.js';
import { runCommand, type GlobalArgs } from './run-command.js';
import { nonEmpty, once, UsageError } from './usage.js';

/**
 * The command line. Singer mode is the default command (`--config`, `--state`, `--catalog`, `--discover`,
 * `--about`); Airbyte mode is the `spec`, `check`, `discover` and `read` commands; `sandbox` runs the built-in API.
 * Commands load their modules lazily so the cheap paths (--help, --version, --about, spec) stay fast.
 */
function singerOptions(y: Argv<GlobalArgs>) {
  return y
    .option('config', { type: 'string', array: true, coerce: nonEmpty('config'), description: 'Config JSON file; repeatable, later files win; ENV reads TAP_BOOKINGS_* variables' })
    .option('state', { type: 'string', coerce: once('state'), description: 'State JSON file from a previous run' })
    .option('catalog', { type: 'string', alias: 'properties', coerce: once('catalog'), description: 'Singer catalog JSON file selecting streams and properties' })
    .option('discover', { type: 'boolean', default: false, description: 'Print the Singer catalog and exit' })
    .option('about', { type: 'boolean', default: false, description: 'Print name, version, capabilities and settings, and exit' })
    .option('format', { choices: ['json', 'markdown'] as const, default: 'json' as const, description: 'Format of --about' });
}

/** A Singer sync: the tap's whole work, and the one command that runs for long. */
async function sync(args: GlobalArgs & { config?: string[] | undefined; state?: string | undefined; catalog?: string | undefined }): Promise<void> {
  await runCommand(args, async (logger, signal) => {
    if (!args.config || args.config.length === 0) throw new ConfigError('No config given: pass --config FILE (or --config ENV). See tap-bookings --help.');
    const { singerSync } = await import('../commands/singer-sync.js');
    tuneHeap();
    await singerSync({ config: args.config, state: args.state, catalog: args.catalog }, logger, signal);
  });
}

export async function main(argv: string[]): Promise<void> {
  // A plain sync's command line needs no parser (see plain-sync.ts): yargs is loaded for everything else.
  const plain = plainSync(argv);
  if (plain?.kind === 'singer') return sync(plain);
  if (plain?.kind === 'airbyte-read') return (await import('./airbyte-commands.js')).airbyteRead(plain);
  const [{ default: yargs }, { registerAirbyteCommands }, { registerSandbox }] = await Promise.all([import('yargs'), import('./airbyte-commands.js'), import('../sandbox/cli.js')]);
  const cli = yargs(argv)
    // Options are read under their own names only: with camel-case expansion an unknown --bogus-flag was reported
    // twice (bogus-flag, bogusFlag), and with boolean negation --no-such-option as "such-option".
    .parserConfiguration({ 'camel-case-expansion': false, 'boolean-negation': false })
    .scriptName('tap-bookings')
    .usage('$0 [--config FILE ...] [--state FILE] [--catalog FILE]  sync bookings as Singer messages\n$0 spec|check|discover|read ...  the Airbyte protocol')
    .option('debug', { type: 'boolean', default: false, description: 'Debug logging, and stack traces on errors' })
    .option('log-level', { type: 'string', choices: ['debug', 'info', 'warn', 'error'], coerce: once('log-level'), description: 'Log level (default: LOG_LEVEL or info)' })
    .command(
      '$0',
      'Sync bookings (Singer tap)',
      (y) => singerOptions(y),
      async (args) => {
        if (args.about) {
          const { aboutInfo, aboutMarkdown } = await import('../commands/about.js');
          await stdoutWriter().write([Buffer.from(args.format === 'markdown' ? aboutMarkdown() : `${JSON.stringify(aboutInfo(), null, 2)}\n`)]);
          return;
        }
        if (args.discover) {
          // With a config, the schema is the one its hash_properties and drop_properties leave.
          await runCommand(args, async () => {
            const { discoverCatalog } = await import('../catalog/singer-catalog.js');
            const { configuredSchema } = await import('../privacy/personal-data.js');
            await stdoutWriter().write([Buffer.from(`${JSON.stringify(discoverCatalog(args.config?.length ? configuredSchema(args.config) : undefined), null, 2)}\n`)]);
          });
          return;
        }
        await sync(args);
      },
    );
  registerAirbyteCommands(cli);
  registerSandbox(cli);
  try {
    await cli
    .strict()
    .version(packageVersion())
    .help()
    .alias('help', 'h')
    .wrap(Math.min(110, process.stdout.columns || 110))
    .fail((msg, err) => {
      if (err) throw err;
      throw new UsageError(msg);
    })
    .parseAsync();
  } catch (err) {
    // yargs rethrows an error from a `coerce` (usage.ts) as its own YError, with the message kept.
    if (!(err instanceof UsageError || (err instanceof Error && err.name === 'YError'))) throw err;
    process.stderr.write(`tap-bookings: ${err.message}\n\nRun tap-bookings --help for usage.\n`);
    process.exitCode = 2;
    // An Airbyte command also says it on stdout, where the platform reads: a TRACE ERROR (config_error).
    if (AIRBYTE_COMMANDS.has(argv[0] ?? '')) await (await import('./airbyte-commands.js')).reportUsageError(err.message);
  }
}

const AIRBYTE_COMMANDS = new Set(['spec', 'check', 'discover', 'read']);

// As yargs' hideBin does for node: the arguments after the script.
await main(process.argv.slice(2));
