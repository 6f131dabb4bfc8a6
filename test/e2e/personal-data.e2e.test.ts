import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { bookingsSchema, type JsonSchemaObject } from '../../src/catalog/bookings-schema.js';
import { buildPathTree, type PathNode } from '../../src/privacy/property-paths.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { createAjv } from '../../src/util/ajv.js';
import { recordsOf, runCli, tempDir, writeJson, type CliResult } from '../support/cli.js';
import { MODES } from '../support/modes.js';
import { hmacHex, referenceEdit } from '../support/personal-data.js';

const HASH_KEY = 'e2e-hash-key-0123456789abcdef';
/**
 * Every field of the schema that names, reaches or identifies a traveller; and a number (flightMiles), which the
 * published schema then calls a string: with schema_validation "fail", the sync passes only if records are validated
 * as the API sent them, before the edit.
 */
const HASHED = ['booker.name', 'booker.email', 'passengers[].person.name', 'passengers[].person.email', 'passengers[].person.managerName', 'passengers[].person.managerEmail', 'approverEmail', 'nameOnCreditCard', 'seats[]', 'etickets[]', 'flightMiles'];
const DROPPED = ['passengers[].person.passport', 'hotel.address', 'segments[].departure.address', 'segments[].arrival.address'];
const TREE = buildPathTree(HASHED, DROPPED)!;

type Rec = Record<string, unknown>;

/** Every value at a path ending in the tree (strings, and the strings inside dropped objects), and every other string. */
function splitValues(value: unknown, node: PathNode | undefined, personal: Set<string>, other: Set<string>): void {
  const into = node?.action ? personal : other;
  if (typeof value === 'string') into.add(value);
  else if (Array.isArray(value)) for (const item of value) splitValues(item, node?.action ? node : node?.items, personal, other);
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) splitValues(v, node?.action ? node : node?.members.get(k), personal, other);
  }
}

describe.each(MODES)('$name mode: hash_properties and drop_properties end to end', (mode) => {
  const sync = async (sandbox: Sandbox, dir: string): Promise<CliResult> => {
    const config = writeJson(dir, 'config.json', sandbox.tapConfig({ booking_types: ['FLIGHT', 'HOTEL'], backoff_factor: 0.01, page_size: 40, schema_validation: 'fail', hash_properties: HASHED, hash_key: HASH_KEY, drop_properties: DROPPED }));
    const run = await runCli(mode.args(dir, config));
    expect(run.stderr).not.toMatch(/ERROR|WARN/);
    expect(run.code).toBe(0);
    return run;
  };
  const truthOf = (sandbox: Sandbox) => [...sandbox.store.groundTruth('FLIGHT'), ...sandbox.store.groundTruth('HOTEL')] as Rec[];

  test.each([false, true])('no clear-text value of a hashed or dropped field anywhere in stdout; every record is the ground truth with HMACs in their place (API pretty-printing: %s)', async (prettyJson) => {
    const sandbox = await startSandbox({ records: 500, seed: 16, prettyJson });
    try {
      const run = await sync(sandbox, tempDir());
      const stdout = run.stdout.join('\n');
      const truth = truthOf(sandbox);
      const personal = new Set<string>();
      const other = new Set<string>();
      for (const record of truth) splitValues(record, TREE, personal, other);
      // A personal value that is also an ordinary one elsewhere (a passport's date as a start date, "US") proves nothing.
      const distinctive = [...personal].filter((v) => !other.has(v) && v.length >= 3);
      expect(distinctive.length).toBeGreaterThan(300);
      // As a whole JSON string; a longer one (a name, an e-mail, an e-ticket) not even inside another text.
      for (const value of distinctive) {
        if (stdout.includes(JSON.stringify(value)) || (value.length >= 8 && stdout.includes(value))) throw new Error(`stdout holds ${JSON.stringify(value)}, a value of a hashed or dropped field`);
      }

      const got = new Map(recordsOf(run.messages).map((r) => [String(r.uuid), r]));
      expect(got.size).toBe(truth.length);
      for (const record of truth) expect(got.get(String(record.uuid))).toEqual(referenceEdit(structuredClone(record), TREE, HASH_KEY));
    } finally {
      await sandbox.stop();
    }
  });

  test('joins still work: an e-mail hashes alike wherever it stands, in every record', async () => {
    const sandbox = await startSandbox({ records: 300, seed: 5 });
    try {
      const run = await sync(sandbox, tempDir());
      const truth = new Map(truthOf(sandbox).map((r) => [String(r.uuid), r]));
      /** Every (clear e-mail, hash delivered in its place) pair, from booker and passengers. */
      const pairs: Array<[string, string]> = [];
      for (const out of recordsOf(run.messages)) {
        const clear = truth.get(String(out.uuid))!;
        const booker = clear.booker as Rec | null;
        if (booker?.email) pairs.push([String(booker.email), String((out.booker as Rec).email)]);
        (clear.passengers as Rec[] | null)?.forEach((p, i) => {
          const email = (p.person as Rec | null)?.email;
          if (email) pairs.push([String(email), String((((out.passengers as Rec[])[i]!).person as Rec).email)]);
        });
      }
      const hashesByEmail = new Map<string, Set<string>>();
      for (const [email, hash] of pairs) hashesByEmail.set(email, (hashesByEmail.get(email) ?? new Set()).add(hash));
      const repeated = [...hashesByEmail.keys()].filter((e) => pairs.filter(([x]) => x === e).length > 1);
      expect(repeated.length).toBeGreaterThan(5);
      for (const [email, hashes] of hashesByEmail) expect([email, [...hashes]]).toEqual([email, [hmacHex(HASH_KEY, email)]]);
    } finally {
      await sandbox.stop();
    }
  });

  test('the published schema describes hashed fields as strings and leaves dropped ones out, and every record matches it', async () => {
    const sandbox = await startSandbox({ records: 200, seed: 3 });
    const dir = tempDir();
    try {
      const run = await sync(sandbox, dir);
      let schema: JsonSchemaObject;
      if (mode.name === 'singer') {
        schema = run.messages.find((m) => m.type === 'SCHEMA')!.schema as JsonSchemaObject;
      } else {
        const discover = await runCli(['discover', '--config', `${dir}/config.json`]);
        expect(discover.code).toBe(0);
        schema = (discover.messages[0] as { catalog: { streams: Array<{ json_schema: JsonSchemaObject }> } }).catalog.streams[0]!.json_schema;
      }
      const p = schema.properties!;
      expect((p.booker!.properties!.email as JsonSchemaObject).type).toEqual(['string', 'null']);
      expect((p.seats!.items as JsonSchemaObject).description).toMatch(/HMAC-SHA-256/);
      expect(((p.passengers!.items as JsonSchemaObject).properties!.person!.properties!.passport)).toBeUndefined();
      expect(p.hotel!.properties!.address).toBeUndefined();
      expect(schema).not.toEqual(bookingsSchema());
      const validate = createAjv().compile({ ...schema, additionalProperties: false });
      for (const record of recordsOf(run.messages)) if (!validate(record)) throw new Error(`a record does not match the published schema: ${JSON.stringify(validate.errors)}`);
    } finally {
      await sandbox.stop();
    }
  });
});

