import { fullFormats } from 'ajv-formats/dist/formats.js';
import { createAjv } from '../../src/util/ajv.js';
import { isRfc3339DateTime } from '../../src/util/date-time-format.js';
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
