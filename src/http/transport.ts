import { constants } from 'node:buffer';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { pipeline, Readable } from 'node:stream';
import { createBrotliDecompress, createInflateRaw, createUnzip } from 'node:zlib';

/** max_response_mb counts megabytes of 1,048,576 bytes. */
export const MEGABYTE = 1024 * 1024;

/**
 * What one HTTP exchange produced: a response, the network error that prevented one, or a response whose body grew
 * past the cap (`limitBytes`, decompressed), whose download was stopped there.
 */
export type Exchange =
  | { kind: 'response'; status: number; headers: Record<string, string | string[] | undefined>; body: string; raw?: Buffer; durationMs: number }
  | { kind: 'network-error'; code: string; message: string; durationMs: number }
  | { kind: 'too-large'; status: number; limitBytes: number; durationMs: number };

export interface TransportOptions {
  timeoutMs: number;
  userAgent: string;
  maxSockets: number;
  /** Most bytes of a response body, counted after decompression (max_response_mb); past it the download stops. */
  maxResponseBytes: number;
  /** Told of every exchange (metrics): the URL's path, the status or network error code, and how long it took. */
  observe?: (exchange: { endpoint: string; status: number | string; durationMs: number }) => void;
}

export interface OutgoingRequest {
  method: 'GET' | 'POST';
  url: string;
  searchParams?: Record<string, string>;
  headers?: Record<string, string>;
  form?: Record<string, string>;
  signal?: AbortSignal;
}

/** The encodings a response may come in (Accept-Encoding), each decoded here. */
const ACCEPT_ENCODING = 'gzip, deflate, br';

/**
 * The only place that talks HTTP, on node:http and node:https: keep-alive agents, one timeout over the whole exchange
 * (connecting, waiting, downloading), TLS verification on, no redirects followed (a 3xx is a response like any other),
 * no retries (retry policy lives in request-with-retries.ts, where 401 refreshes, Retry-After and unusable 200
 * bodies are decided together). It replaced got, which did the same for this use at about 23 MB more resident memory
 * (its modules) and more CPU per request (BENCHMARKS.md).
 *
 * Every body is read as a stream, after decompression (gzip, deflate, br), and counted as it comes: one that grows
 * past maxResponseBytes is abandoned there (the connection is closed), so a gzip bomb, an answer that never ends or a
 * gigantic page costs at most the cap in memory, never what the server meant to send.
 */
export class Transport {
  private readonly agents: { http: http.Agent; https: https.Agent };
  private readonly observe: TransportOptions['observe'];
  private readonly maxResponseBytes: number;
  private readonly timeoutMs: number;
  private readonly userAgent: string;

  constructor(options: TransportOptions) {
    this.observe = options.observe;
    this.maxResponseBytes = options.maxResponseBytes;
    this.timeoutMs = options.timeoutMs;
    this.userAgent = options.userAgent;
    this.agents = {
      http: new http.Agent({ keepAlive: true, maxSockets: options.maxSockets }),
      https: new https.Agent({ keepAlive: true, maxSockets: options.maxSockets }),
    };
  }

  async send(request: OutgoingRequest): Promise<Exchange> {
    const exchange = await this.exchange(request);
    this.observe?.({ endpoint: new URL(request.url).pathname, status: exchange.kind === 'network-error' ? exchange.code : exchange.status, durationMs: exchange.durationMs });
    return exchange;
  }

