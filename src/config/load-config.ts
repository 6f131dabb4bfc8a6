import { ConfigError } from '../errors.js';
import { isPlainObject, readJsonFile } from '../io/read-json-file.js';
import type { Logger } from '../logging/logger.js';
import { packageVersion } from '../package-files.js';
import { validate as generatedSettingsValidator } from '../generated/settings-validator.generated.js';
import { describeAjvErrors } from '../util/ajv-errors.js';
import { parseDateTime } from '../util/time.js';
import type { BookingType, Resolved, TapConfig } from './options.js';
import { connectorSpec, settingEntries, settingTypes } from './spec.js';
import { personalDataProblems } from '../privacy/property-paths.js';

/** spec.json's validator, generated ahead of time (src/config/validator-outputs.ts): every error, with its schema and value. */
const validateSettings = generatedSettingsValidator;
function validateAgainstSpec(raw: Record<string, unknown>): string[] {
  return validateSettings(raw) ? [] : describeAjvErrors(validateSettings.errors);
}

const ENV_PREFIX = 'TAP_BOOKINGS_';

/** Settings from TAP_BOOKINGS_<SETTING> variables (the Singer SDK's `--config ENV`), typed by spec.json. */
export function configFromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, prop] of settingEntries()) {
    const value = env[ENV_PREFIX + name.toUpperCase()];
    if (value === undefined) continue;
    const types = settingTypes(prop);
    if (types.includes('array')) out[name] = value.trim().startsWith('[') ? safeJson(value) : value.split(',').map((s) => s.trim()).filter(Boolean);
    else if (types.includes('integer') || types.includes('number')) out[name] = numberFromText(value) ?? value;
    else if (types.includes('boolean')) out[name] = /^(1|true|yes|on)$/i.test(value.trim());
    else out[name] = value;
  }
  return out;
}

const NUMBER_TEXT = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

/** The number a text spells in decimal notation (`"1.5"`, `"2e3"`), or undefined. */
function numberFromText(text: string): number | undefined {
  return NUMBER_TEXT.test(text) ? Number(text) : undefined;
}

/**
 * A number setting given as text holding a number is read as that number: Meltano has no kind for a non-integer
 * number (see spec-outputs.ts), so it passes such settings as text.
 */
function withNumbersRead(raw: Record<string, unknown>): Record<string, unknown> {
  const out = { ...raw };
  for (const [name, schema] of settingEntries()) {
    const value = out[name];
    if (typeof value === 'string' && settingTypes(schema).includes('number')) out[name] = numberFromText(value) ?? value;
  }
  return out;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  /** Told once about keys spec.json does not have (they are ignored, as Airbyte expects of a source). */
  logger?: Pick<Logger, 'warn'>;
  /** The sync's start time, epoch ms (used to reject a start date in the future). */
  now?: number;
}

/**
 * Read every --config file in order (later keys override earlier ones; the word ENV reads
 * TAP_BOOKINGS_* variables), validate the merged result against spec.json, and return the typed, frozen config.
 */
export function loadConfig(sources: readonly string[], options: LoadConfigOptions = {}): TapConfig {
  if (sources.length === 0) throw new ConfigError('No config given: pass --config FILE (or --config ENV to read TAP_BOOKINGS_* variables).');
  let merged: Record<string, unknown> = {};
  for (const source of sources) {
    if (source === 'ENV') {
      merged = { ...merged, ...configFromEnv(options.env ?? process.env) };
      continue;
    }
    const raw = readJsonFile(source, 'Config');
    if (!isPlainObject(raw)) throw new ConfigError(`Config file ${source} must hold a JSON object, not ${describeJsonType(raw)}.`);
    merged = { ...merged, ...raw };
  }
  const config = resolveConfig(merged, sources.join(', '), options.now ?? Date.now());
  const unknown = unknownSettings(merged);
  if (unknown.length > 0) options.logger?.warn(`Config (${sources.join(', ')}): ignoring ${unknown.length === 1 ? 'a setting' : 'settings'} this tap does not have: ${unknown.join(', ')}.`);
  return config;
}

