import { describe, expect, test } from '@jest/globals';
import { plainSync } from '../../src/cli/plain-sync.js';

/** The command lines a sync runs without yargs, and the ones left to it (which parses, explains and rejects). */
describe('plainSync', () => {
  test('reads a plain sync line as yargs would', () => {
    expect(plainSync(['--config', 'c.json'])).toEqual({ kind: 'singer', config: ['c.json'], state: undefined, catalog: undefined, debug: false });
    expect(plainSync(['--config', 'a.json', '--config', 'ENV', '--state', 's.json', '--properties', 'p.json', '--log-level', 'warn'])).toEqual({
      kind: 'singer',
      config: ['a.json', 'ENV'], state: 's.json', catalog: 'p.json', debug: false, 'log-level': 'warn',
    });
    expect(plainSync(['--debug', '--catalog', 'cat.json', '--config', 'c.json'])).toEqual({ kind: 'singer', config: ['c.json'], state: undefined, catalog: 'cat.json', debug: true });
  });

  test('reads a plain Airbyte read line as yargs would', () => {
    expect(plainSync(['read', '--config', 'c.json', '--catalog', 'k.json'])).toEqual({ kind: 'airbyte-read', config: 'c.json', catalog: 'k.json', state: undefined, debug: false });
    expect(plainSync(['read', '--state', 's.json', '--debug', '--catalog', 'k.json', '--config', 'c.json', '--log-level', 'error'])).toEqual({
      kind: 'airbyte-read', config: 'c.json', catalog: 'k.json', state: 's.json', debug: true, 'log-level': 'error',
    });
  });

  test.each([
    [[]],
    [['read', '--config', 'c.json']],
    [['read', '--catalog', 'k.json']],
    [['read', '--config', 'a.json', '--config', 'b.json', '--catalog', 'k.json']],
    [['read', '--config', 'c.json', '--catalog', 'k.json', '--state', 'a', '--state', 'b']],
    [['read', '--config', 'c.json', '--properties', 'k.json']],
    [['read', '--config', 'c.json', '--catalog', 'k.json', 'extra']],
    [['--config', 'c.json', 'read', '--catalog', 'k.json']],
    [['check', '--config', 'c.json']],
    [['--state', 's.json']],
    [['--config']],
    [['--config', 'a.json', 'b.json']],
    [['--config=a.json']],
    [['--config', '-']],
    [['--config', '']],
    [['--config', 'c.json', '--state', 'a', '--state', 'b']],
    [['--config', 'c.json', '--catalog', 'a', '--properties', 'b']],
    [['--config', 'c.json', '--debug', 'true']],
    [['--config', 'c.json', '--debug', '--debug']],
    [['--config', 'c.json', '--log-level', 'verbose']],
    [['--config', 'c.json', '--discover']],
    [['--config', 'c.json', '--about']],
    [['--config', 'c.json', '--help']],
    [['--config', 'c.json', '-h']],
    [['--config', 'c.json', '--unknown', 'x']],
    [['sandbox']],
  ])('leaves %j to yargs', (argv) => {
    expect(plainSync(argv)).toBeUndefined();
  });
});
