/**
 * Everything written from spec.json (the one definition of the settings), as text: the options type
 * (src/config/settings.generated.ts), the README's settings table, the settings block of examples/meltano/meltano.yml
 * and the Meltano Hub definition (examples/meltano/hub/tap-bookings.yml). `npm run generate` (scripts/generate.mjs)
 * writes them; test/packaging/spec-outputs.test.ts fails when a file differs from what this module renders.
 */
import { describeRange } from '../util/ajv-errors.js';
import { settingEntries, settingTypes, type ConnectorSpec, type SettingSchema } from './spec.js';

export const CAPABILITIES = ['catalog', 'discover', 'state', 'about'] as const;

/** What the README and `--about --format markdown` show in a setting's type column, e.g. "integer, from 1 to 64". */
function typeCell(schema: SettingSchema): string {
  if (schema.enum) return `one of ${schema.enum.map((v) => `\`${String(v)}\``).join(', ')}`;
  if (schema.items?.enum) return `array of ${schema.items.enum.map((v) => `\`${String(v)}\``).join(', ')}`;
  if (schema.pattern_descriptor) return `${settingTypes(schema).join(' or ')}: \`${schema.pattern_descriptor}\``;
  const range = describeRange(schema);
  return [settingTypes(schema).join(' or '), range].filter(Boolean).join(', ');
}

function defaultCell(schema: SettingSchema, required: boolean): string {
  const notes = [required ? 'required' : undefined, schema.airbyte_secret ? 'secret' : undefined].filter(Boolean);
  if (schema.default !== undefined && schema.default !== null) notes.unshift(`\`${typeof schema.default === 'string' ? schema.default : JSON.stringify(schema.default).replace(/,/g, ', ')}\``);
  return notes.length > 0 ? notes.join(', ') : 'none';
}

const cell = (text: string) => text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');

/** The settings table of the README and of `--about --format markdown`: name, type, default, required, secret, description. */
export function settingsTable(spec: ConnectorSpec): string {
  const required = new Set(spec.connectionSpecification.required ?? []);
  const rows = settingEntries(spec).map(([name, p]) => `| \`${name}\` | ${cell(typeCell(p))} | ${cell(defaultCell(p, required.has(name)))} | ${cell(p.description ?? p.title ?? '')} |`);
  return ['| setting | type | default | description |', '|---|---|---|---|', ...rows].join('\n') + '\n';
}

function tsType(schema: SettingSchema): string {
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  return settingTypes(schema)
    .map((t) => {
      if (t === 'integer' || t === 'number') return 'number';
      if (t === 'array') {
        const item = schema.items?.enum ? schema.items.enum.map((v) => JSON.stringify(v)).join(' | ') : tsType({ type: schema.items?.type ?? 'string' });
        return `readonly (${item})[]`;
      }
      return t; // string, boolean, null
    })
    .join(' | ');
}

