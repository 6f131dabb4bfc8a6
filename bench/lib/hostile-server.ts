import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGzip } from 'node:zlib';

/**
 * An API that answers with more than any client should hold: the attacks bench/hostile-responses.ts measures and
 * test/security/bounded-responses.test.ts checks. Everything is generated while it is sent, with backpressure, so the
 * server itself holds a megabyte or so whatever it sends. The token endpoint is /oauth/token; every other path gets
 * the bookings answer.
 */
export type Hostile =
  /** 200, `Content-Encoding: gzip`, streamed from zlib: `{"data":[]` + spaces + `}` inflating to `inflatedBytes`. */
  | { kind: 'gzip-bomb'; inflatedBytes: number }
  /** 200, chunked, a page of records that never ends (after `stopAfterBytes`, a safety stop, it ends as valid JSON). */
  | { kind: 'endless'; stopAfterBytes?: number }
  /** 200 with a Content-Length: a page of records of `bytes` bytes; `valid: false` leaves out its closing `]}`. */
  | { kind: 'page'; bytes: number; valid: boolean }
  /** The token endpoint answers 200 with a JSON object of `bytes` bytes (a very long access_token). */
  | { kind: 'token'; bytes: number };

export interface ServedResponse {
  path: string;
  /** The path and query, as requested. */
  url: string;
  /** Body bytes the server produced (before compression), as far as it got. */
  bodyBytes: number;
  /** Whether the client closed the connection before the whole body was sent. */
  cutOff: boolean;
}

export interface HostileServer {
  url: string;
  /** Every request answered with the attack, in order, once its response ended or was cut off. */
  served: ServedResponse[];
  tokenRequests: number;
  /** Resolves when `n` attacked responses have ended or been cut off. */
  servedCount(n: number): Promise<void>;
  stop(): Promise<void>;
}

const CHUNK = 1 << 20;
const RECORD = '{"uuid":"00000000-0000-4000-8000-000000000000","lastModified":"2024-06-01T00:00:00Z","bookingType":"FLIGHT","status":"CONFIRMED","note":"hostile"}';
/** One megabyte of `RECORD,RECORD,…` (each followed by a comma). */
const RECORDS_CHUNK = Buffer.from(`${RECORD},`.repeat(Math.ceil(CHUNK / (RECORD.length + 1))));
const SPACES = Buffer.alloc(CHUNK, 0x20);
const TOKEN_FILL = Buffer.alloc(CHUNK, 0x61);

export async function startHostileServer(attack: Hostile): Promise<HostileServer> {
  const served: ServedResponse[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const answering = new Set<Promise<void>>();
  let tokenRequests = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const isToken = path === '/oauth/token';
    if (isToken) tokenRequests++;
    if (isToken && attack.kind !== 'token') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"access_token":"hostile-test-token","expires_in":3600}');
      return;
    }
    const record: ServedResponse = { path, url: req.url ?? '/', bodyBytes: 0, cutOff: false };
    const answered = answer(attack, req, res, record).then(() => {
      answering.delete(answered);
      served.push(record);
      for (const w of waiters.splice(0)) if (served.length >= w.n) w.resolve();
      else waiters.push(w);
    });
    answering.add(answered);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    served,
    get tokenRequests() {
      return tokenRequests;
    },
    servedCount: (n) => (served.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))),
    /** Close every connection; resolves once every response begun is in `served`. */
    stop: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await Promise.all([closed, ...answering]);
    },
  };
}

/** Send the attack; resolves when the body is complete or the client went away. */
async function answer(attack: Hostile, _req: IncomingMessage, res: ServerResponse, record: ServedResponse): Promise<void> {
  let closed = false;
  res.once('close', () => (closed = true));
  const headers: Record<string, string | number> = { 'content-type': 'application/json' };
  let parts: Iterable<Buffer>;
  switch (attack.kind) {
    case 'gzip-bomb':
      headers['content-encoding'] = 'gzip';
      parts = framed('{"data":[]', SPACES, attack.inflatedBytes, '}');
      break;
    case 'endless':
      parts = framed('{"data":[', RECORDS_CHUNK, attack.stopAfterBytes ?? Number.MAX_SAFE_INTEGER, `${RECORD}]}`);
      break;
    case 'page': {
      const tail = attack.valid ? `${RECORD}]}` : RECORD;
      headers['content-length'] = attack.bytes;
      parts = framed('{"data":[', RECORDS_CHUNK, attack.bytes, tail);
      break;
    }
    case 'token':
      headers['content-length'] = attack.bytes;
      parts = framed('{"access_token":"', TOKEN_FILL, attack.bytes, '","expires_in":3600}');
      break;
  }
  res.writeHead(200, headers);
  const gzip = attack.kind === 'gzip-bomb' ? createGzip({ level: 9 }) : undefined;
  if (gzip) {
    gzip.pipe(res);
    res.once('close', () => gzip.destroy());
  }
  const sink = gzip ?? res;
  for (const part of parts) {
    if (closed) break;
    record.bodyBytes += part.length;
    if (!sink.write(part)) await drainedOrClosed(sink, res);
  }
  if (closed) {
    record.cutOff = true;
    return;
  }
  sink.end();
  await once(res, 'close');
  record.cutOff = !res.writableFinished;
}

function drainedOrClosed(sink: NodeJS.WritableStream, res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      sink.off('drain', done);
      res.off('close', done);
      resolve();
    };
    sink.once('drain', done);
    res.once('close', done);
  });
}

/**
 * `head`, then `fill` repeated, then `tail`: exactly `total` bytes. The last `fill` is cut after a whole unit (a
 * record and its comma) and the bytes left over are spaces, so the JSON stays valid wherever it ends.
 */
function* framed(head: string, fill: Buffer, total: number, tail: string): Generator<Buffer> {
  const unit = fill === RECORDS_CHUNK ? RECORD.length + 1 : 1;
  const h = Buffer.from(head);
  const t = Buffer.from(tail);
  yield h;
  let left = total - h.length - t.length;
  while (left >= fill.length) {
    yield fill;
    left -= fill.length;
  }
  const whole = left - (left % unit);
  if (whole > 0) yield fill.subarray(0, whole);
  if (left > whole) yield SPACES.subarray(0, left - whole);
  yield t;
}
