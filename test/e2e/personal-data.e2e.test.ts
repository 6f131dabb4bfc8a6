import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { bookingsSchema, type JsonSchemaObject } from '../../src/catalog/bookings-schema.js';
import { buildPathTree, type PathNode } from '../../src/privacy/property-paths.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { createAjv } from '../../src/util/ajv.js';
import { mergeByUuid, recordsOf, runCli, tempDir, writeJson } from '../support/cli.js';
import { discoverInProcess } from '../support/command.js';
import { expectGroundTruth } from '../support/ground-truth.js';
import { PROTOCOLS, singerSyncInProcess, syncInProcess, type InProcessResult } from '../support/in-process.js';
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

const truthOf = (sandbox: Sandbox) => [...sandbox.store.groundTruth('FLIGHT'), ...sandbox.store.groundTruth('HOTEL')] as Rec[];

/**
 * hash_properties and drop_properties in a whole sync over real HTTP, in process (the CLI's command code; every
 * message is a line of what stdout would be), in both protocols, from an API that sends compact JSON (records copied
 * as received, then edited as bytes) and one that pretty-prints it (records serialised again).
 */
describe.each(PROTOCOLS)('%s: hash_properties and drop_properties in a sync', (protocol) => {
  const syncs = new Map<boolean, { sandbox: Sandbox; config: Rec; run: InProcessResult }>();
  beforeAll(async () => {
    for (const prettyJson of [false, true]) {
      const sandbox = await startSandbox({ records: 150, seed: 16, prettyJson });
      const config = sandbox.tapConfig({ booking_types: ['FLIGHT', 'HOTEL'], backoff_factor: 0.01, page_size: 40, schema_validation: 'fail', hash_properties: HASHED, hash_key: HASH_KEY, drop_properties: DROPPED });
      syncs.set(prettyJson, { sandbox, config, run: await syncInProcess(protocol, config) });
    }
  });
  afterAll(() => Promise.all([...syncs.values()].map(({ sandbox }) => sandbox.stop())));

  test.each([false, true])('no clear-text value of a hashed or dropped field anywhere in the output; every record is the ground truth with HMACs in their place (API pretty-printing: %s)', (prettyJson) => {
    const { sandbox, run } = syncs.get(prettyJson)!;
    expect(run.error).toBeUndefined();
    expect(run.log.filter((line) => /^(error|warn) /.test(line))).toEqual([]);
    expect(run.nonJson).toEqual([]);
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
      if (stdout.includes(JSON.stringify(value)) || (value.length >= 8 && stdout.includes(value))) throw new Error(`the output holds ${JSON.stringify(value)}, a value of a hashed or dropped field`);
    }

    expect(recordsOf(run.messages)).toHaveLength(truth.length);
    // A copy through JSON, not structuredClone: its objects would come from another realm than Jest's, which
    // expectGroundTruth's strict comparison tells apart.
    expectGroundTruth(mergeByUuid(recordsOf(run.messages)), mergeByUuid(truth.map((record) => referenceEdit(JSON.parse(JSON.stringify(record)), TREE, HASH_KEY) as Rec)));
  });

  test('joins still work: an e-mail hashes alike wherever it stands, in every record', () => {
    const { sandbox, run } = syncs.get(false)!;
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
  });

  test('the published schema describes hashed fields as strings and leaves dropped ones out, and every record matches it', async () => {
    const { config, run } = syncs.get(false)!;
    let schema: JsonSchemaObject;
    if (protocol === 'singer') {
      schema = run.messages.find((m) => m.type === 'SCHEMA')!.schema as JsonSchemaObject;
    } else {
      const configPath = writeJson(tempDir(), 'config.json', config);
      const discovered = await discoverInProcess(configPath);
      expect(discovered.code).toBeUndefined();
      schema = (discovered.messages.find((m) => m.type === 'CATALOG') as { catalog: { streams: Array<{ json_schema: JsonSchemaObject }> } }).catalog.streams[0]!.json_schema;
    }
    const p = schema.properties!;
    expect((p.booker!.properties!.email as JsonSchemaObject).type).toEqual(['string', 'null']);
    expect((p.seats!.items as JsonSchemaObject).description).toMatch(/HMAC-SHA-256/);
    expect(((p.passengers!.items as JsonSchemaObject).properties!.person!.properties!.passport)).toBeUndefined();
    expect(p.hotel!.properties!.address).toBeUndefined();
    expect(schema).not.toEqual(bookingsSchema());
    const validate = createAjv().compile({ ...schema, additionalProperties: false });
    const records = recordsOf(run.messages);
    expect(records.length).toBeGreaterThan(0);
    for (const record of records) if (!validate(record)) throw new Error(`a record does not match the published schema: ${JSON.stringify(validate.errors)}`);
  });
});

/** The process: Singer --discover's own wiring (main.ts), which prints the catalog and reports a bad config. */
test('Singer --discover with a config publishes the edited schema, and refuses a path the schema contradicts with exit code 2', async () => {
  const dir = tempDir();
  const config = writeJson(dir, 'c.json', { base_url: 'https://api.example.com', client_id: 'id', client_secret: 'client-secret', start_date: '2024-01-01', hash_properties: ['booker.email'], hash_key: HASH_KEY, drop_properties: ['nameOnCreditCard'] });
  const run = await runCli(['--discover', '--config', config]);
  expect(run.code).toBe(0);
  const schema = (JSON.parse(run.stdout.join('\n')) as { streams: Array<{ schema: JsonSchemaObject }> }).streams[0]!.schema;
  expect(schema.properties!.booker!.properties!.email!.description).toMatch(/HMAC-SHA-256/);
  expect(schema.properties!.nameOnCreditCard).toBeUndefined();
  // Without a config, --discover prints the shipped catalog: state-and-catalog.e2e's "catalog.json is exactly what --discover prints".
  const bad = await runCli(['--discover', '--config', writeJson(dir, 'bad.json', { base_url: 'https://api.example.com', client_id: 'id', client_secret: 'client-secret', start_date: '2024-01-01', hash_properties: ['passengers.person.email'], hash_key: HASH_KEY })]);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/hash_properties: "passengers.person.email" steps into "passengers" as an object, but the schema says it is an array; write "passengers\[\].person.email"/);
});

test('a path the schema does not declare is warned about once, and still applies to records that carry it', async () => {
  const sandbox = await startSandbox({ records: 120, seed: 9 });
  try {
    // booker.email is declared; "booker.emial" is a typo, so the e-mails stay in clear and the warning says why.
    const run = await singerSyncInProcess(sandbox.tapConfig({ page_size: 25, hash_properties: ['booker.emial', 'booker.department'], hash_key: HASH_KEY }));
    expect(run.error).toBeUndefined();
    expect(run.log.filter((line) => line.startsWith('warn '))).toEqual([expect.stringMatching(/hash_properties\/drop_properties: "booker.emial" is not in the bookings schema; it applies to records that carry it/)]);
    const records = recordsOf(run.messages);
    expect(records.length).toBeGreaterThan(50);
    for (const r of records) expect((r.booker as Rec).department).toMatch(/^[0-9a-f]{64}$/);
  } finally {
    await sandbox.stop();
  }
});
