import type { Writable } from 'node:stream';
import { driveSync } from '../app/drive-sync.js';
import { createRuntime } from '../app/runtime.js';
import { airbyteCatalog, readConfiguredCatalog } from '../catalog/airbyte-catalog.js';
import { loadConfig } from '../config/load-config.js';
import { connectorSpec } from '../config/spec.js';
import { ApiDataError, CatalogError, isTapError, StateError } from '../errors.js';
import { parsePage } from '../http/page-body.js';
import { personalData } from '../privacy/personal-data.js';
import { readAirbyteState } from '../state/airbyte-state.js';
import { rejectFutureBookmarks } from '../state/bookmarks.js';
import { systemClock, type Clock } from '../util/clock.js';
import { UnusableBody } from '../http/request-with-retries.js';
import { MessageWriter, stdoutWriter } from '../io/message-writer.js';
import { readJsonFile } from '../io/read-json-file.js';
import type { Logger, LogLevel } from '../logging/logger.js';
import { airbyteEncoder, catalogMessage, connectionStatusMessage, errorTraceMessage, logMessage, specMessage, streamStatusMessage, type AirbyteLogLevel } from '../protocol/airbyte.js';
import { REPLICATION_KEY, STREAM_NAME } from '../stream.js';

const LEVELS: Record<LogLevel, AirbyteLogLevel> = { debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR' };

/**
 * In Airbyte mode logs travel as LOG messages on stdout (already redacted by the logger), through the same writer as
 * every other message, so they keep their place among them; a log line never waits (its write is queued).
 */
export function useAirbyteLogSink(logger: Logger, out: MessageWriter = stdoutWriter()): void {
  logger.setSink((level, message) => void out.write([logMessage(LEVELS[level], message)]).catch(() => undefined));
}

/** A failure as the TRACE ERROR Airbyte expects before a non-zero exit. */
export function reportAirbyteError(err: unknown, logger: Logger, out: MessageWriter = stdoutWriter()): void {
  const message = logger.redactor.redact(isTapError(err) ? err.message : `Unexpected error: ${err instanceof Error ? err.message : String(err)}`);
  const failureType = isTapError(err) ? err.failureType : 'system_error';
  const internal = isTapError(err) ? err.internalMessage : err instanceof Error ? err.name : undefined;
  const stack = logger.enabled('debug') && err instanceof Error ? logger.redactor.redact(err.stack ?? '') : undefined;
  void out.write([errorTraceMessage({ message, internalMessage: internal && logger.redactor.redact(internal), failureType, stackTrace: stack, stream: false })]).catch(() => undefined);
}

export async function spec(out: MessageWriter = stdoutWriter()): Promise<void> {
  const { connectionSpecification, documentationUrl, supportsIncremental, supported_destination_sync_modes } = connectorSpec();
  await out.write([specMessage({ documentationUrl, connectionSpecification, supportsIncremental, supported_destination_sync_modes })]);
}

/** CONNECTION_STATUS after getting a token and reading one page; FAILED carries a message a person can act on. */
export async function check(configPath: string, logger: Logger, signal: AbortSignal, out: MessageWriter = stdoutWriter()): Promise<void> {
  let runtime: ReturnType<typeof createRuntime> | undefined;
  try {
    const config = loadConfig([configPath], { logger });
    runtime = createRuntime({ ...config, maxRetries: Math.min(config.maxRetries, 1) }, logger);
    const bookingType = config.bookingTypes[0]!;
    const now = runtime.clock.now();
    const body = await runtime.api.fetchPage({ bookingType, page: config.firstPage, size: config.pageSize, from: config.startDate, to: config.endDate ?? now, signal });
    const page = parsePage(body.bytes, config.firstPage);
    if (page instanceof UnusableBody) throw new ApiDataError(`${body.describe}: ${page.reason}.`);
    logger.info(`Check: token accepted; ${bookingType} page ${config.firstPage} returned ${page.records.length} records${page.totalElements !== undefined ? ` of ${page.totalElements}` : ''}.`);
    await out.write([connectionStatusMessage('SUCCEEDED')]);
  } catch (err) {
    const message = isTapError(err) ? err.message : `Unexpected error: ${err instanceof Error ? err.message : String(err)}`;
    await out.write([connectionStatusMessage('FAILED', logger.redactor.redact(message))]);
  } finally {
    runtime?.close();
  }
}

export async function discover(configPath: string, logger: Logger, out: MessageWriter = stdoutWriter()): Promise<void> {
  const config = loadConfig([configPath], { logger });
  await out.write([catalogMessage(airbyteCatalog(personalData(config).schema))]);
}

export interface ReadArgs {
  config: string;
  /** Where messages go; stdout unless a test says otherwise. */
  out?: Writable;
  catalog: string;
  state?: string | undefined;
  /** The time as the sync sees it; the system clock unless a test says otherwise. */
  clock?: Clock;
}

export async function read(args: ReadArgs, logger: Logger, signal: AbortSignal): Promise<void> {
  const config = loadConfig([args.config], { logger });
  const { selection, unknownStreams, ignoredCursor } = readConfiguredCatalog(readJsonFile(args.catalog, 'Configured catalog', CatalogError), args.catalog);
  const out = args.out ? new MessageWriter(args.out) : stdoutWriter();
  if (unknownStreams.length > 0) {
    // As the Airbyte CDK does: the streams this source does not have are reported, the rest is read.
    logger.warn(`The configured catalog names ${unknownStreams.map((n) => `"${n}"`).join(', ')}, which this source does not have (it has "${STREAM_NAME}"): ${unknownStreams.length === 1 ? 'it is' : 'they are'} reported INCOMPLETE. Refresh the source's schema in the connection.`);
    await out.write(unknownStreams.map((name) => streamStatusMessage('INCOMPLETE', Date.now(), name)));
  }
  if (ignoredCursor) logger.warn(`The configured catalog sets cursor_field ${JSON.stringify(ignoredCursor)}; "${STREAM_NAME}" has a source-defined cursor, ["${REPLICATION_KEY}"], which is used instead.`);
  if (!selection.selected && unknownStreams.length > 0) {
    // Nothing of this source is left to read: that is a connection to fix, not a successful sync of nothing.
    throw new CatalogError(`Configured catalog ${args.catalog} names only streams this source does not have (${unknownStreams.map((n) => `"${n}"`).join(', ')}); its stream is "${STREAM_NAME}". Refresh the source's schema in the connection.`);
  }
  if (!selection.selected) {
    logger.info('The configured catalog selects no stream of this source; nothing to read.');
    return;
  }
  // A full refresh given a state resumes from it, as the Airbyte CDK does (the platform passes a state to a full
  // refresh only within one sync's attempts): the stream is declared resumable.
  const bookmarks = args.state ? readAirbyteState(readJsonFile(args.state, 'State', StateError), args.state) : new Map();
  if (args.state) rejectFutureBookmarks(bookmarks, (args.clock ?? systemClock).now(), args.state);
  const resuming = selection.syncMode === 'full_refresh' && bookmarks.size > 0;
  if (resuming) logger.info('Resuming a full refresh from the state it was given.');
  const runtime = createRuntime(config, logger, args.clock);
  try {
    await driveSync(runtime, airbyteEncoder(), out, { bookmarks, selection: resuming ? { ...selection, syncMode: 'incremental' } : selection, signal });
  } finally {
    runtime.close();
  }
}
