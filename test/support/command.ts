import { jest } from '@jest/globals';
import { PassThrough } from 'node:stream';
import { reportError, runCommand } from '../../src/cli/run-command.js';
import { check, discover, read, reportAirbyteError, useAirbyteLogSink } from '../../src/commands/airbyte.js';
import { singerSync } from '../../src/commands/singer-sync.js';
import { MessageWriter } from '../../src/io/message-writer.js';
import type { Logger } from '../../src/logging/logger.js';
import { expectAirbyteMessages } from './airbyte-protocol.js';
import { assertNoSecrets, secretsOf } from './secrets.js';

export interface CommandResult {
  /** The exit code the CLI would set (process.exitCode after runCommand). */
  code: number | undefined;
  /** Every line written to stderr (logs and the error report). */
  stderr: string;
  /** Every line the command wrote as its output (stdout in the CLI). */
  stdout: string[];
  messages: Array<Record<string, any>>;
}

/**
 * A command run in this process the way the CLI runs it (src/cli/run-command.ts: the logger, the one-paragraph error
 * report on stderr, the exit code; in Airbyte mode the LOG sink and the TRACE error on the output, as
 * src/cli/airbyte-commands.ts wires them), with stderr captured and the output on a PassThrough. As runCli does, it
 * rejects output holding a secret of the `args`' config files, and in Airbyte mode output that is not protocol messages.
 */
export async function runCommandInProcess(
  protocol: 'singer' | 'airbyte',
  args: string[],
  body: (logger: Logger, signal: AbortSignal, out: PassThrough) => Promise<void>,
  globals: { debug?: boolean } = {},
): Promise<CommandResult> {
  const stderr: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => (stderr.push(String(chunk)), true));
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const writer = new MessageWriter(out);
  const previous = process.exitCode;
  let code: number | undefined;
  try {
    process.exitCode = undefined;
    if (protocol === 'singer') await runCommand({ debug: globals.debug ?? false }, (logger, signal) => body(logger, signal, out));
    else {
      await runCommand(
        { debug: globals.debug ?? false },
        async (logger, signal) => {
          useAirbyteLogSink(logger, writer);
          await body(logger, signal, out);
        },
        (err, logger) => {
          reportAirbyteError(err, logger, writer);
          reportError(err, logger);
        },
      );
      await writer.flush();
    }
    code = process.exitCode === undefined ? undefined : Number(process.exitCode);
  } finally {
    process.exitCode = previous;
    spy.mockRestore();
  }
  const stdout = Buffer.concat(chunks).toString().split('\n').filter(Boolean);
  const result = { code, stderr: stderr.join(''), stdout, messages: stdout.map((l) => JSON.parse(l) as Record<string, any>) };
  assertNoSecrets(`${stdout.join('\n')}\n${result.stderr}`, secretsOf(args), `The output of ${args.join(' ')}`);
  if (protocol === 'airbyte') expectAirbyteMessages(result.messages);
  return result;
}

/** A command writing through a MessageWriter of its own onto the output, flushed when it ends. */
function throughWriter(body: (logger: Logger, signal: AbortSignal, writer: MessageWriter) => Promise<void>) {
  return async (logger: Logger, signal: AbortSignal, out: PassThrough): Promise<void> => {
    const writer = new MessageWriter(out);
    await body(logger, signal, writer);
    await writer.flush();
  };
}

/** `tap-bookings check --config FILE`, run in process as the CLI runs it. */
export function checkInProcess(configPath: string): Promise<CommandResult> {
  return runCommandInProcess('airbyte', ['--config', configPath], throughWriter((logger, signal, writer) => check(configPath, logger, signal, writer)));
}

/** `tap-bookings discover --config FILE`, run in process as the CLI runs it. */
export function discoverInProcess(configPath: string): Promise<CommandResult> {
  return runCommandInProcess('airbyte', ['--config', configPath], throughWriter((logger, _signal, writer) => discover(configPath, logger, writer)));
}

/** The CONNECTION_STATUS of Airbyte check's output. */
export function connectionStatus(messages: Array<Record<string, any>>): { status: string; message?: string } | undefined {
  return messages.find((m) => m.type === 'CONNECTION_STATUS')?.connectionStatus as { status: string; message?: string } | undefined;
}

/** `tap-bookings --config FILE [--state FILE] [--catalog FILE]`, run in process as the CLI runs it. */
export function singerCommandInProcess(config: string, options: { state?: string; catalog?: string } = {}): Promise<CommandResult> {
  return runCommandInProcess('singer', ['--config', config], (logger, signal, out) => singerSync({ config: [config], state: options.state, catalog: options.catalog, out }, logger, signal));
}

/** `tap-bookings read --config FILE --catalog FILE`, run in process as the CLI runs it. */
export function readCommandInProcess(config: string, catalog: string): Promise<CommandResult> {
  return runCommandInProcess('airbyte', ['--config', config], (logger, signal, out) => read({ config, catalog, out }, logger, signal));
}
