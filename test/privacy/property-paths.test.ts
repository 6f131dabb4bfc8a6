import { describe, expect, test } from '@jest/globals';
import { ConfigError } from '../../src/errors.js';
import { buildPathTree, formatPath, MAX_PATH_STEPS, parsePath, personalDataProblems, type PathNode } from '../../src/privacy/property-paths.js';
import { thrown } from '../support/thrown.js';

/** The tree as plain data, to compare: { name: action or subtree, '[]': items }. */
function shape(node: PathNode): unknown {
  if (node.action) return node.action;
  const out: Record<string, unknown> = {};
  for (const [name, child] of node.members) out[name] = shape(child);
  if (node.items) out['[]'] = shape(node.items);
  return out;
}

describe('property paths', () => {
  test.each([
    ['booker.email', [{ member: 'booker' }, { member: 'email' }]],
    ['seats[]', [{ member: 'seats' }, { items: true }]],
    ['passengers[].person.email', [{ member: 'passengers' }, { items: true }, { member: 'person' }, { member: 'email' }]],
    ['matrix[][].x', [{ member: 'matrix' }, { items: true }, { items: true }, { member: 'x' }]],
    ['nameOnCreditCard', [{ member: 'nameOnCreditCard' }]],
    ['e-mail adresse', [{ member: 'e-mail adresse' }]],
  ])('%s is read step by step, and written back the same', (path, steps) => {
    expect(parsePath(path, 'hash_properties')).toEqual(steps);
    expect(formatPath(parsePath(path, 'hash_properties'))).toBe(path);
  });

  test.each([
    ['', /is empty/],
    [' booker.email', /spaces around it/],
    ['booker..email', /empty name/],
    ['.booker', /empty name/],
    ['booker.', /empty name/],
    ['[].email', /not a property path/],
    ['seats[0]', /not a property path: "seats\[0\]"/],
    ['seats[', /not a property path/],
    ['passengers[]x', /not a property path/],
  ])('%j is refused, naming the setting and the path', (path, why) => {
    const err = thrown(() => parsePath(path, 'drop_properties'), ConfigError);
    expect(err.message).toMatch(/^drop_properties: /);
    expect(err.message).toContain(JSON.stringify(path));
    expect(err.message).toMatch(why);
  });

  test(`a path of more than ${MAX_PATH_STEPS} steps is refused`, () => {
    const deep = Array.from({ length: MAX_PATH_STEPS + 1 }, (_, i) => `p${i}`).join('.');
    expect(() => parsePath(deep, 'hash_properties')).toThrow(`has ${MAX_PATH_STEPS + 1} steps; at most ${MAX_PATH_STEPS}`);
    expect(() => parsePath(deep.split('.').slice(0, MAX_PATH_STEPS).join('.'), 'hash_properties')).not.toThrow();
  });

  test('both settings make one tree: hashed and dropped ends, members and items', () => {
    const tree = buildPathTree(['booker.email', 'passengers[].person.email', 'seats[]'], ['passengers[].person.passport', 'nameOnCreditCard'])!;
    expect(shape(tree)).toEqual({
      booker: { email: 'hash' },
      passengers: { '[]': { person: { email: 'hash', passport: 'drop' } } },
      seats: { '[]': 'hash' },
      nameOnCreditCard: 'drop',
    });
    expect(buildPathTree([], [])).toBeUndefined();
  });

  test.each([
    [['uuid'], [], /hash_properties: "uuid" cannot be hashed: "uuid" is the stream's primary key/],
    [[], ['lastModified'], /drop_properties: "lastModified" cannot be dropped: "lastModified" is the stream's replication key/],
    [['uuid.x'], [], /primary key/],
    [[], ['seats[]'], /drop_properties: "seats\[\]" ends in \[\].*drop the array itself \("seats"\)/],
    [['booker.email', 'booker.email'], [], /hash_properties: "booker.email" is given twice/],
    [['booker.email'], ['booker.email'], /drop_properties: "booker.email" is also in hash_properties/],
    [['booker'], ['booker.email'], /drop_properties: "booker.email" lies inside "booker", which hash_properties already hashed whole/],
    [['booker.email'], ['booker'], /drop_properties: "booker" contains "booker.email" \(hash_properties\)/],
    [['passengers[].person.name'], ['passengers'], /drop_properties: "passengers" contains "passengers\[\].person.name"/],
    [['seats'], ['seats[]'], /ends in \[\]/],
    [['seats[]'], ['seats'], /drop_properties: "seats" contains "seats\[\]"/],
  ])('hash %j and drop %j is refused', (hash, drop, why) => {
    const err = thrown(() => buildPathTree(hash, drop), ConfigError);
    expect(err.message).toMatch(why);
  });

  test('the primary and replication keys may be hashed where they are nested: booker.uuid is not the stream key', () => {
    expect(shape(buildPathTree(['booker.uuid', 'passengers[].person.uuid'], [])!)).toEqual({ booker: { uuid: 'hash' }, passengers: { '[]': { person: { uuid: 'hash' } } } });
  });

  test('config problems: hash_key is required with hash_properties, and a bad path is listed', () => {
    expect(personalDataProblems(['booker.email'], undefined, [])).toEqual([expect.stringMatching(/^hash_key: is required when hash_properties is set/)]);
    expect(personalDataProblems(['booker.email'], 'k'.repeat(16), [])).toEqual([]);
    expect(personalDataProblems([], undefined, ['nameOnCreditCard'])).toEqual([]);
    expect(personalDataProblems([], undefined, ['uuid'])).toEqual([expect.stringMatching(/^drop_properties: "uuid" cannot be dropped/)]);
    // Values the spec refuses (not an array, not strings) are the spec's to report.
    expect(personalDataProblems('booker.email', undefined, [3])).toEqual([]);
  });
});
