import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Faults, type FaultPlan, type FaultStep } from './faults.js';
import { BOOKING_TYPES, type SandboxBookingType } from './generate.js';
import { BookingStore } from './store.js';
import { systemClock, type Clock } from '../util/clock.js';

export interface SandboxOptions {
  /** @default "127.0.0.1" */
  host: string;
  /** 0 picks a free port. @default 0 */
  port: number;
  /** @default 5000 */
  records: number;
  /** Same seed and options, same records. @default 42 */
  seed: number;
  /** Share of each booking type. @default { FLIGHT: 0.5, HOTEL: 0.35, CAR: 0.1, RAIL: 0.05 } */
  bookingTypes: Partial<Record<SandboxBookingType, number>>;
  /** @default "sandbox-client" */
  clientId: string;
  /** @default "sandbox-secret" */
  clientSecret: string;
  /** @default 3600 */
  tokenTtlSeconds: number;
  /** A larger `size` is a 400. @default 200 */
  maxPageSize: number;
  /** "asc": by lastModified then id; "none": a stable order by uuid, not by time. @default "asc" */
  sort: 'asc' | 'none';
  /** @default "updatedFrom" (inclusive) */
  fromParam: string;
  /** @default "updatedTo" (exclusive unless toInclusive) */
  toParam: string;
  /** @default false */
  toInclusive: boolean;
  /** @default 0 */
  firstPage: number;
  /** Quirk: the window parameters are ignored. @default false */
  ignoreWindow: boolean;
  /** Quirk: the page parameter is ignored (always the first page). @default false */
  ignorePage: boolean;
  /** Quirk: no `page` object in the body. @default false */
  omitTotals: boolean;
  /** Quirk: JSON bodies pretty-printed over several lines. @default false */
  prettyJson: boolean;
  /** Quirk: totalElements one lower on odd pages (totals that flicker). @default false */
  flickerTotals: boolean;
  /**
   * Quirk: the middle page of each window (by its totals) comes back without records while the totals say more:
   * "once" (its first request only, a glitch) or "always"; as `"data": []`, or as `"data": null` with emptyAs "null".
   */
  emptyPage: 'once' | 'always' | undefined;
  emptyAs: 'empty' | 'null';
  /** Quirk: totalPages half of what totalElements implies (rounded down, at least 1). @default false */
  shortTotalPages: boolean;
  /** Quirk: pages alternate between the first two of the window, with totalPages 1,000,000. @default false */
  alternatePages: boolean;
  /** Quirk: at most this many records per page whatever `size` asks, without saying so (no pageSize). */
  capPageSize: number | undefined;
  /** Generated lastModified values lie in [dataFrom, dataTo). @default 2024-01-01 .. 2025-07-01 */
  dataFrom: string;
  dataTo: string;
  /** @default 0.03 */
  tieRate: number;
  /** Initial fault plan (latency, scripted or random faults). */
  faults: FaultPlan;
  /** Time as the sandbox sees it: token expiry, the lastModified of changes, latency. Tests pass their own. */
  clock: Clock;
}

/** Every access token the sandbox issues starts with this, so tests can search any output for a leaked token. */
export const TOKEN_PREFIX = 'sbx_at_';

export const DEFAULT_OPTIONS: SandboxOptions = {
  host: '127.0.0.1', port: 0, records: 5000, seed: 42, bookingTypes: { FLIGHT: 0.5, HOTEL: 0.35, CAR: 0.1, RAIL: 0.05 },
  clientId: 'sandbox-client', clientSecret: 'sandbox-secret', tokenTtlSeconds: 3600, maxPageSize: 200, sort: 'asc',
  fromParam: 'updatedFrom', toParam: 'updatedTo', toInclusive: false, firstPage: 0, ignoreWindow: false, ignorePage: false, omitTotals: false, prettyJson: false,
  flickerTotals: false, emptyPage: undefined, emptyAs: 'empty', shortTotalPages: false, alternatePages: false, capPageSize: undefined,
  dataFrom: '2024-01-01T00:00:00.000Z', dataTo: '2025-07-01T00:00:00.000Z', tieRate: 0.03, faults: {}, clock: systemClock,
};

export interface Schedule {
  /** Apply after every `every` API requests. */
  every: number;
  mutate?: number;
  insert?: number;
  /** How many times; unlimited when absent. */
  times?: number;
  bookingType?: SandboxBookingType;
}

