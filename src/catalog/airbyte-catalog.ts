import { CatalogError } from '../errors.js';
import { asText, isPlainObject } from '../io/read-json-file.js';
import { PRIMARY_KEY, REPLICATION_KEY, STREAM_NAME } from '../stream.js';
import { bookingsSchema, type JsonSchemaObject } from './bookings-schema.js';
import type { Selection } from './selection.js';

/** The AirbyteCatalog `discover` returns, of the schema given (see discoverCatalog). */
export function airbyteCatalog(schema: JsonSchemaObject = bookingsSchema()): object {
  return {
    streams: [
      {
        name: STREAM_NAME,
        json_schema: withAirbyteTypes(schema),
        supported_sync_modes: ['full_refresh', 'incremental'],
        source_defined_cursor: true,
        default_cursor_field: [REPLICATION_KEY],
        source_defined_primary_key: [[PRIMARY_KEY]],
        is_resumable: true,
      },
    ],
  };
}

/**
 * The schema with Airbyte's type annotations: every `date-time` is `airbyte_type: timestamp_with_timezone` (the API's
 * date-times carry an offset), so destinations and PyAirbyte type the column as a timestamp with a time zone. Whole
 * numbers are `"type": "integer"` in the schema itself, for both protocols.
 */
export function withAirbyteTypes<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map((s: unknown) => withAirbyteTypes(s)) as T;
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) out[key] = key === 'enum' || key === 'required' ? value : withAirbyteTypes(value);
  if (out.format === 'date-time') out.airbyte_type = 'timestamp_with_timezone';
  return out as T;
}

/** A configured catalog as read: the selection of the bookings stream, and what the source cannot serve or ignores. */
export interface ConfiguredCatalog {
  selection: Selection;
  /** Streams it names that this source does not have: they are reported (INCOMPLETE), the rest is read. */
  unknownStreams: string[];
  /** A cursor_field other than the source-defined one, which the protocol says the source ignores. */
  ignoredCursor: string[] | undefined;
}

/**
 * Read a ConfiguredAirbyteCatalog, as the Airbyte CDK does: the bookings stream in full_refresh or incremental mode;
 * a stream this source does not have is no reason to fail the others (the read reports it), and since the cursor is
 * source-defined, a configured cursor_field is ignored (the read says so).
 */
export function readConfiguredCatalog(raw: unknown, source: string): ConfiguredCatalog {
  if (!isPlainObject(raw) || !Array.isArray(raw.streams)) throw new CatalogError(`Configured catalog ${source} must be a JSON object with a "streams" array.`);
  const read: ConfiguredCatalog = { selection: { selected: false, syncMode: 'incremental', properties: undefined }, unknownStreams: [], ignoredCursor: undefined };
  raw.streams.forEach((entry, i) => {
    const stream = isPlainObject(entry) && isPlainObject(entry.stream) ? entry.stream : undefined;
    const name = stream?.name;
    if (typeof name !== 'string') throw new CatalogError(`Configured catalog ${source}: streams[${i}] has no stream.name.`);
    if (name !== STREAM_NAME) {
      read.unknownStreams.push(name);
      return;
    }
    const mode = (entry as Record<string, unknown>).sync_mode;
    if (mode !== 'full_refresh' && mode !== 'incremental') throw new CatalogError(`Configured catalog ${source}: sync_mode ${JSON.stringify(mode)} is not supported for "${STREAM_NAME}" (use "full_refresh" or "incremental").`);
    const cursor = (entry as Record<string, unknown>).cursor_field;
    if (mode === 'incremental' && Array.isArray(cursor) && cursor.length > 0 && !(cursor.length === 1 && cursor[0] === REPLICATION_KEY)) read.ignoredCursor = cursor.map(asText);
    const schema = isPlainObject(stream?.json_schema) ? (stream.json_schema as JsonSchemaObject) : undefined;
    const published = Object.keys(bookingsSchema().properties ?? {});
    const listed = schema?.properties ? Object.keys(schema.properties) : undefined;
    // Properties to emit, when the configured json_schema lists fewer than we publish.
    const properties = listed && published.some((p) => !listed.includes(p)) ? new Set([...listed.filter((p) => published.includes(p)), PRIMARY_KEY, REPLICATION_KEY]) : undefined;
    read.selection = { selected: true, syncMode: mode, properties };
  });
  return read;
}
