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
  refuseNonBooleanSelected(metadata, schema, source);
  const streamSelected = top.selected !== undefined ? top.selected === true : schema?.selected === true || (top.selected === undefined && top['selected-by-default'] === true);

  const known = Object.keys(bookingsSchema().properties ?? {});
  const deselected = new Set<string>();
  for (const name of known) {
    if (AUTOMATIC.has(name)) continue;
    const m = at(['properties', name]);
    const selected = m.selected ?? (schema?.properties?.[name] as JsonSchemaObject | undefined)?.selected ?? m['selected-by-default'] ?? true;
    if (selected === false || m.inclusion === 'unsupported') deselected.add(name);
  }
  if (streamSelected) refuseNestedDeselection(metadata, deselected, source);
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

/**
 * `selected` is a boolean in Singer's metadata (and in the legacy schema.selected). A hand-edited "false" (a string)
 * would otherwise read as selected for a property and as not selected for the stream: refused instead.
 */
function refuseNonBooleanSelected(metadata: readonly MetadataEntry[], schema: JsonSchemaObject | undefined, source: string): void {
  const given: Array<[string, unknown]> = metadata.filter((m) => isPlainObject(m.metadata) && 'selected' in m.metadata).map((m) => [breadcrumbText(m.breadcrumb), m.metadata.selected]);
  if (schema && 'selected' in schema) given.push(['the stream\'s schema', schema.selected]);
  for (const [name, property] of Object.entries(schema?.properties ?? {})) if (isPlainObject(property) && 'selected' in property) given.push([`the schema of "${name}"`, property.selected]);
  const wrong = given.find(([, value]) => typeof value !== 'boolean');
  if (wrong) throw new CatalogError(`Catalog file ${source}: "selected" of ${wrong[0]} is ${JSON.stringify(wrong[1])}; it must be true or false.`);
}

/**
 * A catalog selects top-level properties. A nested breadcrumb deselected (as Meltano writes for `!bookings.booker.email`)
 * cannot be honoured by leaving the property out, and ignoring it would load what the user meant to keep out (often
 * personal data): refused, with the settings that do it.
 */
function refuseNestedDeselection(metadata: readonly MetadataEntry[], deselected: ReadonlySet<string>, source: string): void {
  for (const m of metadata) {
    const crumb = m.breadcrumb;
    if (!Array.isArray(crumb) || crumb.length <= 2 || crumb[0] !== 'properties' || !isPlainObject(m.metadata) || m.metadata.selected !== false) continue;
    const top = String(crumb[1]);
    if (deselected.has(top)) continue;
    const path = propertyPath(crumb);
    throw new CatalogError(
      `Catalog file ${source} deselects ${path === undefined ? breadcrumbText(crumb) : `"${path}"`}, inside "${top}": a catalog selects top-level properties only. Deselect "${top}" as a whole${path === undefined ? '' : `, or leave "${path}" out with the drop_properties setting (or hash it with hash_properties): ["${path}"]`}.`,
    );
  }
}

/** The property path (property-paths.ts syntax: `booker.email`, `passengers[].person.email`) a breadcrumb names, if it names one. */
function propertyPath(crumb: readonly unknown[]): string | undefined {
  let path = '';
  for (let i = 0; i < crumb.length; i++) {
    if (crumb[i] === 'items') path += '[]';
    else if (crumb[i] === 'properties' && typeof crumb[i + 1] === 'string') path += `${path ? '.' : ''}${crumb[++i] as string}`;
    else return undefined;
  }
  return path.endsWith('[]') ? undefined : path;
}

function breadcrumbText(crumb: unknown): string {
  return Array.isArray(crumb) && crumb.length === 0 ? 'the stream' : `breadcrumb ${JSON.stringify(crumb)}`;
}
