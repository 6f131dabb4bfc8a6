/**
 * The CPU floor of `npm run bench`: what it costs, per record, to do only the unavoidable work of a tap on the same
 * data: `JSON.parse` each page body the API returns and `JSON.stringify` each record in it, nothing else.
 *
 *   node bench/dist/floor.js --config SANDBOX_TAP_CONFIG.json [--passes 3]
 *
 * All pages of every booking type in the config are fetched first (not measured) and held in memory as strings;
 * then each pass parses and stringifies them all, timed with process.cpuUsage() (user + system CPU of this
 * process). Prints one JSON object on stdout.
 */
import { readFileSync } from 'node:fs';

interface TapConfig {
  base_url: string;
  client_id: string;
  client_secret: string;
  booking_types: string[];
  page_size?: number;
  first_page?: number;
}

function arg(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : fallback;
  if (v === undefined) throw new Error(`--${name} is required`);
  return v;
}

async function token(cfg: TapConfig): Promise<string> {
  const res = await fetch(`${cfg.base_url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: cfg.client_id, client_secret: cfg.client_secret }),
  });
  if (!res.ok) throw new Error(`token: HTTP ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

async function fetchAll(cfg: TapConfig): Promise<string[]> {
  const bearer = await token(cfg);
  const size = cfg.page_size ?? 50;
  const first = cfg.first_page ?? 0;
  const get = async (type: string, page: number): Promise<string> => {
    const res = await fetch(`${cfg.base_url}/v1/bookings?bookingType=${type}&page=${page}&size=${size}`, { headers: { authorization: `Bearer ${bearer}` } });
    if (!res.ok) throw new Error(`${type} page ${page}: HTTP ${res.status}`);
    return res.text();
  };
  const bodies: string[] = [];
  for (const type of cfg.booking_types) {
    const head = await get(type, first);
    bodies.push(head);
    const totalPages = (JSON.parse(head) as { page: { totalPages: number } }).page.totalPages;
    const pages = Array.from({ length: Math.max(0, totalPages - 1) }, (_, i) => first + 1 + i);
    // 8 in flight, as the tap's default max_concurrency
    for (let i = 0; i < pages.length; i += 8) bodies.push(...(await Promise.all(pages.slice(i, i + 8).map((p) => get(type, p)))));
  }
  return bodies;
}

function pass(bodies: string[]): { records: number; outChars: number; cpuUserS: number; cpuSysS: number; wallS: number } {
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  let records = 0;
  let outChars = 0;
  for (const body of bodies) {
    const page = JSON.parse(body) as { data: unknown[] };
    for (const record of page.data) {
      outChars += JSON.stringify(record).length;
      records++;
    }
  }
  const c = process.cpuUsage(c0);
  return { records, outChars, cpuUserS: c.user / 1e6, cpuSysS: c.system / 1e6, wallS: Number(process.hrtime.bigint() - t0) / 1e9 };
}

const cfg = JSON.parse(readFileSync(arg('config'), 'utf8')) as TapConfig;
const passes = Number(arg('passes', '3'));
const f0 = process.hrtime.bigint();
const bodies = await fetchAll(cfg);
const fetchWallS = Number(process.hrtime.bigint() - f0) / 1e9;
const results = Array.from({ length: passes }, () => pass(bodies));
const perRecord = results.map((r) => (r.cpuUserS + r.cpuSysS) / Math.max(1, r.records));
process.stdout.write(
  `${JSON.stringify({
    pages: bodies.length,
    bytes: bodies.reduce((a, b) => a + Buffer.byteLength(b), 0),
    records: results[0]?.records ?? 0,
    fetchWallS,
    passes: results,
    /** The first pass: cold, as a tap's single pass over the data is. */
    coldCpuPerRecordS: perRecord[0],
    /** The fastest pass: the strict floor. */
    bestCpuPerRecordS: Math.min(...perRecord),
  })}\n`,
);
