import { airbyteCatalog } from '../../src/catalog/airbyte-catalog.js';
import { connectorSpec } from '../../src/config/spec.js';
import * as airbyte from '../../src/protocol/airbyte.js';
import { toStreamState } from '../../src/state/bookmarks.js';
import { airbyteMessageValidator } from '../support/airbyte-protocol.js';

/**
 * test/support/airbyte-message.schema.json, which every Airbyte-mode CLI test validates against: it accepts what the
 * message builders produce and rejects each kind of malformed message, for the reason meant.
 */

type Msg = Record<string, any>;
const EMITTED_AT = 1738555506007;
const RECORDS = [{ uuid: 'a', lastModified: '2025-01-01T00:00:00Z', price: 10.5 }, { uuid: 'b', lastModified: '2025-01-02T00:00:00Z', nested: { x: [1, null] } }];
const STATE = toStreamState(
  new Map([
    ['FLIGHT', { value: '2025-01-01T00:00:00Z', ms: Date.parse('2025-01-01T00:00:00Z') }],
    ['HOTEL', { value: '2025-01-02T00:00:00.123+01:00', ms: Date.parse('2025-01-02T00:00:00.123+01:00') }],
  ]),
  ['FLIGHT', 'HOTEL'],
);

/** The builders' output as parsed messages: strings are one line each, byte blocks hold newline-ended lines. */
function parsed(out: string | ReadonlyArray<string | Uint8Array>): Msg[] {
  const parts = typeof out === 'string' ? [out] : out;
  return parts.flatMap((p) => (typeof p === 'string' ? [p] : Buffer.from(p).toString('utf8').split('\n').slice(0, -1))).map((l) => JSON.parse(l) as Msg);
}

const VALID: Array<[string, Msg[]]> = [
  ['SPEC from spec.json', parsed(airbyte.specMessage(connectorSpec()))],
  ['CONNECTION_STATUS SUCCEEDED', parsed(airbyte.connectionStatusMessage('SUCCEEDED'))],
  ['CONNECTION_STATUS FAILED with a message', parsed(airbyte.connectionStatusMessage('FAILED', 'The token request was rejected: invalid_client.'))],
  ['CATALOG of discover', parsed(airbyte.catalogMessage(airbyteCatalog()))],
  ['RECORDs copied from their bytes', parsed(airbyte.recordMessages(RECORDS.map((r) => Buffer.from(JSON.stringify(r))), EMITTED_AT))],
  ['STATE of a stream with bookmarks', parsed(airbyte.streamStateMessage(STATE, 2))],
  ['STATE of a stream with none yet', parsed(airbyte.streamStateMessage({ partitions: [] }, 0))],
  ...(['STARTED', 'RUNNING', 'COMPLETE', 'INCOMPLETE'] as const).map((s): [string, Msg[]] => [`TRACE STREAM_STATUS ${s}`, parsed(airbyte.streamStatusMessage(s, EMITTED_AT))]),
  ...(['config_error', 'system_error', 'transient_error'] as const).map((failureType): [string, Msg[]] => [`TRACE ERROR ${failureType}, message only`, parsed(airbyte.errorTraceMessage({ message: 'It failed.', failureType }))]),
  ['TRACE ERROR with every optional field', parsed(airbyte.errorTraceMessage({ message: 'It failed.', internalMessage: 'HTTPError', stackTrace: 'Error: x\n    at y', failureType: 'transient_error', stream: true }, EMITTED_AT))],
  ...(['FATAL', 'ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE'] as const).map((level): [string, Msg[]] => [`LOG ${level}`, parsed(airbyte.logMessage(level, `a ${level} line`))]),
];

const one = (name: string): Msg => structuredClone(VALID.find(([n]) => n === name)![1][0]!);
const without = (m: Msg, path: string[], key: string): Msg => {
  let at = m;
  for (const p of path) at = at[p];
  delete at[key];
  return m;
};
const set = (m: Msg, path: string[], value: unknown): Msg => {
  let at = m;
  for (const p of path.slice(0, -1)) at = at[p];
  at[path.at(-1)!] = value;
  return m;
};