  private async exchange(request: OutgoingRequest): Promise<Exchange> {
    const started = performance.now();
    request.signal?.throwIfAborted();
    const url = new URL(request.url);
    for (const [k, v] of Object.entries(request.searchParams ?? {})) url.searchParams.set(k, v);
    const secure = url.protocol === 'https:';
    if (!secure && url.protocol !== 'http:') {
      return { kind: 'network-error', code: 'ERR_UNSUPPORTED_PROTOCOL', message: `Unsupported protocol: ${url.protocol}`, durationMs: performance.now() - started };
    }
    const form = request.form && new URLSearchParams(request.form).toString();
    const headers: Record<string, string> = { 'user-agent': this.userAgent, accept: 'application/json', 'accept-encoding': ACCEPT_ENCODING };
    if (form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = String(Buffer.byteLength(form));
    }
    for (const [k, v] of Object.entries(request.headers ?? {})) headers[k.toLowerCase()] = v;
    // Through the modules' objects, not named imports: request interceptors (nock, in tests) replace these properties.
    const req = (secure ? https.request : http.request)(url, { method: request.method, headers, agent: secure ? this.agents.https : this.agents.http, ...(secure ? { rejectUnauthorized: true } : {}) });
    // The first failure wins (a timeout, the caller's abort, a network error); it ends the request and the body.
    let failure: Error | undefined;
    let body: Readable | undefined;
    const fail = (err: Error): void => {
      if (failure) return;
      failure = err;
      req.destroy(err);
      body?.destroy(err);
    };
    req.on('error', fail);
    const timer = setTimeout(() => fail(Object.assign(new Error(`Timeout awaiting 'request' for ${this.timeoutMs}ms`), { name: 'TimeoutError', code: 'ETIMEDOUT' })), this.timeoutMs);
    // The caller's signal outlives every request, so it is listened to here and let go of when the request ends
    // (a listener left on it would keep the whole response).
    const abort = (): void => fail(new Error('The request was aborted.'));
    request.signal?.addEventListener('abort', abort, { once: true });
    try {
      const response = await new Promise<IncomingMessage>((resolve, reject) => {
        req.once('response', resolve);
        req.once('error', reject);
        req.end(form);
      });
      if (failure) throw failure;
      const status = response.statusCode ?? 0;
      const tooLarge = (): Exchange => {
        // The connection closes here, whatever the server is still sending: the socket itself, not only the response
        // stream, so that nothing between them can go on reading (and discarding) the rest of the body.
        response.socket?.destroy();
        body?.destroy();
        return { kind: 'too-large', status, limitBytes: this.maxResponseBytes, durationMs: performance.now() - started };
      };
      const encoding = (headerValue(response.headers, 'content-encoding') ?? '').trim().toLowerCase();
      const encoded = encoding === 'gzip' || encoding === 'x-gzip' || encoding === 'deflate' || encoding === 'br';
      if (!encoded && encoding !== '' && encoding !== 'identity') {
        response.resume(); // not read: the tap cannot decode it
        return { kind: 'network-error', code: 'ERR_CONTENT_ENCODING', message: `the response is encoded as "${encoding}", which the tap does not decode (it asks for gzip, deflate or br)`, durationMs: performance.now() - started };
      }
      // A plain body that says up front it is too large is not downloaded at all; one that says it fits is read into
      // a buffer of its size (the HTTP parser delivers exactly that much or fails), anything else is joined at the end.
      const declared = encoding !== '' ? NaN : Number(headerValue(response.headers, 'content-length') ?? NaN);
      if (declared > this.maxResponseBytes) return tooLarge();
      body = encoded ? Readable.from(decoded(response, encoding), { objectMode: false }) : response;
      if (failure) throw failure;
      let sized = Number.isSafeInteger(declared) && declared > 0 ? Buffer.allocUnsafe(declared) : undefined;
      // The bytes are kept next to the decoded text: records are copied from them verbatim (see record-spans.ts).
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of body as AsyncIterable<Buffer>) {
        if (size + chunk.length > this.maxResponseBytes) return tooLarge();
        if (sized && size + chunk.length > sized.length) {
          chunks.push(sized.subarray(0, size)); // more than it said after all: joined at the end
          sized = undefined;
        }
        if (sized) chunk.copy(sized, size);
        else chunks.push(chunk);
        size += chunk.length;
      }
      if (failure) throw failure;
      const raw = sized ? sized.subarray(0, size) : Buffer.concat(chunks, size);
      return responseExchange(status, response.headers, raw, performance.now() - started);
    } catch (err) {
      if (request.signal?.aborted) throw failure ?? err;
      const e = (failure ?? err) as { code?: string; message?: string; name?: string };
      const code = e.name === 'TimeoutError' ? 'ETIMEDOUT' : (e.code ?? 'ERR_NETWORK');
      return { kind: 'network-error', code, message: e.message ?? String(err), durationMs: performance.now() - started };
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', abort);
    }
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}

