/**
 * A reference point for `npm run bench`, not a product: the least a Node tap can do for the same sync, measured
 * exactly like tap-bookings. It reads every page of every booking type in the config over node:http (keep-alive,
 * `max_concurrency` requests in flight, default the tap's own), JSON.parse-s each page, JSON.stringify-s each record into a Singer
 * RECORD line and writes the lines to stdout with back-pressure. No validation, no retries, no state, no logging.
 *
 *   node bench/dist/minimal-tap.js --config SANDBOX_TAP_CONFIG.json
 */
import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';
import { defaultMaxConcurrency } from './lib/tap-defaults.js';

interface TapConfig {
  base_url: string;
  client_id: string;
  client_secret: string;
  start_date: string;
  booking_types: string[];
  page_size?: number;
  first_page?: number;
  max_concurrency?: number;
}

const i = process.argv.indexOf('--config');
const cfg = JSON.parse(readFileSync(process.argv[i + 1]!, 'utf8')) as TapConfig;
const concurrency = cfg.max_concurrency ?? defaultMaxConcurrency();
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
const base = new URL(cfg.base_url);

function call(method: string, path: string, headers: Record<string, string>, body?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: base.hostname, port: base.port, method, path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(new Error(`${path}: HTTP ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function write(text: string): Promise<void> {
  return process.stdout.write(text) ? Promise.resolve() : new Promise((resolve) => process.stdout.once('drain', resolve));
}

const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: cfg.client_id, client_secret: cfg.client_secret }).toString();
const tokenBody = await call('POST', '/oauth/token', { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(form)) }, form);
const auth = { authorization: `Bearer ${(JSON.parse(tokenBody) as { access_token: string }).access_token}`, accept: 'application/json' };
const size = cfg.page_size ?? 50;
const first = cfg.first_page ?? 0;
const from = new Date(cfg.start_date).toISOString().replace(/\.\d+Z$/, 'Z');
const to = new Date(Math.floor(Date.now() / 1000) * 1000 - 1000).toISOString().replace(/\.\d+Z$/, 'Z');
const path = (type: string, page: number) => `/v1/bookings?bookingType=${type}&page=${page}&size=${size}&updatedFrom=${from}&updatedTo=${to}`;

async function page(type: string, n: number): Promise<number> {
  const body = JSON.parse(await call('GET', path(type, n), auth)) as { data: unknown[]; page: { totalPages: number } };
  let out = '';
  for (const record of body.data) out += `{"type":"RECORD","stream":"bookings","record":${JSON.stringify(record)}}\n`;
  await write(out);
  return body.page.totalPages;
}

// First pages of every type, then the rest from one shared queue with `concurrency` workers.
const totals = await Promise.all(cfg.booking_types.map((t) => page(t, first)));
const queue: Array<[string, number]> = [];
cfg.booking_types.forEach((t, k) => {
  for (let p = first + 1; p < first + totals[k]!; p++) queue.push([t, p]);
});
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    for (let job = queue.shift(); job; job = queue.shift()) await page(job[0], job[1]);
  }),
);
agent.destroy();