test('Singer --discover with a config publishes the edited schema; without one, the shipped catalog', async () => {
  const dir = tempDir();
  const config = writeJson(dir, 'c.json', { base_url: 'https://api.example.com', client_id: 'id', client_secret: 'client-secret', start_date: '2024-01-01', hash_properties: ['booker.email'], hash_key: HASH_KEY, drop_properties: ['nameOnCreditCard'] });
  const run = await runCli(['--discover', '--config', config]);
  expect(run.code).toBe(0);
  const schema = (JSON.parse(run.stdout.join('\n')) as { streams: Array<{ schema: JsonSchemaObject }> }).streams[0]!.schema;
  expect(schema.properties!.booker!.properties!.email!.description).toMatch(/HMAC-SHA-256/);
  expect(schema.properties!.nameOnCreditCard).toBeUndefined();
  const plain = await runCli(['--discover']);
  expect(JSON.parse(plain.stdout.join('\n'))).toEqual(JSON.parse(readFileSync('catalog.json', 'utf8')));
  const bad = await runCli(['--discover', '--config', writeJson(dir, 'bad.json', { base_url: 'https://api.example.com', client_id: 'id', client_secret: 'client-secret', start_date: '2024-01-01', hash_properties: ['passengers.person.email'], hash_key: HASH_KEY })]);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/hash_properties: "passengers.person.email" steps into "passengers" as an object, but the schema says it is an array; write "passengers\[\].person.email"/);
});

test('a path the schema does not declare is warned about once, and still applies to records that carry it', async () => {
  const sandbox = await startSandbox({ records: 120, seed: 9 });
  try {
    const dir = tempDir();
    // booker.email is declared; "booker.emial" is a typo, so the e-mails stay in clear and the warning says why.
    const config = writeJson(dir, 'c.json', sandbox.tapConfig({ page_size: 25, hash_properties: ['booker.emial', 'booker.department'], hash_key: HASH_KEY }));
    const run = await runCli(['--config', config]);
    expect(run.code).toBe(0);
    expect(run.stderr.match(/WARN/g)).toHaveLength(1);
    expect(run.stderr).toMatch(/hash_properties\/drop_properties: "booker.emial" is not in the bookings schema; it applies to records that carry it/);
    const records = recordsOf(run.messages);
    expect(records.length).toBeGreaterThan(50);
    for (const r of records) expect((r.booker as Rec).department).toMatch(/^[0-9a-f]{64}$/);
  } finally {
    await sandbox.stop();
  }
});
