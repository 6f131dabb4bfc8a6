import fc from 'fast-check';
import { readPartition, type PageSource } from '../../src/engine/partition-reader.js';
import { RecordChecker } from '../../src/engine/record-check.js';
import { ApiDataError } from '../../src/errors.js';
import { parsePage, type Page } from '../../src/http/page-body.js';
import { UnusableBody } from '../../src/http/request-with-retries.js';
import { MemberNames, selectMembers } from '../../src/util/json-bytes.js';
import { instantClock } from '../support/clocks.js';
import { engineConfig } from '../support/engine-config.js';
import { memoryLogger } from '../support/quiet-logger.js';
import { json, key, looseText, name, params, TIMEOUT, typedAsync } from './fuzz.js';
import { rng } from '../support/rng.js';

/**
 * The page parser (page-body.ts and record-spans.ts) against JSON.parse as the reference: a body is a page exactly
 * when JSON.parse reads it as an object whose "data" is an array or null, and then each record, and each record's
 * bytes (what the writers copy), is what JSON.parse sees.
 */
const record = fc.dictionary(key, json, { maxKeys: 6 });
const member = fc.tuple(fc.oneof(key, fc.constantFrom('data', 'page', 'totalPages')), json);

/** A page's text: members in any order, "data" among them (more than once, or written with escapes, now and then). */
const pageText: fc.Arbitrary<{ text: string; lineBreaks: boolean }> = fc
  .record({
    records: fc.oneof({ weight: 5, arbitrary: fc.array(fc.oneof({ weight: 9, arbitrary: record }, { weight: 1, arbitrary: json }), { maxLength: 5 }) }, { weight: 1, arbitrary: fc.constant(null) }),
    before: fc.array(member, { maxLength: 3 }),
    after: fc.array(member, { maxLength: 3 }),
    seed: fc.integer(),
    lineBreaks: fc.boolean(),
  })
  .map(({ records, before, after, seed, lineBreaks }) => {
    const r = rng(seed);
    const members = [...before, ['data', records] as const, ...after].map(([k, v]) => `${name(k, r)}:${looseText(v, seed, { lineBreaks })}`);
    return { text: `{${members.join(lineBreaks && r() < 0.5 ? ',\n' : ',')}}`, lineBreaks };
  });

/** What JSON.parse makes of a body: the records of a page, or undefined for a body that is no page. */
function reference(bytes: Buffer): unknown[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !Object.hasOwn(parsed, 'data')) return undefined;
  const data = (parsed as { data: unknown }).data;
  return data === null ? [] : Array.isArray(data) ? data : undefined;
}

function expectAsReference(bytes: Buffer): Page | UnusableBody {
  const page = parsePage(bytes, 0, { members: true });
  const expected = reference(bytes);
  if (expected === undefined) {
    expect(page).toBeInstanceOf(UnusableBody);
    return page;
  }
  expect(page).not.toBeInstanceOf(UnusableBody);
  const { records, rawRecords } = page as Page;
  expect(records).toEqual(expected);
  expect(rawRecords).toHaveLength(records.length);
  rawRecords.forEach((raw, k) => {
    const copy = Buffer.from(raw).toString('utf8');
    expect(copy).not.toMatch(/[\r\n]/);
    expect(JSON.parse(copy)).toEqual(records[k]);
    // A projection split where the page noted each record's members gives what walking the record gives.
    if (typeof records[k] === 'object' && records[k] !== null && !Array.isArray(records[k])) {
      const keep = new MemberNames(Object.keys(records[k] as object).filter((_, i) => i % 2 === 0));
      expect(Buffer.from(selectMembers(raw, keep, (page as Page).members?.(k))).toString()).toBe(Buffer.from(selectMembers(raw, keep)).toString());
    }
  });
  return page;
}

/** Random edits of a body's bytes: deleted, inserted or replaced, JSON's own characters most often. */
const edits = fc.array(fc.record({ at: fc.nat(), op: fc.constantFrom('delete', 'insert', 'replace'), byte: fc.oneof(fc.constantFrom(...Buffer.from('{}[]",:\\ \nnul0-e.d')), fc.integer({ min: 0, max: 255 })) }), { minLength: 1, maxLength: 3 });

function edited(text: string, changes: Array<{ at: number; op: string; byte: number }>): Buffer {
  const bytes = [...Buffer.from(text, 'utf8')];
  for (const { at, op, byte } of changes) {
    const i = at % (bytes.length + 1);
    if (op === 'delete') bytes.splice(i, 1);
    else if (op === 'insert') bytes.splice(i, 0, byte);
    else bytes[Math.min(i, bytes.length - 1)] = byte;
  }
  return Buffer.from(bytes);
}

describe('the page parser fuzzed against JSON.parse', () => {
  it('reads every page as JSON.parse does, each record\'s copy on one line and equal to it', () => {
    fc.assert(fc.property(pageText, ({ text, lineBreaks }) => {
      const page = expectAsReference(Buffer.from(text, 'utf8'));
      // Records written on one line are copied byte for byte. (A later member "data" that is no array makes no page.)
      if (!lineBreaks && !(page instanceof UnusableBody)) for (const raw of page.rawRecords) expect(text).toContain(Buffer.from(raw).toString('utf8'));
    }), params());
  }, TIMEOUT);

  it('reads a page with edited bytes (broken, invalid UTF-8, or still valid) exactly when JSON.parse does', () => {
    fc.assert(fc.property(pageText, edits, ({ text }, changes) => {
      expectAsReference(edited(text, changes));
    }), params());
  }, TIMEOUT);

  it('never throws on any bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      expectAsReference(Buffer.from(bytes));
    }), params());
  }, TIMEOUT);
});

describe('the page reader fuzzed', () => {
  it('reads a window of fuzzed pages to the end, or fails with the project\'s own errors only', async () => {
    const logger = memoryLogger();
    await fc.assert(fc.asyncProperty(pageText, fc.option(edits, { nil: undefined }), fc.constantFrom<'off' | 'warn' | 'fail'>('off', 'warn', 'fail'), async ({ text }, changes, mode) => {
      const bytes = changes ? edited(text, changes) : Buffer.from(text, 'utf8');
      const source: PageSource = { fetchPage: async (req) => ({ bytes: req.page > 2 ? Buffer.from('{"data":[]}') : bytes, describe: `GET fuzz page ${req.page}` }) };
      const result = await typedAsync(async () => {
        const events = [];
        const reader = readPartition({ bookingType: 'FLIGHT', from: Date.UTC(2024, 0, 1), to: Date.UTC(2026, 0, 1) }, {
          config: engineConfig({ pageSize: 3, maxRetries: 0, maxConcurrency: 2 }), source, checker: new RecordChecker(undefined, mode, logger), logger, clock: instantClock(), properties: new Set(['uuid', 'lastModified', 'toString']),
        });
        for await (const event of reader) events.push(event);
        return events;
      });
      if (result instanceof Error) expect(result).toBeInstanceOf(ApiDataError);
    }), params());
  }, TIMEOUT);
});
