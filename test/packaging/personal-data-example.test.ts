import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';

/** The personal-data example is one example: the README's, the file the interop suite runs, and Meltano's mapping. */
describe('the stream maps example of the README', () => {
  const file = JSON.parse(readFileSync('examples/meltano/personal-data-map.json', 'utf8')) as { stream_maps: unknown };

  test('examples/meltano/meltano.yml maps with the same stream maps, its salt from the environment', () => {
    const project = yaml.load(readFileSync('examples/meltano/meltano.yml', 'utf8')) as { plugins: { mappers: Array<{ mappings: Array<{ name: string; config: Record<string, any> }> }> } };
    const mapping = project.plugins.mappers.flatMap((m) => m.mappings).find((m) => m.name === 'hash-personal-data')!;
    expect(mapping.config.stream_maps).toEqual(file.stream_maps);
    expect(mapping.config.stream_map_config).toEqual({ salt: '$TAP_BOOKINGS_MAP_SALT' });
  });

  test('the README shows the file as it is', () => {
    const readme = readFileSync('README.md', 'utf8');
    const blocks = [...readme.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.some((b) => b.includes('stream_maps') && JSON.stringify(JSON.parse(b)) === JSON.stringify(JSON.parse(readFileSync('examples/meltano/personal-data-map.json', 'utf8'))))).toBe(true);
  });
});
