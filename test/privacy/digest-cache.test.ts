import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { DigestCache, MAX_TEXT_BYTES } from '../../src/privacy/digest-cache.js';

const hex = (text: Uint8Array) => Buffer.from(text).toString('hex');

describe('digest cache', () => {
  test('always answers the digest of the bytes asked for, whatever was kept before (texts at any offset, any bytes)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: 1, maxLength: 300 }), fc.integer({ min: 1, max: 50 }), (texts, capacity) => {
        const cache = new DigestCache<string>(capacity);
        for (const [k, text] of texts.entries()) {
          // The text in the middle of other bytes, as a value sits in a record.
          const b = Buffer.concat([Buffer.from([k & 0xff, 0x22]), text, Buffer.from([0x22])]);
          expect(cache.get(b, 2, 2 + text.length, hex)).toBe(hex(text));
        }
      }),
      { numRuns: 200 },
    );
  });

  test('a text that keeps coming back is digested once, however many come only once; long texts are not kept', () => {
    const cache = new DigestCache<string>(100);
    const digested: string[] = [];
    const digest = (text: Uint8Array) => {
      digested.push(Buffer.from(text).toString('latin1'));
      return hex(text);
    };
    const ask = (text: string) => cache.get(Buffer.from(text, 'latin1'), 0, text.length, digest);
    for (let k = 0; k < 1000; k++) {
      ask('ada@example.com');
      ask(`ticket-${k}`);
    }
    expect(digested.filter((t) => t === 'ada@example.com')).toHaveLength(1);
    expect(digested).toHaveLength(1001);
    const long = 'x'.repeat(MAX_TEXT_BYTES + 1);
    ask(long);
    ask(long);
    expect(digested.filter((t) => t === long)).toHaveLength(2);
  });
});
