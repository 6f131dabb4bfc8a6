import { readFileSync } from 'node:fs';
import { readAirbyteState } from '../../src/state/airbyte-state.js';
import type { BookingType } from '../../src/config/options.js';
import { StateError } from '../../src/errors.js';
import { readJsonFile } from '../../src/io/read-json-file.js';
import { advance, parseSingerState, parseStreamState, rejectFutureBookmarks, toStreamState, type Bookmark } from '../../src/state/bookmarks.js';
import { tempDir, writeJson } from '../support/cli.js';
import { thrown } from '../support/thrown.js';

const FLIGHT_AT = '2025-03-01T00:00:00.000Z';
const HOTEL_AT = '2025-02-15T12:30:00.000Z';
const STREAM_STATE = {
  partitions: [
    { context: { bookingType: 'FLIGHT' }, replication_key: 'lastModified', replication_key_value: FLIGHT_AT },
    { context: { bookingType: 'HOTEL' }, replication_key: 'lastModified', replication_key_value: HOTEL_AT },
  ],
};

const asObject = (m: ReadonlyMap<BookingType, Bookmark>) => Object.fromEntries(m);

const stateError = (fn: () => unknown): StateError => thrown(fn, StateError);

describe('parseSingerState', () => {
  it('reads the Singer layout {"bookmarks": {"bookings": {"partitions": [...]}}} as in sample-state.json', () => {
    const raw: unknown = JSON.parse(readFileSync('sample-state.json', 'utf8'));
    const { bookmarks, otherStreams } = parseSingerState(raw, 'sample-state.json');
    expect(asObject(bookmarks)).toEqual({
      FLIGHT: { value: FLIGHT_AT, ms: Date.parse(FLIGHT_AT) },
      HOTEL: { value: HOTEL_AT, ms: Date.parse(HOTEL_AT) },
    });
    expect(otherStreams).toEqual({});
  });

  it('unwraps a STATE message and passes other streams through untouched', () => {
    const other = { partitions: [], whatever: 1 };
    const { bookmarks, otherStreams } = parseSingerState({ type: 'STATE', value: { bookmarks: { bookings: STREAM_STATE, other } } }, 'state.json');
    expect([...bookmarks.keys()]).toEqual(['FLIGHT', 'HOTEL']);
    expect(otherStreams).toEqual({ other });
  });

  it('treats {} and bookmarks without our stream as no bookmarks', () => {
    expect(parseSingerState({}, 's.json').bookmarks.size).toBe(0);
    expect(parseSingerState({ bookmarks: {} }, 's.json').bookmarks.size).toBe(0);
  });

  it('applies an unpartitioned bookmark to every booking type', () => {
    const { bookmarks } = parseSingerState({ bookmarks: { bookings: { replication_key: 'lastModified', replication_key_value: '2025-01-01' } } }, 's.json');
    expect([...bookmarks.keys()].sort()).toEqual(['CAR', 'FLIGHT', 'HOTEL', 'RAIL']);
    expect(bookmarks.get('RAIL')).toEqual({ value: '2025-01-01', ms: Date.UTC(2025, 0, 1) });
  });

  it('skips null values', () => {
    const bookmarks = parseStreamState(
      {
        partitions: [
          { context: { bookingType: 'CAR' }, replication_key_value: '2025-05-01T00:00:00Z' },
          { context: { bookingType: 'RAIL' }, replication_key_value: null },
        ],
      },
      'x',
    );
    expect(asObject(bookmarks)).toEqual({ CAR: { value: '2025-05-01T00:00:00Z', ms: Date.UTC(2025, 4, 1) } });
  });

  it('refuses a booking type listed twice: which bookmark holds is not for the tap to guess', () => {
    const twice = {
      partitions: [
        { context: { bookingType: 'CAR' }, replication_key_value: '2025-05-01T00:00:00Z' },
        { context: { bookingType: 'CAR' }, replication_key_value: '2025-04-01T00:00:00Z' },
      ],
    };
    expect(() => parseStreamState(twice, 'x')).toThrow(/State x lists CAR twice \(partitions\[0\] and partitions\[1\]\); keep one/);
  });

  it.each<[string, unknown, RegExp]>([
    ['a string', 'just a string', /must hold a JSON object with "bookmarks"/],
    ['an array', [], /must hold a JSON object with "bookmarks", not an array/],
    ['no bookmarks key', { currently_syncing: null }, /has no "bookmarks" key/],
    ['bookmarks not an object', { bookmarks: [] }, /"bookmarks" must be an object/],
    ['another tap\'s state', { bookmarks: { 'tap-other': {} } }, /holds bookmarks for "tap-other", not for "bookings"/],
    ['partitions not an array', { bookmarks: { bookings: { partitions: { FLIGHT: '2025-01-01' } } } }, /"partitions" must be an array/],
    ['a bookmark in another layout', { bookmarks: { bookings: { lastModified: FLIGHT_AT } } }, /has no "partitions" \(it holds "lastModified"\); expected \{"partitions": \[/],
    ['a bookmark per type, not in partitions', { bookmarks: { bookings: { FLIGHT: FLIGHT_AT, HOTEL: FLIGHT_AT } } }, /has no "partitions" \(it holds "FLIGHT", "HOTEL"\)/],
    ['a partition without context', { bookmarks: { bookings: { partitions: [{ replication_key_value: FLIGHT_AT }] } } }, /partitions\[0\] must have a context with a bookingType/],
    ['a wrong replication key', { bookmarks: { bookings: { partitions: [{ context: { bookingType: 'FLIGHT' }, replication_key: 'created', replication_key_value: FLIGHT_AT }] } } }, /replication_key "created", but this stream replicates on "lastModified"/],
    ['a value that is not a date', { bookmarks: { bookings: { partitions: [{ context: { bookingType: 'FLIGHT' }, replication_key_value: 'yesterday' }] } } }, /replication_key_value "yesterday", which is not an ISO-8601 date-time/],
    ['a numeric value', { bookmarks: { bookings: { partitions: [{ context: { bookingType: 'FLIGHT' }, replication_key_value: 1735689600 }] } } }, /replication_key_value 1735689600/],
  ])('rejects %s with a StateError naming the file', (_label, raw, pattern) => {
    const err = stateError(() => parseSingerState(raw, '/tmp/my-state.json'));
    expect(err.message).toMatch(pattern);
    expect(err.message).toContain('/tmp/my-state.json');
    expect(err.code).toBe('ERR_STATE');
    expect(err.exitCode).toBe(2);
  });
});

describe('reading a state file', () => {
  it.each<[string, string, RegExp]>([
    ['truncated JSON', '{"bookmarks": {"bookings": ', /is not valid JSON/],
    ['an empty file', '  \n', /is empty/],
  ])('reports %s as a StateError naming the file', (_label, text, pattern) => {
    const path = writeJson(tempDir(), 'state.json', text);
    const err = stateError(() => parseSingerState(readJsonFile(path, 'State', StateError), path));
    expect(err.message).toMatch(pattern);
    expect(err.message).toContain(`State file ${path}`);
  });
});

describe('toStreamState', () => {
  it('round-trips through parseStreamState, in the config\'s booking type order, keeping types not in the config', () => {
    const parsed = parseStreamState(STREAM_STATE, 'x');
    parsed.set('RAIL', { value: '2025-01-01T00:00:00Z', ms: Date.UTC(2025, 0, 1) });
    const out = toStreamState(parsed, ['HOTEL', 'FLIGHT']);
    expect(out.partitions.map((p) => p.context.bookingType)).toEqual(['HOTEL', 'FLIGHT', 'RAIL']);
    expect(out.partitions[0]).toEqual({ context: { bookingType: 'HOTEL' }, replication_key: 'lastModified', replication_key_value: HOTEL_AT });
    expect(asObject(parseStreamState(JSON.parse(JSON.stringify(out)), 'y'))).toEqual(asObject(parsed));
    expect(toStreamState(parseStreamState(STREAM_STATE, 'x'), ['FLIGHT', 'HOTEL'])).toEqual(STREAM_STATE);
  });
});

describe('advance', () => {
  it('moves a bookmark forward only', () => {
    const m = new Map<BookingType, Bookmark>();
    expect(advance(m, 'FLIGHT', { value: 'b', ms: 200 })).toBe(true);
    expect(advance(m, 'FLIGHT', { value: 'a', ms: 100 })).toBe(false);
    expect(advance(m, 'FLIGHT', { value: 'b2', ms: 200 })).toBe(false);
    expect(m.get('FLIGHT')).toEqual({ value: 'b', ms: 200 });
    expect(advance(m, 'FLIGHT', { value: 'c', ms: 300 })).toBe(true);
    expect(m.get('FLIGHT')?.value).toBe('c');
  });
});

describe('readAirbyteState (per-stream state)', () => {
  const streamMessage = (name: string, streamState: unknown) => ({ type: 'STREAM', stream: { stream_descriptor: { name }, stream_state: streamState } });

  it('reads the bookings STREAM state from an array of state messages, ignoring other streams', () => {
    const raw = [streamMessage('other', { partitions: 'garbage' }), streamMessage('bookings', STREAM_STATE)];
    expect(asObject(readAirbyteState(raw, 'state.json'))).toEqual(asObject(parseStreamState(STREAM_STATE, 'x')));
  });

  it('accepts a wrapped AirbyteMessage, a single state object, legacy data and an empty array', () => {
    const wrapped = { type: 'STATE', state: streamMessage('bookings', STREAM_STATE) };
    expect(readAirbyteState(wrapped, 's').size).toBe(2);
    expect(readAirbyteState(streamMessage('bookings', STREAM_STATE), 's').size).toBe(2);
    expect(readAirbyteState({ data: { bookings: STREAM_STATE } }, 's').size).toBe(2);
    expect(readAirbyteState([], 's').size).toBe(0);
    expect(readAirbyteState([streamMessage('bookings', null)], 's').size).toBe(0);
  });

  it('round-trips what the source writes', () => {
    const written = [streamMessage('bookings', toStreamState(parseStreamState(STREAM_STATE, 'x'), ['FLIGHT', 'HOTEL']))];
    const back = readAirbyteState(JSON.parse(JSON.stringify(written)), 's');
    expect(back.get('FLIGHT')).toEqual({ value: FLIGHT_AT, ms: Date.parse(FLIGHT_AT) });
    expect(back.get('HOTEL')).toEqual({ value: HOTEL_AT, ms: Date.parse(HOTEL_AT) });
  });

  it.each<[string, unknown, RegExp]>([
    ['GLOBAL state', [{ type: 'GLOBAL', global: {} }], /holds GLOBAL state/],
    ['an entry that is not an object', [42], /entry 0 is not an object/],
    ['an unknown message shape', [{ foo: 'bar' }], /entry 0 is not an Airbyte state message/],
    ['a bad stream_state', [streamMessage('bookings', { partitions: {} })], /stream_state of "bookings".*"partitions" must be an array/],
    ['a stream_state in another layout', [streamMessage('bookings', { lastModified: FLIGHT_AT })], /stream_state of "bookings"\) has no "partitions" \(it holds "lastModified"\)/],
    ['a string', FLIGHT_AT, /must hold an array of Airbyte state messages \(or one\), not "/],
    ['a number', 42, /not 42/],
    ['null', null, /not null/],
    ['true', true, /not true/],
  ])('rejects %s with a StateError naming the file', (_label, raw, pattern) => {
    const err = stateError(() => readAirbyteState(raw, '/data/airbyte-state.json'));
    expect(err.message).toMatch(pattern);
    expect(err.message).toContain('/data/airbyte-state.json');
  });
});

describe('rejectFutureBookmarks', () => {
  const now = Date.UTC(2026, 10, 26, 12, 0, 0);
  it('accepts bookmarks up to now and refuses a later one, naming the file, the booking type and the value', () => {
    const fine = new Map([['FLIGHT', { value: '2026-11-26T12:00:00.000Z', ms: now }]] as const);
    expect(() => rejectFutureBookmarks(fine, now, 'state.json')).not.toThrow();
    const later = new Map([['HOTEL', { value: '2099-01-01T00:00:00Z', ms: Date.UTC(2099, 0, 1) }]] as const);
    expect(thrown(() => rejectFutureBookmarks(later, now, 'state.json'), StateError).message).toMatch(/^State file state\.json: the HOTEL bookmark 2099-01-01T00:00:00Z is later than now \(2026-11-26T12:00:00\.000Z\)/);
  });
});
