import { PassThrough } from 'node:stream';
import { singerSync } from '../../src/commands/singer-sync.js';
import { systemClock, type Clock } from '../../src/util/clock.js';
import { tempDir, writeJson } from './cli.js';
import { memoryLogger } from './quiet-logger.js';

export interface InProcessResult {
  messages: Array<Record<string, any>>;
  error: unknown;
  log: string[];
}

/**
 * A Singer sync run in this process, over real HTTP (to the sandbox), with the same command code the CLI runs.
 * `aheadMs` moves the sync's clock forward: a second sync can then see records changed a moment ago without the test
 * waiting for the window end (a second before the sync starts) to pass them.
 */
export async function singerSyncInProcess(config: Record<string, unknown>, state?: unknown, options: { aheadMs?: number } = {}): Promise<InProcessResult> {
  const dir = tempDir();
  const out = new PassThrough();
  const lines: string[] = [];
  let partial = '';
  out.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
  });
  const clock: Clock = { now: () => systemClock.now() + (options.aheadMs ?? 0), sleep: systemClock.sleep };
  const logger = memoryLogger('info');
  let error: unknown;
  try {
    await singerSync({ config: [writeJson(dir, 'config.json', config)], state: state === undefined ? undefined : writeJson(dir, 'state.json', state), out, clock }, logger, new AbortController().signal);
  } catch (err) {
    error = err;
  }
  return { messages: lines.filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>), error, log: logger.lines };
}
