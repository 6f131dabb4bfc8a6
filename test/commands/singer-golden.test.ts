import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import nock from '../support/nock.js';
import { singerSync } from '../../src/commands/singer-sync.js';
import { memoryLogger } from '../support/quiet-logger.js';
import { tempDir, writeJson } from '../support/cli.js';

/**
 * Golden test: the full stdout of a small sync, two booking types, several pages each, one of them short.
 * time_extracted is the only varying field and is normalised. Regenerate with UPDATE_GOLDEN=1 and review the diff.
 */
const BASE = 'https://api.golden.test';
const GOLDEN = resolve('test/fixtures/golden/singer-two-types.jsonl');

function record(type: string, i: number) {
  return {
    uuid: `${type.toLowerCase()}-${i}`,
    lastModified: new Date(Date.UTC(2025, 0, 1 + i, 12, 0, 0, 123)).toISOString(),
    bookingType: type,
    basePrice: 100 + i,
    currency: 'EUR',
    booker: { uuid: `b-${i}`, name: `Booker ${i}`, email: `b${i}@example.com` },
  };
}

function mockApi(type: string, count: number, size: number) {
  const all = Array.from({ length: count }, (_, i) => record(type, i));
  const pages = Math.ceil(count / size);
  // The window check: a one-second window at the window start, which this API honours (nothing in it).
  nock(BASE)
    .get('/v1/bookings')
    .query({ bookingType: type, page: '0', size: String(size), updatedFrom: '2024-01-01T00:00:00Z', updatedTo: '2024-01-01T00:00:01Z' })
    .reply(200, { data: [], page: { currentPage: 0, pageSize: size, totalPages: 0, totalElements: 0 } });
  for (let p = 0; p < pages; p++) {
    nock(BASE)
      .get('/v1/bookings')
      .query({ bookingType: type, page: String(p), size: String(size), updatedFrom: '2024-01-01T00:00:00Z', updatedTo: '2026-01-01T00:00:00Z' })
      .matchHeader('authorization', 'Bearer golden-token')
      .reply(200, { data: all.slice(p * size, (p + 1) * size), page: { currentPage: p, pageSize: size, totalPages: pages, totalElements: count } });
  }
}

afterEach(() => nock.cleanAll());

it('writes SCHEMA, then RECORDs and a STATE after each page, then a final STATE, for a two-type sync', async () => {
  nock(BASE).post('/oauth/token', 'grant_type=client_credentials&client_id=golden-id&client_secret=golden-secret').reply(200, { access_token: 'golden-token', token_type: 'Bearer', expires_in: 3600 });
  mockApi('FLIGHT', 7, 3);
  mockApi('HOTEL', 4, 3);
  const config = writeJson(tempDir(), 'config.json', {
    base_url: BASE, client_id: 'golden-id', client_secret: 'golden-secret', start_date: '2024-01-01T00:00:00Z', end_date: '2026-01-01T00:00:00Z',
    page_size: 3, max_concurrency: 1, booking_types: ['FLIGHT', 'HOTEL'], record_order: 'ascending',
  });
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on('data', (c: Buffer) => chunks.push(c.toString()));
  await singerSync({ config: [config], out }, memoryLogger('error'), new AbortController().signal);
  const text = chunks.join('').replace(/"time_extracted":"[^"]+"/g, '"time_extracted":"<time>"');
  // Only on request: a golden file written because it was missing would make the comparison below pass whatever the output.
  if (process.env.UPDATE_GOLDEN) writeFileSync(GOLDEN, text);
  expect(text).toBe(readFileSync(GOLDEN, 'utf8'));
  expect(nock.isDone()).toBe(true);
});
