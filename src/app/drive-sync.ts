import type { Selection } from '../catalog/selection.js';
import type { BookingType } from '../config/options.js';
import { InterruptedError } from '../errors.js';
import { ProgressReporter } from '../engine/progress.js';
import { runSync, windowEnd, type SyncEvent } from '../engine/sync.js';
import type { MessageWriter, Output } from '../io/message-writer.js';
import type { ProtocolEncoder } from '../protocol/encoder.js';
import type { Bookmark } from '../state/bookmarks.js';
import { formatDateTime } from '../util/time.js';
import type { Runtime } from './runtime.js';

export interface DriveOptions {
  bookmarks: ReadonlyMap<BookingType, Bookmark>;
  selection: Selection;
  signal: AbortSignal;
  syncStart?: number;
  progressIntervalMs?: number;
}

/**
 * Runs the engine and writes what the encoder makes of each event, in order, through the one stdout writer.
 * Shared by the Singer and Airbyte commands so that no behaviour exists in one protocol's path only.
 */
export async function driveSync(runtime: Runtime, encoder: ProtocolEncoder, writer: MessageWriter, options: DriveOptions): Promise<ProgressReporter> {
  const { config, logger, api, checker, clock } = runtime;
  const syncStart = options.syncStart ?? clock.now();
  const progress = new ProgressReporter(logger, options.progressIntervalMs);
  logger.info(`Starting sync of ${config.bookingTypes.join(', ')} from ${config.baseUrl} (window end ${formatDateTime(windowEnd(config, syncStart))}).`);
  progress.start();
  let outcome = 'failed';
  // A page's records are held until the next event, so that they and the STATE that usually follows them are
  // written together; order is kept, so a STATE still follows the records it vouches for.
  const held: Output[] = [];
  try {
    await writer.write(encoder.begin());
    // A signal that came before the engine listens for one (while inputs and modules were loading) stops the sync
    // here, before its first request; the engine would only see later ones.
    if (options.signal.aborted) throw new InterruptedError('The sync was interrupted before it started.');
    for await (const event of runSync({ config, bookmarks: options.bookmarks, syncStart, source: api, checker, logger, clock, properties: options.selection.properties, editor: runtime.personal.editor, fullRefresh: options.selection.syncMode === 'full_refresh', signal: options.signal })) {
      progress.observe(event);
      if (event.type === 'records' && held.length > 0) await writer.write(held.splice(0));
      held.push(...encoder.encode(event, { timeExtracted: new Date().toISOString() }));
      if (event.type !== 'records') await writer.write(held.splice(0));
    }
    await writer.write(held.splice(0));
    await writer.write(encoder.end());
    await writer.flush();
    outcome = 'finished';
  } catch (err) {
    if (!writer.closed) {
      await writer.write([...held, ...encoder.failed(err)]).catch(() => undefined);
      await writer.flush();
    }
    throw err;
  } finally {
    progress.stop();
    runtime.metrics.logTotals();
    const t = progress.totals();
    logger.info(`Sync ${options.signal.aborted ? 'interrupted' : outcome}: ${t.records} records (${Object.entries(t.byType).map(([k, v]) => `${k} ${v}`).join(', ')}) in ${t.seconds.toFixed(1)} s, ${runtime.metrics.requests} API requests, ${api.stats.retries} retries, ${runtime.auth.tokenRequests} token requests.`);
  }
  return progress;
}
