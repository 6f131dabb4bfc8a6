import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import nock from '../support/nock.js';
import { airbyteCatalog, readConfiguredCatalog } from '../../src/catalog/airbyte-catalog.js';
import { discoverCatalog, selectionFromCatalog } from '../../src/catalog/singer-catalog.js';
import { read } from '../../src/commands/airbyte.js';
import { singerSync } from '../../src/commands/singer-sync.js';
import { CatalogError } from '../../src/errors.js';
import { tempDir, writeJson } from '../support/cli.js';
import { memoryLogger } from '../support/quiet-logger.js';
import { thrown } from '../support/thrown.js';

type Entry = { breadcrumb: string[]; metadata: Record<string, unknown> };
type SingerCatalog = { streams: Array<Record<string, unknown> & { metadata: Entry[] }> };

/** A fresh copy of the discovered catalog, changed by `edit`. */
function singerCatalog(edit: (top: Entry['metadata'], byName: (name: string) => Entry['metadata'], stream: Record<string, unknown>) => void = () => {}): SingerCatalog {
  const catalog = JSON.parse(JSON.stringify(discoverCatalog())) as SingerCatalog;
  const stream = catalog.streams[0]!;
  const byName = (name: string) => stream.metadata.find((m) => m.breadcrumb[1] === name)!.metadata;
  edit(stream.metadata.find((m) => m.breadcrumb.length === 0)!.metadata, byName, stream);
  return catalog;
}

const catalogError = (fn: () => unknown): CatalogError => thrown(fn, CatalogError);

