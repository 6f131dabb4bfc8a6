import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js';

/** Small helpers for talking to a started sandbox over real HTTP on loopback. */

export type Booking = Record<string, unknown> & { uuid: string; lastModified: string };
export interface PageBody {
  data: Booking[];
  page?: { currentPage: number; pageSize: number; totalPages: number; totalElements: number };
}

export const ISO_MS_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Start a small sandbox (400 records, seed 11) unless options say otherwise; the caller stops it. */
export async function start(options: Partial<SandboxOptions> = {}): Promise<Sandbox> {
  return startSandbox({ records: 400, seed: 11, ...options });
}

export async function postToken(sandbox: Sandbox, init: { body?: string; headers?: Record<string, string> } = {}): Promise<Response> {
  return fetch(`${sandbox.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...init.headers },
    body: init.body ?? new URLSearchParams({ grant_type: 'client_credentials', client_id: sandbox.clientId, client_secret: sandbox.clientSecret }).toString(),
  });
}

export async function token(sandbox: Sandbox): Promise<string> {
  const res = await postToken(sandbox);
  if (res.status !== 200) throw new Error(`token request failed: HTTP ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export function bookings(sandbox: Sandbox, accessToken: string, params: Record<string, string | number>): Promise<Response> {
  const qs = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]));
  return fetch(`${sandbox.url}/v1/bookings?${qs}`, { headers: { authorization: `Bearer ${accessToken}` } });
}

export async function page(sandbox: Sandbox, accessToken: string, params: Record<string, string | number>): Promise<PageBody> {
  const res = await bookings(sandbox, accessToken, params);
  if (res.status !== 200) throw new Error(`GET bookings failed: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as PageBody;
}

/** Read every page (from `first`) until a short or empty page; returns the records in served order. */
export async function allPages(sandbox: Sandbox, accessToken: string, params: Record<string, string | number>, size: number, first = 0): Promise<Booking[]> {
  const out: Booking[] = [];
  for (let p = first; ; p++) {
    const body = await page(sandbox, accessToken, { ...params, page: p, size });
    out.push(...body.data);
    if (body.data.length < size) return out;
    if (p - first > 100_000) throw new Error('runaway paging');
  }
}

export async function admin(sandbox: Sandbox, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${sandbox.url}/__admin${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}
