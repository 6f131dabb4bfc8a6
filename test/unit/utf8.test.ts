import { invalidUtf8Sequences } from '../../src/http/utf8.js';
import { rng } from '../support/rng.js';

const bytes = (...parts: Array<string | number[]>) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
const REPLACEMENT = Buffer.from('\ufffd');

/** What decoding says: the U+FFFD it makes, less those the bytes spelled validly (EF BF BD, always a whole sequence). */
function decoderCount(b: Buffer): number {
  const made = [...b.toString('utf8')].filter((c) => c === '\ufffd').length;
  let spelled = 0;
  for (let i = b.indexOf(REPLACEMENT); i >= 0; i = b.indexOf(REPLACEMENT, i + 3)) spelled++;
  return made - spelled;
}

describe('invalidUtf8Sequences', () => {
  it.each([
    ['valid text, a spelled U+FFFD and astral characters', bytes('Zoë 東京 🛫 \ufffd'), 0],
    ['a stray continuation byte', bytes('a', [0x80], 'b'), 1],
    ['two stray continuation bytes: one each', bytes([0x80, 0xbf]), 2],
    ['a lead byte cut short by ASCII', bytes([0xe6, 0x9d], 'x'), 1],
    ['a lead byte at the very end', bytes('x', [0xf0, 0x9f, 0x9b]), 1],
    ['bytes that never start a sequence', bytes([0xc0, 0xc1, 0xf5, 0xff]), 4],
    ['an overlong form', bytes([0xe0, 0x80, 0x80]), 3],
    ['a surrogate', bytes([0xed, 0xa0, 0x80]), 3],
    ['past U+10FFFF', bytes([0xf4, 0x90, 0x80, 0x80]), 4],
    ['Latin-1 inside JSON', bytes('{"name":"Z', [0xf6], 'e M', [0xfc], 'ller"}'), 2],
  ])('%s', (_name, input, expected) => {
    expect(invalidUtf8Sequences(input)).toBe(expected);
    expect(decoderCount(input)).toBe(expected);
  });

  it('counts what Buffer#toString replaces, on 2000 random byte strings', () => {
    // Bytes drawn mostly from the ranges that matter: ASCII, continuation bytes, every kind of lead byte.
    const pick = [0x41, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0xbd, 0xbb];
    for (let seed = 1; seed <= 2000; seed++) {
      const r = rng(seed);
      const b = Buffer.from(Array.from({ length: Math.floor(r() * 24) }, () => (r() < 0.7 ? pick[Math.floor(r() * pick.length)]! : Math.floor(r() * 256))));
      expect({ seed, count: invalidUtf8Sequences(b) }).toEqual({ seed, count: decoderCount(b) });
    }
  });
});
