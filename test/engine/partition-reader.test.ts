import { readPartition, type PartitionEvent, type ReaderOptions } from '../../src/engine/partition-reader.js';
import { RecordChecker } from '../../src/engine/record-check.js';
import { ApiDataError } from '../../src/errors.js';
import type { Page, PageRequest } from '../../src/http/bookings-api.js';
import { FakeApi, makeRecords } from '../support/fake-api.js';
import { memoryLogger } from '../support/quiet-logger.js';

const WINDOW = { bookingType: 'FLIGHT' as const, from: Date.UTC(2024, 0, 1), to: Date.UTC(2026, 0, 1) };

function options(source: ReaderOptions['source'], overrides: Partial<ReaderOptions['config']> = {}): ReaderOptions {
  const logger = memoryLogger();
  return {
    config: { pageSize: 5, firstPage: 0, maxConcurrency: 3, recordOrder: 'auto', ...overrides },
    source,
    checker: new RecordChecker(undefined, 'off', logger),
    logger,
  };
}

async function collect(gen: AsyncGenerator<PartitionEvent>): Promise<PartitionEvent[]> {
  const out: PartitionEvent[] = [];
  for await (const e of gen) out.push(e);
  return out;
}

const uuids = (events: PartitionEvent[]) => events.flatMap((e) => (e.kind === 'page' ? e.records.map((r) => r.uuid) : []));

