import { join } from 'node:path';
import { configFromEnv, loadConfig, resolveConfig } from '../../src/config/load-config.js';
import { connectorSpec } from '../../src/config/spec.js';
import { ConfigError } from '../../src/errors.js';
import { tempDir, writeJson } from '../support/cli.js';
import { thrown } from '../support/thrown.js';

const SECRET = 'Zq9-very-secret-client-value';
const CLIENT_ID = 'client-ident-4711';
const MINIMAL = { base_url: 'https://api.example.com/', client_id: CLIENT_ID, client_secret: SECRET, start_date: '2024-01-01' };
const NOW = Date.UTC(2025, 5, 1);

const configError = (fn: () => unknown): ConfigError => thrown(fn, ConfigError);

describe('loadConfig defaults', () => {
  it('applies the documented defaults to a minimal config', () => {
    const path = writeJson(tempDir(), 'config.json', MINIMAL);
    const c = loadConfig([path], { now: NOW });
    expect(c).toMatchObject({
      baseUrl: 'https://api.example.com', // trailing slash removed
      tokenUrl: 'https://api.example.com/oauth/token',
      clientId: CLIENT_ID,
      clientSecret: SECRET,
      scope: undefined,
      authMethod: 'body',
      startDate: Date.UTC(2024, 0, 1),
      endDate: undefined,
      bookingTypes: ['FLIGHT', 'HOTEL'],
      pageSize: 50,
      firstPage: 0,
      windowFromParam: 'updatedFrom',
      windowToParam: 'updatedTo',
      windowFormat: 'iso8601',
      lookbackWindowSeconds: 0,
      maxRetries: 3,
      backoffFactor: 2,
      maxRetryWaitSeconds: 60,
      requestTimeoutSeconds: 30,
      maxConcurrency: 16,
      allowInsecureHttp: false,
      maxResponseMb: 64,
    });
    expect(c.userAgent).toMatch(/^tap-bookings\/\d+\.\d+\.\d+/);
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.bookingTypes)).toBe(true);
  });

  it('keeps an explicit token_url and explicit values, and accepts null window params', () => {
    const c = resolveConfig(
      { ...MINIMAL, token_url: 'https://auth.example.com/token', page_size: 10, first_page: 1, window_to_param: null, booking_types: ['CAR'] },
      'inline',
      NOW,
    );
    expect(c.tokenUrl).toBe('https://auth.example.com/token');
    expect(c.pageSize).toBe(10);
    expect(c.firstPage).toBe(1);
    expect(c.windowToParam).toBeNull();
    expect(c.bookingTypes).toEqual(['CAR']);
  });
});

