import { locateRecordSpans, type RecordSpans } from '../../src/http/record-spans.js';
import { MAX_JSON_DEPTH } from '../../src/util/json-bytes.js';
import { rng } from '../support/rng.js';

// Strings that trip naive scanners: quotes, backslashes before quotes, brackets and braces, line breaks (escaped in
// JSON), multi-byte UTF-8 up to astral characters, a lone surrogate, the word "data" itself.
const NASTY = ['', 'plain', '"', '\\', '\\"', '"\\', '{', '}', '[', ']', ',', ':', '{"data":[1]}', '\n', '\r\n', '\t', 'Zoë Müller', 'São Paulo', 'Łukasz', '東京', '🛫✈️', '\ud800', '\u2028', 'data', '\u0000'];

function value(r: () => number, depth: number): unknown {
  const k = Math.floor(r() * (depth > 3 ? 5 : 7));
  switch (k) {
    case 0: return NASTY[Math.floor(r() * NASTY.length)]! + (r() < 0.3 ? NASTY[Math.floor(r() * NASTY.length)]! : '');
    case 1: return Math.round((r() - 0.5) * 1e6) / 100;
    case 2: return r() < 0.5;
    case 3: return null;
    case 4: return Math.floor(r() * 1e9);
    case 5: return Array.from({ length: Math.floor(r() * 4) }, () => value(r, depth + 1));
    default: return object(r, depth + 1);
  }
}

function object(r: () => number, depth: number): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  const n = Math.floor(r() * 6);
  for (let i = 0; i < n; i++) o[r() < 0.2 ? NASTY[Math.floor(r() * NASTY.length)]! : `k${i}`] = value(r, depth);
  return o;
}

/** JSON text with random whitespace between tokens, line breaks included, like a compact, loose or pretty-printed API. */
function looseJson(v: unknown, r: () => number): string {
  const ws = () => (r() < 0.15 ? [' ', '\t', '  ', '\n', '\r\n  '][Math.floor(r() * 5)]! : '');
  if (Array.isArray(v)) return `[${ws()}${v.map((x) => `${ws()}${looseJson(x, r)}${ws()}`).join(',')}${ws()}]`;
  if (v !== null && typeof v === 'object') {
    return `{${ws()}${Object.entries(v).map(([k, x]) => `${ws()}${JSON.stringify(k)}${ws()}:${ws()}${looseJson(x, r)}${ws()}`).join(',')}${ws()}}`;
  }
  return JSON.stringify(v);
}

function slices(text: string | Buffer): unknown[] | undefined {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const located = locateRecordSpans(bytes);
  if (!located || 'tooDeep' in located) return undefined;
  const { spans } = located;
  const out: unknown[] = [];
  for (let k = 0; k < spans.length; k += 2) out.push(JSON.parse(bytes.subarray(spans[k], spans[k + 1]).toString('utf8')));
  return out;
}