describe('readPartition', () => {
  it('reads every page in order and stops at the last page the body announces', async () => {
    const api = new FakeApi(makeRecords(23), { pageSize: 5, sorted: true });
    const events = await collect(readPartition(WINDOW, options(api)));
    expect(uuids(events)).toEqual(makeRecords(23).map((r) => r.uuid));
    expect(api.served).toBe(5);
    expect(events.at(-1)).toMatchObject({ kind: 'done', stats: { pages: 5, records: 23, rewinds: 0 } });
  });

  it('prefetches pages but lets each one be parsed only when the reader reaches it (its turn)', async () => {
    const api = new FakeApi(makeRecords(23), { pageSize: 5, sorted: true });
    const log: string[] = [];
    const source = {
      fetchPage: (req: PageRequest): Promise<Page> => {
        log.push(`request ${req.page}`);
        return api.fetchPage(req).then(async (page) => {
          await req.turn!();
          log.push(`turn ${req.page}`);
          return page;
        });
      },
    };
    for await (const e of readPartition(WINDOW, options(source))) if (e.kind === 'page') log.push(`yield ${e.page}`);
    for (let p = 1; p < 5; p++) {
      expect(log.indexOf(`turn ${p}`)).toBeGreaterThan(log.indexOf(`yield ${p - 1}`));
      expect(log.indexOf(`turn ${p}`)).toBeLessThan(log.indexOf(`yield ${p}`));
    }
    // Prefetching still runs ahead of the turns: once page 0 told the page count, pages 1 to 3 were requested
    // before page 1 was handed out.
    expect(log.indexOf('request 3')).toBeLessThan(log.indexOf('yield 1'));
    expect(log.indexOf('request 3')).toBeLessThan(log.indexOf('turn 2'));
  });

  it('keeps fewer pages requested ahead while responses wait for the reader, and max_concurrency while it waits for them', async () => {
    const outstandingWhenTaken = async (apiDelayMs: number, readerDelayMs: number, maxConcurrency = 8): Promise<number[]> => {
      const api = new FakeApi(makeRecords(200), { pageSize: 5, sorted: true });
      let outstanding = 0;
      const seen: number[] = [];
      const source = {
        fetchPage: async (req: PageRequest): Promise<Page> => {
          outstanding++;
          const page = api.serve(req);
          await new Promise((r) => setTimeout(r, apiDelayMs));
          await req.turn!();
          seen.push(outstanding--);
          return page;
        },
      };
      for await (const e of readPartition(WINDOW, options(source, { maxConcurrency }))) {
        if (e.kind === 'page') await new Promise((r) => setTimeout(r, readerDelayMs));
      }
      return seen;
    };
    // A fast API and a slow reader: after the first pages, at most 2-3 requested ahead instead of 8.
    const fast = await outstandingWhenTaken(0, 3);
    expect(Math.max(...fast.slice(20))).toBeLessThanOrEqual(3);
    // A slow API and a fast reader: the reader keeps max_concurrency pages requested.
    const slow = await outstandingWhenTaken(20, 0);
    expect(Math.max(...slow.slice(5, 30))).toBe(8);
    // Never more than max_concurrency, even when it is below the usual floor of 2.
    expect(Math.max(...(await outstandingWhenTaken(0, 3, 1)))).toBe(1);
  });

  it('stops after a short page when the API reports no totals', async () => {
    const api = new FakeApi(makeRecords(12), { pageSize: 5, sorted: true, totals: false });
    const events = await collect(readPartition(WINDOW, options(api)));
    expect(uuids(events)).toHaveLength(12);
    expect(api.served).toBe(3);
  });

  it('stops after an empty page when the record count is a multiple of the page size and there are no totals', async () => {
    const api = new FakeApi(makeRecords(10), { pageSize: 5, sorted: true, totals: false });
    const events = await collect(readPartition(WINDOW, options(api)));
    expect(uuids(events)).toHaveLength(10);
    expect(api.served).toBe(3);
  });

  it('counts pages from first_page', async () => {
    const api = new FakeApi(makeRecords(7), { pageSize: 5, sorted: true, firstPage: 1 });
    const pages: number[] = [];
    api.beforeServe = (req) => pages.push(req.page);
    const events = await collect(readPartition(WINDOW, options(api, { firstPage: 1 })));
    expect(uuids(events)).toHaveLength(7);
    expect(pages.sort()).toEqual([1, 2]);
  });

  it('fails clearly instead of looping when the API ignores the page parameter', async () => {
    const records = makeRecords(5).map((r) => ({ uuid: r.uuid, lastModified: new Date(r.ms).toISOString() }));
    const source = { fetchPage: async (req: PageRequest): Promise<Page> => ({ page: req.page, records, totalPages: undefined, totalElements: undefined }) };
    await expect(collect(readPartition(WINDOW, options(source)))).rejects.toThrow(/same 5 FLIGHT records for page 1 as for page 0.*ignore the "page" parameter/);
  });

  it('filters on the client records outside the window, for APIs that ignore the window parameters', async () => {
    const all = makeRecords(20);
    const api = new FakeApi(all, { pageSize: 5, sorted: true });
    const from = all[5]!.ms;
    const to = all[14]!.ms;
    const source = { fetchPage: (req: PageRequest) => api.fetchPage({ ...req, from: 0, to: Number.MAX_SAFE_INTEGER }) };
    const events = await collect(readPartition({ ...WINDOW, from, to }, options(source)));
    expect(uuids(events)).toEqual(all.slice(5, 15).map((r) => r.uuid));
    expect(events.at(-1)).toMatchObject({ kind: 'done', stats: { filtered: 10 } });
  });

  it('gives each page of a sorted stream the newest lastModified delivered so far as its bookmark', async () => {
    const all = makeRecords(12);
    const events = await collect(readPartition(WINDOW, options(new FakeApi(all, { pageSize: 5, sorted: true }))));
    const bookmarks = events.filter((e) => e.kind === 'page').map((e) => e.bookmark?.ms);
    expect(bookmarks).toEqual([all[4]!.ms, all[9]!.ms, all[11]!.ms]);
  });

  it('moves the bookmark only at the end of the window when records are not sorted by lastModified', async () => {
    const all = makeRecords(12).reverse().map((r, i) => ({ uuid: `u${String(i).padStart(4, '0')}`, ms: r.ms }));
    const events = await collect(readPartition(WINDOW, options(new FakeApi(all, { pageSize: 5, sorted: false }))));
    const pageBookmarks = events.filter((e) => e.kind === 'page').map((e) => e.bookmark);
    expect(pageBookmarks).toEqual([undefined, undefined, undefined]);
    expect(events.at(-1)).toMatchObject({ kind: 'done', bookmark: { ms: Math.max(...all.map((r) => r.ms)) }, stats: { sorted: false } });
  });

  it('never gives a mid-window bookmark when record_order is unsorted, even if the records happen to be sorted', async () => {
    const events = await collect(readPartition(WINDOW, options(new FakeApi(makeRecords(12), { pageSize: 5, sorted: true }), { recordOrder: 'unsorted' })));
    expect(events.filter((e) => e.kind === 'page').every((e) => e.bookmark === undefined)).toBe(true);
  });

  it('reads again from an earlier page when a record leaves the window between two pages, so none is skipped', async () => {
    const all = makeRecords(15);
    const api = new FakeApi(all, { pageSize: 5, sorted: true });
    let mutated = false;
    api.beforeServe = (req) => {
      if (req.page === 1 && !mutated) {
        mutated = true;
        api.modify(all[2]!.uuid); // on page 0, already read: everything after it shifts left by one
      }
    };
    const events = await collect(readPartition(WINDOW, options(api, { maxConcurrency: 1 })));
    const got = new Set(uuids(events));
    for (const r of all) if (r.uuid !== all[2]!.uuid) expect(got.has(r.uuid)).toBe(true);
    expect(events.at(-1)).toMatchObject({ kind: 'done', stats: { rewinds: 1 } });
  });

  it.each([
    ['says so in the body', true],
    ['caps it silently', false],
  ])('reads again far enough back when the API serves smaller pages than asked for and %s', async (_label, reportPageSize) => {
    const all = makeRecords(30);
    const api = new FakeApi(all, { pageSize: 3, sorted: true, reportPageSize });
    let mutated = false;
    api.beforeServe = (req) => {
      if (req.page === 4 && !mutated) {
        mutated = true;
        for (const i of [2, 5, 8, 10]) api.modify(all[i]!.uuid); // 4 records leave: 4 slide back over a 3-record page boundary
      }
    };
    const events = await collect(readPartition(WINDOW, options(api, { pageSize: 10, maxConcurrency: 1 })));
    const got = new Set(uuids(events));
    expect(all.filter((r, i) => ![2, 5, 8, 10].includes(i) && !got.has(r.uuid)).map((r) => r.uuid)).toEqual([]);
  });

  it('does not stop early at a short page when the body says the API serves fewer records per page than asked for', async () => {
    const api = new FakeApi(makeRecords(12), { pageSize: 4, sorted: true, totals: false, reportPageSize: true });
    const events = await collect(readPartition(WINDOW, options(api, { pageSize: 10 })));
    expect(uuids(events)).toHaveLength(12);
  });

  it('stops the sync, naming the booking type, page and index, when a record has no uuid', async () => {
    const source = { fetchPage: async (req: PageRequest): Promise<Page> => ({ page: req.page, records: [{ uuid: 'a', lastModified: '2025-01-01T00:00:00.000Z' }, { lastModified: '2025-01-01T00:00:00.000Z' }], totalPages: 1, totalElements: 2 }) };
    await expect(collect(readPartition(WINDOW, options(source)))).rejects.toThrow(new ApiDataError('The API returned a record without a uuid (FLIGHT page 0, record 1); uuid is the primary key, so the sync stops rather than drop it.'));
  });

  it('stops the sync when a record has an unreadable lastModified', async () => {
    const source = { fetchPage: async (req: PageRequest): Promise<Page> => ({ page: req.page, records: [{ uuid: 'a', lastModified: 'yesterday' }], totalPages: 1, totalElements: 1 }) };
    await expect(collect(readPartition(WINDOW, options(source)))).rejects.toThrow(/Record a \(FLIGHT page 0, record 0\) has an unreadable lastModified "yesterday"/);
  });

  it('keeps only the selected properties', async () => {
    const events = await collect(readPartition(WINDOW, { ...options(new FakeApi(makeRecords(3), { pageSize: 5, sorted: true })), selected: new Set(['uuid', 'lastModified']) }));
    const page = events.find((e) => e.kind === 'page');
    expect(page?.kind === 'page' && Object.keys(page.records[0]!)).toEqual(['uuid', 'lastModified']);
  });
});
