/**
 * RECORD lines built by copying each record's JSON bytes, as the API sent them, between a fixed prefix and suffix:
 * one buffer for a whole page, every line ending in a newline. Only for records whose bytes are known to be one line
 * of valid UTF-8 JSON (see http/record-spans.ts); the result parses to the same messages JSON.stringify would make.
 */
export function copyRecordLines(prefix: string, records: readonly Uint8Array[], suffix: string): Buffer {
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
