import type { Writable } from 'node:stream';
import { OutputClosedError } from '../errors.js';

/** What encoders hand the writer: a message as a string (one line, no newline), or bytes of complete lines, each ending in a newline. */
export type Output = string | Uint8Array;

/**
 * The one module that writes to stdout. Lines are written in order, a batch at a time; when the stream's buffer is
 * full the writer waits for 'drain' (back-pressure), and a reader that went away (EPIPE) becomes OutputClosedError.
 */
export class MessageWriter {
  private closedError: OutputClosedError | undefined;

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

  /** Write messages in order: strings are single lines without their newline, byte blocks are whole lines. */
  async write(items: readonly Output[]): Promise<void> {
    if (items.length === 0) return;
    if (this.closedError) throw this.closedError;
    if (this.stream.destroyed) throw new OutputClosedError('stdout is closed; stopping.');
    let ok = true;
    const lines: string[] = [];
    const writeLines = (): void => {
      if (lines.length === 0) return;
      ok = this.stream.write(`${lines.join('\n')}\n`);
      lines.length = 0;
    };
    // Several chunks (a page's records, then its STATE) go out together, in one writev where the stream can.
    const corked = items.length > 1;
    if (corked) this.stream.cork();
    for (const item of items) {
      if (typeof item === 'string') {
        lines.push(item);
      } else {
        writeLines();
        ok = this.stream.write(item);
      }
    }
    writeLines();
    if (corked) this.stream.uncork();
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

let stdout: MessageWriter | undefined;

/**
 * The writer of the process's stdout: every byte a command writes there (protocol messages, Airbyte LOG messages,
 * --about, --discover) goes through this one, in order, with back-pressure and a closed pipe reported once.
 */
export function stdoutWriter(): MessageWriter {
  stdout ??= new MessageWriter(process.stdout);
  return stdout;
}
