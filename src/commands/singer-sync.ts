import type { Writable } from 'node:stream';
import { driveSync } from '../app/drive-sync.js';
import { createRuntime } from '../app/runtime.js';
import { selectSchema } from '../catalog/bookings-schema.js';
import { WHOLE_STREAM } from '../catalog/selection.js';
import { selectionFromCatalog } from '../catalog/singer-catalog.js';
import { loadConfig } from '../config/load-config.js';
import { CatalogError, StateError } from '../errors.js';
import { MessageWriter, stdoutWriter } from '../io/message-writer.js';
import { readJsonFile } from '../io/read-json-file.js';
import type { Logger } from '../logging/logger.js';
import { systemClock, type Clock } from '../util/clock.js';
import { singerEncoder } from '../protocol/singer.js';
import { parseSingerState, rejectFutureBookmarks, toStreamState, type Bookmarks } from '../state/bookmarks.js';

export interface SingerSyncArgs {
  config: string[];
  /** Where messages go; stdout unless a test says otherwise. */
  out?: Writable;
  state?: string | undefined;
  catalog?: string | undefined;
  /** The time as the sync sees it; the system clock unless a test says otherwise. */
  clock?: Clock;
}

/** `tap-bookings --config c.json [--state s.json] [--catalog cat.json]`: sync and write Singer messages to stdout. */
export async function singerSync(args: SingerSyncArgs, logger: Logger, signal: AbortSignal): Promise<void> {
  const config = loadConfig(args.config, { logger });
  const { bookmarks, otherStreams } = args.state ? parseSingerState(readJsonFile(args.state, 'State', StateError), args.state) : { bookmarks: new Map() as Bookmarks, otherStreams: {} };
  const selection = args.catalog ? selectionFromCatalog(readJsonFile(args.catalog, 'Catalog', CatalogError), args.catalog) : WHOLE_STREAM;
  if (!selection.selected) {
    logger.info('The bookings stream is not selected in the catalog; nothing to sync.');
    return;
  }
  if (args.state) rejectFutureBookmarks(bookmarks, (args.clock ?? systemClock).now(), args.state);
  const runtime = createRuntime(config, logger, args.clock);
  try {
    const encoder = singerEncoder(selectSchema(runtime.personal.schema, selection.properties), otherStreams, toStreamState(bookmarks, config.bookingTypes));
    await driveSync(runtime, encoder, args.out ? new MessageWriter(args.out) : stdoutWriter(), { bookmarks, selection, signal });
  } finally {
    runtime.close();
  }
}