describe('locateRecordSpans', () => {
  it('finds every record of 500 random pages, each slice parsing to the record JSON.parse sees', () => {
    for (let seed = 1; seed <= 500; seed++) {
      const r = rng(seed);
      const records = Array.from({ length: Math.floor(r() * 8) }, () => object(r, 0));
      const page: Record<string, unknown> = {};
      // "data" among other keys, before or after them, some of which hold "data" keys of their own.
      if (r() < 0.5) page.page = { totalPages: 3, data: [{ nested: true }] };
      if (r() < 0.3) page.meta = value(r, 2);
      page.data = records;
      if (r() < 0.5) page.links = { next: '"data":[', data: null };
      const text = looseJson(page, r);
      const found = slices(text);
      expect({ seed, found }).toEqual({ seed, found: JSON.parse(text).data });
    }
  });

  it('returns the exact bytes of each record, spaces inside it included', () => {
    const text = '{ "data" : [ {"uuid":"a", "n": [1, 2]} , {"uuid":"b"}\t], "page":{"totalPages":1} }';
    const bytes = Buffer.from(text);
    const { spans, arrayStart, arrayEnd } = locateRecordSpans(bytes) as RecordSpans;
    expect(spans.length).toBe(4);
    expect(bytes.subarray(arrayStart, arrayEnd).toString()).toBe('[ {"uuid":"a", "n": [1, 2]} , {"uuid":"b"}\t]');
    expect(bytes.subarray(spans[0], spans[1]).toString()).toBe('{"uuid":"a", "n": [1, 2]}');
    expect(bytes.subarray(spans[2], spans[3]).toString()).toBe('{"uuid":"b"}');
  });

  it('allows line breaks anywhere, and names the records that hold some', () => {
    expect(slices('{\n  "page": {\n    "totalPages": 1\n  },\n  "data": [{"uuid":"a"},\n{"uuid":"b"}]\n}\n')).toEqual([{ uuid: 'a' }, { uuid: 'b' }]);
    const pretty = JSON.stringify({ data: [{ uuid: 'a' }, { uuid: 'b', x: { y: 1 } }] }, null, 2);
    expect(slices(pretty)).toEqual([{ uuid: 'a' }, { uuid: 'b', x: { y: 1 } }]);
    expect((locateRecordSpans(Buffer.from(pretty)) as RecordSpans).lineBreaks).toEqual([0, 1]);
    expect((locateRecordSpans(Buffer.from('{"data":[{"uuid":"a"},{"uuid":"b",\r"x":1}]}')) as RecordSpans).lineBreaks).toEqual([1]);
  });

  it('finds what JSON.parse finds: the last "data", however its name is written, whatever its elements', () => {
    expect(slices('{"data":[{"uuid":"a"}],"data":[{"uuid":"b"}]}')).toEqual([{ uuid: 'b' }]);
    expect(slices('{"d\\u0061ta":[{"uuid":"a"}]}')).toEqual([{ uuid: 'a' }]);
    expect(slices('{"data":[{"uuid":"a"}],"d\\u0061ta":null}')).toEqual([]);
    expect(slices('{"data":[{"uuid":"a"},"b",3,null,[]]}')).toEqual([{ uuid: 'a' }, 'b', 3, null, []]);
    expect(slices('{"data":null}')).toEqual([]);
    // Not UTF-8: located all the same (decoding never swallows the ASCII bytes the walk looks at).
    expect(slices(Buffer.from([0x7b, 0x22, 0x64, 0x61, 0x74, 0x61, 0x22, 0x3a, 0x5b, 0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d, 0x5d, 0x7d]))).toEqual([{ a: '\ufffd' }]);
  });

  it('gives up on bodies that are no page', () => {
    expect(slices('{"data":{"uuid":"a"}}')).toBeUndefined();
    expect(slices('{"data":[{"uuid":"a"}],"data":{"uuid":"b"}}')).toBeUndefined();
    expect(slices('[{"uuid":"a"}]')).toBeUndefined();
    expect(slices('{"items":[{"uuid":"a"}]}')).toBeUndefined();
  });

  it('refuses a record nested deeper than MAX_JSON_DEPTH, naming it and its depth, without recursion', () => {
    const deep = (n: number) => `{"uuid":"x","v":${'['.repeat(n - 1)}${']'.repeat(n - 1)}}`;
    expect(slices(`{"data":[${deep(MAX_JSON_DEPTH)}]}`)).toHaveLength(1);
    expect(locateRecordSpans(Buffer.from(`{"data":[{"uuid":"a"},${deep(MAX_JSON_DEPTH + 1)}]}`))).toEqual({ tooDeep: { index: 1, depth: MAX_JSON_DEPTH + 1 } });
    expect(locateRecordSpans(Buffer.from(`{"data":[${deep(1_000_000)}]}`))).toEqual({ tooDeep: { index: 0, depth: 1_000_000 } });
  });

  it('gives up on broken structure between the parts it hands out (inside them, the parts\' own parse fails)', () => {
    expect(slices('{"data":[{"uuid":"a"},{"uuid":"b"}')).toBeUndefined(); // truncated
    expect(slices('{"data":[{"uuid":"a"} {"uuid":"b"}]}')).toBeUndefined(); // no comma
    expect(slices('{"data":[{"uuid":"a"}]} trailing')).toBeUndefined();
    expect(slices('{"data":[{"uuid":"a"}]')).toBeUndefined();
    expect(slices('{"data" [{"uuid":"a"}]}')).toBeUndefined();
  });

  it('finds an empty data array', () => {
    expect(locateRecordSpans(Buffer.from('{"data":[ ],"page":{"totalPages":0}}'))).toEqual({ spans: [], lineBreaks: [], arrayStart: 8, arrayEnd: 11 });
  });
});
