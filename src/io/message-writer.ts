import type { Writable } from 'node:stream';
import { OutputClosedError } from '../errors.js';

/**
 * The one module that writes to stdout. Lines are written in order, a batch at a time; when the stream's buffer is
 * full the writer waits for 'drain' (back-pressure), and a reader that went away (EPIPE) becomes OutputClosedError.
 */
export class MessageWriter {
  private closedError: OutputClosedError | undefined;
  linesWritten = 0;

  constructor(private readonly stream: Writable = process.stdout) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      this.closedError ??= new OutputClosedError(
        err.code === 'EPIPE' ? 'stdout was closed by the program reading it (the target stopped); stopping.' : `Writing to stdout failed: ${err.message}`,
        { cause: err },
      );
    });
  }

  get closed(): boolean {
    return this.closedError !== undefined || this.stream.destroyed;
  }

  /** Write complete lines (each one JSON message, without the newline). */
  async write(lines: readonly string[]): Promise<void> {
    if (lines.length === 0) return;
    if (this.closedError) throw this.closedError;
    if (this.stream.destroyed) throw new OutputClosedError('stdout is closed; stopping.');
    this.linesWritten += lines.length;
    const ok = this.stream.write(lines.join('\n') + '\n');
    if (!ok) await this.drained();
    if (this.closedError) throw this.closedError;
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.stream.off('drain', done);
        this.stream.off('error', done);
        this.stream.off('close', done);
        resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('error', done);
      this.stream.on('close', done);
    });
  }

  /** Resolve once everything written so far has been handed to the OS. */
  async flush(): Promise<void> {
    if (this.closedError || this.stream.destroyed) return;
    if (this.stream.writableNeedDrain) await this.drained();
  }
}