/** [what is wrong, the message, the instancePath and keyword of the error that must be among ajv's]. */
const INVALID: Array<[string, Msg, { instancePath: string; keyword: string }]> = [
  ['no type', without(one('RECORDs copied from their bytes'), [], 'type'), { instancePath: '', keyword: 'required' }],
  ['a type the protocol does not have', set(one('LOG INFO'), ['type'], 'NOTICE'), { instancePath: '/type', keyword: 'enum' }],
  ['a protocol type this source never emits', { type: 'CONTROL', control: { type: 'CONNECTOR_CONFIG', emitted_at: EMITTED_AT, connectorConfig: { config: {} } } }, { instancePath: '/type', keyword: 'enum' }],
  ['the payload of a type this source never emits', { ...one('LOG INFO'), control: { type: 'CONNECTOR_CONFIG', emitted_at: EMITTED_AT } }, { instancePath: '/control', keyword: 'not' }],
  ['RECORD without its record', without(one('RECORDs copied from their bytes'), [], 'record'), { instancePath: '', keyword: 'required' }],
  ['RECORD without emitted_at', without(one('RECORDs copied from their bytes'), ['record'], 'emitted_at'), { instancePath: '/record', keyword: 'required' }],
  ['RECORD with emitted_at as a date string', set(one('RECORDs copied from their bytes'), ['record', 'emitted_at'], '2025-02-03T04:05:06Z'), { instancePath: '/record/emitted_at', keyword: 'type' }],
  ['RECORD with fractional emitted_at', set(one('RECORDs copied from their bytes'), ['record', 'emitted_at'], 1.5), { instancePath: '/record/emitted_at', keyword: 'type' }],
  ['RECORD without stream', without(one('RECORDs copied from their bytes'), ['record'], 'stream'), { instancePath: '/record', keyword: 'required' }],
  ['RECORD whose data is an array', set(one('RECORDs copied from their bytes'), ['record', 'data'], [1, 2]), { instancePath: '/record/data', keyword: 'type' }],
  ['STATE with an unknown type', set(one('STATE of a stream with bookmarks'), ['state', 'type'], 'PER_STREAM'), { instancePath: '/state/type', keyword: 'enum' }],
  ['STATE of type STREAM without stream', without(one('STATE of a stream with bookmarks'), ['state'], 'stream'), { instancePath: '/state', keyword: 'required' }],
  ['STATE without stream_descriptor', without(one('STATE of a stream with bookmarks'), ['state', 'stream'], 'stream_descriptor'), { instancePath: '/state/stream', keyword: 'required' }],
  ['STATE whose stream_state is a string', set(one('STATE of a stream with bookmarks'), ['state', 'stream', 'stream_state'], '{}'), { instancePath: '/state/stream/stream_state', keyword: 'type' }],
  ['STATE whose recordCount is a string', set(one('STATE of a stream with bookmarks'), ['state', 'sourceStats', 'recordCount'], '2'), { instancePath: '/state/sourceStats/recordCount', keyword: 'type' }],
  ['TRACE ERROR with a bad failure_type', set(one('TRACE ERROR config_error, message only'), ['trace', 'error', 'failure_type'], 'fatal_error'), { instancePath: '/trace/error/failure_type', keyword: 'enum' }],
  ['TRACE ERROR without a message', without(one('TRACE ERROR config_error, message only'), ['trace', 'error'], 'message'), { instancePath: '/trace/error', keyword: 'required' }],
  ['TRACE ERROR without its error', without(one('TRACE ERROR config_error, message only'), ['trace'], 'error'), { instancePath: '/trace', keyword: 'required' }],
  ['TRACE without emitted_at', without(one('TRACE STREAM_STATUS RUNNING'), ['trace'], 'emitted_at'), { instancePath: '/trace', keyword: 'required' }],
  ['TRACE of an unknown type', set(one('TRACE STREAM_STATUS RUNNING'), ['trace', 'type'], 'PROGRESS'), { instancePath: '/trace/type', keyword: 'enum' }],
  ['TRACE STREAM_STATUS with an unknown status', set(one('TRACE STREAM_STATUS RUNNING'), ['trace', 'stream_status', 'status'], 'DONE'), { instancePath: '/trace/stream_status/status', keyword: 'enum' }],
  ['TRACE STREAM_STATUS without a stream name', without(one('TRACE STREAM_STATUS RUNNING'), ['trace', 'stream_status', 'stream_descriptor'], 'name'), { instancePath: '/trace/stream_status/stream_descriptor', keyword: 'required' }],
  ['CONNECTION_STATUS with status "OK"', set(one('CONNECTION_STATUS SUCCEEDED'), ['connectionStatus', 'status'], 'OK'), { instancePath: '/connectionStatus/status', keyword: 'enum' }],
  ['CONNECTION_STATUS with its payload in snake case', { type: 'CONNECTION_STATUS', connection_status: { status: 'SUCCEEDED' } }, { instancePath: '', keyword: 'required' }],
  ['LOG with level "VERBOSE"', set(one('LOG INFO'), ['log', 'level'], 'VERBOSE'), { instancePath: '/log/level', keyword: 'enum' }],
  ['LOG without a message', without(one('LOG INFO'), ['log'], 'message'), { instancePath: '/log', keyword: 'required' }],
  ['CATALOG stream without a sync mode', set(one('CATALOG of discover'), ['catalog', 'streams', '0', 'supported_sync_modes'], []), { instancePath: '/catalog/streams/0/supported_sync_modes', keyword: 'minItems' }],
  ['CATALOG stream with an unknown sync mode', set(one('CATALOG of discover'), ['catalog', 'streams', '0', 'supported_sync_modes'], ['cdc']), { instancePath: '/catalog/streams/0/supported_sync_modes/0', keyword: 'enum' }],
  ['CATALOG stream with a primary key of strings', set(one('CATALOG of discover'), ['catalog', 'streams', '0', 'source_defined_primary_key'], ['uuid']), { instancePath: '/catalog/streams/0/source_defined_primary_key/0', keyword: 'type' }],
  ['SPEC without connectionSpecification', without(one('SPEC from spec.json'), ['spec'], 'connectionSpecification'), { instancePath: '/spec', keyword: 'required' }],
  ['SPEC with a documentationUrl that is no URI', set(one('SPEC from spec.json'), ['spec', 'documentationUrl'], 'see the README'), { instancePath: '/spec/documentationUrl', keyword: 'format' }],
  ['SPEC with an unknown destination sync mode', set(one('SPEC from spec.json'), ['spec', 'supported_destination_sync_modes'], ['merge']), { instancePath: '/spec/supported_destination_sync_modes/0', keyword: 'enum' }],
];

describe('the Airbyte message schema', () => {
  const validate = airbyteMessageValidator();

  it.each(VALID)('accepts %s', (_name, messages) => {
    expect(messages.length).toBeGreaterThan(0);
    for (const m of messages) {
      const ok = validate(m);
      expect(ok ? [] : validate.errors).toEqual([]);
    }
  });

  it.each(INVALID)('rejects %s', (_name, message, expected) => {
    expect(validate(message)).toBe(false);
    expect(validate.errors).toContainEqual(expect.objectContaining(expected));
  });
});
