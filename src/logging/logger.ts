import { Redactor } from './redactor.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Where log lines go: stderr in Singer mode, LOG messages on stdout in Airbyte mode. */
export type LogSink = (level: LogLevel, message: string) => void;

export const stderrSink: LogSink = (level, message) => {
  process.stderr.write(`${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${message}\n`);
};

export interface Metric {
  type: 'counter' | 'timer';
  metric: string;
  value: number;
  tags: Record<string, unknown>;
}

export function parseLogLevel(text: string | undefined, fallback: LogLevel = 'info'): LogLevel {
  return knownLogLevel(text) ?? fallback;
}

/** The level a text names (any case; "warning" is warn), or undefined. */
export function knownLogLevel(text: string | undefined): LogLevel | undefined {
  const t = (text ?? '').toLowerCase();
  if (t === 'warning') return 'warn';
  return Object.hasOwn(ORDER, t) ? (t as LogLevel) : undefined;
}

/** A small leveled logger; every line passes through the redactor, whatever its level. */
export class Logger {
  constructor(
    private sink: LogSink = stderrSink,
    readonly level: LogLevel = 'info',
    readonly redactor: Redactor = new Redactor(),
  ) {}

  enabled(level: LogLevel): boolean {
    return ORDER[level] >= ORDER[this.level];
  }

  setSink(sink: LogSink): void {
    this.sink = sink;
  }

  log(level: LogLevel, message: string): void {
    if (this.enabled(level)) this.sink(level, this.redactor.redact(message));
  }

  debug(message: string): void {
    this.log('debug', message);
  }
  info(message: string): void {
    this.log('info', message);
  }
  warn(message: string): void {
    this.log('warn', message);
  }
  error(message: string): void {
    this.log('error', message);
  }

  /** Singer SDK style metric line: `METRIC: {...}` at INFO. */
  metric(metric: Metric): void {
    this.log('info', `METRIC: ${JSON.stringify(metric)}`);
  }
}