/**
 * Keys spec.json does not have, each with the setting it may be a misspelling of: `"bookingTypes" (booking_types?)`.
 * Keys starting with `_` are comments and not listed. spec.json allows other keys (`additionalProperties: true`, as
 * Airbyte asks of a source) so that a saved config keeps working when a setting is removed.
 */
export function unknownSettings(raw: Record<string, unknown>): string[] {
  const known = connectorSpec().connectionSpecification.properties;
  const squash = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, '');
  return Object.keys(raw)
    .filter((key) => !Object.hasOwn(known, key) && !key.startsWith('_'))
    .map((key) => {
      const near = Object.keys(known).find((name) => squash(name) === squash(key));
      return `${JSON.stringify(key)}${near ? ` (${near}?)` : ''}`;
    });
}

export function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/** Validate a raw config object and apply defaults. `origin` names where it came from, for messages. */
export function resolveConfig(asGiven: Record<string, unknown>, origin: string, now = Date.now()): TapConfig {
  const raw = withNumbersRead(asGiven);
  const problems = validateAgainstSpec(raw);
  const given = <T>(key: string): T => (raw[key] !== undefined ? raw[key] : connectorSpec().connectionSpecification.properties[key]?.default) as T;

  const startDate = typeof raw.start_date === 'string' ? parseDateTime(raw.start_date) : undefined;
  const endDate = typeof raw.end_date === 'string' ? parseDateTime(raw.end_date) : undefined;
  if (startDate !== undefined && startDate > now) problems.push(`start_date: ${String(raw.start_date)} is in the future`);
  if (startDate !== undefined && endDate !== undefined && endDate < startDate) problems.push('end_date: is before start_date');

  const allowInsecure = given<boolean>('allow_insecure_http');
  for (const key of ['base_url', 'token_url']) {
    const url = raw[key];
    if (typeof url !== 'string' || !/^https?:\/\//.test(url)) continue;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      problems.push(`${key}: is not a valid URL`);
      continue;
    }
    if (parsed.username || parsed.password) problems.push(`${key}: must not contain credentials; use client_id and client_secret`);
    if (parsed.protocol === 'http:' && !allowInsecure && !isLoopback(parsed.hostname)) {
      problems.push(`${key}: plain http:// is refused for ${parsed.hostname}; use https:// (or set allow_insecure_http: true)`);
    }
  }

  if (raw.pagination === 'keyset') {
    if (given<string | null>('window_from_param') === null) problems.push('pagination: "keyset" needs window_from_param (each request starts at the newest lastModified delivered)');
    if (raw.record_order === 'unsorted') problems.push('pagination: "keyset" needs an API that sorts by lastModified, but record_order is "unsorted"');
  }

  problems.push(...personalDataProblems(given<string[]>('hash_properties'), raw.hash_key, given<string[]>('drop_properties')));

  if (problems.length > 0) {
    const list = problems.map((p) => `  - ${p}`).join('\n');
    throw new ConfigError(`Invalid config (${origin}):\n${list}`);
  }

  // Every setting of spec.json under its camelCase name, as given or defaulted; then the values worked out here.
  const settings: Record<string, unknown> = {};
  for (const [name, schema] of settingEntries()) settings[camelCase(name)] = raw[name] !== undefined ? raw[name] : schema.default;
  const baseUrl = (raw.base_url as string).replace(/\/+$/, '');
  const resolved: Resolved = {
    startDate: startDate as number,
    endDate,
    tokenUrl: (raw.token_url as string | undefined) ?? `${baseUrl}/oauth/token`,
    userAgent: (raw.user_agent as string | undefined) ?? `tap-bookings/${packageVersion()}`,
  };
  const bookingTypes = Object.freeze([...(settings.bookingTypes as BookingType[])]);
  return Object.freeze({ ...settings, ...resolved, baseUrl, bookingTypes }) as TapConfig;
}

function camelCase(name: string): string {
  return name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

export function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}
