import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { ConfigError } from '../errors.js';
import { MAX_JSON_DEPTH, nestingDepth } from '../util/json-bytes.js';

type ErrorClass = new (message: string, options?: { cause?: unknown }) => ConfigError;

/** The largest config, state or catalog file read, in bytes. Real ones are a few kilobytes. */
export const MAX_INPUT_FILE_BYTES = 10 * 1024 * 1024;
const LIMIT = `${MAX_INPUT_FILE_BYTES / 1024 / 1024} MB`;
const CHUNK_BYTES = 64 * 1024;

/**
 * Read and parse a JSON file given by the user, turning every way it can go wrong
 * (missing, not a regular file, too large, empty, not JSON, nested deeper than MAX_JSON_DEPTH) into one clear
 * message naming the file. The depth is counted on the bytes, before anything recursive (JSON.stringify of a state
 * passed through, schema validation) could meet it.
 */
export function readJsonFile(path: string, what: string, ErrorType: ErrorClass = ConfigError): unknown {
  const bytes = readInputFile(path, what, ErrorType);
  const depth = nestingDepth(bytes);
  if (depth > MAX_JSON_DEPTH) throw new ErrorType(`${what} file ${path} nests ${depth} levels deep; at most ${MAX_JSON_DEPTH} are read.`);
  const text = bytes.toString('utf8');
  if (text.trim() === '') throw new ErrorType(`${what} file ${path} is empty; it must hold a JSON object.`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ErrorType(`${what} file ${path} is not valid JSON: ${jsonErrorWithoutExcerpt(err as Error)}.`, { cause: err });
  }
}

/**
 * The bytes of a regular file of at most MAX_INPUT_FILE_BYTES, or an error at once: a FIFO, a device (`/dev/zero`),
 * a directory or a socket is refused, never read, so the tap can neither block for ever on open() or read() (where
 * no signal handler can run) nor fill its memory.
 *
 * How, and why: stat() first refuses what is plainly not a regular file without opening it (opening a device can
 * have effects, a FIFO's open blocks until a writer comes). The path can be swapped between that stat() and open(),
 * so open() is non-blocking (O_NONBLOCK: a FIFO opens at once, and it changes nothing for a regular file) and
 * fstat() of the opened descriptor decides; the size it reports is checked, and reading stops past the limit anyway,
 * since the file may grow while it is read.
 */
function readInputFile(path: string, what: string, ErrorType: ErrorClass): Buffer {
  const refuse = (stats: Stats): never => {
    if (!stats.isFile()) throw new ErrorType(`${what} file ${path} is not a regular file (${fileKind(stats)}).`);
    throw new ErrorType(`${what} file ${path} is too large (${stats.size} bytes); the limit is ${LIMIT}.`);
  };
  const acceptable = (stats: Stats): boolean => stats.isFile() && stats.size <= MAX_INPUT_FILE_BYTES;
  let fd: number | undefined;
  try {
    const before = statSync(path);
    if (!acceptable(before)) refuse(before);
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0));
    const opened = fstatSync(fd);
    if (!acceptable(opened)) refuse(opened);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
      const n = readSync(fd, chunk, 0, CHUNK_BYTES, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > MAX_INPUT_FILE_BYTES) throw new ErrorType(`${what} file ${path} is too large (more than ${MAX_INPUT_FILE_BYTES} bytes); the limit is ${LIMIT}.`);
    }
    return Buffer.concat(chunks, total);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable (permission denied)' : `cannot be read (${code ?? String(err)})`;
    throw new ErrorType(`${what} file ${path} ${reason}.`, { cause: err });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function fileKind(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a file';
}

/** V8 quotes the text around a JSON syntax error (`..."secret": abc"... is not valid JSON`); a config file holds secrets, so drop the quote. */
function jsonErrorWithoutExcerpt(err: Error): string {
  return err.message.replace(/,\s*(?:\.\.\.)?".*"(?:\.\.\.)?\s+is not valid JSON$/s, '');
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A JSON value for a message: a string as it is, anything else as JSON text. Never String(): a parsed object with a
 * member named "toString" (`{"toString": 1}`) makes String() throw a TypeError.
 */
export function asText(value: unknown): string {
  return typeof value === 'string' ? value : String(JSON.stringify(value));
}
