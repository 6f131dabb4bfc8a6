import { bookingsSchema, type JsonSchemaObject } from '../catalog/bookings-schema.js';
import { loadConfig } from '../config/load-config.js';
import type { TapConfig } from '../config/options.js';
import { buildPathTree } from './property-paths.js';
import { RecordEditor } from './record-editor.js';
import { editSchema } from './schema-editor.js';

/** What hash_properties and drop_properties make of records and of the schema every catalog and SCHEMA publishes. */
export interface PersonalData {
  /** Edits each record's bytes; undefined when no path is set (records are copied untouched). */
  editor: RecordEditor | undefined;
  /** The bookings schema as records come out: hashed properties are strings, dropped ones are gone. */
  schema: JsonSchemaObject;
  /** Paths the schema does not declare (they still apply to records that carry them). */
  undeclared: string[];
}

/** From a validated config (loadConfig has checked the paths and the key). */
export function personalData(config: Pick<TapConfig, 'hashProperties' | 'hashKey' | 'dropProperties'>): PersonalData {
  const tree = buildPathTree(config.hashProperties, config.dropProperties);
  const { schema, undeclared } = editSchema(bookingsSchema(), tree);
  return { editor: tree && new RecordEditor(tree, config.hashKey ?? ''), schema, undeclared };
}

/** The schema the config files' hash_properties and drop_properties leave (for a catalog). */
export function configuredSchema(configPaths: readonly string[]): JsonSchemaObject {
  return personalData(loadConfig(configPaths)).schema;
}

/** The warning for paths the schema does not declare, or undefined. */
export function undeclaredWarning(undeclared: readonly string[]): string | undefined {
  if (undeclared.length === 0) return undefined;
  return `hash_properties/drop_properties: ${undeclared.map((p) => JSON.stringify(p)).join(', ')} ${undeclared.length === 1 ? 'is' : 'are'} not in the bookings schema; ${undeclared.length === 1 ? 'it applies' : 'they apply'} to records that carry ${undeclared.length === 1 ? 'it' : 'them'}. Check the spelling (nested properties are joined by dots, array items written name[]).`;
}
