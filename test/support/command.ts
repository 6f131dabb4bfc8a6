import { jest } from '@jest/globals';
import { PassThrough } from 'node:stream';
import { reportError, runCommand } from '../../src/cli/run-command.js';
import { reportAirbyteError, useAirbyteLogSink } from '../../src/commands/airbyte.js';
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
