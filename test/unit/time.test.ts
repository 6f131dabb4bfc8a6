import { fullFormats } from 'ajv-formats/dist/formats.js';
import { createAjv } from '../../src/util/ajv.js';
import { resolveConfig } from '../../src/config/load-config.js';
import { connectorSpec } from '../../src/config/spec.js';
import { ConfigError } from '../../src/errors.js';
import { DATE_TIME_PATTERN, isRfc3339DateTime, parseDateTime } from '../../src/util/time.js';
import { rng } from '../support/rng.js';

const reference = (fullFormats['date-time'] as { validate: (s: string) => boolean }).validate;

const EDGES = [
  '2024-02-29T12:00:00Z', '2023-02-29T12:00:00Z', '1900-02-29T00:00:00Z', '2000-02-29T00:00:00Z', '2024-04-31T00:00:00Z',
  '2024-13-01T00:00:00Z', '2024-00-10T00:00:00Z', '2024-01-00T00:00:00Z', '2024-01-01t00:00:00z', '2024-01-01 00:00:00Z',
  '2024-01-01\u300000:00:00Z', '2024-01-01\u00a000:00:00Z', '2024-01-01T00:00:00', '2024-01-01T24:00:00Z',
  '2024-01-01T23:60:00Z', '2024-12-31T23:59:60Z', '2024-12-31T23:59:60.999Z', '2024-12-31T23:59:61Z',
  '2024-12-31T22:59:60Z', '2025-01-01T00:59:60+01:00', '2025-01-01T00:59:60.5+0100', '2024-12-31T18:29:60-05:30',
  '2024-01-01T00:00:00+05', '2024-01-01T00:00:00+05:', '2024-01-01T00:00:00+0530', '2024-01-01T00:00:00+24:00',
  '2024-01-01T00:00:00+23:60', '2024-01-01T00:00:00.Z', '2024-01-01T00:00:00.123456789Z', '2024-01-01TT00:00:00Z',
  '2024-01-01T00:00:00Z ', ' 2024-01-01T00:00:00Z', '2024-01-01', '2024-1-01T00:00:00Z', '２０２４-01-01T00:00:00Z',
  '2024-01-01T0０:00:00Z', '', 'T', '2024-01-01T', '2024-01-01T00:00:00Zt',
];

describe('isRfc3339DateTime', () => {
  it('agrees with ajv-formats (full mode) on the edge cases', () => {
    for (const s of EDGES) expect({ s, ok: isRfc3339DateTime(s) }).toEqual({ s, ok: reference(s) });
    expect(EDGES.filter(reference).length).toBeGreaterThan(10); // both kinds are in the list
  });

  it('agrees with ajv-formats on 20,000 mutations of valid date-times', () => {
    const r = rng(7);
    const chars = '0123456789-:.+TtZz \u3000\u00a0x96';
    let valid = 0;
    for (let n = 0; n < 20_000; n++) {
      const d = new Date(Date.UTC(1890 + Math.floor(r() * 250), 0, 1) + Math.floor(r() * 366 * 86_400_000));
      let s = d.toISOString();
      if (r() < 0.3) s = s.replace(/\.\d+Z$/, ['Z', '+01:00', '-0530', '+12'][Math.floor(r() * 4)]!);
      const edits = Math.floor(r() * 3);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(r() * (s.length + 1));
        const c = chars[Math.floor(r() * chars.length)]!;
        const op = r();
        s = op < 0.4 ? s.slice(0, at) + c + s.slice(at + 1) : op < 0.7 ? s.slice(0, at) + c + s.slice(at) : s.slice(0, at) + s.slice(at + 1);
      }
      if (reference(s)) valid++;
      if (isRfc3339DateTime(s) !== reference(s)) expect({ s, ours: isRfc3339DateTime(s) }).toEqual({ s, ours: reference(s) });
    }
    expect(valid).toBeGreaterThan(3000);
    expect(valid).toBeLessThan(17_000);
  });

  it('is the date-time format of the tap\'s validators', () => {
    const ajv = createAjv();
    expect((ajv.formats['date-time'] as { validate: unknown }).validate).toBe(isRfc3339DateTime);
    const validate = ajv.compile({ type: 'string', format: 'date-time' });
    expect(validate('2024-02-29T12:00:00Z')).toBe(true);
    expect(validate('2023-02-29T12:00:00Z')).toBe(false);
    expect(validate('2024-01-01T00:00:00')).toBe(false);
  });
});

/** What parseDateTime did before it shared the scanner: a regular expression, then Date.parse (UTC if no offset). */
function dateParseReading(s: string): number {
  let t = s.replace(' ', 'T');
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) t += 'T00:00:00Z';
  else if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(t)) t += 'Z';
  return Date.parse(t);
}

/**
 * spec.json describes start_date and end_date by a pattern (and examples), and the tap accepts exactly what it says:
 * the pattern, parseDateTime and the config loader agree on every date of a table.
 */
