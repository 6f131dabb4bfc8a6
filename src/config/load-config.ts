import { ConfigError } from '../errors.js';
import { isPlainObject, readJsonFile } from '../io/read-json-file.js';
import { packageJson, packageVersion } from '../package-files.js';
import { createAjv, describeAjvErrors, type ValidateFunction } from '../util/ajv.js';
import { parseDateTime } from '../util/time.js';
import type { BookingType, TapConfig } from './options.js';
import { personalDataProblems } from '../privacy/property-paths.js';

interface ConnectorSpec {
  connectionSpecification: { properties: Record<string, { type?: string | string[]; default?: unknown; airbyte_secret?: boolean }> };
}

export function connectorSpec(): ConnectorSpec & Record<string, unknown> {
  return packageJson<ConnectorSpec & Record<string, unknown>>('spec.json');
}

/** Names of settings marked airbyte_secret in spec.json. */
export function secretSettingNames(): string[] {
  return Object.entries(connectorSpec().connectionSpecification.properties)
    .filter(([, p]) => p.airbyte_secret)
    .map(([k]) => k);
}

let validator: ValidateFunction | undefined;
function validateAgainstSpec(raw: Record<string, unknown>): string[] {
  let validate = validator;
  if (!validate) {
    // Dates are checked by parseDateTime below, which accepts what users type (a date, or a date-time without offset = UTC).
    const ajv = createAjv({ verbose: true }); // for messages naming a setting's whole range
    ajv.addFormat('date-time', { type: 'string', validate: (s: string) => parseDateTime(s) !== undefined });
    validate = validator = ajv.compile(connectorSpec().connectionSpecification);
  }
  return validate(raw) ? [] : describeAjvErrors(validate.errors);
}

const ENV_PREFIX = 'TAP_BOOKINGS_';

/** Settings from TAP_BOOKINGS_<SETTING> variables (the Singer SDK's `--config ENV`), typed by spec.json. */
export function configFromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, prop] of Object.entries(connectorSpec().connectionSpecification.properties)) {
    const value = env[ENV_PREFIX + name.toUpperCase()];
    if (value === undefined) continue;
    const types = ([] as string[]).concat(prop.type ?? 'string');
    if (types.includes('array')) out[name] = value.trim().startsWith('[') ? safeJson(value) : value.split(',').map((s) => s.trim()).filter(Boolean);
    else if (types.includes('integer') || types.includes('number')) out[name] = value.trim() === '' ? value : Number(value);
    else if (types.includes('boolean')) out[name] = /^(1|true|yes|on)$/i.test(value.trim());
    else out[name] = value;
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
  return resolveConfig(merged, sources.join(', '), options.now ?? Date.now());
}

export function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/** Validate a raw config object and apply defaults. `origin` names where it came from, for messages. */
export function resolveConfig(raw: Record<string, unknown>, origin: string, now = Date.now()): TapConfig {
  const problems = validateAgainstSpec(raw);
  const value = <T>(key: string): T => (raw[key] !== undefined ? raw[key] : connectorSpec().connectionSpecification.properties[key]?.default) as T;

  const startDate = typeof raw.start_date === 'string' ? parseDateTime(raw.start_date) : undefined;
  const endDate = typeof raw.end_date === 'string' ? parseDateTime(raw.end_date) : undefined;
  if (startDate !== undefined && startDate > now) problems.push(`start_date: ${String(raw.start_date)} is in the future`);
  if (startDate !== undefined && endDate !== undefined && endDate < startDate) problems.push('end_date: is before start_date');

  const allowInsecure = value<boolean>('allow_insecure_http');
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
    if (value<string | null>('window_from_param') === null) problems.push('pagination: "keyset" needs window_from_param (each request starts at the newest lastModified delivered)');
    if (raw.record_order === 'unsorted') problems.push('pagination: "keyset" needs an API that sorts by lastModified, but record_order is "unsorted"');
  }

  problems.push(...personalDataProblems(value<string[]>('hash_properties'), raw.hash_key, value<string[]>('drop_properties')));

  if (problems.length > 0) {
    const list = problems.map((p) => `  - ${p}`).join('\n');
    throw new ConfigError(`Invalid config (${origin}):\n${list}`);
  }

  const baseUrl = (raw.base_url as string).replace(/\/+$/, '');
  return Object.freeze({
    baseUrl,
    clientId: raw.client_id as string,
    clientSecret: raw.client_secret as string,
    tokenUrl: (raw.token_url as string | undefined) ?? `${baseUrl}/oauth/token`,
    scope: raw.scope as string | undefined,
    authMethod: value<'body' | 'basic'>('auth_method'),
    startDate: startDate as number,
    endDate,
    bookingTypes: Object.freeze([...value<BookingType[]>('booking_types')]),
    pageSize: value<number>('page_size'),
    firstPage: value<number>('first_page'),
    windowFromParam: value<string | null>('window_from_param'),
    windowToParam: value<string | null>('window_to_param'),
    windowFormat: value<TapConfig['windowFormat']>('window_format'),
    lookbackWindowSeconds: value<number>('lookback_window_seconds'),
    maxRetries: value<number>('max_retries'),
    backoffFactor: value<number>('backoff_factor'),
    maxRetryWaitSeconds: value<number>('max_retry_wait_seconds'),
    requestTimeoutSeconds: value<number>('request_timeout_seconds'),
    maxConcurrency: value<number>('max_concurrency'),
    schemaValidation: value<TapConfig['schemaValidation']>('schema_validation'),
    recordOrder: value<TapConfig['recordOrder']>('record_order'),
    allowInsecureHttp: allowInsecure,
    userAgent: (raw.user_agent as string | undefined) ?? `tap-bookings/${packageVersion()}`,
    pagination: value<TapConfig['pagination']>('pagination'),
    maxRequestsPerSecond: value<number | null>('max_requests_per_second') ?? undefined,
    maxResponseMb: value<number>('max_response_mb'),
    hashProperties: Object.freeze([...value<string[]>('hash_properties')]),
    hashKey: raw.hash_key as string | undefined,
    dropProperties: Object.freeze([...value<string[]>('drop_properties')]),
  });
}

export function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}