describe('Singer catalog selection', () => {
  it('selects the whole stream, incrementally, from the discovered catalog', () => {
    expect(selectionFromCatalog(discoverCatalog(), 'cat.json')).toEqual({ selected: true, properties: undefined, syncMode: 'incremental' });
  });

  it('reports the stream unselected when its top-level metadata says selected: false', () => {
    const sel = selectionFromCatalog(singerCatalog((top) => (top.selected = false)), 'cat.json');
    expect(sel.selected).toBe(false);
  });

  it('falls back to selected-by-default, then to the legacy schema.selected', () => {
    expect(selectionFromCatalog(singerCatalog((top) => delete top.selected), 'c').selected).toBe(true);
    const neither = singerCatalog((top) => {
      delete top.selected;
      delete top['selected-by-default'];
    });
    expect(selectionFromCatalog(neither, 'c').selected).toBe(false);
    const legacy = singerCatalog((top, _b, stream) => {
      delete top.selected;
      delete top['selected-by-default'];
      (stream.schema as Record<string, unknown>).selected = true;
    });
    expect(selectionFromCatalog(legacy, 'c').selected).toBe(true);
  });

  it('drops deselected properties but always keeps the automatic uuid and lastModified', () => {
    const sel = selectionFromCatalog(
      singerCatalog((_top, byName) => {
        byName('booker').selected = false;
        byName('uuid').selected = false; // automatic: ignored
        byName('tax').inclusion = 'unsupported';
      }),
      'c',
    );
    expect(sel.properties).toBeDefined();
    expect(sel.properties!.has('booker')).toBe(false);
    expect(sel.properties!.has('tax')).toBe(false);
    expect(sel.properties!.has('uuid')).toBe(true);
    expect(sel.properties!.has('lastModified')).toBe(true);
    expect(sel.properties!.has('basePrice')).toBe(true);
  });

  it('asks for a full table sync when replication-method is FULL_TABLE', () => {
    expect(selectionFromCatalog(singerCatalog((top) => (top['replication-method'] = 'FULL_TABLE')), 'c').syncMode).toBe('full_refresh');
  });

  it.each<[string, unknown, RegExp]>([
    ['not an object', [], /must be a JSON object with a "streams" array/],
    ['no bookings stream', { streams: [{ tap_stream_id: 'users' }] }, /has no "bookings" stream \(it lists "users"\)/],
    ['metadata not an array', { streams: [{ tap_stream_id: 'bookings', metadata: {} }] }, /"metadata" of stream "bookings" must be an array/],
    ['a property\'s selected given as a string', singerCatalog((_top, byName) => (byName('passengers').selected = 'false')), /"selected" of breadcrumb \["properties","passengers"\] is "false"; it must be true or false/],
    ['the stream\'s selected given as a string', singerCatalog((top) => (top.selected = 'true')), /"selected" of the stream is "true"; it must be true or false/],
    ['a legacy schema.selected that is not a boolean', singerCatalog((top, _b, stream) => {
      delete top.selected;
      (stream.schema as Record<string, unknown>).selected = 1;
    }), /"selected" of the stream's schema is 1/],
    ['a nested property deselected', withEntry(['properties', 'booker', 'properties', 'email'], false), /deselects "booker\.email", inside "booker": a catalog selects top-level properties only\. Deselect "booker" as a whole, or leave "booker\.email" out with the drop_properties setting \(or hash it with hash_properties\): \["booker\.email"\]/],
    ['a property inside array items deselected', withEntry(['properties', 'passengers', 'items', 'properties', 'person', 'properties', 'email'], false), /deselects "passengers\[\]\.person\.email", inside "passengers"/],
  ])('rejects a catalog with %s, naming the file', (_label, raw, pattern) => {
    const err = catalogError(() => selectionFromCatalog(raw, '/x/catalog.json'));
    expect(err.message).toMatch(pattern);
    expect(err.message).toContain('/x/catalog.json');
  });

  it('accepts nested breadcrumbs that select, and nested deselection inside a deselected property', () => {
    expect(selectionFromCatalog(withEntry(['properties', 'booker', 'properties', 'email'], true), 'c').properties).toBeUndefined();
    const inside = withEntry(['properties', 'booker', 'properties', 'email'], false);
    inside.streams[0]!.metadata.find((m) => m.breadcrumb.length === 2 && m.breadcrumb[1] === 'booker')!.metadata.selected = false;
    expect(selectionFromCatalog(inside, 'c').properties?.has('booker')).toBe(false);
  });
});

/** The discovered catalog with one more metadata entry (as Meltano writes for a nested select rule). */
function withEntry(breadcrumb: string[], selected: boolean): SingerCatalog {
  return singerCatalog((_top, _byName, stream) => (stream.metadata as Entry[]).push({ breadcrumb, metadata: { selected } }));
}

describe('an unselected stream syncs nothing', () => {
  const requests: string[] = [];
  const onNoMatch = (req: { path?: string }) => requests.push(String(req.path));
  beforeAll(() => {
    nock.disableNetConnect();
    nock.emitter.on('no match', onNoMatch);
  });
  afterAll(() => {
    nock.emitter.removeListener('no match', onNoMatch);
    nock.enableNetConnect();
  });
  afterEach(() => nock.cleanAll());

  const config = { base_url: 'https://api.unselected.test', client_id: 'cid-1', client_secret: 'sec-1', start_date: '2024-01-01' };

  function capture() {
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on('data', (c: Buffer) => chunks.push(c.toString()));
    return { out, chunks };
  }

  it('Singer: writes no message and sends no request', async () => {
    const dir = tempDir();
    const { out, chunks } = capture();
    const logger = memoryLogger();
    const catalog = writeJson(dir, 'catalog.json', singerCatalog((top) => (top.selected = false)));
    await singerSync({ config: [writeJson(dir, 'config.json', config)], catalog, out }, logger, new AbortController().signal);
    expect(chunks).toEqual([]);
    expect(requests).toEqual([]);
    expect(logger.lines.join('\n')).toMatch(/not selected in the catalog; nothing to sync/);
  });

  it('Airbyte: a catalog naming only streams this source does not have reports them INCOMPLETE, then fails as a config error', async () => {
    const dir = tempDir();
    const { out, chunks } = capture();
    const logger = memoryLogger();
    const catalog = writeJson(dir, 'configured.json', { streams: [{ stream: { name: 'users' }, sync_mode: 'incremental' }] });
    await expect(read({ config: writeJson(dir, 'config.json', config), catalog, out }, logger, new AbortController().signal)).rejects.toThrow(/names only streams this source does not have \("users"\); its stream is "bookings"/);
    expect(chunks.join('').trim().split('\n').map((l) => JSON.parse(l) as { trace: { stream_status: unknown } }).map((m) => m.trace.stream_status)).toEqual([{ stream_descriptor: { name: 'users' }, status: 'INCOMPLETE' }]);
    expect(requests).toEqual([]);
    expect(logger.lines.join('\n')).toMatch(/names "users", which this source does not have \(it has "bookings"\): it is reported INCOMPLETE/);
  });

  it('Airbyte: a configured catalog with no streams reads nothing', async () => {
    const dir = tempDir();
    const { out, chunks } = capture();
    const logger = memoryLogger();
    await read({ config: writeJson(dir, 'config.json', config), catalog: writeJson(dir, 'configured.json', { streams: [] }), out }, logger, new AbortController().signal);
    expect(chunks).toEqual([]);
    expect(requests).toEqual([]);
    expect(logger.lines.join('\n')).toMatch(/selects no stream of this source; nothing to read/);
  });
});

describe('Airbyte configured catalog', () => {
  const stream = airbyteCatalog() as { streams: Array<Record<string, unknown>> };
  const configured = (entry: Record<string, unknown>) => ({ streams: [{ stream: stream.streams[0], destination_sync_mode: 'append', ...entry }] });

  it('declares Airbyte\'s types: every date-time is timestamp_with_timezone, counts are integers', () => {
    const annotated: string[] = [];
    const dateTimes: string[] = [];
    const integers: string[] = [];
    const walk = (schema: Record<string, any>, at: string): void => {
      if (schema.format === 'date-time') dateTimes.push(at);
      if (schema.airbyte_type !== undefined) annotated.push(`${at}=${String(schema.airbyte_type)}`);
      if ([].concat(schema.type ?? []).includes('integer' as never)) integers.push(at);
      for (const [k, v] of Object.entries(schema.properties ?? {})) walk(v as Record<string, any>, at ? `${at}.${k}` : k);
      if (schema.items) walk(schema.items as Record<string, any>, `${at}[]`);
    };
    walk(stream.streams[0]!.json_schema as Record<string, any>, '');
    expect(dateTimes).toEqual(['lastModified', 'created', 'cancelledAt']);
    expect(annotated).toEqual(dateTimes.map((f) => `${f}=timestamp_with_timezone`));
    expect(integers).toEqual(['numberOfPassengers', 'segments[].startTimestamp', 'segments[].endTimestamp', 'hotel.nights']);
    // The Singer catalog has the same types, without Airbyte's annotation.
    expect(JSON.stringify(JSON.parse(readFileSync('catalog.json', 'utf8')))).not.toContain('airbyte_type');
  });

  it('reads an incremental and a full_refresh selection', () => {
    expect(readConfiguredCatalog(configured({ sync_mode: 'incremental', cursor_field: ['lastModified'] }), 'c')).toEqual({ selection: { selected: true, syncMode: 'incremental', properties: undefined }, unknownStreams: [], ignoredCursor: undefined });
    expect(readConfiguredCatalog(configured({ sync_mode: 'full_refresh' }), 'c').selection).toMatchObject({ selected: true, syncMode: 'full_refresh' });
  });

  it('narrows the properties to those listed in the configured json_schema, plus the key and cursor', () => {
    const narrowed = { ...stream.streams[0], json_schema: { type: 'object', properties: { basePrice: {}, currency: {}, notInSchema: {} } } };
    const read = readConfiguredCatalog({ streams: [{ stream: narrowed, sync_mode: 'incremental' }] }, 'c');
    expect([...read.selection.properties!].sort()).toEqual(['basePrice', 'currency', 'lastModified', 'uuid']);
  });

  it('reads the bookings stream and lists the streams this source does not have, as the Airbyte CDK does', () => {
    const raw = { streams: [{ stream: { name: 'users' }, sync_mode: 'incremental' }, { stream: stream.streams[0], sync_mode: 'incremental' }, { stream: { name: 'trips' }, sync_mode: 'full_refresh' }] };
    expect(readConfiguredCatalog(raw, 'c')).toMatchObject({ selection: { selected: true, syncMode: 'incremental' }, unknownStreams: ['users', 'trips'] });
  });

  it('ignores a configured cursor_field, the cursor being source-defined, and says which it was', () => {
    expect(readConfiguredCatalog(configured({ sync_mode: 'incremental', cursor_field: ['created'] }), 'c')).toMatchObject({ selection: { selected: true }, ignoredCursor: ['created'] });
  });

  it.each<[string, unknown, RegExp]>([
    ['an unsupported sync mode', configured({ sync_mode: 'cdc' }), /sync_mode "cdc" is not supported for "bookings"/],
    ['a missing sync mode', configured({}), /sync_mode undefined is not supported/],
    ['a stream without a name', { streams: [{ stream: {}, sync_mode: 'incremental' }] }, /streams\[0\] has no stream\.name/],
    ['no streams array', { catalog: [] }, /must be a JSON object with a "streams" array/],
  ])('rejects %s with a CatalogError naming the file', (_label, raw, pattern) => {
    const err = catalogError(() => readConfiguredCatalog(raw, '/y/configured.json'));
    expect(err.message).toMatch(pattern);
    expect(err.message).toContain('/y/configured.json');
    expect(err.code).toBe('ERR_CATALOG');
  });
});
