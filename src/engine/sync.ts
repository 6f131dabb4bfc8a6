import { setMaxListeners } from 'node:events';
import type { BookingType, TapConfig } from '../config/options.js';
import { InterruptedError, isTapError } from '../errors.js';
import { advance, hold, toStreamState, type Bookmark, type StreamState } from '../state/bookmarks.js';
import { Channel } from '../util/channel.js';
import { formatDateTime } from '../util/time.js';
import { readPartition, type PartitionEvent, type PartitionStats, type ReadingParts } from './partition-reader.js';
import type { BookingRecord } from './record-check.js';

/** What the engine tells a protocol writer. It knows nothing of Singer or Airbyte. */
export type SyncEvent =
  | { type: 'partition-started'; bookingType: BookingType; from: number; to: number }
  /** `raw` holds each record's JSON as the API sent it (UTF-8, one line, its selected members): what writers copy. */
  | { type: 'records'; bookingType: BookingType; records: BookingRecord[]; raw: Uint8Array[] }
  /** Safe to persist: every record it vouches for was yielded (and so written) before it. */
  | { type: 'state'; state: StreamState }
  | { type: 'partition-completed'; bookingType: BookingType; stats: PartitionStats };

export interface SyncOptions extends ReadingParts {
  config: TapConfig;
  /** Bookmarks from the input state (ignored for a full refresh). */
  bookmarks: ReadonlyMap<BookingType, Bookmark>;
  /** The moment the sync started, epoch ms: the default window end, fixed for the whole run. */
  syncStart: number;
  fullRefresh?: boolean;
}

/**
 * Where every window ends: end_date or the sync start, whichever is earlier, rounded down to a whole second and at
 * least window_end_lag_seconds (1 by default) before the sync started. Records modified while the sync runs then fall
 * outside the API's window whether it treats the end as inclusive or not, at any precision, which the drift check
 * relies on; they are read by the next sync. That holds while the API's clock, which stamps lastModified, lags this
 * machine's by less than the lag (see ClockLagWatch).
 */
export function windowEnd(config: Pick<TapConfig, 'endDate' | 'windowEndLagSeconds'>, syncStart: number): number {
  const latest = Math.floor(syncStart / 1000) * 1000 - config.windowEndLagSeconds * 1000;
  return Math.min(Math.floor((config.endDate ?? latest) / 1000) * 1000, latest);
}

/** The window for one booking type: from the bookmark (less the lookback) or start_date, to windowEnd(). */
export function windowFor(bookingType: BookingType, options: Pick<SyncOptions, 'config' | 'bookmarks' | 'syncStart' | 'fullRefresh'>): { from: number; to: number } {
  const { config } = options;
  const bookmark = options.fullRefresh ? undefined : options.bookmarks.get(bookingType);
  const from = bookmark ? bookmark.ms - config.lookbackWindowSeconds * 1000 : config.startDate;
  return { from, to: windowEnd(config, options.syncStart) };
}

/**
 * The whole sync as a stream of events: booking types are read in parallel (each a partition with its own bookmark),
 * their pages interleaved. A bookmark is applied only after the records before it have been handed to the writer,
 * which is what lets every STATE vouch only for records already written.
 */
export async function* runSync(options: SyncOptions): AsyncGenerator<SyncEvent> {
  const { config, logger } = options;
  const bookmarks = new Map<BookingType, Bookmark>(options.fullRefresh ? [] : options.bookmarks);
  const controller = new AbortController();
  // Every request requested ahead (and every retry wait) listens on this signal: about max_concurrency in all, plus
  // a few per booking type (the window check, a page taken out of turn). Node warns of a leak past 10 listeners, which
  // here is simply concurrency.
  setMaxListeners(config.maxConcurrency + 4 * config.bookingTypes.length + 10, controller.signal);
  const onOuterAbort = (): void => controller.abort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const channel = new Channel<PartitionEvent | { kind: 'started'; bookingType: BookingType; from: number; to: number }>(config.bookingTypes.length * 2);
  const state = (): SyncEvent => ({ type: 'state', state: toStreamState(bookmarks, config.bookingTypes) });

  // max_concurrency is one number with one meaning, requests in flight (the RequestGate enforces it). Each booking
  // type being read keeps pages requested ahead for its share of it, so those waiting behind the gate stay near it
  // however many types there are; a type that finishes leaves its share to the others.
  let reading = config.bookingTypes.length;
  const readAheadShare = (): number => Math.max(1, Math.ceil(config.maxConcurrency / Math.max(1, reading)));
  const tasks = config.bookingTypes.map(async (bookingType) => {
    const { from, to } = windowFor(bookingType, { ...options, bookmarks });
    await channel.push({ kind: 'started', bookingType, from, to });
    if (from > to) {
      logger.info(`${bookingType}: nothing to read (window starts ${formatDateTime(from)}, after its end ${formatDateTime(to)}).`);
      await channel.push({ kind: 'done', bookingType, bookmark: undefined, hold: false, stats: { pages: 0, records: 0, filtered: 0, rewinds: 0, requests: 0, sorted: true, pagination: config.pagination === 'keyset' ? 'keyset' : 'page_number' } });
      return;
    }
    logger.info(`${bookingType}: reading bookings modified from ${formatDateTime(from)} to ${formatDateTime(to)}.`);
    try {
      for await (const event of readPartition({ bookingType, from, to }, { ...options, signal: controller.signal, readAheadShare })) {
        await channel.push(event);
      }
    } finally {
      reading--;
    }
  });
  let firstError: unknown;
  const all = Promise.all(
    tasks.map((t) =>
      t.catch((err: unknown) => {
        if (firstError === undefined) firstError = controller.signal.aborted && options.signal?.aborted ? new InterruptedError('The sync was interrupted.') : err;
        controller.abort();
      }),
    ),
  ).then(() => channel.close(firstError));

  try {
    for await (const event of channel) {
      if (event.kind === 'started') {
        yield { type: 'partition-started', bookingType: event.bookingType, from: event.from, to: event.to };
      } else if (event.kind === 'page') {
        if (event.records.length > 0) yield { type: 'records', bookingType: event.bookingType, records: event.records, raw: event.raw };
        if (event.bookmark && advance(bookmarks, event.bookingType, event.bookmark)) yield state();
      } else {
        if (event.hold ? hold(bookmarks, event.bookingType, event.bookmark ?? (options.fullRefresh ? undefined : options.bookmarks.get(event.bookingType))) : event.bookmark && advance(bookmarks, event.bookingType, event.bookmark)) yield state();
        yield { type: 'partition-completed', bookingType: event.bookingType, stats: event.stats };
      }
    }
  } catch (err) {
    if (options.signal?.aborted && !isTapError(err)) throw new InterruptedError('The sync was interrupted.', { cause: err });
    throw err;
  } finally {
    controller.abort();
    channel.close();
    options.signal?.removeEventListener('abort', onOuterAbort);
    await all;
  }
  // One final state, whether or not anything moved: Singer targets and Airbyte expect to end on one.
  yield state();
}
