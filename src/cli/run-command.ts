import { InterruptedError, isTapError } from '../errors.js';
import { knownLogLevel, Logger, parseLogLevel, stderrSink } from '../logging/logger.js';

export interface GlobalArgs {
  debug: boolean;
  'log-level'?: string;
}

export function createLogger(args: GlobalArgs): Logger {
  const fromEnv = process.env.LOG_LEVEL;
  const level = args.debug ? 'debug' : parseLogLevel(args['log-level'] ?? fromEnv, 'info');
  const logger = new Logger(stderrSink, level);
  if (args['log-level'] === undefined && fromEnv && !knownLogLevel(fromEnv)) {
    logger.warn(`LOG_LEVEL=${fromEnv} is not a level (debug, info, warn or error); logging at ${level}.`);
  }
  return logger;
}

/** Run a command body with signal handling and the one-paragraph error report; sets process.exitCode. */
export async function runCommand(args: GlobalArgs, body: (logger: Logger, signal: AbortSignal) => Promise<void>, report: (err: unknown, logger: Logger) => void = reportError): Promise<void> {
  const logger = createLogger(args);
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (name: NodeJS.Signals): void => {
    if (++signals > 1) process.exit(name === 'SIGINT' ? 130 : 143);
    logger.warn(`${name} received: stopping; records already received are written with a final STATE.`);
    process.exitCode = name === 'SIGINT' ? 130 : 143;
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await body(logger, controller.signal);
  } catch (err) {
    report(err, logger);
    process.exitCode = controller.signal.aborted && err instanceof InterruptedError ? (process.exitCode ?? 130) : isTapError(err) ? err.exitCode : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export function reportError(err: unknown, logger: Logger): void {
  const message = isTapError(err) ? err.message : `Unexpected error: ${err instanceof Error ? err.message : String(err)}`;
  const hint = logger.enabled('debug') ? '' : ' (run with --debug for details)';
  process.stderr.write(`tap-bookings: ${logger.redactor.redact(message)}${isTapError(err) ? '' : hint}\n`);
  if (logger.enabled('debug') && err instanceof Error && err.stack) process.stderr.write(`${logger.redactor.redact(err.stack)}\n`);
}

