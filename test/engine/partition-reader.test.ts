import { readPartition, type PageSource, type PartitionEvent, type ReaderOptions } from '../../src/engine/partition-reader.js';
import { RecordChecker } from '../../src/engine/record-check.js';
import { ApiDataError, ConfigError } from '../../src/errors.js';
import type { PageRequest } from '../../src/http/bookings-api.js';
import { instantClock } from '../support/clocks.js';
import { engineConfig } from '../support/engine-config.js';
import { body, FakeApi, makeRecords, type ApiShape } from '../support/fake-api.js';
import { memoryLogger } from '../support/quiet-logger.js';

const WINDOW = { bookingType: 'FLIGHT' as const, from: Date.UTC(2024, 0, 1), to: Date.UTC(2026, 0, 1) };

function options(source: PageSource, overrides: Partial<ReaderOptions['config']> = {}): ReaderOptions & { logger: ReturnType<typeof memoryLogger> } {
  const logger = memoryLogger();
  return {
    config: engineConfig({ pageSize: 5, maxConcurrency: 3, ...overrides }),
    source,
    checker: new RecordChecker(undefined, 'off', logger),
    logger,
    clock: instantClock(),
  };
}

async function collect(gen: AsyncGenerator<PartitionEvent>): Promise<PartitionEvent[]> {
  const out: PartitionEvent[] = [];
  for await (const e of gen) out.push(e);
  return out;
}

const uuids = (events: PartitionEvent[]) => events.flatMap((e) => (e.kind === 'page' ? e.records.map((r) => r.uuid) : []));
const done = (events: PartitionEvent[]) => events.at(-1) as Extract<PartitionEvent, { kind: 'done' }>;

/**
 * A source that logs every request of the read itself (page and window start) before the API serves it; the one
 * request that checks whether the API applies the window end (a one-second window at its start) is logged apart.
 */
function logged(api: FakeApi): PageSource & { requests: PageRequest[]; windowChecks: PageRequest[] } {
  const requests: PageRequest[] = [];
  const windowChecks: PageRequest[] = [];
  return { requests, windowChecks, fetchPage: async (req) => ((isWindowCheck(req) ? windowChecks : requests).push(req), api.serve(req)) };
}

const isWindowCheck = (req: PageRequest) => req.to === Math.floor(req.from / 1000) * 1000 + 1000;

function api(count: number, shape: Partial<ApiShape> = {}, ties?: number[]): FakeApi {
  return new FakeApi(makeRecords(count, { ties }), { pageSize: 5, sorted: true, ...shape });
}

