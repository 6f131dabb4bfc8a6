import { packageJson } from '../package-files.js';

/**
 * spec.json: the one definition of the tap's settings. Validation (load-config.ts), the options type
 * (settings.generated.ts, through options.ts), `spec`, `--about`, the README's settings table and the Meltano settings
 * (spec-outputs.ts) all come from it. To add a setting, add a property here and run `npm run generate`.
 */
export interface SettingSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  default?: unknown;
  enum?: readonly unknown[];
  items?: { type?: string; enum?: readonly unknown[] };
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  pattern?: string;
  /** Airbyte: how the UI describes the pattern to people. */
  pattern_descriptor?: string;
  examples?: readonly unknown[];
  airbyte_secret?: boolean;
  order?: number;
}

export interface ConnectionSpecification {
  required?: string[];
  additionalProperties?: boolean;
  properties: Record<string, SettingSchema>;
  [keyword: string]: unknown;
}

export interface ConnectorSpec {
  documentationUrl: string;
  supportsIncremental: boolean;
  supported_destination_sync_modes: string[];
  connectionSpecification: ConnectionSpecification;
}

export function connectorSpec(): ConnectorSpec {
  return packageJson<ConnectorSpec>('spec.json');
}

/** The settings in their documented order (`order`), each with its schema. */
export function settingEntries(spec: ConnectorSpec = connectorSpec()): Array<[string, SettingSchema]> {
  return Object.entries(spec.connectionSpecification.properties).sort(([, a], [, b]) => (a.order ?? Infinity) - (b.order ?? Infinity));
}

/** The JSON types a setting may take (`["string", "null"]` → both). */
export function settingTypes(schema: SettingSchema): string[] {
  return ([] as string[]).concat(schema.type ?? 'string');
}

