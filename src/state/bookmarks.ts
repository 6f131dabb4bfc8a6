import type { BookingType } from '../config/options.js';
import { StateError } from '../errors.js';
import { isPlainObject } from '../io/read-json-file.js';
import { REPLICATION_KEY, STREAM_NAME } from '../stream.js';
import { parseDateTime } from '../util/time.js';

/** Where one booking type's sync has safely reached: every record with lastModified before it has been written. */
export interface Bookmark {
  /** The replication_key_value as written in state (the record's own lastModified text). */
  value: string;
  ms: number;
}

export type Bookmarks = ReadonlyMap<BookingType, Bookmark>;

/** The per-stream state, Singer SDK layout: {"partitions": [{"context": {"bookingType"}, "replication_key", "replication_key_value"}]}. */
export interface StreamState {
  partitions: Array<{ context: { bookingType: BookingType }; replication_key: string; replication_key_value: string }>;
}

/** Serialise bookmarks in a stable order (the config's booking type order first, then any others kept from input). */
export function toStreamState(bookmarks: Bookmarks, order: readonly BookingType[]): StreamState {
  const types = [...order.filter((t) => bookmarks.has(t)), ...[...bookmarks.keys()].filter((t) => !order.includes(t))];
  return {
    partitions: types.map((bookingType) => ({
      context: { bookingType },
      replication_key: REPLICATION_KEY,
      replication_key_value: bookmarks.get(bookingType)!.value,
    })),
  };
}

/** A bookmark moves forward only. */
export function advance(bookmarks: Map<BookingType, Bookmark>, bookingType: BookingType, candidate: Bookmark): boolean {
  const current = bookmarks.get(bookingType);
  if (current && current.ms >= candidate.ms) return false;
  bookmarks.set(bookingType, candidate);
  return true;
}

/**
 * Set a bookmark where a read found it safe, even behind one given earlier in the same sync (which then turned out
 * not to be safe), or remove it (undefined: the partition had none). Returns whether anything changed.
 */
export function hold(bookmarks: Map<BookingType, Bookmark>, bookingType: BookingType, at: Bookmark | undefined): boolean {
  const current = bookmarks.get(bookingType);
  if (current?.ms === at?.ms && current?.value === at?.value) return false;
  if (at) bookmarks.set(bookingType, at);
  else bookmarks.delete(bookingType);
  return true;
}

/**
 * A bookmark later than now would make every sync read nothing (its window would start after its end) and be written
 * back unchanged for ever: such a state is refused, naming the file and the value.
 */
export function rejectFutureBookmarks(bookmarks: Bookmarks, now: number, source: string): void {
  for (const [bookingType, bookmark] of bookmarks) {
    if (bookmark.ms <= now) continue;
    throw new StateError(
      `State file ${source}: the ${bookingType} bookmark ${bookmark.value} is later than now (${new Date(now).toISOString()}). A sync from it would read nothing, and write it back; correct or remove it (a bookmark says every record modified before it has been loaded).`,
    );
  }
}

/**
 * Read a whole Singer state (as Meltano passes it), or a STATE message, and return this stream's bookmarks
 * plus the state of other streams, to be passed through untouched.
 */
export function parseSingerState(raw: unknown, source: string): { bookmarks: Map<BookingType, Bookmark>; otherStreams: Record<string, unknown> } {
  let state = raw;
  if (isPlainObject(state) && state.type === 'STATE' && 'value' in state) state = state.value;
  if (!isPlainObject(state)) throw new StateError(`State file ${source} must hold a JSON object with "bookmarks", not ${Array.isArray(state) ? 'an array' : JSON.stringify(state)}.`);
  if (Object.keys(state).length === 0) return { bookmarks: new Map(), otherStreams: {} };
  if (!('bookmarks' in state)) throw new StateError(`State file ${source} has no "bookmarks" key; expected {"bookmarks": {"${STREAM_NAME}": {"partitions": [...]}}} (see sample-state.json).`);
  if (!isPlainObject(state.bookmarks)) throw new StateError(`State file ${source}: "bookmarks" must be an object.`);
  const { [STREAM_NAME]: ours, ...otherStreams } = state.bookmarks;
  if (ours === undefined) {
    const others = Object.keys(otherStreams);
    if (others.length > 0) throw new StateError(`State file ${source} holds bookmarks for ${others.map((s) => `"${s}"`).join(', ')}, not for "${STREAM_NAME}": it belongs to another tap or stream.`);
    return { bookmarks: new Map(), otherStreams };
  }
  return { bookmarks: parseStreamState(ours, `${source} (bookmarks.${STREAM_NAME})`), otherStreams };
}

/** Read one stream's state: the partitions layout, or a single bookmark for all booking types. */
export function parseStreamState(raw: unknown, source: string): Map<BookingType, Bookmark> {
  const bookmarks = new Map<BookingType, Bookmark>();
  if (!isPlainObject(raw)) throw new StateError(`State ${source} must be an object with "partitions".`);
  if ('replication_key_value' in raw && !('partitions' in raw)) {
    // An unpartitioned bookmark (e.g. from an earlier layout) applies to every booking type.
    const b = readBookmark(raw, source);
    if (b) for (const t of ['FLIGHT', 'HOTEL', 'CAR', 'RAIL'] as const) bookmarks.set(t, b);
    return bookmarks;
  }
  // Anything else but {} (no bookmarks yet) would silently mean "no bookmarks", and a full sync from start_date.
  if (!('partitions' in raw) && Object.keys(raw).length > 0) {
    throw new StateError(`State ${source} has no "partitions" (it holds ${Object.keys(raw).map((k) => `"${k}"`).join(', ')}); expected {"partitions": [{"context": {"bookingType": "FLIGHT"}, "replication_key": "${REPLICATION_KEY}", "replication_key_value": "2024-01-01T00:00:00Z"}]} (see sample-state.json).`);
  }
  const partitions = raw.partitions ?? [];
  if (!Array.isArray(partitions)) throw new StateError(`State ${source}: "partitions" must be an array.`);
  const listedAt = new Map<string, number>();
  partitions.forEach((p, i) => {
    const where = `${source} partitions[${i}]`;
    if (!isPlainObject(p) || !isPlainObject(p.context) || typeof p.context.bookingType !== 'string') {
      throw new StateError(`State ${where} must have a context with a bookingType, e.g. {"context": {"bookingType": "FLIGHT"}, ...}.`);
    }
    const type = p.context.bookingType;
    const earlier = listedAt.get(type);
    if (earlier !== undefined) throw new StateError(`State ${source} lists ${type} twice (partitions[${earlier}] and partitions[${i}]); keep one (the earlier bookmark is the safe choice: it reads again rather than skips).`);
    listedAt.set(type, i);
    const b = readBookmark(p, where);
    if (b) bookmarks.set(type as BookingType, b);
  });
  return bookmarks;
}

function readBookmark(p: Record<string, unknown>, where: string): Bookmark | undefined {
  if (p.replication_key !== undefined && p.replication_key !== REPLICATION_KEY) {
    throw new StateError(`State ${where} has replication_key ${JSON.stringify(p.replication_key)}, but this stream replicates on "${REPLICATION_KEY}".`);
  }
  const value = p.replication_key_value;
  if (value === undefined || value === null) return undefined;
  const ms = typeof value === 'string' ? parseDateTime(value) : undefined;
  if (ms === undefined) throw new StateError(`State ${where} has replication_key_value ${JSON.stringify(value)}, which is not an ISO-8601 date-time.`);
  return { value: value as string, ms };
}
