import { describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { bookingsSchema } from '../../src/catalog/bookings-schema.js';
import { connectorSpec } from '../../src/config/spec.js';
import { validate as bookings } from '../../src/generated/bookings-validator.generated.js';
import { validate as settings } from '../../src/generated/settings-validator.generated.js';
import { createAjv, type ValidateFunction } from '../../src/util/ajv.js';

/**
 * The validators a sync uses are generated ahead of time (src/config/validator-outputs.ts) instead of compiled by
 * ajv at start-up: they must answer as the compiled ones do, errors included (the messages are made from them).
 */
const generatedBookings = bookings as unknown as ValidateFunction;
const generatedSettings = settings as unknown as ValidateFunction;

function sameAnswers(generated: ValidateFunction, compiled: ValidateFunction, values: unknown[]): void {
  for (const value of values) {
    const ok = compiled(value);
    expect(generated(value)).toBe(ok);
    expect(generated.errors ?? null).toEqual(compiled.errors ?? null);
  }
}

describe('generated validators', () => {
  test('the bookings validator answers as ajv compiling the schema does', () => {
    const compiled = createAjv({ allErrors: false }).compile(bookingsSchema());
    const base = { uuid: 'b3c1a1de-0000-4000-8000-000000000001', lastModified: '2024-06-01T10:00:00.000Z', bookingType: 'HOTEL' };
    sameAnswers(generatedBookings, compiled, [
      base,
      { ...base, lastModified: '2024-13-01T10:00:00Z' },
      { ...base, created: 'yesterday' },
      { ...base, bookingType: 42 },
      { lastModified: base.lastModified },
      { ...base, extra: { nested: [1, 2] } },
      [],
      'text',
    ]);
  });

  test('the settings validator answers as ajv compiling spec.json does (verbose, every error)', () => {
    const compiled = createAjv({ verbose: true }).compile(connectorSpec().connectionSpecification);
    const base = { base_url: 'https://api.example.com', client_id: 'id', client_secret: 'secret', start_date: '2024-01-01T00:00:00Z' };
    sameAnswers(generatedSettings, compiled, [
      base,
      { ...base, page_size: 0, max_concurrency: 1000 },
      { ...base, schema_validation: 'sometimes' },
      { ...base, unknown_setting: true },
      { client_id: 'id' },
      { ...base, booking_types: ['HOTEL', 'SPACESHIP'] },
    ]);
  });

  test('a sync loads none of ajv, only its small run-time helpers', () => {
    const loaded = execFileSync(process.execPath, ['--input-type=module', '-e', `
      import { createRequire } from 'node:module';
      await import('./dist/commands/singer-sync.js');
      await import('./dist/commands/airbyte.js');
      console.log(JSON.stringify(Object.keys(createRequire(import.meta.url).cache)));`], { encoding: 'utf8' });
    const ajvModules = (JSON.parse(loaded) as string[]).filter((p) => /node_modules[\\/]ajv/.test(p));
    expect(ajvModules.every((p) => /ajv[\\/]dist[\\/]runtime[\\/]/.test(p))).toBe(true);
  });
});
