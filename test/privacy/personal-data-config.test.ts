import { describe, expect, test } from '@jest/globals';
import { resolveConfig } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/errors.js';
import { thrown } from '../support/thrown.js';

const MINIMAL = { base_url: 'https://api.example.com', client_id: 'client-ident', client_secret: 'client-secret-value', start_date: '2024-01-01' };
const NOW = Date.UTC(2025, 5, 1);
const KEY = 'Kq7-hash-key-long-enough';
const problems = (raw: Record<string, unknown>) => thrown(() => resolveConfig({ ...MINIMAL, ...raw }, 'inline', NOW), ConfigError).message;

describe('hash_properties, hash_key, drop_properties settings', () => {
  test('default to nothing hashed or dropped', () => {
    expect(resolveConfig(MINIMAL, 'inline', NOW)).toMatchObject({ hashProperties: [], hashKey: undefined, dropProperties: [] });
  });

  test('are read as given', () => {
    const c = resolveConfig({ ...MINIMAL, hash_properties: ['booker.email', 'seats[]'], hash_key: KEY, drop_properties: ['nameOnCreditCard'] }, 'inline', NOW);
    expect(c).toMatchObject({ hashProperties: ['booker.email', 'seats[]'], hashKey: KEY, dropProperties: ['nameOnCreditCard'] });
  });

  test('hash_key is required with hash_properties, and must be at least 16 characters; its value is never quoted', () => {
    expect(problems({ hash_properties: ['booker.email'] })).toMatch(/hash_key: is required when hash_properties is set/);
    const short = problems({ hash_properties: ['booker.email'], hash_key: 'short-key-9' });
    expect(short).toMatch(/hash_key: must NOT have fewer than 16 characters/);
    expect(short).not.toContain('short-key-9');
  });

  test('a path that cannot be used is listed with the other problems, naming its setting', () => {
    const message = problems({ page_size: 0, hash_properties: ['uuid'], hash_key: KEY });
    expect(message).toMatch(/page_size: must be from 1 to 10000/);
    expect(message).toMatch(/hash_properties: "uuid" cannot be hashed/);
    expect(problems({ drop_properties: ['seats[]'] })).toMatch(/drop_properties: "seats\[\]" ends in \[\]/);
    expect(problems({ drop_properties: [''] })).toMatch(/drop_properties.*must NOT have fewer than 1 characters/);
  });
});
