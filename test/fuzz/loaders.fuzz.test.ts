import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { discoverCatalog, selectionFromCatalog } from '../../src/catalog/singer-catalog.js';
import { airbyteCatalog, readConfiguredCatalog } from '../../src/catalog/airbyte-catalog.js';
import { bookingsSchema, selectSchema } from '../../src/catalog/bookings-schema.js';
import { loadConfig } from '../../src/config/load-config.js';
import { CatalogError, ConfigError, StateError } from '../../src/errors.js';
import { readJsonFile } from '../../src/io/read-json-file.js';
import { streamStateMessage } from '../../src/protocol/airbyte.js';
import { singerEncoder } from '../../src/protocol/singer.js';
import { readAirbyteState } from '../../src/state/airbyte-state.js';
import { parseSingerState, rejectFutureBookmarks, toStreamState } from '../../src/state/bookmarks.js';
import { MemberNames } from '../../src/util/json-bytes.js';
import { fuzzDir, json, mutated, params, text, typed } from './fuzz.js';

/**
 * Config, state and catalog files as a careless user or a broken orchestrator writes them: valid files with random
 * changes anywhere (values of any type, Object.prototype's names as keys, deleted keys), random JSON, random text.
 * Each is read as the commands read it, and used as far as the sync's first request: the only failure allowed is the
 * error the command reports (exit 2 for these), never a TypeError or RangeError.
 */
const dir = fuzzDir();
const NOW = Date.UTC(2026, 0, 1);
const file = (content: string) => {
  const path = join(dir, 'input.json');
  writeFileSync(path, content);
  return path;
};

const GOOD_CONFIG = { base_url: 'https://api.example.com', client_id: 'id', client_secret: 'secret', start_date: '2024-01-01T00:00:00Z', booking_types: ['FLIGHT', 'HOTEL'], page_size: 50, window_from_param: 'updatedFrom', pagination: 'page_number' };
const SINGER_STATE = {
  bookmarks: {
    bookings: { partitions: [{ context: { bookingType: 'FLIGHT' }, replication_key: 'lastModified', replication_key_value: '2025-03-01T00:00:00.000Z' }] },
    other: { x: [1, { y: 2 }] },
  },
};
const AIRBYTE_STATE = [{ type: 'STREAM', stream: { stream_descriptor: { name: 'bookings' }, stream_state: SINGER_STATE.bookmarks.bookings } }];
const LEGACY_STATE = { data: SINGER_STATE };
/** The schema's first few properties: a real catalog's shape, small enough to mutate ten thousand times quickly. */
const FEW = ['uuid', 'lastModified', 'bookingType', 'booker', 'basePrice', 'currency'];
const SCHEMA = { ...bookingsSchema(), properties: Object.fromEntries(FEW.map((p) => [p, bookingsSchema().properties![p]!])) };
const SINGER_CATALOG = (() => {
  const stream = (discoverCatalog() as { streams: Array<Record<string, unknown> & { metadata: Array<{ breadcrumb: string[] }> }> }).streams[0]!;
  return { streams: [{ ...stream, schema: SCHEMA, metadata: stream.metadata.filter((m) => m.breadcrumb.length === 0 || FEW.includes(m.breadcrumb[1]!)) }] };
})();
const CONFIGURED = { streams: [{ stream: { ...(airbyteCatalog() as { streams: object[] }).streams[0], json_schema: SCHEMA }, sync_mode: 'incremental', destination_sync_mode: 'append', cursor_field: ['lastModified'] }] };

/** Any file content: a mutated valid document (most often), random JSON, or random text around JSON's characters. */
function content(...bases: unknown[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: mutated(...bases).map(text) },
    { weight: 2, arbitrary: json.map(text) },
    { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', ':', ',', ' ', '1', 'a', '\\', 'n', '\n'), maxLength: 40 }) },
    { weight: 1, arbitrary: mutated(...bases).map((d) => text(d).slice(0, -1)) },
  );
}

/** Every file `inputs` gives, read by `read`: a value, or an error of `Type` (the command's exit 2), nothing else. */
function onlyTyped(inputs: fc.Arbitrary<string>, Type: typeof ConfigError, read: (path: string) => unknown): void {
  fc.assert(fc.property(inputs, (c) => {
    const result = typed(() => read(file(c)));
    if (result instanceof Error) expect(result).toBeInstanceOf(Type);
  }), params());
}

describe('loaders fuzzed: only typed errors', () => {
  it('config files', () => onlyTyped(content(GOOD_CONFIG), ConfigError, (path) => loadConfig([path], { now: NOW })));

  it('config from TAP_BOOKINGS_* variables', () => {
    const names = ['BASE_URL', 'CLIENT_ID', 'CLIENT_SECRET', 'START_DATE', 'BOOKING_TYPES', 'PAGE_SIZE', 'MAX_RETRIES', 'ALLOW_INSECURE_HTTP', 'LOOKBACK_WINDOW_SECONDS', 'END_DATE'];
    const value = fc.oneof(fc.string({ maxLength: 12 }), json.map(text), fc.constantFrom('https://api.example.com', '2024-01-01', 'FLIGHT,HOTEL', '[[[[]]]]', '1e400', '-1', 'NaN'));
    fc.assert(fc.property(fc.dictionary(fc.constantFrom(...names), value), (vars) => {
      const env = Object.fromEntries(Object.entries(vars).map(([k, v]) => [`TAP_BOOKINGS_${k}`, v]));
      const result = typed(() => loadConfig(['ENV'], { env, now: NOW }));
      if (result instanceof Error) expect(result).toBeInstanceOf(ConfigError);
    }), params());
  });

  it('Singer state files, read and written back as STATE messages', () => onlyTyped(content(SINGER_STATE, { type: 'STATE', value: SINGER_STATE }, {}), StateError, (path) => {
    const { bookmarks, otherStreams } = parseSingerState(readJsonFile(path, 'State', StateError), path);
    rejectFutureBookmarks(bookmarks, NOW, path);
    const encoder = singerEncoder(bookingsSchema(), otherStreams, toStreamState(bookmarks, ['FLIGHT', 'HOTEL']));
    for (const line of [...encoder.begin(), ...encoder.failed(undefined)]) JSON.parse(String(line));
  }));

  it('Airbyte state files, read and written back as a STATE message', () => onlyTyped(content(AIRBYTE_STATE, AIRBYTE_STATE[0], LEGACY_STATE, []), StateError, (path) => {
    const bookmarks = readAirbyteState(readJsonFile(path, 'State', StateError), path);
    rejectFutureBookmarks(bookmarks, NOW, path);
    return streamStateMessage(toStreamState(bookmarks, ['FLIGHT']), 0);
  }));

  it('Singer catalogs, read into a selection, the schema and the projection it gives', () => onlyTyped(content(SINGER_CATALOG), CatalogError, (path) => {
    const selection = selectionFromCatalog(readJsonFile(path, 'Catalog', CatalogError), path);
    JSON.stringify(selectSchema(bookingsSchema(), selection.properties));
    return selection.properties && new MemberNames(selection.properties);
  }));

  it('Airbyte configured catalogs, read into a selection and the projection it gives', () => onlyTyped(content(CONFIGURED), CatalogError, (path) => {
    const read = readConfiguredCatalog(readJsonFile(path, 'Configured catalog', CatalogError), path);
    return read.selection.properties && new MemberNames(read.selection.properties);
  }));
});
