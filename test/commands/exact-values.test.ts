import { PassThrough } from 'node:stream';
import nock from '../support/nock.js';
import { read } from '../../src/commands/airbyte.js';
import { singerSync } from '../../src/commands/singer-sync.js';
import { memoryLogger } from '../support/quiet-logger.js';
import { tempDir, writeJson } from '../support/cli.js';

/**
 * Issue 13, "a catalog that deselects any property": the records were serialised again from JavaScript values, so
 * 12345678901234567890.12 became 12345678901234567000, 9007199254740993 became …992, 1e400 became null, and a record
 * nested 20,000 deep failed with "Maximum call stack size exceeded". Records are now copied from the API's bytes in
 * both protocols, whatever the catalog selects, and a record nested deeper than 1000 levels is a clear error.
 */
const BASE = 'https://api.exact.test';
const VALUES = '"basePrice":12345678901234567890.12,"booker":{"count":9007199254740993,"huge":1e400,"tiny":-0.0,"name":"Zoë","n":1.50}';
const RECORD = `{"uuid":"a","lastModified":"2025-01-01T12:00:00Z","bookingType":"FLIGHT",${VALUES},"currency":"EUR","note":"dropped"}`;
const KEPT = `{"uuid":"a","lastModified":"2025-01-01T12:00:00Z",${VALUES}}`;

function mockApi(record: string) {
  nock(BASE).post('/oauth/token').reply(200, { access_token: 'exact-token', expires_in: 3600 });
  nock(BASE)
    .get('/v1/bookings')
    .query(true)
    .times(2) // the window check, then the page
    .reply(200, (uri) => (uri.includes('updatedTo=2024-01-01T00%3A00%3A01Z') ? '{"data":[]}' : `{"data":[${record}],"page":{"totalPages":1,"totalElements":1}}`), { 'content-type': 'application/json' });
}

function config(dir: string): string {
  return writeJson(dir, 'config.json', {
    base_url: BASE, client_id: 'id', client_secret: 'secret', start_date: '2024-01-01T00:00:00Z', end_date: '2026-01-01T00:00:00Z',
    booking_types: ['FLIGHT'], max_concurrency: 1,
  });
}

/** A Singer catalog that deselects every property but uuid, lastModified and the ones holding VALUES. */
function singerCatalog(dir: string): string {
  const keep = new Set(['uuid', 'lastModified', 'basePrice', 'booker']);
  const properties = ['uuid', 'lastModified', 'bookingType', 'basePrice', 'currency', 'booker', 'status'];
  return writeJson(dir, 'catalog.json', {
    streams: [{
      tap_stream_id: 'bookings', stream: 'bookings', schema: {},
      metadata: [{ breadcrumb: [], metadata: { selected: true } }, ...properties.map((p) => ({ breadcrumb: ['properties', p], metadata: { selected: keep.has(p) } }))],
    }],
  });
}

/** A configured catalog whose json_schema lists only some of the properties (as Airbyte sends a projection). */
function airbyteCatalog(dir: string): string {
  const properties = Object.fromEntries(['uuid', 'lastModified', 'basePrice', 'booker'].map((p) => [p, {}]));
  return writeJson(dir, 'configured.json', { streams: [{ stream: { name: 'bookings', json_schema: { properties } }, sync_mode: 'incremental', destination_sync_mode: 'append' }] });
}

async function recordLines(run: (out: PassThrough) => Promise<void>): Promise<string[]> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await run(out);
  return Buffer.concat(chunks).toString('utf8').split('\n').filter((l) => l.includes('"type":"RECORD"'));
}

afterEach(() => nock.cleanAll());

describe('values are written exactly as the API sent them', () => {
  it('in Singer RECORDs, with a catalog that deselects properties', async () => {
    mockApi(RECORD);
    const dir = tempDir();
    const lines = await recordLines((out) => singerSync({ config: [config(dir)], catalog: singerCatalog(dir), out }, memoryLogger('error'), new AbortController().signal));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\{"type":"RECORD","stream":"bookings","record":(.*),"time_extracted":"[^"]+"\}$/);
    expect(lines[0]).toContain(`"record":${KEPT},"time_extracted"`);
  });

  it('in Airbyte RECORDs, with a configured catalog listing some properties', async () => {
    mockApi(RECORD);
    const dir = tempDir();
    const lines = await recordLines((out) => read({ config: config(dir), catalog: airbyteCatalog(dir), out }, memoryLogger('error'), new AbortController().signal));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\{"type":"RECORD","record":\{"stream":"bookings","data":(.*),"emitted_at":\d+\}\}$/);
    expect(lines[0]).toContain(`"data":${KEPT},"emitted_at"`);
  });

  it('in Airbyte RECORDs without a projection, the record byte for byte', async () => {
    mockApi(RECORD);
    const dir = tempDir();
    const all = writeJson(dir, 'all.json', { streams: [{ stream: { name: 'bookings', json_schema: {} }, sync_mode: 'incremental', destination_sync_mode: 'append' }] });
    const lines = await recordLines((out) => read({ config: config(dir), catalog: all, out }, memoryLogger('error'), new AbortController().signal));
    expect(lines[0]).toContain(`"data":${RECORD},"emitted_at"`);
  });

  it('refuses a record nested 20,000 deep with a clear error, not a stack overflow', async () => {
    mockApi(`{"uuid":"a","lastModified":"2025-01-01T12:00:00Z","booker":${'{"x":'.repeat(20_000)}1${'}'.repeat(20_000)}}`);
    const dir = tempDir();
    const failure = await recordLines((out) => singerSync({ config: [config(dir)], catalog: singerCatalog(dir), out }, memoryLogger('error'), new AbortController().signal)).catch((e: unknown) => e);
    expect(failure).toMatchObject({ name: 'ApiDataError', message: expect.stringMatching(/^GET https:\/\/api\.exact\.test\/v1\/bookings\?bookingType=FLIGHT&page=0.*: record 0 nests 20001 levels deep; at most 1000 are read\.$/) });
  });
});
