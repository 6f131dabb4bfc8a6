import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import got, { type Got } from 'got';

/** What one HTTP exchange produced: a response, or the network error that prevented one. */
export type Exchange =
  | { kind: 'response'; status: number; headers: Record<string, string | string[] | undefined>; body: string; raw?: Buffer; durationMs: number }
  | { kind: 'network-error'; code: string; message: string; durationMs: number };

export interface TransportOptions {
  timeoutMs: number;
  userAgent: string;
  maxSockets: number;
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
 */
export class Transport {
  private readonly got: Got;
  private readonly agents: { http: HttpAgent; https: HttpsAgent };
  private readonly observe: TransportOptions['observe'];

  constructor(options: TransportOptions) {
    this.observe = options.observe;
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
    this.observe?.({ endpoint: new URL(request.url).pathname, status: exchange.kind === 'response' ? exchange.status : exchange.code, durationMs: exchange.durationMs });
    return exchange;
  }

  private async exchange(request: OutgoingRequest): Promise<Exchange> {
    const started = performance.now();
    try {
      const response = await this.got(request.url, {
        method: request.method,
        searchParams: request.searchParams,
        headers: request.headers,
        form: request.form,
        signal: request.signal,
        // The bytes are kept next to the decoded text: records are copied from them verbatim (see record-spans.ts).
        responseType: 'buffer',
      });
      return responseExchange(response.statusCode, response.headers, response.body, performance.now() - started);
    } catch (err) {
      if (request.signal?.aborted) throw err;
      const e = err as { code?: string; message?: string; name?: string };
      const code = e.name === 'TimeoutError' ? 'ETIMEDOUT' : (e.code ?? 'ERR_NETWORK');
      return { kind: 'network-error', code, message: e.message ?? String(err), durationMs: performance.now() - started };
    }
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}

/**
 * A response whose text is decoded from its bytes on first use: a page that waits for its turn (see
 * partition-reader.ts) then holds only its bytes, outside the JavaScript heap.
 */
export function responseExchange(status: number, headers: Record<string, string | string[] | undefined>, raw: Buffer, durationMs: number): Exchange & { kind: 'response' } {
  let text: string | undefined;
  return {
    kind: 'response',
    status,
    headers,
    raw,
    durationMs,
    get body(): string {
      text ??= raw.toString('utf8');
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

/** The first part of a body, on one line, for error messages. */
export function bodySnippet(body: string, max = 200): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
