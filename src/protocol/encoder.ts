import type { SyncEvent } from '../engine/sync.js';
import type { Output } from '../io/message-writer.js';

/** Turns engine events into protocol lines. One implementation per protocol; none does I/O. */
export interface ProtocolEncoder {
  begin(): Output[];
  encode(event: SyncEvent, context: { timeExtracted: string }): Output[];
  /** Lines after a successful sync. */
  end(): Output[];
  /** Lines after a failed or interrupted sync (everything written before stays valid). */
  failed(error: unknown): Output[];
}
