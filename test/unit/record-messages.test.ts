import { PassThrough } from 'node:stream';
import { MessageWriter } from '../../src/io/message-writer.js';
import * as airbyte from '../../src/protocol/airbyte.js';
import * as singer from '../../src/protocol/singer.js';

// Records as an API might send them: spaces, a trailing-zero number, non-ASCII text and an escaped line break.
const RAW_TEXT = ['{"uuid":"a", "lastModified":"2025-01-01T00:00:00Z","price":10.50,"name":"Zoë 東京"}', '{"uuid":"b","lastModified":"2025-01-02T00:00:00Z","note":"line\\nbreak","nested":{"x":[1,{"y":null}]}}'];
const RAW = RAW_TEXT.map((t) => Buffer.from(t, 'utf8'));
const RECORDS = RAW_TEXT.map((t) => JSON.parse(t) as object);

function lines(out: Array<string | Uint8Array>): string[] {
  return out.flatMap((o) => (typeof o === 'string' ? [o] : Buffer.from(o).toString('utf8').split('\n').slice(0, -1)));
}

describe.each([
  ['Singer', (raw: Uint8Array[]) => singer.recordMessages(raw, '2025-02-03T04:05:06.007Z'), (record: unknown): object => ({ type: 'RECORD', stream: 'bookings', record, time_extracted: '2025-02-03T04:05:06.007Z' })],
  ['Airbyte', (raw: Uint8Array[]) => airbyte.recordMessages(raw, 1738555506007), (data: unknown): object => ({ type: 'RECORD', record: { stream: 'bookings', data, emitted_at: 1738555506007 } })],
])('%s RECORD messages', (_name, make, message) => {
  it('are one line per record, in one block for the page, holding each record\'s bytes as the API sent them', () => {
    const copied = make(RAW);
    expect(copied).toHaveLength(1);
    const copiedLines = lines(copied);
    expect(copiedLines.map((l) => JSON.parse(l))).toEqual(RECORDS.map(message));
    // The record bytes are the API's own, not re-serialised (10.50 keeps its form).
    expect(copiedLines[0]).toContain(RAW_TEXT[0]);
    expect(copiedLines[1]).toContain(RAW_TEXT[1]);
  });
});

describe('MessageWriter', () => {
  it('writes strings and byte blocks in the order given, each string on its own line', async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const writer = new MessageWriter(out);
    await writer.write(['{"a":1}', Buffer.from('{"b":2}\n{"c":3}\n'), '{"d":4}', '{"e":5}']);
    await writer.write([Buffer.from('{"f":6}\n')]);
    expect(Buffer.concat(chunks).toString()).toBe('{"a":1}\n{"b":2}\n{"c":3}\n{"d":4}\n{"e":5}\n{"f":6}\n');
  });
});
