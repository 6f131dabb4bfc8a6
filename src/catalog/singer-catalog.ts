import { CatalogError } from '../errors.js';
import { asText, isPlainObject } from '../io/read-json-file.js';
import { PRIMARY_KEY, REPLICATION_KEY, STREAM_NAME } from '../stream.js';
import { bookingsSchema, type JsonSchemaObject } from './bookings-schema.js';
import type { Selection } from './selection.js';

interface MetadataEntry {
  breadcrumb: string[];
  metadata: Record<string, unknown>;
}

const AUTOMATIC: ReadonlySet<string> = new Set([PRIMARY_KEY, REPLICATION_KEY]);

/**
 * The Singer catalog `--discover` prints (and catalog.json holds), with the standard metadata; of the schema given (the
 * bookings schema as hash_properties and drop_properties leave it, when a config sets them).
 */
export function discoverCatalog(schema: JsonSchemaObject = bookingsSchema()): object {
  const metadata: MetadataEntry[] = [
    {
      breadcrumb: [],
      metadata: {
        'table-key-properties': [PRIMARY_KEY],
        'valid-replication-keys': [REPLICATION_KEY],
        'forced-replication-method': 'INCREMENTAL',
        'replication-method': 'INCREMENTAL',
        'replication-key': REPLICATION_KEY,
        inclusion: 'available',
        selected: true,
        'selected-by-default': true,
      },
    },
    ...Object.keys(schema.properties ?? {}).map((name) => ({
      breadcrumb: ['properties', name],
      metadata: { inclusion: AUTOMATIC.has(name) ? 'automatic' : 'available', 'selected-by-default': true },
    })),
  ];
  return { streams: [{ tap_stream_id: STREAM_NAME, stream: STREAM_NAME, schema, key_properties: [PRIMARY_KEY], replication_key: REPLICATION_KEY, replication_method: 'INCREMENTAL', metadata }] };
}

/**
 * Read the selection from a Singer catalog (`--catalog` / `--properties`): the bookings stream's `selected`
 * metadata (or the legacy schema.selected), and per-property `selected` where inclusion is not automatic.
 */
export function selectionFromCatalog(raw: unknown, source: string): Selection {
  if (!isPlainObject(raw) || !Array.isArray(raw.streams)) throw new CatalogError(`Catalog file ${source} must be a JSON object with a "streams" array (run --discover to get one).`);
  const entry = raw.streams.find((s) => isPlainObject(s) && (s.tap_stream_id === STREAM_NAME || s.stream === STREAM_NAME));
  if (!entry) {
    const names = raw.streams.map((s) => (isPlainObject(s) ? asText(s.tap_stream_id ?? s.stream) : '?'));
    throw new CatalogError(`Catalog file ${source} has no "${STREAM_NAME}" stream${names.length ? ` (it lists ${names.map((n) => `"${n}"`).join(', ')})` : ''}.`);
  }
  const stream = entry as Record<string, unknown>;
  if (stream.metadata !== undefined && !Array.isArray(stream.metadata)) throw new CatalogError(`Catalog file ${source}: "metadata" of stream "${STREAM_NAME}" must be an array.`);
  const metadata = ((stream.metadata as unknown[]) ?? []).filter(isPlainObject) as unknown as MetadataEntry[];
  const at = (breadcrumb: string[]) => metadata.find((m) => sameBreadcrumb(m.breadcrumb, breadcrumb))?.metadata ?? {};
  const top = at([]);
  const schema = isPlainObject(stream.schema) ? (stream.schema as JsonSchemaObject) : undefined;
  const streamSelected = top.selected !== undefined ? top.selected === true : schema?.selected === true || (top.selected === undefined && top['selected-by-default'] === true);

  const known = Object.keys(bookingsSchema().properties ?? {});
  const deselected = new Set<string>();
  for (const name of known) {
    if (AUTOMATIC.has(name)) continue;
    const m = at(['properties', name]);
    const selected = m.selected ?? (schema?.properties?.[name] as JsonSchemaObject | undefined)?.selected ?? m['selected-by-default'] ?? true;
    if (selected === false || m.inclusion === 'unsupported') deselected.add(name);
  }
  return {
    selected: streamSelected,
    properties: deselected.size === 0 ? undefined : new Set(known.filter((k) => !deselected.has(k))),
    syncMode: top['replication-method'] === 'FULL_TABLE' ? 'full_refresh' : 'incremental',
  };
}

/** Whether a breadcrumb read from a catalog (any JSON value) is `expected`. */
function sameBreadcrumb(read: unknown, expected: readonly string[]): boolean {
  return Array.isArray(read) && read.length === expected.length && read.every((part, i) => part === expected[i]);
}
