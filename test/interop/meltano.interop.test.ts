/**
 * Meltano runs tap-bookings as a custom extractor (examples/meltano/meltano.yml) into target-postgres, keeping the
 * state between runs itself: the second run extracts only what changed, and the table equals the ground truth.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { pastWindowGuard } from '../support/cli.js';
import { compareWithTruth, matches } from './support/compare.js';
import { dropSchema, pgSettings, tableRows, type PgSettings } from './support/postgres.js';
import { run, venvTool } from './support/tools.js';

const TYPES = ['FLIGHT', 'HOTEL'] as const;

describe('Meltano: meltano run tap-bookings target-postgres', () => {
  let pg: PgSettings;
  let sandbox: Sandbox;
  let project: string;
  let env: NodeJS.ProcessEnv;
  const meltano = (...args: string[]) => run(venvTool('meltano', 'meltano'), args, { cwd: project, env });
  const schema = `tap_bookings_meltano_${process.pid}`;
  const truth = () => TYPES.flatMap((t) => sandbox.store.groundTruth(t));
  /** The tap's own summary line, which Meltano relays from its stderr. */
  const extracted = (log: string) => Number(/Sync finished: (\d+) records/.exec(log)?.[1] ?? NaN);

  beforeAll(async () => {
    pg = pgSettings();
    dropSchema(pg, schema);
    sandbox = await startSandbox({ records: 2500, seed: 21, bookingTypes: { FLIGHT: 0.6, HOTEL: 0.4 } });
    // The example project as shipped, in a scratch directory, its relative executables made absolute.
    project = mkdtempSync(join(tmpdir(), 'tap-bookings-meltano-'));
    const yml = readFileSync(resolve('examples/meltano/meltano.yml'), 'utf8').replaceAll('../../', `${resolve('.')}/`);
    writeFileSync(join(project, 'meltano.yml'), yml);
    // The example runs the installed executable (`npm install -g tap-bookings`): this checkout's, on PATH.
    const bin = join(project, 'bin');
    mkdirSync(bin);
    symlinkSync(resolve('bin/tap-bookings.js'), join(bin, 'tap-bookings'));
    const tap = sandbox.tapConfig();
    env = {
      PATH: `${bin}:${process.env.PATH ?? ''}`,
      MELTANO_SEND_ANONYMOUS_USAGE_STATS: 'false',
      // Number settings reach the tap as text (Meltano has no kind for them); the tap reads the number.
      TAP_BOOKINGS_BACKOFF_FACTOR: '0.5',
      TAP_BOOKINGS_REQUEST_TIMEOUT_SECONDS: '29.5',
      TAP_BOOKINGS_BASE_URL: String(tap.base_url),
      TAP_BOOKINGS_CLIENT_ID: String(tap.client_id),
      TAP_BOOKINGS_CLIENT_SECRET: String(tap.client_secret),
      TAP_BOOKINGS_START_DATE: String(tap.start_date),
      TAP_BOOKINGS_BOOKING_TYPES: JSON.stringify(TYPES),
      TARGET_POSTGRES_HOST: pg.host,
      TARGET_POSTGRES_PORT: String(pg.port),
      TARGET_POSTGRES_USER: pg.user,
      TARGET_POSTGRES_PASSWORD: pg.password,
      TARGET_POSTGRES_DATABASE: pg.database,
      TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA: schema,
    };
  });
  afterAll(async () => {
    await sandbox?.stop();
    if (pg) dropSchema(pg, schema);
  });

  test('meltano invoke tap-bookings --about and --discover', async () => {
    const about = JSON.parse((await meltano('invoke', 'tap-bookings', '--about', '--format', 'json')).stdout) as Record<string, unknown>;
    expect(about).toMatchObject({ name: 'tap-bookings', capabilities: expect.arrayContaining(['catalog', 'discover', 'state', 'about']) });
    const discovered = JSON.parse((await meltano('invoke', 'tap-bookings', '--discover')).stdout) as unknown;
    expect(discovered).toEqual(JSON.parse(readFileSync(resolve('catalog.json'), 'utf8')));
  });

  test('two runs with Meltano keeping the state: the second extracts only the changes; the table equals the ground truth', async () => {
    const first = await meltano('run', 'tap-bookings', 'target-postgres');
    expect(extracted(first.stderr)).toBe(truth().length);
    expect(compareWithTruth(tableRows(pg, schema, 'bookings'), truth())).toEqual(matches(truth().length));
    const state = JSON.parse((await meltano('state', 'get', 'dev:tap-bookings-to-target-postgres')).stdout) as Record<string, any>;
    expect(state.singer_state.bookmarks.bookings.partitions.map((p: any) => p.context.bookingType).sort()).toEqual([...TYPES]);

    const changed = sandbox.store.mutate(30).length + sandbox.store.insert(20).length;
    await pastWindowGuard();
    const second = await meltano('run', 'tap-bookings', 'target-postgres');
    expect(extracted(second.stderr)).toBeGreaterThanOrEqual(changed);
    expect(extracted(second.stderr)).toBeLessThan(changed + 10);
    expect(compareWithTruth(tableRows(pg, schema, 'bookings'), truth())).toEqual(matches(truth().length));
  });

  test('meltano run tap-bookings hash-personal-data target-postgres: the mapping of the example loads no e-mail in clear', async () => {
    const hashed = `${schema}_hashed`;
    dropSchema(pg, hashed);
    try {
      const salt = 'interop-salt-0123456789';
      await run(venvTool('meltano', 'meltano'), ['run', '--full-refresh', 'tap-bookings', 'hash-personal-data', 'target-postgres'], { cwd: project, env: { ...env, TAP_BOOKINGS_MAP_SALT: salt, TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA: hashed } });
      const rows = tableRows(pg, hashed, 'bookings');
      expect(rows).toHaveLength(truth().length);
      const byUuid = new Map(rows.map((r) => [String(r.uuid), r as Record<string, any>]));
      const sha = (v: string) => createHash('sha256').update(salt + v).digest('hex');
      for (const clear of truth() as Array<Record<string, any>>) {
        const row = byUuid.get(String(clear.uuid))!;
        if (clear.booker?.email) expect(row.booker.email).toBe(sha(clear.booker.email));
        (clear.passengers ?? []).forEach((p: Record<string, any>, i: number) => {
          if (p.person?.email) expect(row.passengers[i].person).toEqual(expect.objectContaining({ email: sha(p.person.email), name: sha(p.person.name) }));
          expect(row.passengers[i].person?.passport).toBeUndefined();
        });
        expect(row.nameOnCreditCard ?? null).toBeNull();
      }
    } finally {
      dropSchema(pg, hashed);
    }
  });
});
