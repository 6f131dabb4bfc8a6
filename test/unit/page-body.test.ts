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
      page: 5, records: [], totalPages: 3, totalElements: 0, pageSize: 10,
    });
  });

  it('from bytes, parses record by record and returns each record\'s bytes aligned with the parsed records', () => {
    const text = '{"page":{"totalPages":1,"totalElements":2},"data":[{"uuid":"a","name":"Zoë 東京"}, {"uuid":"b","n":1.50}]}';
    const page = parsePage(Buffer.from(text), 0) as Page;
    expect(page).toMatchObject({ records: [{ uuid: 'a', name: 'Zoë 東京' }, { uuid: 'b', n: 1.5 }], totalPages: 1, totalElements: 2 });
    expect(page.rawRecords?.map((b) => Buffer.from(b).toString())).toEqual(['{"uuid":"a","name":"Zoë 東京"}', '{"uuid":"b","n":1.50}']);
  });

  it('parses the whole text, and leaves the raw records out, when the records cannot be copied', () => {
    const pretty = JSON.stringify({ data: [{ uuid: 'a' }], page: { totalPages: 1 } }, null, 2);
    expect(parsePage(Buffer.from(pretty), 0)).toEqual({ page: 0, records: [{ uuid: 'a' }], totalPages: 1, totalElements: undefined, pageSize: undefined, rawRecords: undefined });
    expect((parsePage('{"data":[{"uuid":"a"}]}', 0) as Page).rawRecords).toBeUndefined();
    expect((parsePage(Buffer.from('{"data":[]}'), 0) as Page).rawRecords).toBeUndefined();
  });

  it('from bytes, gives what the whole text gives when a later key spelled with escapes overrides "data"', () => {
    const text = '{"data":[{"uuid":"a"}],"page":{"totalPages":1},"d\\u0061ta":[]}';
    expect(JSON.parse(text).data).toEqual([]);
    expect(parsePage(Buffer.from(text), 0)).toMatchObject({ records: [], totalPages: 1, rawRecords: undefined });
  });

  it('from bytes, reports a broken record, broken totals or an HTML page as the whole-text path does', () => {
    const reasonOf = (text: string) => (parsePage(Buffer.from(text), 0) as UnusableBody).reason;
    expect(reasonOf('{"data":[{"uuid":"a"},{"uuid":"b",}]}')).toMatch(/not valid JSON/);
    expect(reasonOf('{"page":{"totalPages":},"data":[{"uuid":"a"}]}')).toMatch(/not valid JSON/);
    expect(reasonOf('{"data":[{"uuid":"a"}')).toMatch(/not valid JSON/);
    expect(reasonOf('<html><body>Bad gateway</body></html>')).toMatch(/HTML page instead of JSON/);
    expect(reasonOf('{"content":[]}')).toMatch(/no "data" key/);
  });

  it('from bytes, reports a body it cannot read record by record that is longer than a string can be, without decoding it', () => {
    const pretty = Buffer.from(JSON.stringify({ data: [{ uuid: 'a' }, { uuid: 'b' }] }, null, 2));
    const reason = (parsePage(pretty, 0, pretty.length - 1) as UnusableBody).reason;
    expect(reason).toBe(`the response cannot be read record by record (not valid JSON, or not one record per line), and at ${pretty.length} bytes it is too long to be parsed as one text (${pretty.length - 1} bytes at most); it starts ${JSON.stringify('{ "data": [ { "uuid": "a" }, { "uuid": "b" } ] }')}`);
    // Record by record, the same page of any length is read.
    const compact = Buffer.from(JSON.stringify({ data: [{ uuid: 'a' }, { uuid: 'b' }] }));
    expect((parsePage(compact, 0, 10) as Page).records).toEqual([{ uuid: 'a' }, { uuid: 'b' }]);
    expect((parsePage(pretty, 0, pretty.length) as Page).records).toHaveLength(2);
  });

  it('quotes only the start of a long unusable body', () => {
    const long = `{"data": {"uuid": "a"}, "pad": "${' x'.repeat(1_000_000)}"}`;
    const reason = (parsePage(long, 0) as UnusableBody).reason;
    expect(reason).toMatch(/^"data" in the response is not an array: \{"data": \{"uuid": "a"\}, "pad": " x x x.*…$/);
    expect(reason.length).toBeLessThan(300);
  });

  it('leaves totals undefined when the API does not report them or reports nonsense', () => {
    expect(parsePage('{"data": [], "page": {"totalPages": -1, "totalElements": 1.5}}', 0)).toEqual({
      page: 0, records: [], totalPages: undefined, totalElements: undefined, pageSize: undefined,
    });
  });
});
