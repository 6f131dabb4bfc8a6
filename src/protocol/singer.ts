import type { Output } from '../io/message-writer.js';
import type { ProtocolEncoder } from './encoder.js';
import type { StreamState } from '../state/bookmarks.js';
import { PRIMARY_KEY, REPLICATION_KEY, STREAM_NAME } from '../stream.js';
import { recordLines } from './record-lines.js';

/** Singer message builders: each returns one line of JSON. Writing them is MessageWriter's job. */

export function schemaMessage(schema: object): string {
  return JSON.stringify({ type: 'SCHEMA', stream: STREAM_NAME, schema, key_properties: [PRIMARY_KEY], bookmark_properties: [REPLICATION_KEY] });
}

/** The fixed part of every RECORD line, built once. */
const RECORD_PREFIX = `{"type":"RECORD","stream":${JSON.stringify(STREAM_NAME)},"record":`;

/** A page of RECORD messages, each record copied from its bytes. */
export function recordMessages(raw: readonly Uint8Array[], timeExtracted: string): Output[] {
  return [recordLines(RECORD_PREFIX, `,"time_extracted":"${timeExtracted}"}`, raw)];
}

/** The whole Singer state: this stream's bookmarks plus any other streams' state passed through from the input. */
export function singerStateValue(stream: StreamState, otherStreams: Record<string, unknown> = {}): object {
  return { bookmarks: { ...otherStreams, [STREAM_NAME]: stream } };
}

export function stateMessage(value: object): string {
  return JSON.stringify({ type: 'STATE', value });
}

/** Singer messages for engine events: SCHEMA first, RECORDs, and STATE carrying the whole Singer state. */
export function singerEncoder(schema: object, otherStreams: Record<string, unknown>, initial: StreamState): ProtocolEncoder {
  let last = initial;
  return {
    begin: () => [schemaMessage(schema)],
    encode(event, { timeExtracted }) {
      if (event.type === 'records') return recordMessages(event.raw, timeExtracted);
      if (event.type === 'state') {
        last = event.state;
        return [stateMessage(singerStateValue(event.state, otherStreams))];
      }
      return [];
    },
    end: () => [],
    failed: () => [stateMessage(singerStateValue(last, otherStreams))],
  };
}
