/**
 * A page of RECORD lines in one buffer: each record's bytes (see http/record-spans.ts: one line of valid UTF-8 JSON,
 * as the API sent it) between the protocol's fixed prefix and suffix, every line ending in a newline. Records are
 * never serialised again, so each value is written exactly as the API wrote it.
 */
export function recordLines(prefix: string, suffix: string, records: readonly Uint8Array[]): Buffer {
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
