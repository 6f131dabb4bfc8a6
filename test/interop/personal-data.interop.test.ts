/**
 * Personal data kept out of PostgreSQL, both ways the README gives: the tap's own hash_properties/drop_properties into
 * target-postgres (and the hashes reproduced by PostgreSQL's pgcrypto, for joins), and the README's stream maps example
 * (examples/meltano/personal-data-map.json) in `tap-bookings | meltano-map-transform | target-postgres`.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildPathTree } from '../../src/privacy/property-paths.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { tempDir, writeJson } from '../support/cli.js';
import { hmacHex, referenceEdit } from '../support/personal-data.js';
import { compareWithTruth, matches } from './support/compare.js';
import { dropSchema, pgSettings, psql, tableRows, targetPostgresConfig, type PgSettings } from './support/postgres.js';
import { tapIntoTarget, venvTool } from './support/tools.js';

const TYPES = ['FLIGHT', 'HOTEL'] as const;
const HASH_KEY = 'interop-hash-key-0123456789';
const HASHED = ['booker.name', 'booker.email', 'passengers[].person.name', 'passengers[].person.email', 'approverEmail', 'nameOnCreditCard', 'seats[]', 'etickets[]'];
const DROPPED = ['passengers[].person.passport'];
const MAP_FILE = resolve('examples/meltano/personal-data-map.json');

type Rec = Record<string, any>;

describe('personal data into PostgreSQL', () => {
  let pg: PgSettings;
  let sandbox: Sandbox;
  let dir: string;
  const schemas: string[] = [];
  const truth = () => TYPES.flatMap((t) => sandbox.store.groundTruth(t)) as Rec[];

  beforeAll(async () => {
    pg = pgSettings();
    dir = tempDir();
    sandbox = await startSandbox({ records: 1200, seed: 16 });
  });
  afterAll(async () => {
    await sandbox?.stop();
    for (const s of schemas) dropSchema(pg, s);
  });

  function target(name: string): { config: string; schema: string } {
    const schema = `tap_bookings_pii_${name}_${process.pid}`;
    schemas.push(schema);
    dropSchema(pg, schema);
    return { config: writeJson(dir, `target-${name}.json`, targetPostgresConfig(pg, schema)), schema };
  }

  test('hash_properties and drop_properties: target-postgres loads the HMACs, nothing in clear, and pgcrypto computes the same HMACs', async () => {
    const t = target('builtin');
    const config = writeJson(dir, 'tap-builtin.json', sandbox.tapConfig({ hash_properties: HASHED, hash_key: HASH_KEY, drop_properties: DROPPED }));
    const run = await tapIntoTarget(['--config', config], t.config);
    expect(run.tap.code).toBe(0);
    const tree = buildPathTree(HASHED, DROPPED)!;
    // Copies made with JSON, not structuredClone: under jest its objects come from another realm, which the comparison tells apart.
    const expected = truth().map((r) => referenceEdit(JSON.parse(JSON.stringify(r)), tree, HASH_KEY) as Rec);
    expect(compareWithTruth(tableRows(pg, t.schema, 'bookings'), expected)).toEqual(matches(expected.length));

    const rows = tableRows(pg, t.schema, 'bookings');
    const dump = JSON.stringify(rows);
    const emails = new Set(truth().flatMap((r) => [r.booker?.email, ...(r.passengers ?? []).map((p: Rec) => p.person?.email)]).filter(Boolean) as string[]);
    expect(emails.size).toBeGreaterThan(20);
    for (const email of emails) expect(dump).not.toContain(email);
    expect(dump).not.toContain('passport');

    // A join key computed in the database from a clear value (the README's recipe) finds the rows.
    psql(pg, 'create extension if not exists pgcrypto');
    for (const email of [...emails].slice(0, 5)) {
      const literal = `'${email.replace(/'/g, "''")}'`;
      const inDb = psql(pg, `select encode(hmac(${literal}, '${HASH_KEY}', 'sha256'), 'hex')`).trim();
      expect(inDb).toBe(hmacHex(HASH_KEY, email));
      const found = Number(psql(pg, `select count(*) from "${t.schema}".bookings where booker->>'email' = encode(hmac(${literal}, '${HASH_KEY}', 'sha256'), 'hex') or to_jsonb(passengers) @> jsonb_build_array(jsonb_build_object('person', jsonb_build_object('email', encode(hmac(${literal}, '${HASH_KEY}', 'sha256'), 'hex'))))`).trim());
      const expectedCount = truth().filter((r) => r.booker?.email === email || (r.passengers ?? []).some((p: Rec) => p.person?.email === email)).length;
      expect([email, found]).toEqual([email, expectedCount]);
    }
  });

  test("the README's stream maps example: tap-bookings | meltano-map-transform | target-postgres loads salted hashes, drops what it drops", async () => {
    const t = target('mapped');
    const map = JSON.parse(readFileSync(MAP_FILE, 'utf8')) as { stream_map_config: { salt: string } };
    const salt = map.stream_map_config.salt;
    const sha = (v: string) => createHash('sha256').update(salt + v).digest('hex');
    const config = writeJson(dir, 'tap-mapped.json', sandbox.tapConfig());
    const run = await tapIntoTarget(['--config', config], t.config, { through: { cmd: venvTool('meltano-map-transform', 'meltano-map-transform'), args: ['--config', MAP_FILE] } });
    expect(run.tap.code).toBe(0);
    const hashed = (v: unknown) => (typeof v === 'string' && v !== '' ? sha(v) : v ?? null);
    const expected = truth().map((clear) => {
      const r = JSON.parse(JSON.stringify(clear)) as Rec;
      if (r.booker) r.booker = { ...r.booker, name: hashed(r.booker.name), email: hashed(r.booker.email) };
      if (r.passengers) {
        r.passengers = r.passengers.map((p: Rec) => {
          if (!p.person) return p;
          const { passport: _, ...person } = p.person;
          for (const k of ['name', 'email', 'managerName', 'managerEmail']) if (k in person) person[k] = hashed(person[k]);
          return { ...p, person };
        });
      }
      if ('approverEmail' in r) r.approverEmail = hashed(r.approverEmail);
      if (r.seats) r.seats = r.seats.map(hashed);
      delete r.nameOnCreditCard;
      delete r.etickets;
      return r;
    });
    const rows = tableRows(pg, t.schema, 'bookings');
    expect(compareWithTruth(rows, expected)).toEqual(matches(expected.length));
    const dump = JSON.stringify(rows);
    for (const r of truth().slice(0, 200)) if (r.booker?.email) expect(dump).not.toContain(r.booker.email);
    expect(rows.every((row) => row.nameOnCreditCard === undefined && row.etickets === undefined)).toBe(true);
  });
});
