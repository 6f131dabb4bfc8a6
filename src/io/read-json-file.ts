import { readFileSync, statSync } from 'node:fs';
import { ConfigError } from '../errors.js';

type ErrorClass = new (message: string, options?: { cause?: unknown }) => ConfigError;

/**
 * Read and parse a JSON file given by the user, turning every way it can go wrong
 * (missing, a directory, empty, not JSON, not the expected shape) into one clear message naming the file.
 */
export function readJsonFile(path: string, what: string, ErrorType: ErrorClass = ConfigError): unknown {
  let text: string;
  try {
    if (statSync(path).isDirectory()) throw new ErrorType(`${what} file ${path} is a directory, not a file.`);
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable (permission denied)' : `cannot be read (${code ?? String(err)})`;
    throw new ErrorType(`${what} file ${path} ${reason}.`, { cause: err });
  }
  if (text.trim() === '') throw new ErrorType(`${what} file ${path} is empty; it must hold a JSON object.`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ErrorType(`${what} file ${path} is not valid JSON: ${jsonErrorWithoutExcerpt(err as Error)}.`, { cause: err });
  }
}

/** V8 quotes the text around a JSON syntax error (`..."secret": abc"... is not valid JSON`); a config file holds secrets, so drop the quote. */
function jsonErrorWithoutExcerpt(err: Error): string {
  return err.message.replace(/,\s*(?:\.\.\.)?".*"(?:\.\.\.)?\s+is not valid JSON$/s, '');
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
