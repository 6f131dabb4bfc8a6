/**
 * Dates in one place: everything inside the tap is epoch milliseconds (UTC), and one scanner reads every date-time
 * text, under one of two grammars:
 *
 * - ACCEPTED, for what users and APIs write (`start_date`, `end_date`, `lastModified`, bookmarks): `YYYY-MM-DD`, or
 *   that followed by `T`, `t` or a space and `HH:MM`, optional `:SS` and `.fraction`, and an optional offset (`Z`,
 *   `z`, `±HH:MM` or `±HHMM`; none means UTC). spec.json's `pattern` for the two dates says exactly this
 *   (DATE_TIME_PATTERN; test/unit/time.test.ts runs both over a table of dates).
 * - RFC 3339, the JSON Schema `date-time` format, with exactly the rules of ajv-formats' full mode: one separator (`T`,
 *   `t` or any JavaScript whitespace), seconds and an offset required (`Z`, `z`, `±HH`, `±HHMM` or `±HH:MM`, hours up
 *   to 23 and minutes up to 59), and a leap second (SS under 61) where the time is 23:59 in UTC.
 *
 * Both need a date that exists (leap years included), HH up to 23, MM up to 59 and SS under 60. The scanner reads
 * character by character: ajv-formats splits the text and runs a regular expression on each part, which allocates an
 * array and strings for every value; with three date-times per booking that was a sixth of all the memory a sync
 * allocated (V8's sampling heap profiler), all of it garbage. A test compares it with ajv-formats on thousands of values.
 */

interface Grammar {
  /** `YYYY-MM-DD` alone is a date-time (midnight UTC). */
  readonly dateAlone: boolean;
  readonly separator: (c: number) => boolean;
  /** `HH:MM` without seconds. */
  readonly secondsOptional: boolean;
  /** No offset means UTC. */
  readonly offsetOptional: boolean;
  /** `±HH` without minutes is an offset. */
  readonly offsetHoursAlone: boolean;
  /** SS may be 60 where the time is 23:59 in UTC. */
  readonly leapSecond: boolean;
}

const ACCEPTED: Grammar = { dateAlone: true, separator: (c) => c === 84 || c === 116 || c === 32, secondsOptional: true, offsetOptional: true, offsetHoursAlone: false, leapSecond: false };
const RFC3339: Grammar = { dateAlone: false, separator: isWhitespaceOrT, secondsOptional: false, offsetOptional: false, offsetHoursAlone: true, leapSecond: true };

const DATE = '(?:[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)';
const TIME = '(?:[Tt ](?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\\.[0-9]+)?)?(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):?[0-5][0-9])?)?';
/** The JSON Schema `pattern` of the ACCEPTED grammar (spec.json's start_date and end_date carry it). */
export const DATE_TIME_PATTERN = `^${DATE}${TIME}$`;

/** Epoch ms of a date or date-time as users and APIs write it (the ACCEPTED grammar), or undefined. */
export function parseDateTime(text: string): number | undefined {
  const ms = scan(text, ACCEPTED);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Whether the text is an RFC 3339 date-time as the JSON Schema `date-time` format (ajv-formats full mode) has it. */
export function isRfc3339DateTime(text: string): boolean {
  return !Number.isNaN(scan(text, RFC3339));
}

/** RFC 3339 UTC with milliseconds, e.g. 2025-01-02T03:04:05.678Z. */
export function formatDateTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** The API's window format: YYYY-MM-DDTHH:MM:SSZ (whole seconds). */
export function formatIsoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const DAY_MS = 86_400_000;
const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Epoch ms of `s` under grammar `g`, or NaN. A fraction beyond milliseconds is cut off, as Date.parse does. */
function scan(s: string, g: Grammar): number {
  const days = daysSinceEpoch(s);
  if (Number.isNaN(days)) return NaN;
  if (s.length === 10) return g.dateAlone ? days * DAY_MS : NaN;
  if (!g.separator(s.charCodeAt(10))) return NaN;
  const hr = twoDigits(s, 11);
  const min = twoDigits(s, 14);
  if (hr < 0 || min < 0 || s.charCodeAt(13) !== 58) return NaN;
  let j = 16;
  let sec = 0;
  let ms = 0;
  if (s.charCodeAt(j) === 58) {
    sec = twoDigits(s, j + 1);
    if (sec < 0) return NaN;
    j += 3;
    if (s.charCodeAt(j) === 46) {
      const start = ++j;
      for (let d = digit(s, j); d >= 0; d = digit(s, ++j)) if (j - start < 3) ms += d * (j === start ? 100 : j === start + 1 ? 10 : 1);
      if (j === start) return NaN;
    }
  } else if (!g.secondsOptional) {
    return NaN;
  }
  let tzH = 0;
  let tzM = 0;
  let sign = 1;
  if (j === s.length) {
    if (!g.offsetOptional) return NaN;
  } else {
    const c = s.charCodeAt(j);
    if (c === 90 || c === 122) {
      j++;
    } else if (c === 43 || c === 45) {
      sign = c === 45 ? -1 : 1;
      tzH = twoDigits(s, j + 1);
      if (tzH < 0) return NaN;
      j += 3;
      if (j < s.length) {
        if (s.charCodeAt(j) === 58) j++;
        tzM = twoDigits(s, j);
        if (tzM < 0) return NaN;
        j += 2;
      } else if (!g.offsetHoursAlone) {
        return NaN;
      }
    } else {
      return NaN;
    }
    if (j !== s.length || tzH > 23 || tzM > 59) return NaN;
  }
  if (!(hr <= 23 && min <= 59 && sec < 60)) {
    // ajv-formats' rule for a leap second, as it has it (it checks no other bound then).
    const utcMin = min - tzM * sign;
    const utcHr = hr - tzH * sign - (utcMin < 0 ? 1 : 0);
    if (!(g.leapSecond && (utcHr === 23 || utcHr === -1) && (utcMin === 59 || utcMin === -1) && sec < 61)) return NaN;
  }
  return days * DAY_MS + ((hr * 60 + min - sign * (tzH * 60 + tzM)) * 60 + sec) * 1000 + ms;
}

/** Days from 1970-01-01 to a `YYYY-MM-DD` that exists, in s[0..10); NaN otherwise. */
function daysSinceEpoch(s: string): number {
  const hi = twoDigits(s, 0);
  const lo = twoDigits(s, 2);
  if (hi < 0 || lo < 0 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return NaN;
  const year = hi * 100 + lo;
  const month = twoDigits(s, 5);
  const day = twoDigits(s, 8);
  if (month < 1 || month > 12 || day < 1) return NaN;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : DAYS_IN_MONTH[month]!)) return NaN;
  // Days from civil (proleptic Gregorian), counted from 0000-03-01 so that the leap day ends a year.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

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

/** What `/t|\s/i` matches: t, T, and JavaScript's whitespace. */
function isWhitespaceOrT(c: number): boolean {
  if (c === 116 || c === 84) return true;
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}
