import type { BookingType } from '../config/options.js';
import { StateError } from '../errors.js';
import { isPlainObject } from '../io/read-json-file.js';
import { STREAM_NAME } from '../stream.js';
import { parseStreamState, type Bookmark } from './bookmarks.js';

/**
 * Read Airbyte state input: the array of AirbyteStateMessage (PyAirbyte passes [] on a first run), a single one,
 * or legacy {"data": ...}. Only the bookings STREAM state matters; its stream_state is our Singer stream state.
 */
export function readAirbyteState(raw: unknown, source: string): Map<BookingType, Bookmark> {
  if (!Array.isArray(raw) && !isPlainObject(raw)) throw new StateError(`State file ${source} must hold an array of Airbyte state messages (or one), not ${JSON.stringify(raw)}.`);
  const messages = Array.isArray(raw) ? raw : Object.keys(raw).length > 0 ? [raw] : [];
  for (const [i, m] of messages.entries()) {
    const state = isPlainObject(m) && m.type === 'STATE' && isPlainObject(m.state) ? m.state : m;
    if (!isPlainObject(state)) throw new StateError(`State file ${source}: entry ${i} is not an object.`);
    if (state.type === 'STREAM' || isPlainObject(state.stream)) {
      const stream = state.stream as Record<string, unknown> | undefined;
      const name = isPlainObject(stream?.stream_descriptor) ? stream.stream_descriptor.name : undefined;
      if (name !== STREAM_NAME) continue;
      if (stream?.stream_state === undefined || stream.stream_state === null) return new Map();
      return parseStreamState(stream.stream_state, `${source} (stream_state of "${STREAM_NAME}")`);
    }
    if (state.type === 'GLOBAL') throw new StateError(`State file ${source} holds GLOBAL state; this source writes per-stream (STREAM) state.`);
    if (isPlainObject(state.data)) {
      const data = state.data;
      const ours = isPlainObject(data.bookmarks) ? data.bookmarks[STREAM_NAME] : data[STREAM_NAME];
      if (ours !== undefined) return parseStreamState(ours, `${source} (legacy data)`);
      continue;
    }
    if (isPlainObject(state.bookmarks) || 'partitions' in state) {
      const ours = isPlainObject(state.bookmarks) ? state.bookmarks[STREAM_NAME] : state;
      if (ours !== undefined) return parseStreamState(ours, source);
      continue;
    }
    throw new StateError(`State file ${source}: entry ${i} is not an Airbyte state message (expected {"type": "STREAM", "stream": {"stream_descriptor": {"name": "${STREAM_NAME}"}, "stream_state": {...}}}).`);
  }
  return new Map();
}