describe('readPartition with page numbers and totals', () => {
  it('reads every page in order and stops at the last page the totals announce', async () => {
    const source = logged(api(23));
    const events = await collect(readPartition(WINDOW, options(source)));
    expect(uuids(events)).toEqual(makeRecords(23).map((r) => r.uuid));
    expect(source.requests).toHaveLength(5);
    expect(source.windowChecks).toHaveLength(1);
    expect(done(events)).toMatchObject({ kind: 'done', hold: false, stats: { pages: 5, records: 23, rewinds: 0, pagination: 'page_number' } });
  });

  it('requests the pages the totals announce ahead of the reader, up to max_concurrency', async () => {
    const source = logged(api(40));
    const firstTaken: number[] = [];
    for await (const e of readPartition(WINDOW, options(source, { maxConcurrency: 4 }))) {
      if (e.kind === 'page' && e.page === 1) firstTaken.push(source.requests.length);
    }
    // Page 0 told the page count; by the time page 1 is handed out, pages up to 4 have been asked for.
    expect(firstTaken[0]).toBeGreaterThanOrEqual(5);
    // Eight full pages, and one more to check the last full page was the last.
    expect(source.requests.map((r) => r.page).sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('checks a full last page with one more request, and takes an empty answer for the end', async () => {
    const source = logged(api(10));
    const events = await collect(readPartition(WINDOW, options(source)));
    expect(uuids(events)).toHaveLength(10);
    expect(source.requests.map((r) => r.page)).toEqual([0, 1, 2]);
  });

  it('counts pages from first_page (and asks for page 0 once, to check that the API does not count from 0)', async () => {
    const source = logged(api(7, { firstPage: 1 }));
    const events = await collect(readPartition(WINDOW, options(source, { firstPage: 1 })));
    expect(uuids(events)).toHaveLength(7);
    expect(source.requests.map((r) => r.page).sort()).toEqual([0, 1, 2]);
    expect(done(events)).toMatchObject({ hold: false, bookmark: { ms: makeRecords(7).at(-1)!.ms } });
  });

  it('with first_page 1 against an API that counts pages from 0, stops before any bookmark vouches for the page it skipped', async () => {
    for (const totals of ['exact', 'none'] as const) {
      const source = logged(api(23, { firstPage: 0, totals }));
      const events: PartitionEvent[] = [];
      const error = await (async () => {
        for await (const e of readPartition(WINDOW, options(source, { firstPage: 1 }))) events.push(e);
      })().catch((e: unknown) => e);
      expect(error).toEqual(new ConfigError('FLIGHT: first_page is 1, but the API answers page 0 of the window with records its page 1 does not hold: it counts pages from 0, and page 0 would never be read. Set first_page to 0.'));
      expect(events.filter((e) => e.kind === 'page' && e.bookmark !== undefined)).toEqual([]);
    }
  });

  it('with first_page 1 and keyset from a bookmark with milliseconds, checks the page base from the read\'s own start', async () => {
    const source = logged(api(23, { firstPage: 0, totals: 'none' }));
    const window = { ...WINDOW, from: Date.UTC(2024, 0, 1, 0, 0, 0, 345) };
    const error = await collect(readPartition(window, options(source, { firstPage: 1, pagination: 'keyset' }))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(String(error)).toMatch(/first_page is 1, but the API answers page 0/);
  });

  it('with first_page 1, asks page 0 and page 1 together before calling an API 0-based, since page 1 may have changed in between', async () => {
    const a = api(12, { firstPage: 1, pageSize: 1 });
    let moved = false;
    const source: PageSource = {
      fetchPage: async (req) => {
        const body = a.serve(req.page === 0 ? { ...req, page: 1 } : req); // page 0 answered as page 1
        if (req.page === 0 && !moved) {
          moved = true;
          a.modify('u0000'); // the first record moves to the end before the read asks for page 1
        }
        return body;
      },
    };
    const events = await collect(readPartition(WINDOW, options(source, { firstPage: 1, pageSize: 1 })));
    expect(uuids(events)).toContain('u0001');
    expect(done(events).kind).toBe('done');
  });

  it('with first_page 1, asks for page 0 once, without retries, whatever it answers', async () => {
    const a = api(12, { firstPage: 1 });
    const pageZero: number[] = [];
    const source: PageSource = {
      fetchPage: async (req) => {
        if (req.page === 0) {
          pageZero.push(req.maxRetries ?? -1);
          throw new Error('HTTP 500');
        }
        return a.serve(req);
      },
    };
    const events = await collect(readPartition(WINDOW, options(source, { firstPage: 1 })));
    expect(new Set(uuids(events)).size).toBe(12);
    expect(pageZero).toEqual([0]);
  });

  it('with first_page 0 against an API that answers page 0 as page 1, delivers everything without a repeat warning', async () => {
    const a = api(12, { firstPage: 1 });
    const opts = options({ fetchPage: async (req) => a.serve(req.page === 0 ? { ...req, page: 1 } : req) });
    const events = await collect(readPartition(WINDOW, opts));
    expect(new Set(uuids(events)).size).toBe(12);
    expect(opts.logger.lines.filter((l) => l.includes('came twice'))).toEqual([]);
    expect(done(events)).toMatchObject({ hold: false });
  });

  it('with first_page 1, takes an API that answers page 0 as page 1 for one that counts from 1', async () => {
    const a = api(12, { firstPage: 1 });
    const source: PageSource = { fetchPage: async (req) => a.serve(req.page === 0 ? { ...req, page: 1 } : req) };
    const events = await collect(readPartition(WINDOW, options(source, { firstPage: 1 })));
    expect(new Set(uuids(events)).size).toBe(12);
    expect(done(events)).toMatchObject({ hold: false });
  });

  it('reads again from an earlier page when a record leaves the window between two pages, so none is skipped', async () => {
    const all = makeRecords(15);
    const a = api(15);
    let mutated = false;
    a.beforeServe = (req) => {
      if (req.page === 1 && !mutated) {
        mutated = true;
        a.modify(all[2]!.uuid); // on page 0, already read: everything after it shifts left by one
      }
    };
    const events = await collect(readPartition(WINDOW, options(a, { maxConcurrency: 1 })));
    const got = new Set(uuids(events));
    expect(all.filter((r, i) => i !== 2 && !got.has(r.uuid))).toEqual([]);
    expect(done(events).stats.rewinds).toBeGreaterThan(0);
  });

  it.each([
    ['says so in the body', true],
    ['caps it silently', false],
  ])('reads again far enough back when the API serves smaller pages than asked for and %s', async (_label, reportPageSize) => {
    const all = makeRecords(30);
    const a = new FakeApi(all, { pageSize: 3, sorted: true, reportPageSize });
    let mutated = false;
    a.beforeServe = (req) => {
      if (req.page === 4 && !mutated) {
        mutated = true;
        for (const i of [2, 5, 8, 10]) a.modify(all[i]!.uuid); // 4 records leave: 4 slide back over a 3-record page boundary
      }
    };
    const events = await collect(readPartition(WINDOW, options(a, { pageSize: 10, maxConcurrency: 1 })));
    const got = new Set(uuids(events));
    expect(all.filter((r, i) => ![2, 5, 8, 10].includes(i) && !got.has(r.uuid)).map((r) => r.uuid)).toEqual([]);
  });

  it('fetches again a page that comes back empty in the middle while the totals say more, instead of taking it for the end', async () => {
    const a = api(23, { sorted: false, emptyOnce: 2 });
    const opts = options(a);
    const events = await collect(readPartition(WINDOW, opts));
    expect(new Set(uuids(events)).size).toBe(23);
    expect(opts.logger.lines.join('\n')).toMatch(/page 2 holds 0 records where the API's own total of 23 \(at 5 a page\) implies 5; retry 1 of 3/);
  });

  it('fails, naming the contradiction, when that page stays empty; the window yields no final bookmark', async () => {
    const a = api(23, { sorted: false });
    const source: PageSource = { fetchPage: async (req) => (req.page === 2 ? body({ data: null, page: { totalElements: 23, totalPages: 5 } }) : a.serve(req)) };
    const events: PartitionEvent[] = [];
    await expect((async () => { for await (const e of readPartition(WINDOW, options(source))) events.push(e); })()).rejects.toThrow(
      new ApiDataError('FLIGHT: page 2 holds 0 records where the API\'s own total of 23 (at 5 a page) implies 5, and still so after 3 retries (GET fake). The partition stops here rather than take the page for the end of the data; its bookmark does not move past what was read. If the API numbers its pages from 0 while first_page is 1 (or the other way round), correct first_page; if its totals count records outside the window it was sent (every record of the booking type), set pagination to keyset, which needs no totals.'),
    );
    expect(events.some((e) => e.kind === 'done')).toBe(false);
  });

  it('goes by totalElements when totalPages is too small', async () => {
    const a = api(23, { sorted: false });
    const source: PageSource = { fetchPage: async (req) => body({ ...a.page(req), page: { totalElements: 23, totalPages: 2 } }) };
    expect(new Set(uuids(await collect(readPartition(WINDOW, options(source))))).size).toBe(23);
  });

  it('does not loop on totals that flicker: it stops trusting them and still delivers every record', async () => {
    const a = api(40, { sorted: false, totals: 'flicker' });
    const opts = options(a);
    const events = await collect(readPartition(WINDOW, opts));
    expect(new Set(uuids(events)).size).toBe(40);
    expect(a.served).toBeLessThan(3 * 9); // the request budget: three times the pages the first totals imply
    expect(opts.logger.lines.join('\n')).toMatch(/the API's totals cannot be relied on/);
  });
});

describe('readPartition loops and budgets', () => {
  it('fails clearly instead of looping when the API ignores the page parameter', async () => {
    const records = makeRecords(5).map((r) => ({ uuid: r.uuid, lastModified: new Date(r.ms).toISOString() }));
    const source: PageSource = { fetchPage: async () => body({ data: records }) };
    await expect(collect(readPartition(WINDOW, options(source)))).rejects.toThrow(/same 5 records for page 3 as for page 2: it seems to ignore the "page" parameter/);
  });

  it('fails clearly when pages alternate A, B, A, B under a huge totalPages', async () => {
    const [a, b] = [makeRecords(5), makeRecords(5, { start: Date.UTC(2025, 1, 1) })].map((rs) => rs.map((r) => ({ uuid: `${r.ms}`, lastModified: new Date(r.ms).toISOString() })));
    const source = { requests: 0, fetchPage: async (req: PageRequest) => (source.requests++, body({ data: req.page % 2 ? b : a, page: { totalPages: 1_000_000 } })) };
    await expect(collect(readPartition(WINDOW, options(source)))).rejects.toThrow(ApiDataError);
    expect(source.requests).toBeLessThan(20);
  });

  it('stops with a clear error when an API keeps answering past what its own totals justify', async () => {
    // Each page is new, and each says there are a few more records than the last: a read that never ends.
    let n = 0;
    const source: PageSource = {
      fetchPage: async (req) => {
        const records = Array.from({ length: 5 }, () => ({ uuid: `x${n}`, lastModified: new Date(WINDOW.from + n++ * 1000).toISOString() }));
        return body({ data: records, page: { totalElements: 10 + req.page * 5 + 5 } });
      },
    };
    await expect(collect(readPartition(WINDOW, options(source)))).rejects.toThrow(/FLIGHT: the read of the window was still not over after \d+ requests, more than the API's own figures justify/);
    expect(n / 5).toBeLessThan(60);
  });
});

describe('readPartition without totals', () => {
  it('reads unsorted pages one after another until an empty page, asked for twice', async () => {
    const source = logged(api(12, { totals: 'none', sorted: false }));
    const events = await collect(readPartition(WINDOW, options(source)));
    expect(new Set(uuids(events)).size).toBe(12);
    expect(source.requests.filter((r) => r.from === WINDOW.from).map((r) => r.page)).toEqual([0, 1, 2, 3, 3]);
    expect(done(events).stats.pagination).toBe('page_number');
    // Without totals nothing showed whether records moved: what changed after the window end is asked for (none did).
    expect(source.requests.filter((r) => r.from !== WINDOW.from)).toEqual([expect.objectContaining({ page: 0, from: WINDOW.to + 1000, to: undefined }), expect.objectContaining({ page: 0 })]);
    expect(done(events)).toMatchObject({ hold: false });
  });

  it('reads sorted records by keyset: each request starts at the newest lastModified delivered', async () => {
    const all = makeRecords(70);
    const source = logged(new FakeApi(all, { pageSize: 20, sorted: true, totals: 'none' }));
    // (The window check, a one-second window at the start, is logged apart.)
    const events = await collect(readPartition(WINDOW, options(source, { pageSize: 20 })));
    expect(uuids(events)).toEqual(all.map((r) => r.uuid));
    expect(done(events).stats.pagination).toBe('keyset');
    // Page 0 showed 20 records in order; from then on the window start moves to the last record's second each time
    // (the record at that second comes again and is skipped: 19 new records a page).
    expect(source.requests.slice(1, 4).map((r) => [r.page, r.from])).toEqual([[0, all[19]!.ms], [0, all[38]!.ms], [0, all[57]!.ms]]);
  });

  it('waits for a dozen records in order before it believes they are sorted, then reads the window again by keyset', async () => {
    const all = makeRecords(23);
    const source = logged(new FakeApi(all, { pageSize: 5, sorted: true, totals: 'none' }));
    const events = await collect(readPartition(WINDOW, options(source)));
    expect(new Set(uuids(events))).toEqual(new Set(all.map((r) => r.uuid)));
    expect(done(events).stats.pagination).toBe('keyset');
    expect(source.requests.slice(0, 4).map((r) => [r.page, r.from])).toEqual([[0, WINDOW.from], [1, WINDOW.from], [2, WINDOW.from], [0, WINDOW.from]]);
  });

  it('loses nothing to records leaving the window under keyset, and gives every page a bookmark', async () => {
    const all = makeRecords(23);
    const a = new FakeApi(all, { pageSize: 5, sorted: true, totals: 'none' });
    let served = 0;
    a.beforeServe = () => {
      if (++served === 3) for (const i of [1, 3, 6]) a.modify(all[i]!.uuid);
    };
    const events = await collect(readPartition(WINDOW, options(a, { recordOrder: 'ascending' })));
    expect(all.filter((r, i) => ![1, 3, 6].includes(i) && !uuids(events).includes(r.uuid))).toEqual([]);
    expect(events.filter((e) => e.kind === 'page' && e.records.length > 0).every((e) => e.kind === 'page' && e.bookmark !== undefined)).toBe(true);
  });

  it('pages through a second that holds more records than a page, then checks what changed after the window', async () => {
    const all = makeRecords(14, { ties: [1, 2, 3, 4, 5, 6, 7, 8] }); // records 0-8 share one lastModified
    const source = logged(new FakeApi(all, { pageSize: 3, sorted: true, totals: 'none' }));
    const events = await collect(readPartition(WINDOW, options(source, { pageSize: 3 })));
    expect(new Set(uuids(events))).toEqual(new Set(all.map((r) => r.uuid)));
    // The change probe asks for everything modified after the window end, without an end.
    expect(source.requests.at(-1)).toMatchObject({ from: WINDOW.to + 1000, to: undefined });
  });

  it('moves from keyset back to page numbers, for good, when the records turn out unsorted', async () => {
    const sorted = makeRecords(20);
    const shuffled = [...sorted.slice(0, 15), ...[17, 15, 19, 16, 18].map((i) => sorted[i]!)];
    const records = shuffled.map((r) => ({ uuid: r.uuid, lastModified: new Date(r.ms).toISOString() }));
    // Served in this order, honouring the window start, without totals; record_order says it sorts. (Keyset itself
    // can only notice disorder within a page: an API that lies about its order can make it skip records.)
    const source: PageSource = {
      fetchPage: async (req) => body({ data: records.filter((r) => Date.parse(r.lastModified) >= req.from).slice(req.page * 5, req.page * 5 + 5) }),
    };
    const opts = options(source, { recordOrder: 'ascending' });
    const events = await collect(readPartition(WINDOW, opts));
    expect(new Set(uuids(events)).size).toBe(20);
    expect(done(events).stats.pagination).toBe('page_number');
    expect(opts.logger.lines.join('\n')).toMatch(/keyset pagination is not possible \(the records are not sorted by lastModified\); reading the window again with page numbers/);
  });
});

describe('readPartition bookmarks', () => {
  it('gives each page of a sorted stream the newest lastModified delivered once enough records came in order', async () => {
    const all = makeRecords(30);
    const events = await collect(readPartition(WINDOW, options(api(30))));
    const bookmarks = events.filter((e) => e.kind === 'page').map((e) => e.bookmark?.ms);
    // 12 records in strictly rising order before the order is believed (pages of 5: from the third page on).
    expect(bookmarks).toEqual([undefined, undefined, all[14]!.ms, all[19]!.ms, all[24]!.ms, all[29]!.ms]);
    expect(done(events).bookmark?.ms).toBe(all[29]!.ms);
  });

  it('moves the bookmark only at the end of the window when records are not sorted by lastModified', async () => {
    const events = await collect(readPartition(WINDOW, options(api(12, { sorted: false }))));
    expect(events.filter((e) => e.kind === 'page').map((e) => e.bookmark)).toEqual([undefined, undefined, undefined]);
    expect(done(events)).toMatchObject({ bookmark: { ms: Math.max(...makeRecords(12).map((r) => r.ms)) }, stats: { sorted: false } });
  });

  it('never gives a mid-window bookmark when record_order is unsorted, even if the records happen to be sorted', async () => {
    const events = await collect(readPartition(WINDOW, options(api(30), { recordOrder: 'unsorted' })));
    expect(events.filter((e) => e.kind === 'page').every((e) => e.bookmark === undefined)).toBe(true);
  });

  it('trusts the order from the first page with record_order ascending', async () => {
    const events = await collect(readPartition(WINDOW, options(api(12), { recordOrder: 'ascending' })));
    expect(events.find((e) => e.kind === 'page')?.kind === 'page' && events.find((e) => e.kind === 'page')).toMatchObject({ bookmark: { ms: makeRecords(12)[4]!.ms } });
  });
});

describe('readPartition against an API that ignores the window', () => {
  it('trims records outside the window on the client side', async () => {
    const all = makeRecords(20);
    const a = new FakeApi(all, { pageSize: 5, sorted: true, honoursWindow: false });
    const window = { ...WINDOW, from: all[5]!.ms, to: all[14]!.ms };
    const events = await collect(readPartition(window, options(a)));
    expect(new Set(uuids(events))).toEqual(new Set(all.slice(5, 15).map((r) => r.uuid)));
    expect(done(events).stats.filtered).toBeGreaterThanOrEqual(10);
  });

  it('keeps the bookmark where it was when the read saw fewer distinct records than the API lists: a change moved one past it', async () => {
    const all = makeRecords(20);
    const a = new FakeApi(all, { pageSize: 5, sorted: true, honoursWindow: false });
    let served = 0;
    a.beforeServe = () => {
      if (++served === 2) a.modify(all[3]!.uuid); // delivered on page 0; moves to the end of the list
    };
    const opts = options(a, { windowFromParam: null, windowToParam: null });
    const events = await collect(readPartition(WINDOW, opts));
    expect(done(events)).toMatchObject({ hold: true, bookmark: undefined });
    expect(opts.logger.lines.join('\n')).toMatch(/cannot be sure it missed nothing \(the read saw 19 distinct records of the 20 the API lists, so records moved past it while it read\); the bookmark stays where this sync started/);
  });

  it('reads the window again one page after another once records past its end show the API ignores it', async () => {
    const all = makeRecords(20);
    const a = new FakeApi([...all, { uuid: 'late', ms: WINDOW.to + 5000 }], { pageSize: 5, sorted: true, honoursWindow: false });
    const opts = options(a);
    const events = await collect(readPartition(WINDOW, opts));
    expect(new Set(uuids(events))).toEqual(new Set(all.map((r) => r.uuid)));
    expect(opts.logger.lines.join('\n')).toMatch(/the API ignores the window end; reading the window again from its start, one page after another/);
    expect(done(events)).toMatchObject({ hold: false, bookmark: { ms: all[19]!.ms } });
  });
});

describe('readPartition records', () => {
  it('fetches a page again when its body is unusable, then fails naming the request', async () => {
    let calls = 0;
    const source: PageSource = { fetchPage: async (req) => (isWindowCheck(req) || calls++, body({ items: [] }, 'GET https://api.example.com/v1/bookings?page=0')) };
    await expect(collect(readPartition(WINDOW, options(source, { maxRetries: 2 })))).rejects.toThrow(
      new ApiDataError('GET https://api.example.com/v1/bookings?page=0 failed after 2 retries: the response has no "data" key: {"items":[]}.'),
    );
    expect(calls).toBe(3);
  });

  it('stops the sync, naming the booking type, page and index, when a record has no uuid', async () => {
    const source: PageSource = { fetchPage: async () => body({ data: [{ uuid: 'a', lastModified: '2025-01-01T00:00:00.000Z' }, { lastModified: '2025-01-01T00:00:00.000Z' }], page: { totalPages: 1, totalElements: 2 } }) };
    await expect(collect(readPartition(WINDOW, options(source)))).rejects.toThrow(new ApiDataError('The API returned a record without a uuid (FLIGHT page 0, record 1); uuid is the primary key, so the sync stops rather than drop it.'));
  });

  it('stops the sync when a record has an unreadable lastModified', async () => {
    const source: PageSource = { fetchPage: async () => body({ data: [{ uuid: 'a', lastModified: 'yesterday' }], page: { totalPages: 1, totalElements: 1 } }) };
    await expect(collect(readPartition(WINDOW, options(source)))).rejects.toThrow(/Record a \(FLIGHT page 0, record 0\) has an unreadable lastModified "yesterday"/);
  });

  it('keeps only the selected properties', async () => {
    const events = await collect(readPartition(WINDOW, { ...options(api(3)), properties: new Set(['uuid', 'lastModified']) }));
    const page = events.find((e) => e.kind === 'page');
    expect(page?.kind === 'page' && Object.keys(JSON.parse(Buffer.from(page.raw[0]!).toString()))).toEqual(['uuid', 'lastModified']);
  });

  // Issue 13: a catalog that deselected any property had the records serialised again from JavaScript values.
  it.each([
    ['all properties', undefined],
    ['a few properties', new Set(['uuid', 'lastModified', 'price', 'count', 'huge', 'nested', 'deep'])],
  ])('writes every value exactly as the API sent it, keeping %s', async (_what, properties) => {
    const deep = `${'['.repeat(999)}1${']'.repeat(999)}`;
    const record = `{"uuid":"a", "lastModified":"2025-01-01T00:00:00Z","price":12345678901234567890.12,"count":9007199254740993,"huge":1e400,"tiny":5e-400,"nested":{"x":-0.0},"deep":${deep},"dropped":1}`;
    const source: PageSource = { fetchPage: async (req) => ({ bytes: Buffer.from(isWindowCheck(req) ? '{"data":[]}' : `{"data":[${record}],"page":{"totalPages":1,"totalElements":1}}`), describe: 'GET fake' }) };
    const events = await collect(readPartition(WINDOW, { ...options(source), properties }));
    const page = events.find((e) => e.kind === 'page');
    const written = page?.kind === 'page' ? Buffer.from(page.raw[0]!).toString() : '';
    expect(written).toBe(properties ? `{"uuid":"a","lastModified":"2025-01-01T00:00:00Z","price":12345678901234567890.12,"count":9007199254740993,"huge":1e400,"nested":{"x":-0.0},"deep":${deep}}` : record);
  });

  it('refuses a record nested deeper than 1000 levels at once, naming the request, the record and the depth', async () => {
    const record = `{"uuid":"a","lastModified":"2025-01-01T00:00:00Z","deep":${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
    let requests = 0;
    const source: PageSource = { fetchPage: async (req) => (requests++, { bytes: Buffer.from(isWindowCheck(req) ? '{"data":[]}' : `{"data":[{"uuid":"b","lastModified":"2025-01-01T00:00:00Z"},${record}]}`), describe: `GET fake page ${req.page}` }) };
    const failure = await collect(readPartition(WINDOW, options(source))).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiDataError);
    expect((failure as Error).message).toBe('GET fake page 0: record 1 nests 20001 levels deep; at most 1000 are read.');
    expect(requests).toBe(2); // the page once, and the window check: not retried
  });
});

describe('readPartition and dates out of any sane range', () => {
  it('delivers a record dated in year 9999, with one warning, and moves no bookmark to it', async () => {
    const all = makeRecords(3);
    const records = [...all.map((r) => ({ uuid: r.uuid, lastModified: new Date(r.ms).toISOString() })), { uuid: 'far', lastModified: '9999-12-31T23:59:59.000Z' }];
    const source: PageSource = { fetchPage: async (req) => body(isWindowCheck(req) ? { data: [] } : { data: records, page: { totalElements: 4, totalPages: 1 } }) };
    const opts = options(source, { recordOrder: 'ascending' });
    const events = await collect(readPartition(WINDOW, opts));
    expect(uuids(events)).toEqual([...all.map((r) => r.uuid), 'far']);
    expect(done(events).bookmark?.ms).toBe(all[2]!.ms);
    expect(opts.logger.lines.filter((l) => l.includes('outside any sane range'))).toEqual([
      'warn FLIGHT: record far has lastModified 9999-12-31T23:59:59.000Z, outside any sane range; such records are delivered as received, move no bookmark, and come again with every sync until the API corrects them.',
    ]);
  });
});

describe('readPartition against an API whose order changes from one request to the next', () => {
  const heldWithWarning = (events: PartitionEvent[], logger: ReturnType<typeof memoryLogger>) => {
    expect(done(events)).toMatchObject({ kind: 'done', hold: true, bookmark: undefined });
    expect(logger.lines.filter((l) => l.includes('came twice in one pass over the pages, unchanged'))).toHaveLength(1);
  };

  it('(OFFSET without ORDER BY, honest totals) notices records that came twice and keeps the bookmark where the read started', async () => {
    const source = new FakeApi(makeRecords(60), { pageSize: 5, sorted: false, unstable: { order: 'all', seed: 7 } });
    const opts = options(source);
    const events = await collect(readPartition(WINDOW, opts));
    expect(new Set(uuids(events)).size).toBeLessThan(60); // what made it dangerous: some never came
    heldWithWarning(events, opts.logger);
  });

  it.each(['exact', 'none'] as const)('(sorted by lastModified alone, 20 records sharing one, totals %s) keeps the bookmark where the read started', async (totals) => {
    const ties = Array.from({ length: 19 }, (_, i) => 11 + i);
    const source = new FakeApi(makeRecords(40, { ties }), { pageSize: 5, sorted: true, totals, unstable: { order: 'ties', seed: 3 } });
    const opts = options(source);
    const events = await collect(readPartition(WINDOW, opts));
    heldWithWarning(events, opts.logger);
  });

  it('does not hold the bookmark of a read whose ties come in the same order every time', async () => {
    const ties = Array.from({ length: 19 }, (_, i) => 11 + i);
    for (const totals of ['exact', 'none'] as const) {
      const opts = options(new FakeApi(makeRecords(40, { ties }), { pageSize: 5, sorted: true, totals }));
      const events = await collect(readPartition(WINDOW, opts));
      expect(new Set(uuids(events)).size).toBe(40);
      expect(done(events)).toMatchObject({ hold: false });
      expect(opts.logger.lines.filter((l) => l.includes('came twice'))).toEqual([]);
    }
  });
});

describe('readPartition without totals, and a page in the middle answered empty', () => {
  it('fails the partition, bookmark unmoved, when a page comes back empty twice but the page after it holds records', async () => {
    const source = logged(new FakeApi(makeRecords(30), { pageSize: 5, sorted: false, totals: 'none', emptyOnce: 2, emptyTimes: 2 }));
    const events: PartitionEvent[] = [];
    const error = await (async () => {
      for await (const e of readPartition(WINDOW, options(source))) events.push(e);
    })().catch((e: unknown) => e);
    expect(error).toEqual(new ApiDataError('FLIGHT: page 2 came back empty twice, yet page 3 holds 5 records: the API answered a page in the middle of the data empty, and reports no totals to tell how many records there are (GET fake?page=3). Stopping instead of reading the same pages forever; the bookmark does not move past what was read.'));
    expect(source.requests.map((r) => r.page)).toEqual([0, 1, 2, 2, 3]);
    expect(events.filter((e) => e.kind === 'page' && e.bookmark !== undefined)).toEqual([]);
  });

  it('ends at an empty page after a full one once the page after it is empty too (one request more)', async () => {
    const source = logged(new FakeApi(makeRecords(15), { pageSize: 5, sorted: false, totals: 'none' }));
    const events = await collect(readPartition(WINDOW, options(source)));
    expect(new Set(uuids(events)).size).toBe(15);
    // The read (the change check's requests come after it, without a window end).
    expect(source.requests.filter((r) => r.to !== undefined).map((r) => r.page)).toEqual([0, 1, 2, 3, 3, 4]);
    expect(done(events)).toMatchObject({ kind: 'done' });
  });
});
