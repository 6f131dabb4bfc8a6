import { constants } from 'node:buffer';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import got, { type Got, type Response } from 'got';

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

/**
 * The only place that talks HTTP. got does the transport (keep-alive agents, timeouts, TLS verification on);
 * its own retries are off because retry policy lives in request-with-retries.ts, where 401 refreshes, Retry-After
 * and unusable 200 bodies are decided together.
 *
 * Every body is read as a stream, after decompression, and counted as it comes: one that grows past
 * maxResponseBytes is abandoned there (the connection is closed), so a gzip bomb, an answer that never ends or a
 * gigantic page costs at most the cap in memory, never what the server meant to send.
 */
export class Transport {
  private readonly got: Got;
  private readonly agents: { http: HttpAgent; https: HttpsAgent };
  private readonly observe: TransportOptions['observe'];
  private readonly maxResponseBytes: number;

  constructor(options: TransportOptions) {
    this.observe = options.observe;
    this.maxResponseBytes = options.maxResponseBytes;
    this.agents = {
      http: new HttpAgent({ keepAlive: true, maxSockets: options.maxSockets }),
      https: new HttpsAgent({ keepAlive: true, maxSockets: options.maxSockets }),
    };
    this.got = got.extend({
      agent: this.agents,
      retry: { limit: 0 },
      throwHttpErrors: false,
      followRedirect: false,
      decompress: true,
      timeout: { request: options.timeoutMs },
      headers: { 'user-agent': options.userAgent, accept: 'application/json' },
      https: { rejectUnauthorized: true },
    });
  }

  async send(request: OutgoingRequest): Promise<Exchange> {
    const exchange = await this.exchange(request);
    this.observe?.({ endpoint: new URL(request.url).pathname, status: exchange.kind === 'network-error' ? exchange.code : exchange.status, durationMs: exchange.durationMs });
    return exchange;
  }

  private async exchange(request: OutgoingRequest): Promise<Exchange> {
    const started = performance.now();
    request.signal?.throwIfAborted();
    const stream = this.got.stream(request.url, { method: request.method, searchParams: request.searchParams, headers: request.headers, form: request.form });
    // The caller's signal outlives every request, so it is listened to here and let go of when the request ends: got,
    // given the signal, would keep its listener (and through it the whole response) until the stream is destroyed,
    // and destroying a stream that has just ended can close its keep-alive socket before the agent takes it back.
    const abort = (): void => void stream.destroy(new Error('The request was aborted.'));
    request.signal?.addEventListener('abort', abort, { once: true });
    try {
      const response = await new Promise<Response>((resolve, reject) => {
        stream.once('response', resolve);
        stream.once('error', reject);
      });
      const tooLarge = (): Exchange => {
        // The connection closes here, whatever the server is still sending: the socket itself, not only got's stream,
        // so that nothing between them can go on reading (and discarding) the rest of the body.
        response.socket?.destroy();
        stream.destroy();
        return { kind: 'too-large', status: response.statusCode, limitBytes: this.maxResponseBytes, durationMs: performance.now() - started };
      };
      // A plain body that says up front it is too large is not downloaded at all; one that says it fits is read into
      // a buffer of its size (the HTTP parser delivers exactly that much or fails), anything else is joined at the end.
      const declared = headerValue(response.headers, 'content-encoding') ? NaN : Number(headerValue(response.headers, 'content-length') ?? NaN);
      if (declared > this.maxResponseBytes) return tooLarge();
      let sized = Number.isSafeInteger(declared) && declared > 0 ? Buffer.allocUnsafe(declared) : undefined;
      // The bytes are kept next to the decoded text: records are copied from them verbatim (see record-spans.ts).
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        if (size + chunk.length > this.maxResponseBytes) return tooLarge();
        if (sized && size + chunk.length > sized.length) {
          chunks.push(sized.subarray(0, size)); // more than it said after all: joined at the end
          sized = undefined;
        }
        if (sized) chunk.copy(sized, size);
        else chunks.push(chunk);
        size += chunk.length;
      }
      const raw = sized ? sized.subarray(0, size) : Buffer.concat(chunks, size);
      return responseExchange(response.statusCode, response.headers, raw, performance.now() - started);
    } catch (err) {
      if (request.signal?.aborted) throw err;
      const e = err as { code?: string; message?: string; name?: string };
      const code = e.name === 'TimeoutError' ? 'ETIMEDOUT' : (e.code ?? 'ERR_NETWORK');
      return { kind: 'network-error', code, message: e.message ?? String(err), durationMs: performance.now() - started };
    } finally {
      request.signal?.removeEventListener('abort', abort);
    }
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
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
