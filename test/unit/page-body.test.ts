import { parsePage, type Page } from '../../src/http/page-body.js';
import { UnusableBody } from '../../src/http/request-with-retries.js';

describe('parsePage', () => {
  const reason = (body: string) => {
    const r = parsePage(body, 0);
    return r instanceof UnusableBody ? r.reason : undefined;
  };

  it('reports each unusable shape with a clear reason', () => {
    expect(reason('<!doctype html><p>oops')).toMatch(/HTML page instead of JSON/);
    expect(reason('{"data": [')).toMatch(/not valid JSON/);
    expect(reason('[1,2]')).toMatch(/not a JSON object/);
    expect(reason('{"content": []}')).toMatch(/no "data" key/);
    expect(reason('{"data": {"uuid": "a"}}')).toMatch(/"data" in the response is not an array/);
  });

  it('treats "data": null as an empty page and reads totals from the top level when there is no "page" object', () => {
    expect(parsePage('{"data": null, "totalPages": "3", "totalElements": 0, "size": 10}', 5)).toEqual({
      page: 5, records: [], totalPages: 3, totalElements: 0, pageSize: 10, rawRecords: [],
    });
  });

  it('from bytes, parses record by record and returns each record\'s bytes aligned with the parsed records', () => {
    const text = '{"page":{"totalPages":1,"totalElements":2},"data":[{"uuid":"a","name":"Zoë 東京"}, {"uuid":"b","n":1.50}]}';
    const page = parsePage(Buffer.from(text), 0) as Page;
    expect(page).toMatchObject({ records: [{ uuid: 'a', name: 'Zoë 東京' }, { uuid: 'b', n: 1.5 }], totalPages: 1, totalElements: 2 });
    expect(page.rawRecords?.map((b) => Buffer.from(b).toString())).toEqual(['{"uuid":"a","name":"Zoë 東京"}', '{"uuid":"b","n":1.50}']);
  });

  it('puts a record spread over several lines on one, keeping its values as written', () => {
    const pretty = '{\n  "data": [\n    {\n      "uuid": "a b",\n      "n": 1.50,\n      "x": [ 1e400 ]\n    },\n    {"uuid": "c"}\n  ],\n  "page": {"totalPages": 1}\n}';
    const page = parsePage(Buffer.from(pretty), 0) as Page;
    expect(page).toMatchObject({ records: [{ uuid: 'a b', n: 1.5, x: [Infinity] }, { uuid: 'c' }], totalPages: 1 });
    expect(page.rawRecords.map((b) => Buffer.from(b).toString())).toEqual(['{"uuid":"a b","n":1.50,"x":[1e400]}', '{"uuid": "c"}']);
  });

  it('copies a record that is not valid UTF-8 as the U+FFFD its parsed form holds', () => {
    const bytes = Buffer.concat([Buffer.from('{"data":[{"uuid":"a","name":"Zo'), Buffer.from([0xc3]), Buffer.from('","n":1.0}]}')]);
    const page = parsePage(bytes, 0) as Page;
    expect(page.records).toEqual([{ uuid: 'a', name: 'Zo\ufffd', n: 1 }]);
    expect(page.rawRecords.map((b) => Buffer.from(b).toString())).toEqual(['{"uuid":"a","name":"Zo\ufffd","n":1.0}']);
  });

  it('reads "data" written with escapes as "data", and the last of two, as JSON.parse does', () => {
    expect(parsePage(Buffer.from('{"d\\u0061ta":[{"uuid":"a"}],"page":{"totalPages":1}}'), 0)).toMatchObject({ records: [{ uuid: 'a' }], totalPages: 1 });
    const text = '{"data":[{"uuid":"a"}],"page":{"totalPages":1},"d\\u0061ta":[]}';
    expect(JSON.parse(text).data).toEqual([]);
    expect(parsePage(Buffer.from(text), 0)).toMatchObject({ records: [], totalPages: 1, rawRecords: [] });
  });

  it('reads "data": null only when it is null, every byte of it (found by fuzzing)', () => {
    expect(parsePage(Buffer.from('{"data":nul\u00c8}'), 0)).toBeInstanceOf(UnusableBody);
    expect(parsePage(Buffer.from('{"data":nuxl}'), 0)).toBeInstanceOf(UnusableBody);
  });

  it('refuses a record nested deeper than MAX_JSON_DEPTH for good (asking again would get it again)', () => {
    const body = Buffer.from(`{"data":[{"uuid":"a","v":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}]}`);
    const refused = parsePage(body, 0) as UnusableBody;
    expect(refused).toMatchObject({ reason: 'record 0 nests 20001 levels deep; at most 1000 are read', final: true });
  });

  it('from bytes, reports a broken record, broken totals or an HTML page as the whole-text path does', () => {
    const reasonOf = (text: string) => (parsePage(Buffer.from(text), 0) as UnusableBody).reason;
    expect(reasonOf('{"data":[{"uuid":"a"},{"uuid":"b",}]}')).toMatch(/not valid JSON/);
    expect(reasonOf('{"page":{"totalPages":},"data":[{"uuid":"a"}]}')).toMatch(/not valid JSON/);
    expect(reasonOf('{"data":[{"uuid":"a"}')).toMatch(/not valid JSON/);
    expect(reasonOf('<html><body>Bad gateway</body></html>')).toMatch(/HTML page instead of JSON/);
    expect(reasonOf('{"content":[]}')).toMatch(/no "data" key/);
  });

  it('from bytes, reports a body that is no page and longer than a string can be, without decoding it', () => {
    const broken = Buffer.from(JSON.stringify({ data: [{ uuid: 'a' }, { uuid: 'b' }] }, null, 2).slice(0, -2));
    const reason = (parsePage(broken, 0, { maxTextBytes: broken.length - 1 }) as UnusableBody).reason;
    expect(reason).toBe(`the response is not a JSON object with a "data" array, and at ${broken.length} bytes it is too long to be parsed as one text to say more (${broken.length - 1} bytes at most); it starts ${JSON.stringify('{ "data": [ { "uuid": "a" }, { "uuid": "b" } ]')}`);
    // Record by record, a page of any length is read.
    const pretty = Buffer.from(JSON.stringify({ data: [{ uuid: 'a' }, { uuid: 'b' }] }, null, 2));
    expect((parsePage(pretty, 0, { maxTextBytes: 10 }) as Page).records).toEqual([{ uuid: 'a' }, { uuid: 'b' }]);
  });

  it('quotes only the start of a long unusable body', () => {
    const long = `{"data": {"uuid": "a"}, "pad": "${' x'.repeat(1_000_000)}"}`;
    const reason = (parsePage(long, 0) as UnusableBody).reason;
    expect(reason).toMatch(/^"data" in the response is not an array: \{"data": \{"uuid": "a"\}, "pad": " x x x.*…$/);
    expect(reason.length).toBeLessThan(300);
  });

  it('leaves totals undefined when the API does not report them or reports nonsense', () => {
    expect(parsePage('{"data": [], "page": {"totalPages": -1, "totalElements": 1.5}}', 0)).toEqual({
      page: 0, records: [], totalPages: undefined, totalElements: undefined, pageSize: undefined, rawRecords: [],
    });
  });
});