describe('numeric settings have a range', () => {
  it.each([
    ['lookback_window_seconds', 1e15, 'must be from 0 to 315360000 (got 1000000000000000)'],
    ['lookback_window_seconds', -1, 'must be from 0 to 315360000 (got -1)'],
    ['page_size', 10_001, 'must be from 1 to 10000 (got 10001)'],
    ['first_page', 2, 'must be from 0 to 1 (got 2)'],
    ['max_retries', 21, 'must be from 0 to 20 (got 21)'],
    ['backoff_factor', 3601, 'must be from 0 to 3600 (got 3601)'],
    ['max_retry_wait_seconds', 86_401, 'must be from 0 to 86400 (got 86401)'],
    ['request_timeout_seconds', 0, 'must be greater than 0 and at most 3600 (got 0)'],
    ['request_timeout_seconds', 3600.5, 'must be greater than 0 and at most 3600 (got 3600.5)'],
    ['max_concurrency', 65, 'must be from 1 to 64 (got 65)'],
    ['max_response_mb', 0, 'must be from 1 to 1024 (got 0)'],
    ['max_response_mb', 1025, 'must be from 1 to 1024 (got 1025)'],
  ])('%s: %d is refused, naming the setting and the range', (setting, value, problem) => {
    const err = configError(() => resolveConfig({ ...MINIMAL, [setting]: value }, 'inline', NOW));
    expect(err.message).toBe(`Invalid config (inline):\n  - ${setting}: ${problem}`);
    expect(err.exitCode).toBe(2);
  });

  it('every setting of spec.json is in the resolved config, under its camelCase name, defaulted from spec.json', () => {
    const c = resolveConfig(MINIMAL, 'test', NOW) as unknown as Record<string, unknown>;
    for (const [name, p] of Object.entries(connectorSpec().connectionSpecification.properties)) {
      const key = name.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase());
      expect(c).toHaveProperty(key);
      if (p.default !== undefined) expect(c[key]).toEqual(p.default);
    }
  });

  it('reads a number setting given as text holding a number (Meltano passes them so), and refuses other text', () => {
    const c = resolveConfig({ ...MINIMAL, backoff_factor: '1.5', request_timeout_seconds: ' 2.5', max_requests_per_second: '20' }, 'test', NOW);
    expect(c).toMatchObject({ backoffFactor: 1.5, requestTimeoutSeconds: 2.5, maxRequestsPerSecond: 20 });
    expect(configError(() => resolveConfig({ ...MINIMAL, backoff_factor: 'fast' }, 'test', NOW)).message).toContain('backoff_factor: must be number');
    expect(configError(() => resolveConfig({ ...MINIMAL, page_size: '10' }, 'test', NOW)).message).toContain('page_size: must be integer');
  });

  it('accepts keys spec.json does not have, with one warning naming them (not their values); keys starting with _ silently', () => {
    const path = writeJson(tempDir(), 'config.json', { ...MINIMAL, bookingTypes: ['CAR'], legacy_token: SECRET, _comment: 'mine' });
    const warnings: string[] = [];
    const c = loadConfig([path], { now: NOW, logger: { warn: (m) => warnings.push(m) } });
    expect(c.bookingTypes).toEqual(['FLIGHT', 'HOTEL']);
    expect(c).not.toHaveProperty('legacyToken');
    expect(warnings).toEqual([`Config (${path}): ignoring settings this tap does not have: "bookingTypes" (booking_types?), "legacy_token".`]);
    const silent: string[] = [];
    loadConfig([writeJson(tempDir(), 'config.json', { ...MINIMAL, _comment: 'mine' })], { now: NOW, logger: { warn: (m) => silent.push(m) } });
    expect(silent).toEqual([]);
  });

  it('spec.json allows additional properties everywhere (the Airbyte acceptance test test_additional_properties_is_true)', () => {
    const flagged: string[] = [];
    const walk = (schema: unknown, at: string): void => {
      if (typeof schema !== 'object' || schema === null) return;
      const o = schema as Record<string, unknown>;
      if ('additionalProperties' in o && o.additionalProperties !== true) flagged.push(at);
      for (const [k, v] of Object.entries(o)) walk(v, `${at}/${k}`);
    };
    walk(connectorSpec().connectionSpecification, '');
    expect(flagged).toEqual([]);
    expect(connectorSpec().connectionSpecification.additionalProperties).toBe(true);
  });

  it('accepts every bound itself', () => {
    const c = resolveConfig(
      { ...MINIMAL, lookback_window_seconds: 315_360_000, page_size: 10_000, max_retries: 20, backoff_factor: 3600, max_retry_wait_seconds: 86_400, request_timeout_seconds: 3600, max_concurrency: 64, max_response_mb: 1024 },
      'inline',
      NOW,
    );
    expect(c).toMatchObject({ lookbackWindowSeconds: 315_360_000, pageSize: 10_000, maxRetries: 20, backoffFactor: 3600, maxRetryWaitSeconds: 86_400, requestTimeoutSeconds: 3600, maxConcurrency: 64, maxResponseMb: 1024 });
    expect(resolveConfig({ ...MINIMAL, max_response_mb: 1 }, 'inline', NOW).maxResponseMb).toBe(1);
  });

  it('every numeric setting in spec.json has a lower and an upper bound, and its default within them', () => {
    const properties = connectorSpec().connectionSpecification.properties as Record<string, { type?: string; default?: number; minimum?: number; exclusiveMinimum?: number; maximum?: number }>;
    const numeric = Object.entries(properties).filter(([, p]) => p.type === 'integer' || p.type === 'number');
    expect(numeric.map(([name]) => name)).toHaveLength(10);
    for (const [name, p] of numeric) {
      expect([name, typeof (p.minimum ?? p.exclusiveMinimum), typeof p.maximum]).toEqual([name, 'number', 'number']);
      const aboveLow = p.minimum !== undefined ? p.default! >= p.minimum : p.default! > p.exclusiveMinimum!;
      expect([name, aboveLow && p.default! <= p.maximum!]).toEqual([name, true]);
    }
  });
});