export interface SandboxStats {
  apiRequests: number;
  pagesServed: number;
  tokenRequests: number;
  tokensIssued: number;
  byStatus: Record<string, number>;
  faultsInjected: number;
  mutations: number;
  inserts: number;
  records: Record<string, number>;
}

/** Parse a window parameter: ISO-8601, epoch seconds (up to 10 digits) or epoch ms. */
export function parseWindowValue(text: string): number | undefined {
  if (/^\d{1,10}$/.test(text)) return Number(text) * 1000;
  if (/^\d{11,}$/.test(text)) return Number(text);
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The HTTP side of the sandbox: token endpoint, bookings API, admin API, faults. */
export class SandboxServer {
  readonly server: Server;
  readonly store: BookingStore;
  readonly faults: Faults;
  private readonly tokens = new Map<string, { expiresAt: number; revoked: boolean }>();
  private schedule: (Schedule & { count: number; applied: number }) | undefined;
  private readonly counters = { apiRequests: 0, pagesServed: 0, tokenRequests: 0, tokensIssued: 0 };
  private readonly byStatus: Record<string, number> = {};

  constructor(readonly options: SandboxOptions) {
    this.store = new BookingStore({ seed: options.seed, records: options.records, mix: options.bookingTypes, from: Date.parse(options.dataFrom), to: Date.parse(options.dataTo), tieRate: options.tieRate, now: () => options.clock.now() });
    this.faults = new Faults(options.seed, options.faults);
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => this.json(res, 500, { error: 'sandbox_error', message: String(err) }));
    });
    this.server.keepAliveTimeout = 30_000;
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    return `http://${this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host}:${port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  setSchedule(schedule: Schedule | undefined): void {
    this.schedule = schedule && schedule.every > 0 ? { ...schedule, count: 0, applied: 0 } : undefined;
  }

  expireTokens(): void {
    for (const t of this.tokens.values()) t.expiresAt = 0;
  }

  revokeTokens(): void {
    for (const t of this.tokens.values()) t.revoked = true;
  }

  stats(): SandboxStats {
    return { ...this.counters, byStatus: { ...this.byStatus }, faultsInjected: this.faults.injected, mutations: this.store.mutations, inserts: this.store.inserts, records: this.store.counts() };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    if (url.pathname.startsWith('/__admin/')) return this.admin(req, res, url);
    if (req.method === 'POST' && url.pathname === '/oauth/token') return this.token(req, res);
    if (req.method === 'GET' && url.pathname === '/v1/bookings') return this.bookings(req, res, url);
    return this.json(res, 404, { error: 'not_found', message: `${req.method} ${url.pathname} does not exist` });
  }

  private count(status: number | string): void {
    this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
  }

  private json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = this.options.prettyJson ? JSON.stringify(body, null, 2) : JSON.stringify(body);
    const send = (): void => {
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
      res.end(text);
    };
    const wait = this.remaining(res);
    if (wait > 0) void this.options.clock.sleep(wait).then(send);
    else send();
  }

  /**
   * API and token responses are due `latencyMs` after the request arrived, their own work included: a real API's
   * latency covers its processing, and one sandbox thread building pages after their delays would otherwise add
   * queueing on top of the latency for every request in flight (at 16 in flight and 50 ms, about 40 ms more per
   * request). json() sends no earlier than that; faults wait for it (untilDue) before misbehaving.
   */
  private readonly dueAt = new WeakMap<ServerResponse, number>();

  private remaining(res: ServerResponse): number {
    const due = this.dueAt.get(res);
    return due === undefined ? 0 : due - this.options.clock.now();
  }

  /** The response to this request is due `latencyMs` (plus `extraMs`) from now. */
  private due(res: ServerResponse, extraMs = 0): void {
    this.dueAt.set(res, this.options.clock.now() + this.faults.latencyMs + extraMs);
  }

  private async untilDue(res: ServerResponse): Promise<void> {
    const wait = this.remaining(res);
    if (wait > 0) await this.options.clock.sleep(wait);
  }

  /** Answer with a fault, or return false to serve normally. */
  private applyFault(step: FaultStep, req: IncomingMessage, res: ServerResponse): boolean {
    if (step === 'ok' || step === 'expire-token' || (typeof step === 'object' && 'slow' in step)) return false;
    if (step === 'reset') {
      this.count('reset');
      req.socket.destroy();
      return true;
    }
    if (step === 'malformed') {
      this.count(200);
      const body = '{"data": [{"uuid": "broken", lastModified: }';
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return true;
    }
    if (step === 'truncated') {
      this.count(200);
      const body = '{"data":[{"uuid":"0c6f1a7e-0000-4000-8000-000000000000","lastModified":"2025-01-01T00:00:00.000Z","bookingType":"FLI';
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return true;
    }
    if (step === 'html') {
      this.count(200);
      const body = '<!DOCTYPE html><html><head><title>Service Unavailable</title></head><body><h1>We are down for maintenance</h1></body></html>';
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return true;
    }
    if (step === 'nodata') {
      this.count(200);
      this.json(res, 200, { message: 'ok', items: [] });
      return true;
    }
    const status = typeof step === 'number' ? step : step.status;
    const retryAfter = typeof step === 'object' && 'retryAfter' in step && step.retryAfter !== undefined ? step.retryAfter : this.faults.defaultRetryAfter;
    this.count(status);
    this.json(res, status, { error: status === 429 ? 'rate_limited' : 'server_error', message: `injected HTTP ${status}` }, status === 429 ? { 'retry-after': retryAfter } : {});
    return true;
  }

  private async token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.counters.tokenRequests++;
    this.due(res);
    const body = new URLSearchParams(await readBody(req));
    await this.untilDue(res);
    const step = this.faults.nextToken();
    if (this.applyFault(step, req, res)) return;
    let clientId = body.get('client_id');
    let clientSecret = body.get('client_secret');
    const auth = req.headers.authorization;
    if (auth?.startsWith('Basic ')) {
      const [id, secret] = Buffer.from(auth.slice(6), 'base64').toString().split(':').map((s) => decodeURIComponent(s));
      clientId = id ?? null;
      clientSecret = secret ?? null;
    }
    if (body.get('grant_type') !== 'client_credentials') return this.json(res, 400, { error: 'unsupported_grant_type', error_description: 'grant_type must be client_credentials' });
    if (clientId !== this.options.clientId || clientSecret !== this.options.clientSecret) {
      this.count(401);
      return this.json(res, 401, { error: 'invalid_client', error_description: 'Client authentication failed' });
    }
    const token = `${TOKEN_PREFIX}${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, { expiresAt: this.options.clock.now() + this.options.tokenTtlSeconds * 1000, revoked: false });
    this.counters.tokensIssued++;
    this.json(res, 200, { access_token: token, token_type: 'Bearer', expires_in: this.options.tokenTtlSeconds, scope: body.get('scope') ?? 'bookings:read' });
  }

  private async bookings(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    this.counters.apiRequests++;
    this.tick();
    const step = this.faults.nextApi();
    this.due(res, typeof step === 'object' && 'slow' in step ? step.slow : 0);
    const token = req.headers.authorization?.startsWith('Bearer ') ? req.headers.authorization.slice(7) : undefined;
    if (step === 'expire-token' && token && this.tokens.has(token)) this.tokens.get(token)!.expiresAt = 0;
    const known = token ? this.tokens.get(token) : undefined;
    if (!known || known.revoked || known.expiresAt <= this.options.clock.now()) {
      this.count(401);
      return this.json(res, 401, { error: 'invalid_token', message: !known ? 'missing or unknown bearer token' : known.revoked ? 'token revoked' : 'token expired' });
    }
    if (step !== 'ok') await this.untilDue(res); // faults misbehave when due
    if (this.applyFault(step, req, res)) return;
    const q = url.searchParams;
    const bookingType = q.get('bookingType') as SandboxBookingType | null;
    if (!bookingType || !BOOKING_TYPES.includes(bookingType)) {
      this.count(400);
      return this.json(res, 400, { error: 'bad_request', message: `bookingType must be one of ${BOOKING_TYPES.join(', ')}` });
    }
    const size = Number(q.get('size') ?? 20);
    const first = this.options.firstPage;
    const page = this.options.ignorePage ? first : Number(q.get('page') ?? first);
    if (!Number.isInteger(size) || size < 1 || size > this.options.maxPageSize) {
      this.count(400);
      return this.json(res, 400, { error: 'bad_request', message: `size must be an integer from 1 to ${this.options.maxPageSize}` });
    }
    if (!Number.isInteger(page) || page < first) {
      this.count(400);
      return this.json(res, 400, { error: 'bad_request', message: `page must be an integer >= ${first}` });
    }
    const bound = (name: string): number | undefined | null => {
      const v = q.get(name);
      if (v === null || this.options.ignoreWindow) return undefined;
      return parseWindowValue(v) ?? null;
    };
    const from = bound(this.options.fromParam);
    const to = bound(this.options.toParam);
    if (from === null || to === null) {
      this.count(400);
      return this.json(res, 400, { error: 'bad_request', message: `${this.options.fromParam}/${this.options.toParam} must be ISO-8601 or epoch seconds` });
    }
    const o = this.options;
    const { ids, start, end } = this.store.window({ bookingType, from, to, toInclusive: o.toInclusive, sorted: o.sort === 'asc' });
    const total = end - start;
    const served = o.capPageSize ? Math.min(size, o.capPageSize) : size;
    const index = o.alternatePages ? (page - first) % 2 : page - first;
    const offset = start + index * served;
    const totalPages = Math.ceil(total / served);
    let data: Array<Record<string, unknown>> | null = [];
    for (let i = offset; i < Math.min(end, offset + served); i++) data.push(this.store.record(ids[i]!));
    if (o.emptyPage && index === Math.floor(totalPages / 2) && index > 0 && data.length > 0) {
      const key = `${bookingType}|${from}|${to}|${index}`;
      if (o.emptyPage === 'always' || !this.emptied.has(key)) data = o.emptyAs === 'null' ? null : [];
      this.emptied.add(key);
    }
    this.counters.pagesServed++;
    this.count(200);
    if (o.omitTotals) return this.json(res, 200, { data });
    const reported = {
      currentPage: page,
      ...(o.capPageSize ? {} : { pageSize: size }),
      totalPages: o.alternatePages ? 1_000_000 : o.shortTotalPages ? Math.max(1, Math.floor(totalPages / 2)) : totalPages,
      totalElements: o.flickerTotals && index % 2 === 1 ? total - 1 : total,
    };
    this.json(res, 200, { data, page: reported });
  }

  /** Windows whose middle page was already answered empty (the "once" empty-page quirk). */
  private readonly emptied = new Set<string>();

  /** Run the mutation schedule: after every N API requests, change or add records (while a sync runs). */
  private tick(): void {
    const s = this.schedule;
    if (!s || ++s.count % s.every !== 0) return;
    if (s.times !== undefined && s.applied >= s.times) return;
    s.applied++;
    if (s.mutate) this.store.mutate(s.mutate, s.bookingType);
    if (s.insert) this.store.insert(s.insert, s.bookingType);
  }

  private async admin(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const route = `${req.method} ${url.pathname.replace(/^\/__admin/, '')}`;
    const body = req.method === 'POST' ? await readJson(req) : {};
    const type = (body.bookingType ?? url.searchParams.get('bookingType') ?? undefined) as SandboxBookingType | undefined;
    switch (route) {
      case 'GET /records': {
        const records = this.store.groundTruth(type);
        if (url.searchParams.get('format') === 'ndjson') {
          res.writeHead(200, { 'content-type': 'application/x-ndjson' });
          for (const r of records) res.write(`${JSON.stringify(r)}\n`);
          return void res.end();
        }
        return this.json(res, 200, records);
      }
      case 'GET /stats':
        return this.json(res, 200, this.stats());
      case 'GET /faults':
        return this.json(res, 200, this.faults.describe());
      case 'POST /faults':
        this.faults.set(body as FaultPlan);
        return this.json(res, 200, this.faults.describe());
      case 'DELETE /faults':
        this.faults.clear();
        return this.json(res, 200, this.faults.describe());
      case 'POST /mutate':
        return this.json(res, 200, { changed: this.store.mutate(Number(body.count ?? 1), type).map((r) => r.uuid) });
      case 'POST /insert':
        return this.json(res, 200, { inserted: this.store.insert(Number(body.count ?? 1), type).map((r) => r.uuid) });
      case 'POST /schedule':
        this.setSchedule(body as unknown as Schedule);
        return this.json(res, 200, { schedule: this.schedule ?? null });
      case 'DELETE /schedule':
        this.setSchedule(undefined);
        return this.json(res, 200, { schedule: null });
      case 'POST /tokens/expire':
        this.expireTokens();
        return this.json(res, 200, { expired: this.tokens.size });
      case 'POST /tokens/revoke':
        this.revokeTokens();
        return this.json(res, 200, { revoked: this.tokens.size });
      case 'POST /reset':
        this.faults.clear();
        this.setSchedule(undefined);
        return this.json(res, 200, { reset: true });
      default:
        return this.json(res, 404, { error: 'not_found', message: `no admin route ${route}` });
    }
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readBody(req);
  if (text.trim() === '') return {};
  const v: unknown = JSON.parse(text);
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
}
