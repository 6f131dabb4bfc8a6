/**
 * What PyAirbyte's DuckDB cache makes of the values an API really sends: date-times with UTC offsets and amounts with
 * more digits than a double holds. A small API in this process serves one page of such records; the tap reads it as an
 * Airbyte source through PyAirbyte; the test reads back the column types and values the cache holds.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { BIN, tempDir, writeJson } from '../support/cli.js';
import { run, venvTool } from './support/tools.js';

/** The records as the API writes them: the numbers' digits exactly as in the source text, offsets as sent. */
const RECORDS = [
  '{"uuid":"b-1","lastModified":"2024-05-01T15:00:00.250Z","created":"2024-05-01T12:00:00.250-03:00","cancelledAt":"2024-05-02T01:30:00+05:30","grandTotal":12345678901234.56,"basePrice":0.1,"numberOfPassengers":3,"bookingType":"FLIGHT"}',
  '{"uuid":"b-2","lastModified":"2024-05-01T16:00:00.000Z","created":"2024-05-01T16:00:00Z","cancelledAt":null,"grandTotal":1.5,"basePrice":123456789.123456789,"numberOfPassengers":1,"bookingType":"FLIGHT"}',
];

/** A page of the records whose lastModified is in the requested window [updatedFrom, updatedTo). */
function page(url: URL): string {
  const from = Date.parse(url.searchParams.get('updatedFrom') ?? '1970-01-01T00:00:00Z');
  const to = Date.parse(url.searchParams.get('updatedTo') ?? '2100-01-01T00:00:00Z');
  const inWindow = RECORDS.filter((r) => {
    const lm = Date.parse((JSON.parse(r) as { lastModified: string }).lastModified);
    return lm >= from && lm < to;
  });
  const shown = Number(url.searchParams.get('page') ?? 0) === 0 ? inWindow : [];
  return `{"data":[${shown.join(',')}],"totalElements":${inWindow.length},"totalPages":1}`;
}

describe('PyAirbyte DuckDB cache: date-time offsets and large numbers', () => {
  let server: Server;
  let dir: string;
  let report: { column_types: Record<string, string>; rows: Array<Record<string, unknown>>; processed_records: number };

  beforeAll(async () => {
    server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url?.startsWith('/oauth/token')) return void res.end('{"access_token":"t","token_type":"Bearer","expires_in":3600}');
      res.end(page(new URL(req.url ?? '/', 'http://x')));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    dir = tempDir();
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const config = writeJson(dir, 'config.json', { base_url: base, client_id: 'id', client_secret: 'secret', start_date: '2024-01-01', end_date: '2024-06-01T00:00:00Z', booking_types: ['FLIGHT'], schema_validation: 'fail' });
    const out = join(dir, 'report.json');
    await run(venvTool('pyairbyte', 'python'), [resolve('test/interop/pyairbyte/driver.py'), BIN, config, join(dir, 'cache'), 'read-full', out], {
      env: { AIRBYTE_OFFLINE_MODE: '1', DO_NOT_TRACK: '1', AIRBYTE_LOGGING_ROOT: join(dir, 'logs') },
    });
    report = JSON.parse(readFileSync(out, 'utf8')) as typeof report;
  });
  afterAll(async () => {
    await new Promise((done) => server?.close(done));
  });

  const row = (uuid: string) => report.rows.find((r) => r.uuid === uuid)!;

  test('every record once', () => {
    expect(report.processed_records).toBe(RECORDS.length);
    expect(report.rows.map((r) => r.uuid).sort()).toEqual(['b-1', 'b-2']);
  });

  // What follows records PyAirbyte 0.71.3's behaviour (the README says what a user should know), so a change shows.
  test('date-times: TIMESTAMP columns without a time zone, holding the wall-clock time with the offset dropped', () => {
    // The discovered schema says airbyte_type: timestamp_with_timezone; PyAirbyte asks SQLAlchemy for
    // TIMESTAMP(timezone=True), which its DuckDB dialect creates as a plain TIMESTAMP (so does _airbyte_extracted_at).
    for (const field of ['lastmodified', 'created', 'cancelledat', '_airbyte_extracted_at']) expect(report.column_types[field]).toBe('TIMESTAMP');
    expect(row('b-1').lastmodified).toBe('2024-05-01T15:00:00.250000'); // sent in UTC (Z): right
    expect(row('b-1').created).toBe('2024-05-01T12:00:00.250000'); // sent as 12:00:00.250-03:00, i.e. 15:00:00.250Z
    expect(row('b-1').cancelledat).toBe('2024-05-02T01:30:00'); // sent as 01:30+05:30, i.e. 2024-05-01T20:00:00Z
  });

  test('whole numbers are BIGINT and exact; other numbers DECIMAL(38, 9) read through a double', () => {
    expect(report.column_types.numberofpassengers).toBe('BIGINT');
    expect(row('b-1').numberofpassengers).toBe(3);
    expect(report.column_types.grandtotal).toBe('NUMERIC(38, 9)');
    // The tap sends the API's digits (12345678901234.56, 123456789.123456789); PyAirbyte parses the line into Python
    // floats before it writes the DECIMAL column.
    expect({ big: row('b-1').grandtotal, long: row('b-2').baseprice, small: row('b-1').baseprice }).toEqual({ big: '12345678901234.561449984', long: '123456789.123456784', small: '0.100000000' });
  });
});
