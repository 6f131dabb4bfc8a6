import { Logger, type LogLevel } from '../../src/logging/logger.js';

/** A logger that keeps lines in memory, for asserting on what would go to stderr. */
export function memoryLogger(level: LogLevel = 'debug'): Logger & { lines: string[] } {
  const lines: string[] = [];
  const logger = new Logger((lvl, message) => lines.push(`${lvl} ${message}`), level) as Logger & { lines: string[] };
  logger.lines = lines;
  return logger;
}
