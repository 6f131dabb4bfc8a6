import fc from 'fast-check';
import { MemberNames, nestingDepth, OffsetList, oneLine, selectMembers, skipSpace, skipValue, ValueShape } from '../../src/util/json-bytes.js';
import { rng } from '../support/rng.js';
import { json, key, looseText, name, params, text, TIMEOUT } from './fuzz.js';

/**
 * The byte walker against JSON.parse: projecting a record's bytes gives what projecting the parsed record gives
 * (for values JavaScript holds exactly, which is all fast-check makes), names compared as JSON.parse reads them,
 * a repeated name counting once, with the value JSON.parse keeps.
 */

/** The JavaScript projection: own members, `__proto__` included, the last value of a repeated name. */
function pick(record: Record<string, unknown>, keep: ReadonlySet<string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([k]) => keep.has(k)));
}

/** A record's text with its members in any order, some of them repeated, names escaped now and then. */
const recordText = fc
  .record({ members: fc.array(fc.tuple(key, json), { maxLength: 8 }), seed: fc.integer(), lineBreaks: fc.boolean() })
  .map(({ members, seed, lineBreaks }) => {
    const r = rng(seed);
    const ws = () => (r() < 0.2 ? (lineBreaks ? ' \n\t' : ' \t') : '');
    return { text: `${ws()}{${members.map(([k, v]) => `${ws()}${name(k, r)}${ws()}:${ws()}${looseText(v, seed, { lineBreaks })}${ws()}`).join(',')}${ws()}}${ws()}`, names: members.map(([k]) => k), lineBreaks };
  });

describe('selectMembers fuzzed against the JavaScript projection', () => {
  it('keeps exactly the members JSON.parse would keep, on one line', () => {
    fc.assert(fc.property(recordText, fc.array(key, { maxLength: 4 }), fc.nat(), ({ text: t, names, lineBreaks }, extra, take) => {
      const keep = new Set([...names.filter((_, i) => (take >> i) & 1), ...extra]);
      const bytes = Buffer.from(t, 'utf8');
      const line = lineBreaks ? oneLine(bytes) : bytes;
      const selected = Buffer.from(selectMembers(line, new MemberNames(keep))).toString('utf8');
      expect(selected).not.toMatch(/[\r\n]/);
      expect(JSON.parse(selected)).toEqual(pick(JSON.parse(t) as Record<string, unknown>, keep));
      // Split at the commas a walk noted (as pages do for a projection), the same bytes.
      const shape = new ValueShape();
      const commas = new OffsetList();
      shape.commas = commas;
      const start = skipSpace(line, 0);
      const record = line.subarray(start, skipValue(line, start, shape));
      expect(Buffer.from(selectMembers(record, new MemberNames(keep), { commas: commas.values, from: 0, to: commas.length })).toString('utf8')).toBe(selected);
    }), params());
  }, TIMEOUT);

  it('keeps everything when every name is kept, and nothing when none is', () => {
    fc.assert(fc.property(fc.dictionary(key, json), (record) => {
      const bytes = Buffer.from(text(record));
      expect(JSON.parse(Buffer.from(selectMembers(bytes, new MemberNames(Object.keys(record)))).toString())).toEqual(JSON.parse(text(record)));
      expect(Buffer.from(selectMembers(bytes, new MemberNames([]))).toString()).toBe('{}');
    }), params());
  }, TIMEOUT);
});

describe('oneLine and nestingDepth fuzzed', () => {
  it('oneLine gives the same value on one line', () => {
    fc.assert(fc.property(json, fc.integer(), (value, seed) => {
      const loose = looseText(value, seed, { lineBreaks: true });
      const line = Buffer.from(oneLine(Buffer.from(loose))).toString();
      expect(line).not.toMatch(/[\r\n]/);
      expect(JSON.parse(line)).toEqual(JSON.parse(loose));
    }), params());
  }, TIMEOUT);

  it('nestingDepth counts what a recursive walk counts', () => {
    const depth = (v: unknown): number => (v !== null && typeof v === 'object' ? 1 + Math.max(0, ...Object.values(v).map(depth)) : 0);
    fc.assert(fc.property(json, fc.integer(), (value, seed) => {
      expect(nestingDepth(Buffer.from(looseText(value, seed, { lineBreaks: true })))).toBe(depth(JSON.parse(text(value))));
    }), params());
  }, TIMEOUT);
});
