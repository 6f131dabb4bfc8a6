import type { Output } from '../io/message-writer.js';

/**
 * A page of RECORD lines, each record between the protocol's fixed prefix and suffix: copied from the records' bytes
 * when there are any (see http/record-spans.ts), serialised otherwise. Both ways give the same messages.
 */
export function recordLines(prefix: string, suffix: string, records: readonly object[], raw: readonly Uint8Array[] | undefined): Output[] {
  if (raw) return [copyRecordLines(prefix, raw, suffix)];
  return records.map((r) => `${prefix}${JSON.stringify(r)}${suffix}`);
}

/**
 * The copy: one buffer for the whole page, every line ending in a newline. Only for records whose bytes are known to
 * be one line of valid UTF-8 JSON.
 */
function copyRecordLines(prefix: string, records: readonly Uint8Array[], suffix: string): Buffer {
  const head = Buffer.from(prefix);
  const tail = Buffer.from(`${suffix}\n`);
  let length = 0;
  for (const r of records) length += r.length;
  const out = Buffer.allocUnsafe(length + records.length * (head.length + tail.length));
  let at = 0;
  for (const r of records) {
    out.set(head, at);
    at += head.length;
    out.set(r, at);
    at += r.length;
    out.set(tail, at);
    at += tail.length;
  }
  return out;
}