describe('loadConfig with several --config files', () => {
  it('lets later files override earlier keys and keeps the others', () => {
    const dir = tempDir();
    const first = writeJson(dir, 'base.json', { ...MINIMAL, page_size: 10, max_retries: 7 });
    const second = writeJson(dir, 'override.json', { page_size: 99, client_secret: 'other-secret-value' });
    const c = loadConfig([first, second], { now: NOW });
    expect(c.pageSize).toBe(99);
    expect(c.clientSecret).toBe('other-secret-value');
    expect(c.maxRetries).toBe(7);
    expect(c.baseUrl).toBe('https://api.example.com');
  });

  it('merges a partial file with TAP_BOOKINGS_* variables via ENV, in order', () => {
    const path = writeJson(tempDir(), 'partial.json', { base_url: 'https://api.example.com', start_date: '2024-01-01', page_size: 5 });
    const env = { TAP_BOOKINGS_CLIENT_ID: CLIENT_ID, TAP_BOOKINGS_CLIENT_SECRET: SECRET, TAP_BOOKINGS_PAGE_SIZE: '20', TAP_BOOKINGS_BOOKING_TYPES: 'RAIL, CAR' };
    const c = loadConfig([path, 'ENV'], { env, now: NOW });
    expect(c.clientSecret).toBe(SECRET);
    expect(c.pageSize).toBe(20);
    expect(c.bookingTypes).toEqual(['RAIL', 'CAR']);
    expect(configFromEnv({ TAP_BOOKINGS_ALLOW_INSECURE_HTTP: 'yes' })).toEqual({ allow_insecure_http: true });
  });

  it('refuses an empty list of sources', () => {
    expect(configError(() => loadConfig([])).message).toMatch(/No config given: pass --config FILE/);
  });
});

describe('loadConfig errors', () => {
  it('lists every missing required key in one ConfigError naming the file', () => {
    const path = writeJson(tempDir(), 'incomplete.json', { page_size: 10 });
    const err = configError(() => loadConfig([path], { now: NOW }));
    expect(err.message).toContain(`Invalid config (${path})`);
    for (const key of ['base_url', 'client_id', 'client_secret', 'start_date']) expect(err.message).toContain(`${key}: is required`);
    expect(err.exitCode).toBe(2);
    expect(err.failureType).toBe('config_error');
  });

  it('names every file that was merged when the merged result is invalid', () => {
    const dir = tempDir();
    const a = writeJson(dir, 'a.json', { base_url: 'https://api.example.com' });
    const b = writeJson(dir, 'b.json', { page_size: 0 });
    const err = configError(() => loadConfig([a, b], { now: NOW }));
    expect(err.message).toContain(`(${a}, ${b})`);
    expect(err.message).toMatch(/page_size: must be from 1 to 10000 \(got 0\)/);
  });

  it('names a missing file and a file that is not a JSON object', () => {
    const dir = tempDir();
    expect(configError(() => loadConfig([join(dir, 'nope.json')])).message).toBe(`Config file ${join(dir, 'nope.json')} does not exist.`);
    const arr = writeJson(dir, 'arr.json', [MINIMAL]);
    expect(configError(() => loadConfig([arr])).message).toBe(`Config file ${arr} must hold a JSON object, not an array.`);
  });

  it('never puts secret values in the message, whatever else is wrong', () => {
    const raw = { ...MINIMAL, base_url: `https://${CLIENT_ID}:${SECRET}@api.example.com`, token_url: 'http://auth.example.com/t', page_size: 'ten' };
    const err = configError(() => resolveConfig(raw, 'inline', NOW));
    expect(err.message).toMatch(/base_url: must not contain credentials/);
    expect(err.message).toMatch(/token_url: plain http:\/\/ is refused/);
    expect(err.message).toMatch(/page_size: must be integer/);
    expect(err.message).not.toContain(SECRET);
    expect(err.message).not.toContain(CLIENT_ID);
  });

  it('does not quote the secret when a config file is not valid JSON', () => {
    const dir = tempDir();
    // A secret pasted without quotes: JSON.parse's own message would quote the text around the error.
    const unquoted = writeJson(dir, 'unquoted.json', `{"base_url": "https://api.example.com", "client_secret": ${SECRET}}`);
    const err = configError(() => loadConfig([unquoted]));
    expect(err.message).toContain(`Config file ${unquoted} is not valid JSON`);
    expect(err.message).not.toContain(SECRET.slice(1, 8));
    const bare = writeJson(dir, 'bare.json', SECRET);
    const err2 = configError(() => loadConfig([bare]));
    expect(err2.message).toContain('is not valid JSON');
    expect(err2.message).not.toContain(SECRET.slice(1, 8));
  });

  it('rejects a start_date in the future and an end_date before start_date', () => {
    const err = configError(() => resolveConfig({ ...MINIMAL, start_date: '2030-01-01', end_date: '2020-01-01' }, 'inline', NOW));
    expect(err.message).toMatch(/start_date: 2030-01-01 is in the future/);
    expect(err.message).toMatch(/end_date: is before start_date/);
  });

  it('allows plain http for loopback hosts and when allow_insecure_http is set', () => {
    expect(resolveConfig({ ...MINIMAL, base_url: 'http://127.0.0.1:8080' }, 'inline', NOW).baseUrl).toBe('http://127.0.0.1:8080');
    expect(resolveConfig({ ...MINIMAL, base_url: 'http://api.internal', allow_insecure_http: true }, 'inline', NOW).tokenUrl).toBe('http://api.internal/oauth/token');
  });
});