/** Whether the bytes start with a zlib header (RFC 1950: method 8, and the two bytes a multiple of 31). */
function zlibHeader(b: Buffer): boolean {
  return b.length >= 2 && (b[0]! & 0x0f) === 8 && (b[0]! * 256 + b[1]!) % 31 === 0;
}

/**
 * A compressed body, decompressed. `deflate` is zlib-wrapped by the standard but sent raw by some servers: its first
 * two bytes say which (got looked at one bit of the first byte, which raw deflate sets as often as not). An empty body
 * stays empty (no decoder sees it: a 204 or an empty error response may carry a Content-Encoding). Stopping early
 * (the cap) destroys the decoder and the response.
 */
async function* decoded(response: IncomingMessage, encoding: string): AsyncGenerator<Buffer> {
  const chunks = response[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await chunks.next();
  if (first.done) return;
  const decoder = encoding === 'br' ? createBrotliDecompress() : encoding === 'deflate' && !zlibHeader(first.value) ? createInflateRaw() : createUnzip();
  async function* rest(): AsyncGenerator<Buffer> {
    yield first.value;
    for (;;) {
      const next = await chunks.next();
      if (next.done) return;
      yield next.value;
    }
  }
  pipeline(Readable.from(rest(), { objectMode: false }), decoder, () => undefined);
  try {
    yield* decoder as AsyncIterable<Buffer>;
  } finally {
    decoder.destroy();
    if (!response.complete) response.destroy();
  }
}

/**
 * The most bytes decoded into one string: V8's longest string (about 512 MB), which UTF-8 of this many bytes can
 * never exceed. max_response_mb allows larger bodies, which only their records' own bytes can read (see page-body.ts).
 */
export const MAX_TEXT_BYTES = constants.MAX_STRING_LENGTH;

/**
 * A response whose text is decoded from its bytes on first use: a page that waits for its turn (see
 * partition-reader.ts) then holds only its bytes, outside the JavaScript heap. A body longer than MAX_TEXT_BYTES is
 * decoded that far only: no text that long can be parsed anyway, and only its start is ever quoted. A UTF-8 byte
 * order mark at the start is dropped from both (JSON must not carry one, but a parser may ignore it: RFC 8259, 8.1).
 */
export function responseExchange(status: number, headers: Record<string, string | string[] | undefined>, body: Buffer, durationMs: number): Exchange & { kind: 'response' } {
  const raw = body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? body.subarray(3) : body;
  let text: string | undefined;
  return {
    kind: 'response',
    status,
    headers,
    raw,
    durationMs,
    get body(): string {
      text ??= raw.toString('utf8', 0, Math.min(raw.length, MAX_TEXT_BYTES));
      return text;
    },
  };
}

/** A URL safe to print: no credentials, no query values that could carry them. */
export function describeUrl(url: string, searchParams?: Record<string, string>): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  for (const [k, v] of Object.entries(searchParams ?? {})) u.searchParams.set(k, v);
  return `${u.origin}${u.pathname}${u.search}`;
}

export function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** The first part of a body, on one line, for error messages. Only the start is looked at (a huge body is not copied). */
export function bodySnippet(body: string, max = 200): string {
  const head = body.length > 8 * max ? body.slice(0, 8 * max) : body;
  const flat = head.replace(/\s+/g, ' ').trim();
  return flat.length > max || head !== body ? `${flat.slice(0, max)}…` : flat;
}
