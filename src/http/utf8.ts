import { isUtf8 } from 'node:buffer';

/**
 * How many invalid byte sequences `bytes` holds as UTF-8, counted as decoding counts them: Buffer#toString and
 * TextDecoder follow the WHATWG UTF-8 decoder, which puts one U+FFFD in place of each maximal sequence that cannot
 * be decoded (a stray continuation byte, a truncated sequence, an overlong form, a surrogate, a code point past
 * U+10FFFF). 0 for valid UTF-8.
 */
export function invalidUtf8Sequences(bytes: Uint8Array): number {
  if (isUtf8(bytes)) return 0;
  let invalid = 0;
  let needed = 0;
  let seen = 0;
  let lower = 0x80;
  let upper = 0xbf;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (needed === 0) {
      if (b <= 0x7f) continue;
      if (b >= 0xc2 && b <= 0xdf) needed = 1;
      else if (b >= 0xe0 && b <= 0xef) {
        needed = 2;
        if (b === 0xe0) lower = 0xa0; // no overlong forms
        if (b === 0xed) upper = 0x9f; // no surrogates
      } else if (b >= 0xf0 && b <= 0xf4) {
        needed = 3;
        if (b === 0xf0) lower = 0x90; // no overlong forms
        if (b === 0xf4) upper = 0x8f; // nothing past U+10FFFF
      } else invalid++;
      continue;
    }
    if (b < lower || b > upper) {
      // The sequence begun is cut short: one error, and this byte starts afresh.
      invalid++;
      needed = seen = 0;
      lower = 0x80;
      upper = 0xbf;
      i--;
      continue;
    }
    lower = 0x80;
    upper = 0xbf;
    if (++seen === needed) needed = seen = 0;
  }
  return needed > 0 ? invalid + 1 : invalid;
}
