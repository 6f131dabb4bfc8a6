import type { FailureType } from '../errors.js';
import type { Output } from '../io/message-writer.js';
import type { ProtocolEncoder } from './encoder.js';
import type { StreamState } from '../state/bookmarks.js';
import { STREAM_NAME } from '../stream.js';
import { recordLines } from './record-lines.js';

/** Airbyte protocol message builders: each returns one line of JSON. */

export type StreamStatus = 'STARTED' | 'RUNNING' | 'COMPLETE' | 'INCOMPLETE';
export type AirbyteLogLevel = 'FATAL' | 'ERROR' | 'WARN' | 'INFO' | 'DEBUG' | 'TRACE';

const descriptor = { name: STREAM_NAME };

export function specMessage(spec: object): string {
  return JSON.stringify({ type: 'SPEC', spec });
}

export function connectionStatusMessage(status: 'SUCCEEDED' | 'FAILED', message?: string): string {
  return JSON.stringify({ type: 'CONNECTION_STATUS', connectionStatus: message === undefined ? { status } : { status, message } });
}

export function catalogMessage(catalog: object): string {
  return JSON.stringify({ type: 'CATALOG', catalog });
}

const RECORD_PREFIX = `{"type":"RECORD","record":{"stream":${JSON.stringify(STREAM_NAME)},"data":`;

/** A page of RECORD messages, each record copied from its bytes. */
export function recordMessages(raw: readonly Uint8Array[], emittedAt: number): Output[] {
  return [recordLines(RECORD_PREFIX, `,"emitted_at":${emittedAt}}}`, raw)];
}

export function streamStateMessage(streamState: StreamState, recordCount: number): string {
  return JSON.stringify({
    type: 'STATE',
    state: { type: 'STREAM', stream: { stream_descriptor: descriptor, stream_state: streamState }, sourceStats: { recordCount } },
  });
}

export function streamStatusMessage(status: StreamStatus, emittedAt = Date.now(), stream = STREAM_NAME): string {
  return JSON.stringify({ type: 'TRACE', trace: { type: 'STREAM_STATUS', emitted_at: emittedAt, stream_status: { stream_descriptor: { name: stream }, status } } });
}

export function errorTraceMessage(error: { message: string; internalMessage?: string | undefined; failureType: FailureType; stackTrace?: string | undefined; stream?: boolean }, emittedAt = Date.now()): string {
  return JSON.stringify({
    type: 'TRACE',
    trace: {
      type: 'ERROR',
      emitted_at: emittedAt,
      error: {
        message: error.message,
        ...(error.internalMessage ? { internal_message: error.internalMessage } : {}),
        ...(error.stackTrace ? { stack_trace: error.stackTrace } : {}),
        failure_type: error.failureType,
        ...(error.stream ? { stream_descriptor: descriptor } : {}),
      },
    },
  });
}

export function logMessage(level: AirbyteLogLevel, message: string): string {
  return JSON.stringify({ type: 'LOG', log: { level, message } });
}

/** Airbyte messages for engine events: RECORD, per-stream STATE with sourceStats, STREAM_STATUS traces. */
export function airbyteEncoder(): ProtocolEncoder {
  let recordsSinceState = 0;
  let running = false;
  let started = 0;
  let completed = 0;
  return {
    begin: () => [streamStatusMessage('STARTED')],
    encode(event) {
      if (event.type === 'partition-started') started++;
      if (event.type === 'partition-completed') completed++;
      if (event.type === 'records') {
        const lines = recordMessages(event.raw, Date.now());
        recordsSinceState += event.raw.length;
        if (!running) {
          running = true;
          lines.unshift(streamStatusMessage('RUNNING'));
        }
        return lines;
      }
      if (event.type === 'state') {
        const line = streamStateMessage(event.state, recordsSinceState);
        recordsSinceState = 0;
        return [line];
      }
      return [];
    },
    end: () => [streamStatusMessage(completed === started ? 'COMPLETE' : 'INCOMPLETE')],
    failed: () => [streamStatusMessage('INCOMPLETE')],
  };
}
