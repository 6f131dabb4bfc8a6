/** Date handling in one place: everything inside the tap is epoch milliseconds (UTC). */

const ISO_LIKE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * Parse an ISO-8601 date or date-time as users and APIs write them. A value without an offset is UTC.
 * Returns epoch ms, or undefined if the text is not such a date.
 */
export function parseDateTime(text: string): number | undefined {
  const s = text.trim();
  if (!ISO_LIKE.test(s)) return undefined;
  let normalised = s.replace(' ', 'T');
  if (/^\d{4}-\d{2}-\d{2}$/.test(normalised)) normalised += 'T00:00:00Z';
  else if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(normalised)) normalised += 'Z';
  const ms = Date.parse(normalised);
  return Number.isNaN(ms) ? undefined : ms;
}

/** RFC 3339 UTC with milliseconds, e.g. 2025-01-02T03:04:05.678Z. */
export function formatDateTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** The API's window format: YYYY-MM-DDTHH:MM:SSZ (whole seconds). */
export function formatIsoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
