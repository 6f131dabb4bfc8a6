import { packageJson } from '../package-files.js';

export const SCHEMA_FILE = 'src/schema/bookings.schema.json';

export interface JsonSchemaObject {
  type?: string | string[];
  properties?: Record<string, JsonSchemaObject>;
  required?: string[];
  [key: string]: unknown;
}

/** The bookings record schema shipped with the package (draft-07). */
export function bookingsSchema(): JsonSchemaObject {
  return packageJson<JsonSchemaObject>(SCHEMA_FILE);
}

/** The schema restricted to the selected top-level properties. */
export function selectSchema(schema: JsonSchemaObject, selected: ReadonlySet<string> | undefined): JsonSchemaObject {
  if (!selected) return schema;
  const properties = Object.fromEntries(Object.entries(schema.properties ?? {}).filter(([k]) => selected.has(k)));
  return { ...schema, properties };
}
