import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { isTapError, type TapError } from '../../src/errors.js';
import { rng } from '../support/rng.js';

/**
 * Seeded property tests of everything that reads untrusted input (issue 13 item 7). `npm test` runs a few hundred
 * cases of each; `npm run fuzz` runs FUZZ_RUNS=10000. A failure prints its seed and path: FUZZ_SEED and the
 * reported path replay it.
 */
export const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
export const SEED = Number(process.env.FUZZ_SEED ?? 13);
/** Jest's time limit for one fuzz test: generous, since ten thousand cases on a busy machine take minutes. */
export const TIMEOUT = Math.max(60_000, RUNS * 40);

export function params<T>(runs = RUNS): fc.Parameters<T> {
  return { seed: SEED, numRuns: runs, endOnFailure: true };
}

/** fn's value, or the project's typed error it threw; anything else (a TypeError, a RangeError) is rethrown. */
export function typed<T>(fn: () => T): T | TapError {
  try {
    return fn();
  } catch (err) {
    if (isTapError(err)) return err;
    throw err;
  }
}

export async function typedAsync<T>(fn: () => Promise<T>): Promise<T | TapError> {
  try {
    return await fn();
  } catch (err) {
    if (isTapError(err)) return err;
    throw err;
  }
}

/**
 * Names that trip code reading JSON objects: Object.prototype's members (`toString` holding 1 turns `String(x)`
 * into a TypeError), `__proto__` (an own property after JSON.parse, a prototype after assignment), and the names the
 * tap's files and responses use, so that random documents often reach deep into the readers.
 */
export const HOSTILE_KEYS = ['toString', 'valueOf', '__proto__', 'constructor', 'hasOwnProperty', 'toJSON', 'length', '0'];
const VOCABULARY = [
  'bookmarks', 'bookings', 'partitions', 'context', 'bookingType', 'replication_key', 'replication_key_value', 'type', 'value', 'STATE',
  'stream', 'state', 'data', 'stream_state', 'stream_descriptor', 'name', 'streams', 'metadata', 'breadcrumb', 'selected', 'inclusion',
  'replication-method', 'selected-by-default', 'tap_stream_id', 'schema', 'properties', 'sync_mode', 'cursor_field', 'json_schema',
  'access_token', 'expires_in', 'error', 'page', 'totalPages', 'totalElements', 'uuid', 'lastModified',
];
const STRINGS = [
  '', 'bookings', 'FLIGHT', 'HOTEL', 'STATE', 'STREAM', 'GLOBAL', 'LEGACY', 'lastModified', 'incremental', 'full_refresh', 'FULL_TABLE',
  'INCREMENTAL', 'automatic', 'unsupported', 'available', 'properties', 'uuid', '2025-01-01T00:00:00Z', '2099-01-01T00:00:00Z',
  '0001-01-01T00:00:00Z', '2025-13-45T99:99:99Z', 'NaN', 'Infinity', '-1', '1e400', '\u0000', '\ud800', '💥', '"', '\\',
];

export const key: fc.Arbitrary<string> = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...VOCABULARY) }, { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_KEYS) }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) });
const scalar: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...STRINGS),
  fc.string({ maxLength: 10 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 1e300, -0, 1.5, 2 ** 53 + 2),
  fc.boolean(),
  fc.constant(null),
);

/** A JSON value whose objects use the vocabulary above and Object.prototype's names. */
export const json: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { maxDepth: 4, depthIdentifier: 'json' },
    scalar,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** A change to a document at one of its places, chosen by index among all of them. */
interface Mutation {
  at: number;
  action: 'replace' | 'delete' | 'add';
  key: string;
  value: unknown;
}
const mutation: fc.Arbitrary<Mutation> = fc.record({ at: fc.nat(), action: fc.constantFrom('replace', 'delete', 'add'), key, value: json });

/** A valid document with up to four random changes anywhere in it: reaches the readers' deep checks. */
export function mutated(...bases: unknown[]): fc.Arbitrary<unknown> {
  return fc.tuple(fc.constantFrom(...bases), fc.array(mutation, { maxLength: 4 })).map(([base, changes]) => {
    let doc = structuredClone(base);
    for (const change of changes) doc = mutate(doc, change);
    return doc;
  });
}

function mutate(doc: unknown, m: Mutation): unknown {
  const places: Array<{ parent: Record<string, unknown> | unknown[]; key: string | number } | undefined> = [undefined];
  const stack: unknown[] = [doc];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) node.forEach((v, i) => (places.push({ parent: node, key: i }), stack.push(v)));
    else if (node !== null && typeof node === 'object') for (const [k, v] of Object.entries(node)) places.push({ parent: node as Record<string, unknown>, key: k }), stack.push(v);
  }
  const place = places[m.at % places.length];
  if (!place) return m.action === 'replace' ? m.value : doc;
  const { parent, key: k } = place;
  const target = (parent as Record<string | number, unknown>)[k];
  if (m.action === 'replace') define(parent, k, m.value);
  else if (m.action === 'delete') {
    if (Array.isArray(parent)) parent.splice(k as number, 1);
    else delete parent[k as string];
  } else if (Array.isArray(target)) target.push(m.value);
  else if (target !== null && typeof target === 'object') define(target as Record<string, unknown>, m.key, m.value);
  else define(parent, k, m.value);
  return doc;
}

/** Set an own property, even `__proto__` (as JSON.parse would make it). */
function define(o: Record<string | number, unknown> | unknown[], k: string | number, value: unknown): void {
  Object.defineProperty(o, k, { value, enumerable: true, writable: true, configurable: true });
}

/** JSON text of a value, with own `__proto__` properties kept (JSON.stringify keeps them: they are own properties). */
export function text(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}

/**
 * A directory for the files fuzzed, in memory where there is one (/dev/shm): rewriting a file ten thousand times on
 * a disk costs milliseconds each (ext4 flushes a truncated file). Removed after the file's tests.
 */
export function fuzzDir(): string {
  const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'tap-bookings-fuzz-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * JSON text of a value as APIs write it: random whitespace between tokens (line breaks too when `lineBreaks`), and
 * object member names with some characters written as \u escapes, all chosen by `seed`.
 */
export function looseText(value: unknown, seed: number, options: { lineBreaks?: boolean } = {}): string {
  const r = rng(seed);
  const spaces = options.lineBreaks ? [' ', '\t', '\n', '\r\n  '] : [' ', '\t', '  '];
  const ws = () => (r() < 0.2 ? spaces[Math.floor(r() * spaces.length)]! : '');
  const write = (v: unknown): string => {
    if (Array.isArray(v)) return `[${ws()}${v.map((x) => `${ws()}${write(x)}${ws()}`).join(',')}${ws()}]`;
    if (v !== null && typeof v === 'object') return `{${ws()}${Object.entries(v).map(([k, x]) => `${ws()}${name(k, r)}${ws()}:${ws()}${write(x)}${ws()}`).join(',')}${ws()}}`;
    return text(v);
  };
  return write(value);
}

/** A member name, a character now and then written as a \u escape (JSON.parse reads both the same). */
export function name(k: string, r: () => number): string {
  if (r() < 0.8) return JSON.stringify(k);
  let out = '"';
  for (const ch of k) out += r() < 0.4 ? Array.from({ length: ch.length }, (_, i) => `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`).join('') : JSON.stringify(ch).slice(1, -1);
  return `${out}"`;
}
