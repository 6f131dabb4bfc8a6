import { PassThrough } from 'node:stream';
import { read } from '../../src/commands/airbyte.js';
import { singerSync } from '../../src/commands/singer-sync.js';
import { InterruptedError } from '../../src/errors.js';
import type { Clock } from '../../src/util/clock.js';
import { tempDir, writeJson } from './cli.js';
import { CONFIGURED_CATALOG } from './modes.js';
import { memoryLogger } from './quiet-logger.js';
import { assertNoSecrets, secretsOf } from './secrets.js';

export interface InProcessResult {
  messages: Array<Record<string, any>>;
  /** Every output line as written (what stdout would hold). */
  stdout: string[];
  /** Output lines that are not JSON (none may be: every message is one line). */
  nonJson: string[];
  error: unknown;
  log: string[];
  /** Every wait the sync asked its clock for (retries, Retry-After, rate limits), in ms. */
  slept: number[];
}

export interface InProcessOptions {
  /**
   * Moves the sync's clock forward: a second sync can then see records changed a moment ago without the test waiting
   * for the window end (a second before the sync starts) to pass them.
   */
  aheadMs?: number;
  /** The catalog: Singer's (--catalog), or Airbyte's configured catalog (the one of support/modes.ts by default). */
  catalog?: unknown;
  /** Called for every message the sync writes, as it writes it (to act mid-sync). */
  onMessage?: (message: Record<string, any>) => void;
}

/**
 * The tap's time in an in-process sync: the real time (plus `aheadMs`), and waits that end at once, moving the clock
 * on by what they waited, so retries and pauses cost no wall time and still see time pass.
 */
export function skippingClock(aheadMs = 0): Clock & { slept: number[] } {
  const slept: number[] = [];
  let skipped = aheadMs;
  return {
    slept,
    now: () => Date.now() + skipped,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw new InterruptedError('Interrupted.');
      slept.push(ms);
      skipped += Math.max(0, ms);
      await new Promise((r) => setImmediate(r));
    },
  };
}

/**
 * A sync run in this process, over real HTTP (to the sandbox), with the same command code the CLI runs: Singer
 * (`tap-bookings --config`) or Airbyte (`read` with the configured catalog of support/modes.ts). As runCli does, it
 * rejects output, logs or an error message holding the config's client secret or hash key, or a sandbox access token.
 */
export async function syncInProcess(protocol: 'singer' | 'airbyte', config: Record<string, unknown>, state?: unknown, options: InProcessOptions = {}): Promise<InProcessResult> {
  const dir = tempDir();
  const out = new PassThrough();
  const messages: Array<Record<string, any>> = [];
  const nonJson: string[] = [];
  const lines: string[] = [];
  let partial = '';
  out.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop()!;
    for (const line of parts.filter(Boolean)) {
      lines.push(line);
      let message: Record<string, any>;
      try {
        message = JSON.parse(line) as Record<string, any>;
      } catch {
        nonJson.push(line);
        continue;
      }
      messages.push(message);
      options.onMessage?.(message);
    }
  });
  const clock = skippingClock(options.aheadMs);
  const logger = memoryLogger('info');
  const configPath = writeJson(dir, 'config.json', config);
  const statePath = state === undefined ? undefined : writeJson(dir, 'state.json', state);
  let error: unknown;
  try {
    if (protocol === 'singer') {
      const catalog = options.catalog === undefined ? undefined : writeJson(dir, 'catalog.json', options.catalog);
      await singerSync({ config: [configPath], state: statePath, catalog, out, clock }, logger, new AbortController().signal);
    } else {
      await read({ config: configPath, catalog: writeJson(dir, 'catalog.json', options.catalog ?? CONFIGURED_CATALOG), state: statePath, out, clock }, logger, new AbortController().signal);
    }
  } catch (err) {
    error = err;
  }
  if (partial) {
    lines.push(partial);
    nonJson.push(partial);
  }
  const report = error === undefined ? '' : error instanceof Error ? error.message : String(error);
  assertNoSecrets(`${lines.join('\n')}\n${logger.lines.join('\n')}\n${report}`, secretsOf(['--config', configPath]), 'The output of an in-process sync');
  return { messages, stdout: lines, nonJson, error, log: logger.lines, slept: clock.slept };
}

/** A Singer sync run in this process (see syncInProcess). */
export function singerSyncInProcess(config: Record<string, unknown>, state?: unknown, options: InProcessOptions = {}): Promise<InProcessResult> {
  return syncInProcess('singer', config, state, options);
}

/** Both protocols, for tests that run the same scenario in each, in process. */
export const PROTOCOLS = ['singer', 'airbyte'] as const;
