import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { selectionFromCatalog } from '../../src/catalog/singer-catalog.js';
import { readConfiguredCatalog } from '../../src/catalog/airbyte-catalog.js';
import { bookingsSchema, selectSchema } from '../../src/catalog/bookings-schema.js';
import { loadConfig } from '../../src/config/load-config.js';
import { CatalogError, ConfigError, StateError } from '../../src/errors.js';
import { readJsonFile } from '../../src/io/read-json-file.js';
import { streamStateMessage } from '../../src/protocol/airbyte.js';
import { singerEncoder } from '../../src/protocol/singer.js';
import { readAirbyteState } from '../../src/state/airbyte-state.js';
import { parseSingerState, rejectFutureBookmarks, toStreamState } from '../../src/state/bookmarks.js';
import { MemberNames } from '../../src/util/json-bytes.js';
import { AIRBYTE_STATE, CONFIGURED, content, GOOD_CONFIG, LEGACY_STATE, SINGER_CATALOG, SINGER_STATE } from './documents.js';
import { fuzzDir, json, params, text, TIMEOUT, typed } from './fuzz.js';

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

/** Every file `inputs` gives, read by `read`: a value, or an error of `Type` (the command's exit 2), nothing else. */
function onlyTyped(inputs: fc.Arbitrary<string>, Type: typeof ConfigError, read: (path: string) => unknown): void {
  fc.assert(fc.property(inputs, (c) => {
    const result = typed(() => read(file(c)));
    if (result instanceof Error) expect(result).toBeInstanceOf(Type);
  }), params());
}

describe('loaders fuzzed: only typed errors', () => {
  it('config files', () => onlyTyped(content(GOOD_CONFIG), ConfigError, (path) => loadConfig([path], { now: NOW })), TIMEOUT);

  it('config from TAP_BOOKINGS_* variables', () => {
    const names = ['BASE_URL', 'CLIENT_ID', 'CLIENT_SECRET', 'START_DATE', 'BOOKING_TYPES', 'PAGE_SIZE', 'MAX_RETRIES', 'ALLOW_INSECURE_HTTP', 'LOOKBACK_WINDOW_SECONDS', 'END_DATE'];
    const value = fc.oneof(fc.string({ maxLength: 12 }), json.map(text), fc.constantFrom('https://api.example.com', '2024-01-01', 'FLIGHT,HOTEL', '[[[[]]]]', '1e400', '-1', 'NaN'));
    fc.assert(fc.property(fc.dictionary(fc.constantFrom(...names), value), (vars) => {
      const env = Object.fromEntries(Object.entries(vars).map(([k, v]) => [`TAP_BOOKINGS_${k}`, v]));
      const result = typed(() => loadConfig(['ENV'], { env, now: NOW }));
      if (result instanceof Error) expect(result).toBeInstanceOf(ConfigError);
    }), params());
  }, TIMEOUT);

  it('Singer state files, read and written back as STATE messages', () => onlyTyped(content(SINGER_STATE, { type: 'STATE', value: SINGER_STATE }, {}), StateError, (path) => {
    const { bookmarks, otherStreams } = parseSingerState(readJsonFile(path, 'State', StateError), path);
    rejectFutureBookmarks(bookmarks, NOW, path);
    const encoder = singerEncoder(bookingsSchema(), otherStreams, toStreamState(bookmarks, ['FLIGHT', 'HOTEL']));
    for (const line of [...encoder.begin(), ...encoder.failed(undefined)]) JSON.parse(String(line));
  }), TIMEOUT);

  it('Airbyte state files, read and written back as a STATE message', () => onlyTyped(content(AIRBYTE_STATE, AIRBYTE_STATE[0], LEGACY_STATE, []), StateError, (path) => {
    const bookmarks = readAirbyteState(readJsonFile(path, 'State', StateError), path);
    rejectFutureBookmarks(bookmarks, NOW, path);
    return streamStateMessage(toStreamState(bookmarks, ['FLIGHT']), 0);
  }), TIMEOUT);

  it('Singer catalogs, read into a selection, the schema and the projection it gives', () => onlyTyped(content(SINGER_CATALOG), CatalogError, (path) => {
    const selection = selectionFromCatalog(readJsonFile(path, 'Catalog', CatalogError), path);
    JSON.stringify(selectSchema(bookingsSchema(), selection.properties));
    return selection.properties && new MemberNames(selection.properties);
  }), TIMEOUT);

  it('Airbyte configured catalogs, read into a selection and the projection it gives', () => onlyTyped(content(CONFIGURED), CatalogError, (path) => {
    const read = readConfiguredCatalog(readJsonFile(path, 'Configured catalog', CatalogError), path);
    return read.selection.properties && new MemberNames(read.selection.properties);
  }), TIMEOUT);
});
