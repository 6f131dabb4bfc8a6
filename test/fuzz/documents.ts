import fc from 'fast-check';
import { airbyteCatalog } from '../../src/catalog/airbyte-catalog.js';
import { bookingsSchema } from '../../src/catalog/bookings-schema.js';
import { discoverCatalog } from '../../src/catalog/singer-catalog.js';
import { json, mutated, text } from './fuzz.js';

/** Valid config, state and catalog files, which the fuzz tests change at random. */
export const GOOD_CONFIG = { base_url: 'https://api.example.com', client_id: 'id', client_secret: 'secret', start_date: '2024-01-01T00:00:00Z', booking_types: ['FLIGHT', 'HOTEL'], page_size: 50, window_from_param: 'updatedFrom', pagination: 'page_number' };
export const SINGER_STATE = {
  bookmarks: {
    bookings: { partitions: [{ context: { bookingType: 'FLIGHT' }, replication_key: 'lastModified', replication_key_value: '2025-03-01T00:00:00.000Z' }] },
    other: { x: [1, { y: 2 }] },
  },
};
export const AIRBYTE_STATE = [{ type: 'STREAM', stream: { stream_descriptor: { name: 'bookings' }, stream_state: SINGER_STATE.bookmarks.bookings } }];
export const LEGACY_STATE = { data: SINGER_STATE };
/** The schema's first few properties: a real catalog's shape, small enough to mutate ten thousand times quickly. */
const FEW = ['uuid', 'lastModified', 'bookingType', 'booker', 'basePrice', 'currency'];
const SCHEMA = { ...bookingsSchema(), properties: Object.fromEntries(FEW.map((p) => [p, bookingsSchema().properties![p]!])) };
export const SINGER_CATALOG = (() => {
  const stream = (discoverCatalog() as { streams: Array<Record<string, unknown> & { metadata: Array<{ breadcrumb: string[] }> }> }).streams[0]!;
  return { streams: [{ ...stream, schema: SCHEMA, metadata: stream.metadata.filter((m) => m.breadcrumb.length === 0 || FEW.includes(m.breadcrumb[1]!)) }] };
})();
export const CONFIGURED = { streams: [{ stream: { ...(airbyteCatalog() as { streams: object[] }).streams[0], json_schema: SCHEMA }, sync_mode: 'incremental', destination_sync_mode: 'append', cursor_field: ['lastModified'] }] };

/** Any file content: a mutated valid document (most often), random JSON, random text around JSON's characters, or cut short. */
export function content(...bases: unknown[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: mutated(...bases).map(text) },
    { weight: 2, arbitrary: json.map(text) },
    { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', ':', ',', ' ', '1', 'a', '\\', 'n', '\n'), maxLength: 40 }) },
    { weight: 1, arbitrary: mutated(...bases).map((d) => text(d).slice(0, -1)) },
  );
}
