import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { recordsOf, runCli } from '../support/cli.js';
import { singerSyncInProcess } from '../support/in-process.js';

/**
 * The shipped files (sample-state.json, catalog.json) against the sandbox: --discover through the real CLI (its stdout
 * is the file), the syncs in process with the same command code.
 */
describe('shipped state and catalog files', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ records: 800, seed: 11 });
  });
  afterAll(() => sandbox.stop());

  it('catalog.json is exactly what --discover prints', async () => {
    const run = await runCli(['--discover']);
    expect(run.code).toBe(0);
    expect(run.stdout.join('\n') + '\n').toBe(readFileSync('catalog.json', 'utf8'));
  });

  it('accepts sample-state.json and reads each booking type from its own bookmark', async () => {
    const run = await singerSyncInProcess(sandbox.tapConfig(), JSON.parse(readFileSync(resolve('sample-state.json'), 'utf8')));
    expect(run.error).toBeUndefined();
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
    const first = await singerSyncInProcess(sandbox.tapConfig());
    expect(first.error).toBeUndefined();
    const finalState = (first.messages.filter((m) => m.type === 'STATE').at(-1) as { value: unknown }).value;
    const second = await singerSyncInProcess(sandbox.tapConfig(), finalState);
    expect(second.error).toBeUndefined();
    expect(recordsOf(second.messages).length).toBeLessThanOrEqual(4);
    expect((second.messages.filter((m) => m.type === 'STATE').at(-1) as { value: unknown }).value).toEqual(finalState);
  });

  it('with a catalog leaves out unselected properties from SCHEMA and RECORDs', async () => {
    const catalog = JSON.parse(readFileSync('catalog.json', 'utf8'));
    for (const m of catalog.streams[0].metadata) if (m.breadcrumb[1] && !['bookingType', 'grandTotal'].includes(m.breadcrumb[1])) m.metadata.selected = false;
    const run = await singerSyncInProcess(sandbox.tapConfig(), undefined, { catalog });
    expect(run.error).toBeUndefined();
    const schema = run.messages.find((m) => m.type === 'SCHEMA') as { schema: { properties: Record<string, unknown> } };
    expect(Object.keys(schema.schema.properties).sort()).toEqual(['bookingType', 'grandTotal', 'lastModified', 'uuid']);
    const records = recordsOf(run.messages);
    expect(records).toHaveLength(sandbox.store.groundTruth('FLIGHT').length + sandbox.store.groundTruth('HOTEL').length); // the loop below has records to check
    expect(records.filter((r) => !Object.keys(r).every((k) => ['bookingType', 'grandTotal', 'lastModified', 'uuid'].includes(k)))).toEqual([]);
  });

  it('with a catalog that does not select the stream emits nothing', async () => {
    const catalog = JSON.parse(readFileSync('catalog.json', 'utf8'));
    catalog.streams[0].metadata[0].metadata.selected = false;
    const before = sandbox.stats();
    const run = await singerSyncInProcess(sandbox.tapConfig(), undefined, { catalog });
    expect(run.error).toBeUndefined();
    expect(run.messages).toEqual([]);
    expect(run.nonJson).toEqual([]);
    expect(sandbox.stats().tokenRequests).toBe(before.tokenRequests); // nothing asked of the API either
  });
});
