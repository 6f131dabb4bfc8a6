import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { specOutputs } from '../../src/config/spec-outputs.js';
import { connectorSpec, settingEntries, settingTypes } from '../../src/config/spec.js';
import { validatorOutputs } from '../../src/config/validator-outputs.js';

/**
 * spec.json is the one definition of the settings: the options type, the README's table, the Meltano example's
 * settings and the Meltano Hub definition are written from it by `npm run generate`, and must not drift.
 */
const spec = connectorSpec();
const read = (path: string) => readFileSync(path, 'utf8');
const pkg = JSON.parse(read('package.json')) as { name: string; version: string; description: string };
const entries = settingEntries(spec);
const required = spec.connectionSpecification.required ?? [];
const secrets = entries.filter(([, p]) => p.airbyte_secret).map(([name]) => name);

describe('files written from spec.json', () => {
  test.each(Object.entries({ ...specOutputs(spec, pkg, read), ...validatorOutputs() }))('%s is up to date (else run: npm run generate)', (path, expected) => {
    expect(read(path)).toBe(expected);
  });

  test('the README table lists every setting with its type, default, required, secret and description', () => {
    const rows = read('README.md').split('\n').filter((l) => l.startsWith('| `'));
    const table = new Map(rows.map((row) => {
      const cells = row.slice(2, -2).split(/ (?<!\\)\| /);
      return [cells[0]!.replace(/`/g, ''), cells] as const;
    }));
    expect([...table.keys()].filter((k) => spec.connectionSpecification.properties[k])).toEqual(entries.map(([name]) => name));
    for (const [name, p] of entries) {
      const [, type, dflt, description] = table.get(name)!;
      expect(type).toContain(p.enum || p.items?.enum ? '`' : settingTypes(p)[0]);
      expect(dflt!.includes('required')).toBe(required.includes(name));
      expect(dflt!.includes('secret')).toBe(Boolean(p.airbyte_secret));
      if (p.default !== undefined && p.default !== null) expect(dflt).toContain(typeof p.default === 'string' ? p.default : JSON.stringify(p.default).replace(/,/g, ', '));
      expect(description!.replace(/\\\|/g, '|')).toBe(p.description);
    }
  });
});

type MeltanoSetting = { name: string; kind?: string; sensitive?: boolean; options?: Array<{ value: unknown }>; description?: string };

/** What Meltano needs of each setting: a kind that makes it pass the JSON type spec.json asks for. */
function expectMeltanoSettings(settings: MeltanoSetting[]): void {
  expect(settings.map((s) => s.name)).toEqual(entries.map(([name]) => name));
  expect(settings.filter((s) => s.sensitive).map((s) => s.name)).toEqual(secrets);
  for (const s of settings) {
    const p = spec.connectionSpecification.properties[s.name]!;
    const types = settingTypes(p).filter((t) => t !== 'null');
    if (p.airbyte_secret) expect(s.kind).toBe('password');
    else if (p.enum) expect(s.options!.map((o) => o.value)).toEqual(p.enum);
    // Meltano 4.4 has no working kind for a non-integer number (see spec-outputs.ts): none, and the tap reads the text.
    else if (types[0] === 'number') expect(s.kind).toBeUndefined();
    else if (/_date$/.test(s.name)) expect(s.kind).toBe('date_iso8601');
    else expect(s.kind).toBe(types[0]);
  }
}

describe('examples/meltano/meltano.yml', () => {
  const project = yaml.load(read('examples/meltano/meltano.yml')) as Record<string, any>;
  const extractor = (project.plugins.extractors as Array<Record<string, any>>).find((e) => e.name === 'tap-bookings')!;

  test('has no deprecated version key, and runs the installed executable', () => {
    expect(project).not.toHaveProperty('version');
    expect(extractor.executable).toBe('tap-bookings');
  });

  test('declares the capabilities the tap reports in --about, and requires the required settings', () => {
    expect([...extractor.capabilities].sort()).toEqual(['about', 'catalog', 'discover', 'state']);
    expect(extractor.settings_group_validation).toEqual([required]);
  });

  test('has exactly the settings of spec.json, each of the kind its type needs, secrets sensitive', () => {
    expectMeltanoSettings(extractor.settings);
  });
});

describe('examples/meltano/hub/tap-bookings.yml (Meltano Hub plugin definition)', () => {
  const hub = yaml.load(read('examples/meltano/hub/tap-bookings.yml')) as Record<string, any>;

  test('names the plugin, its variant and the installed executable', () => {
    expect(hub).toMatchObject({ name: pkg.name, namespace: 'tap_bookings', variant: 'tap-bookings', executable: 'tap-bookings', docs: spec.documentationUrl });
    expect([...hub.capabilities].sort()).toEqual(['about', 'catalog', 'discover', 'state']);
    expect(hub.settings_group_validation).toEqual([required]);
  });

  test('has every setting of spec.json with its kind, sensitivity and description', () => {
    expectMeltanoSettings(hub.settings);
    for (const s of hub.settings as MeltanoSetting[]) expect(s.description).toBe(spec.connectionSpecification.properties[s.name]!.description);
  });
});
