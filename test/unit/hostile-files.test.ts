import { readConfiguredCatalog } from '../../src/catalog/airbyte-catalog.js';
import { selectionFromCatalog } from '../../src/catalog/singer-catalog.js';
import { loadConfig } from '../../src/config/load-config.js';
import { CatalogError, ConfigError, StateError } from '../../src/errors.js';
import { readJsonFile } from '../../src/io/read-json-file.js';
import { parseSingerState } from '../../src/state/bookmarks.js';
import { tempDir, writeJson } from '../support/cli.js';
import { thrown } from '../support/thrown.js';

/**
 * Files that crashed the readers with a TypeError or a stack overflow ("Unexpected error"), found by fuzzing
 * (test/fuzz/loaders.fuzz.test.ts): each is now the reader's own error, exit 2, naming the file.
 */
const dir = tempDir();
const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;

describe('files nested deeper than 1000 levels', () => {
  it.each([
    ['Config', ConfigError, (path: string) => loadConfig([path])],
    ['State', StateError, (path: string) => parseSingerState(readJsonFile(path, 'State', StateError), path)],
    ['Catalog', CatalogError, (path: string) => selectionFromCatalog(readJsonFile(path, 'Catalog', CatalogError), path)],
  ])('%s: refused before anything recursive meets them', (what, Type, read) => {
    const path = writeJson(dir, `${what}-deep.json`, `{"bookmarks":{"other":${deep(20_000)}}}`);
    const err = thrown(() => read(path), Type as typeof ConfigError);
    expect(err.message).toBe(`${what} file ${path} nests 20002 levels deep; at most 1000 are read.`);
    expect(err.exitCode).toBe(2);
  });

  it('a state nested 1000 deep is read, and passed through', () => {
    const path = writeJson(dir, 'state-1000.json', `{"bookmarks":{"bookings":{},"other":${deep(998)}}}`);
    expect(parseSingerState(readJsonFile(path, 'State', StateError), path).otherStreams.other).toBeDefined();
  });
});

describe('members named like Object.prototype\'s ("toString": 1 makes String() throw)', () => {
  const read = <T>(value: unknown, fn: (raw: unknown, path: string) => T): T => {
    const path = writeJson(dir, 'hostile.json', value);
    return fn(readJsonFile(path, 'File'), path);
  };

  it('a Singer state whose replication_key is such an object, or that is an array of them', () => {
    const state = { bookmarks: { bookings: { partitions: [{ context: { bookingType: 'FLIGHT' }, replication_key: { toString: 1 }, replication_key_value: '2025-01-01T00:00:00Z' }] } } };
    expect(() => read(state, parseSingerState)).toThrow(/has replication_key \{"toString":1\}, but this stream replicates on "lastModified"/);
    expect(() => read([{ toString: 1 }], parseSingerState)).toThrow(StateError);
  });

  it('a Singer catalog with such a breadcrumb, or such a stream name', () => {
    const catalog = { streams: [{ tap_stream_id: 'bookings', metadata: [{ breadcrumb: ['properties', { toString: 1 }], metadata: { selected: false } }, { breadcrumb: [], metadata: { selected: true } }] }] };
    expect(read(catalog, selectionFromCatalog)).toMatchObject({ selected: true, properties: undefined });
    expect(() => read({ streams: [{ tap_stream_id: { toString: 1 } }] }, selectionFromCatalog)).toThrow(/has no "bookings" stream \(it lists "\{"toString":1\}"\)/);
  });

  it('an Airbyte configured catalog with such a cursor_field', () => {
    const catalog = { streams: [{ stream: { name: 'bookings' }, sync_mode: 'incremental', cursor_field: [{ toString: 1 }] }] };
    expect(read(catalog, readConfiguredCatalog).ignoredCursor).toEqual(['{"toString":1}']);
  });

  it('"__proto__" members are data like any other', () => {
    expect(() => read('{"__proto__":{"bookmarks":{}}}', parseSingerState)).toThrow(/has no "bookmarks" key/);
    expect(() => read('{"streams":[],"__proto__":{"streams":[{"tap_stream_id":"bookings"}]}}', selectionFromCatalog)).toThrow(/has no "bookings" stream/);
  });
});