/** src/config/settings.generated.ts: every setting as the config holds it once spec.json's defaults are applied. */
export function settingsInterface(spec: ConnectorSpec): string {
  const required = new Set(spec.connectionSpecification.required ?? []);
  const fields = settingEntries(spec).map(([name, p]) => {
    const present = required.has(name) || p.default !== undefined;
    const doc = [p.title, p.default !== undefined ? `@default ${JSON.stringify(p.default)}` : undefined].filter(Boolean).join('. ').replace(/\*\//g, '*\\/');
    return `  /** ${doc} */\n  readonly ${name}: ${tsType(p)}${present ? '' : ' | undefined'};`;
  });
  return [
    '// Generated from spec.json by `npm run generate` (src/config/spec-outputs.ts). Edit spec.json, not this file.',
    '',
    '/** Every setting of spec.json, as a resolved config holds it (spec.json\'s defaults applied; undefined when unset). */',
    'export interface Settings {',
    ...fields,
    '}',
    '',
  ].join('\n');
}

/**
 * The Meltano kind of a setting. Meltano 4.4 has no kind for a non-integer number: `decimal` makes a value set through
 * an environment variable a Python Decimal that it then fails to write into the tap's config ("Object of type Decimal
 * is not JSON serializable"), and `integer` refuses 2.5. So a number setting has no kind: Meltano passes its text and
 * the tap reads a number from it (load-config.ts).
 */
function meltanoKind(name: string, schema: SettingSchema): string | undefined {
  if (schema.airbyte_secret) return 'password';
  if (schema.enum) return 'options';
  if (/_date$/.test(name)) return 'date_iso8601';
  const types = settingTypes(schema).filter((t) => t !== 'null');
  if (types.includes('number')) return undefined;
  return types[0];
}

const q = (value: unknown) => JSON.stringify(value); // a JSON string is a YAML double-quoted scalar

/** Meltano's settings list for the tap, as YAML lines at `indent` spaces; with descriptions for the Hub. */
export function meltanoSettings(spec: ConnectorSpec, indent: number, { descriptions = false } = {}): string {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  for (const [name, p] of settingEntries(spec)) {
    lines.push(`${pad}- name: ${name}`);
    if (p.title) lines.push(`${pad}  label: ${q(p.title)}`);
    if (descriptions && p.description) lines.push(`${pad}  description: ${q(p.description)}`);
    const kind = meltanoKind(name, p);
    if (kind) lines.push(`${pad}  kind: ${kind}`);
    if (p.airbyte_secret) lines.push(`${pad}  sensitive: true`);
    if (p.enum) lines.push(`${pad}  options:`, ...p.enum.map((v) => `${pad}    - { label: ${q(String(v))}, value: ${q(v)} }`));
  }
  return lines.join('\n') + '\n';
}

export function settingsGroupValidation(spec: ConnectorSpec): string[][] {
  return [settingEntries(spec).map(([name]) => name).filter((name) => spec.connectionSpecification.required?.includes(name))];
}

export interface PackageInfo {
  name: string;
  version: string;
  description: string;
  homepage?: string;
}

/** examples/meltano/hub/tap-bookings.yml: the plugin definition in Meltano Hub's format. */
export function hubDefinition(spec: ConnectorSpec, pkg: PackageInfo): string {
  return [
    '# Generated from spec.json and package.json by `npm run generate` (src/config/spec-outputs.ts); do not edit.',
    '# The extractor as Meltano Hub lists plugins (https://hub.meltano.com). tap-bookings is a Node package, not a',
    '# Python one: install it with `npm install -g tap-bookings`, which puts the `tap-bookings` executable on PATH.',
    `name: ${pkg.name}`,
    'namespace: tap_bookings',
    'variant: tap-bookings',
    'label: Bookings',
    `description: ${q(pkg.description)}`,
    `docs: ${q(spec.documentationUrl)}`,
    `repo: ${q(spec.documentationUrl.replace(/#.*$/, ''))}`,
    `executable: ${pkg.name}`,
    'capabilities:',
    ...CAPABILITIES.map((c) => `  - ${c}`),
    'settings_group_validation:',
    ...settingsGroupValidation(spec).map((group) => `  - [${group.join(', ')}]`),
    'settings:',
    meltanoSettings(spec, 2, { descriptions: true }).trimEnd(),
    '',
  ].join('\n');
}

/** Replace the text between `begin` and `end` marker lines of `text` (markers kept). */
export function replaceBetween(text: string, begin: string, end: string, body: string): string {
  const start = text.indexOf(begin);
  const stop = text.indexOf(end, start);
  if (start < 0 || stop < 0) throw new Error(`markers ${begin} … ${end} not found`);
  const from = text.indexOf('\n', start) + 1;
  const to = text.lastIndexOf('\n', stop) + 1;
  return text.slice(0, from) + body + text.slice(to);
}

export const README_TABLE = ['<!-- BEGIN settings table: generated from spec.json by npm run generate -->', '<!-- END settings table -->'] as const;
export const MELTANO_SETTINGS = ['# BEGIN settings: generated from spec.json by npm run generate', '# END settings'] as const;

/**
 * Every file written from spec.json, as it should read now: path (relative to `root`) → content. `read` gives the
 * current text of a file whose hand-written parts are kept (the README, meltano.yml).
 */
export function specOutputs(spec: ConnectorSpec, pkg: PackageInfo, read: (path: string) => string): Record<string, string> {
  return {
    'src/config/settings.generated.ts': settingsInterface(spec),
    'README.md': replaceBetween(read('README.md'), README_TABLE[0], README_TABLE[1], settingsTable(spec)),
    'examples/meltano/meltano.yml': replaceBetween(read('examples/meltano/meltano.yml'), MELTANO_SETTINGS[0], MELTANO_SETTINGS[1], meltanoSettings(spec, 8)),
    'examples/meltano/hub/tap-bookings.yml': hubDefinition(spec, pkg),
  };
}
