import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';

/** The example Meltano project (run for real by the interop suite) declares every setting of spec.json, secrets as sensitive. */
describe('examples/meltano/meltano.yml', () => {
  const project = yaml.load(readFileSync('examples/meltano/meltano.yml', 'utf8')) as { plugins: { extractors: Array<Record<string, any>> } };
  const extractor = project.plugins.extractors.find((e) => e.name === 'tap-bookings')!;
  const spec = JSON.parse(readFileSync('spec.json', 'utf8')) as { connectionSpecification: { properties: Record<string, { airbyte_secret?: boolean }> } };
  const specSettings = spec.connectionSpecification.properties;

  test('declares the capabilities the tap reports in --about', () => {
    expect([...extractor.capabilities].sort()).toEqual(['about', 'catalog', 'discover', 'state']);
  });

  test('has exactly the settings of spec.json', () => {
    expect(extractor.settings.map((s: { name: string }) => s.name).sort()).toEqual(Object.keys(specSettings).sort());
  });

  test('marks the secrets of spec.json as sensitive, and nothing else', () => {
    const sensitive = extractor.settings.filter((s: { sensitive?: boolean }) => s.sensitive).map((s: { name: string }) => s.name).sort();
    expect(sensitive).toEqual(Object.entries(specSettings).filter(([, p]) => p.airbyte_secret).map(([k]) => k).sort());
  });
});
