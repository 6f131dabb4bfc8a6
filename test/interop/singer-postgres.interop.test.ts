/**
 * Singer pipe into a real target: `tap-bookings | target-postgres` on PostgreSQL, checked against the sandbox's
 * ground truth, then an incremental run from the state target-postgres emitted, then kill -9 and resume.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { pastWindowGuard, tempDir, writeJson } from '../support/cli.js';
import { compareWithTruth, matches } from './support/compare.js';
import { dropSchema, psql, pgSettings, tableRows, targetPostgresConfig, type PgSettings } from './support/postgres.js';
import { tapIntoTarget } from './support/tools.js';

const TYPES = ['FLIGHT', 'HOTEL'] as const;
const truthOf = (sandbox: Sandbox) => TYPES.flatMap((t) => sandbox.store.groundTruth(t));

describe('tap-bookings | target-postgres', () => {
  let pg: PgSettings;
  let sandbox: Sandbox;
  let dir: string;
  const schemas: string[] = [];

  beforeAll(async () => {
    pg = pgSettings();
    dir = tempDir();
  });
  afterAll(async () => {
    await sandbox?.stop();
    for (const s of schemas) dropSchema(pg, s);
  });

  function targetConfig(name: string): string {
    const schema = `tap_bookings_${name}_${process.pid}`;
    schemas.push(schema);
    dropSchema(pg, schema);
    return writeJson(dir, `target-${name}.json`, targetPostgresConfig(pg, schema));
  }
  const schemaOf = (name: string) => `tap_bookings_${name}_${process.pid}`;

  test('a full sync loads the ground truth; an incremental sync from the target state loads the changes, no duplicates', async () => {
    sandbox = await startSandbox({ records: 3000, seed: 11 });
    const target = targetConfig('pipe');
    const config = writeJson(dir, 'tap-pipe.json', sandbox.tapConfig());

    const first = await tapIntoTarget(['--config', config], target);
    expect(first.tap.code).toBe(0);
    const truth1 = truthOf(sandbox);
    expect(first.records).toBe(truth1.length);
    expect(compareWithTruth(tableRows(pg, schemaOf('pipe'), 'bookings'), truth1)).toEqual(matches(truth1.length));
    const state = first.targetStates.at(-1);
    expect(state).toMatchObject({ bookmarks: { bookings: { partitions: expect.any(Array) } } });
    // What the README says of target-postgres: a date-time becomes `timestamp without time zone` (in the server's time
    // zone), and the schema's whole numbers a bigint.
    const columnTypes = psql(pg, `select lower(column_name) || '=' || data_type from information_schema.columns where table_schema = '${schemaOf('pipe')}' and table_name = 'bookings' and lower(column_name) in ('lastmodified', 'numberofpassengers') order by 1`);
    expect(columnTypes.trim().split('\n')).toEqual(['lastmodified=timestamp without time zone', 'numberofpassengers=bigint']);

    const mutated = [...sandbox.store.mutate(40, 'FLIGHT'), ...sandbox.store.mutate(25, 'HOTEL')];
    const inserted = [...sandbox.store.insert(30, 'FLIGHT'), ...sandbox.store.insert(20, 'HOTEL')];
    const truth2 = truthOf(sandbox);
    // The comparison sees the change: the table no longer matches until the second sync.
    expect(compareWithTruth(tableRows(pg, schemaOf('pipe'), 'bookings'), truth2).missing).toHaveLength(50);
    await pastWindowGuard();

    const second = await tapIntoTarget(['--config', config, '--state', writeJson(dir, 'state-pipe.json', state)], target);
    expect(second.tap.code).toBe(0);
    // Incremental: the changed records (plus any at the inclusive bookmark boundary), far from a full resync.
    expect(second.records).toBeGreaterThanOrEqual(mutated.length + inserted.length);
    expect(second.records).toBeLessThan(mutated.length + inserted.length + 10);
    expect(compareWithTruth(tableRows(pg, schemaOf('pipe'), 'bookings'), truth2)).toEqual(matches(truth2.length));
  });

  test('kill -9 at random points, each time resuming from the state target-postgres emitted: the table ends equal to the ground truth', async () => {
    await sandbox?.stop();
    sandbox = await startSandbox({ records: 4000, seed: 12, faults: { latencyMs: 5 } });
    const target = targetConfig('crash');
    const config = writeJson(dir, 'tap-crash.json', sandbox.tapConfig({ page_size: 50 }));
    const truth = truthOf(sandbox);
    let state: unknown;
    const kills: number[] = [];
    let delivered = 0;
    for (let attempt = 0; attempt < 12; attempt++) {
      const args = ['--config', config, ...(state ? ['--state', writeJson(dir, `state-crash-${attempt}.json`, state)] : [])];
      // Kill before half of what is still missing has gone through: a resumed run sends at least that much again.
      const missing = truth.length - tableRows(pg, schemaOf('crash'), 'bookings').length;
      const killAt = kills.length < 4 ? 20 + Math.floor(Math.random() * missing * 0.5) : undefined;
      const run = await tapIntoTarget(args, target, { killAfterRecords: killAt });
      delivered += run.records;
      state = run.targetStates.at(-1) ?? state;
      if (run.tap.signal === 'SIGKILL') {
        kills.push(run.records);
        continue;
      }
      expect(run.tap.code).toBe(0);
      break;
    }
    expect(kills).toHaveLength(4);
    expect(compareWithTruth(tableRows(pg, schemaOf('crash'), 'bookings'), truth)).toEqual(matches(truth.length));
    // Redelivery is bounded: at most what the killed runs had sent past the target's last committed state.
    const redelivered = delivered - truth.length;
    expect(redelivered).toBeGreaterThanOrEqual(0);
    expect(redelivered).toBeLessThanOrEqual(kills.reduce((a, b) => a + b, 0));
    process.stderr.write(`kill -9 runs: records sent before each kill ${kills.join(', ')}; delivered ${delivered} for ${truth.length} records (${redelivered} redelivered)\n`);
  });
});