describe('dates in the config: spec.json\'s pattern is what the tap accepts', () => {
  const properties = connectorSpec().connectionSpecification.properties;
  const pattern = new RegExp(properties.start_date!.pattern!, 'u'); // as JSON Schema validators compile it
  const NOW = Date.UTC(2030, 0, 1);
  const loaderAccepts = (date: string): boolean => {
    try {
      resolveConfig({ base_url: 'https://api.example.com', client_id: 'a', client_secret: 'b', start_date: date, end_date: date }, 'test', NOW);
      return true;
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      expect(e.message).toContain('start_date: must be YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS[.fff]][Z or ±HH:MM]');
      return false;
    }
  };
  const TABLE: Array<[string, boolean]> = [
    ['2024-01-01', true], ['2024-01-01T00:00:00Z', true], ['2024-01-01T00:00:00', true], ['2024-01-01 00:00:00Z', true],
    ['2024-01-01t10:00z', true], ['2024-01-01T10:00', true], ['2024-01-01T10:00:00.5Z', true], ['2024-01-01T10:00:00.123456+02:00', true],
    ['2024-01-01T10:00:00-0530', true], ['2024-02-29', true], ['2000-02-29T00:00:00Z', true], ['1600-02-29', true], ['0000-02-29', true],
    ['2024-12-31T23:59:59.999Z', true], ['2024-01-01T23:00:00+23:59', true],
    ['2023-02-29', false], ['1900-02-29', false], ['2024-02-30', false], ['2024-04-31', false], ['2024-13-01', false], ['2024-00-01', false],
    ['2024-01-00', false], ['2024-1-01', false], ['24-01-01', false], ['2024/01/01', false], ['2024-01-01T', false], ['2024-01-01T10', false],
    ['2024-01-01T24:00:00Z', false], ['2024-01-01T10:60:00Z', false], ['2024-12-31T23:59:60Z', false], ['2024-01-01T10:00:00.Z', false],
    ['2024-01-01T10:00:00+02', false], ['2024-01-01T10:00:00+24:00', false], ['2024-01-01T10:00:00+02:60', false], ['2024-01-01T10:00:00 Z', false],
    ['2024-01-01T10:00:00ZZ', false], ['2024-01-01TT10:00:00Z', false], [' 2024-01-01', false], ['2024-01-01 ', false], ['2024-01-01\u00a010:00', false],
    ['２０２４-01-01', false], ['2024-01-01T10:00:00+02:00:00', false], ['', false], ['yesterday', false], ['1704067200', false],
  ];

  it('spec.json carries the pattern of the grammar parseDateTime reads, for both dates, with examples it accepts', () => {
    for (const name of ['start_date', 'end_date']) {
      const p = properties[name]!;
      expect(p.pattern).toBe(DATE_TIME_PATTERN);
      expect(p).not.toHaveProperty('format');
      for (const example of p.examples!) expect(parseDateTime(String(example))).toBeDefined();
    }
  });

  it.each(TABLE)('%j: pattern, parser and loader all say %s', (date, ok) => {
    expect({ date, pattern: pattern.test(date), parser: parseDateTime(date) !== undefined, loader: loaderAccepts(date) }).toEqual({ date, pattern: ok, parser: ok, loader: ok });
    if (ok) expect(parseDateTime(date)).toBe(dateParseReading(date)); // the same instant as before
  });

  it('agree on 20,000 mutations of dates, and read the instant Date.parse reads', () => {
    const r = rng(11);
    const chars = '0123456789-:.+TtZz 9';
    const tails = ['', 'Z', '+01:00', '-0530', ':30', ':30.5', ':30.25Z', ':30+02:00', ':59.999-12:00'];
    let accepted = 0;
    for (let n = 0; n < 20_000; n++) {
      const d = new Date(Date.UTC(1890 + Math.floor(r() * 250), 0, 1) + Math.floor(r() * 366 * 86_400_000));
      let s = r() < 0.2 ? d.toISOString().slice(0, 10) : d.toISOString().slice(0, 16).replace('T', 'T t'[Math.floor(r() * 3)]!) + tails[Math.floor(r() * tails.length)]!;
      for (let e = Math.floor(r() * 3); e > 0; e--) {
        const at = Math.floor(r() * (s.length + 1));
        const c = chars[Math.floor(r() * chars.length)]!;
        const op = r();
        s = op < 0.4 ? s.slice(0, at) + c + s.slice(at + 1) : op < 0.7 ? s.slice(0, at) + c + s.slice(at) : s.slice(0, at) + s.slice(at + 1);
      }
      const ms = parseDateTime(s);
      if (pattern.test(s) !== (ms !== undefined)) expect({ s, pattern: pattern.test(s) }).toEqual({ s, pattern: ms !== undefined });
      if (ms !== undefined) {
        accepted++;
        if (ms !== dateParseReading(s)) expect({ s, ms }).toEqual({ s, ms: dateParseReading(s) });
      }
    }
    expect(accepted).toBeGreaterThan(5000);
    expect(accepted).toBeLessThan(18_000);
  });
});
