/**
 * The JSON Schema "date-time" format (RFC 3339), with exactly the rules of ajv-formats' full mode, checked character
 * by character. ajv-formats splits the text and runs a regular expression on each part, which allocates an array and
 * strings for every value: with three date-times per booking that was a sixth of all the memory a sync allocated
 * (measured with V8's sampling heap profiler), all of it garbage. A test compares both on thousands of values.
 *
 * The rules: one separator (`T`, `t` or any JavaScript whitespace) between a date `YYYY-MM-DD` that exists (leap
 * years included) and a time `HH:MM:SS[.fraction]` with a required offset (`Z`, `z`, `±HH`, `±HHMM` or `±HH:MM`,
 * hours up to 23 and minutes up to 59); HH up to 23, MM up to 59, SS under 60, or a leap second (SS under 61) where
 * the time is 23:59 in UTC.
 */
export function isRfc3339DateTime(s: string): boolean {
  let sep = -1;
  for (let i = 0; i < s.length; i++) {
    if (!isSeparator(s.charCodeAt(i))) continue;
    if (sep >= 0) return false;
    sep = i;
  }
  return sep === 10 && isDate(s) && isTime(s, 11);
}

const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

/** Two ASCII digits at i as a number, or -1. */
function twoDigits(s: string, i: number): number {
  const a = digit(s, i);
  const b = digit(s, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

/** `YYYY-MM-DD` in s[0..10). */
function isDate(s: string): boolean {
  const hi = twoDigits(s, 0);
  const lo = twoDigits(s, 2);
  if (hi < 0 || lo < 0 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  const year = hi * 100 + lo;
  const month = twoDigits(s, 5);
  const day = twoDigits(s, 8);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : DAYS[month]!);
}

/** `HH:MM:SS[.fraction]` and a required offset, from i to the end of s. */
function isTime(s: string, i: number): boolean {
  const hr = twoDigits(s, i);
  const min = twoDigits(s, i + 3);
  // A fraction never changes the outcome: SS + f < 60 exactly when SS < 60, and likewise for 61.
  const sec = twoDigits(s, i + 6);
  if (hr < 0 || min < 0 || sec < 0 || s.charCodeAt(i + 2) !== 58 || s.charCodeAt(i + 5) !== 58) return false;
  let j = i + 8;
  if (s.charCodeAt(j) === 46) {
    const start = ++j;
    while (digit(s, j) >= 0) j++;
    if (j === start) return false;
  }
  let tzH = 0;
  let tzM = 0;
  let sign = 1;
  const c = s.charCodeAt(j);
  if (c === 90 || c === 122) {
    j++;
  } else if (c === 43 || c === 45) {
    sign = c === 45 ? -1 : 1;
    tzH = twoDigits(s, j + 1);
    if (tzH < 0) return false;
    j += 3;
    if (j < s.length) {
      if (s.charCodeAt(j) === 58) j++;
      tzM = twoDigits(s, j);
      if (tzM < 0) return false;
      j += 2;
    }
  } else {
    return false; // the offset is required
  }
  if (j !== s.length || tzH > 23 || tzM > 59) return false;
  if (hr <= 23 && min <= 59 && sec < 60) return true;
  const utcMin = min - tzM * sign;
  const utcHr = hr - tzH * sign - (utcMin < 0 ? 1 : 0);
  return (utcHr === 23 || utcHr === -1) && (utcMin === 59 || utcMin === -1) && sec < 61;
}

/** What `/t|\s/i` matches: t, T, and JavaScript's whitespace. */
function isSeparator(c: number): boolean {
  if (c === 116 || c === 84) return true;
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}
