import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { recordsOf, runCli, tempDir, writeJson } from '../support/cli.js';

/** The shipped files (sample-state.json, catalog.json) against the real CLI and the sandbox. */
describe('shipped state and catalog files', () => {
  let sandbox: Sandbox;
  let dir: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ records: 800, seed: 11 });
    dir = tempDir();
  });
  afterAll(() => sandbox.stop());

  it('catalog.json is exactly what --discover prints', async () => {
    const run = await runCli(['--discover']);
    expect(run.code).toBe(0);
    expect(run.stdout.join('\n') + '\n').toBe(readFileSync('catalog.json', 'utf8'));
  });

  it('accepts sample-state.json and reads each booking type from its own bookmark', async () => {
    const config = writeJson(dir, 'c.json', sandbox.tapConfig());
    const run = await runCli(['--config', config, '--state', resolve('sample-state.json')]);
    expect(run.code).toBe(0);
    const records = recordsOf(run.messages);
    const flights = records.filter((r) => r.bookingType === 'FLIGHT');
    const hotels = records.filter((r) => r.bookingType === 'HOTEL');
    expect(flights.length).toBeGreaterThan(0);
    expect(hotels.length).toBeGreaterThan(0);
    expect(flights.every((r) => String(r.lastModified) >= '2025-03-01T00:00:00.000Z')).toBe(true);
    expect(hotels.every((r) => String(r.lastModified) >= '2025-02-15T12:30:00.000Z')).toBe(true);
    const truth = sandbox.store.groundTruth().filter((r) => (r.bookingType === 'FLIGHT' && String(r.lastModified) >= '2025-03-01T00:00:00.000Z') || (r.bookingType === 'HOTEL' && String(r.lastModified) >= '2025-02-15T12:30:00.000Z'));
    expect(new Set(records.map((r) => r.uuid))).toEqual(new Set(truth.map((r) => r.uuid)));
  });

  it('round-trips its own final state: a rerun with it reads only the records at the bookmarks', async () => {
    const config = writeJson(dir, 'c2.json', sandbox.tapConfig());
    const first = await runCli(['--config', config]);
    const finalState = (first.messages.filter((m) => m.type === 'STATE').at(-1) as { value: unknown }).value;
    const second = await runCli(['--config', config, '--state', writeJson(dir, 's.json', finalState)]);
    expect(second.code).toBe(0);
    expect(recordsOf(second.messages).length).toBeLessThanOrEqual(4);
    expect((second.messages.filter((m) => m.type === 'STATE').at(-1) as { value: unknown }).value).toEqual(finalState);
  });

  it('with a catalog leaves out unselected properties from SCHEMA and RECORDs', async () => {
    const catalog = JSON.parse(readFileSync('catalog.json', 'utf8'));
    for (const m of catalog.streams[0].metadata) if (m.breadcrumb[1] && !['bookingType', 'grandTotal'].includes(m.breadcrumb[1])) m.metadata.selected = false;
    const run = await runCli(['--config', writeJson(dir, 'c3.json', sandbox.tapConfig()), '--catalog', writeJson(dir, 'cat.json', catalog)]);
    expect(run.code).toBe(0);
    const schema = run.messages.find((m) => m.type === 'SCHEMA') as { schema: { properties: Record<string, unknown> } };
    expect(Object.keys(schema.schema.properties).sort()).toEqual(['bookingType', 'grandTotal', 'lastModified', 'uuid']);
    for (const r of recordsOf(run.messages)) expect(Object.keys(r).every((k) => ['bookingType', 'grandTotal', 'lastModified', 'uuid'].includes(k))).toBe(true);
  });

  it('with a catalog that does not select the stream emits nothing', async () => {
    const catalog = JSON.parse(readFileSync('catalog.json', 'utf8'));
    catalog.streams[0].metadata[0].metadata.selected = false;
    const run = await runCli(['--config', writeJson(dir, 'c4.json', sandbox.tapConfig()), '--catalog', writeJson(dir, 'cat2.json', catalog)]);
    expect(run.code).toBe(0);
    expect(run.stdout).toEqual([]);
  });
});
