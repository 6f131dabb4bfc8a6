/**
 * Airbyte through PyAirbyte: tap-bookings as a local executable source (`get_source(..., local_executable=...)`,
 * offline), check, discover, a full read and an incremental read into PyAirbyte's DuckDB cache. PyAirbyte drops a
 * line that fails its protocol models with only a log line, so the test checks counts, values and state, not just
 * the exit code.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { BIN, pastWindowGuard, tempDir, writeJson } from '../support/cli.js';
import { compareWithTruth, matches, withSchemaNames } from './support/compare.js';
import { run, venvTool } from './support/tools.js';

const TYPES = ['FLIGHT', 'HOTEL'] as const;
type Report = { succeeded?: boolean; error?: string; streams?: Array<Record<string, any>>; processed_records?: number; rows?: Array<Record<string, unknown>>; state?: Array<Record<string, any>> };

describe('PyAirbyte: tap-bookings as a local executable source', () => {
  let sandbox: Sandbox;
  let dir: string;
  const truth = () => TYPES.flatMap((t) => sandbox.store.groundTruth(t));

  async function pyairbyte(action: string, config: Record<string, unknown>): Promise<Report> {
    const out = join(dir, `${action}-${Date.now()}.json`);
    await run(venvTool('pyairbyte', 'python'), [resolve('test/interop/pyairbyte/driver.py'), BIN, writeJson(dir, 'config.json', config), join(dir, 'cache'), action, out], {
      env: { AIRBYTE_OFFLINE_MODE: '1', DO_NOT_TRACK: '1', AIRBYTE_LOGGING_ROOT: join(dir, 'logs') },
    });
    return JSON.parse(readFileSync(out, 'utf8')) as Report;
  }

  beforeAll(async () => {
    dir = tempDir();
    sandbox = await startSandbox({ records: 2000, seed: 31, bookingTypes: { FLIGHT: 0.55, HOTEL: 0.45 } });
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  test('check succeeds with good credentials and fails, with a reason, with bad ones', async () => {
    expect(await pyairbyte('check', sandbox.tapConfig())).toEqual({ action: 'check', succeeded: true });
    const bad = await pyairbyte('check', sandbox.tapConfig({ client_secret: 'not-the-secret' }));
    expect(bad.succeeded).toBe(false);
    expect(bad.error).toMatch(/invalid_client|rejected|credentials/i);
    expect(bad.error).not.toContain('not-the-secret');
  });

  test('discover: one stream, bookings, incremental with a source-defined cursor and primary key', async () => {
    const { streams } = await pyairbyte('discover', sandbox.tapConfig());
    expect(streams).toHaveLength(1);
    expect(streams![0]).toMatchObject({
      name: 'bookings',
      supported_sync_modes: ['full_refresh', 'incremental'],
      source_defined_cursor: true,
      default_cursor_field: ['lastModified'],
      source_defined_primary_key: [['uuid']],
    });
  });

  test('a full read, then an incremental read after changes: the cache equals the ground truth, state per booking type', async () => {
    const full = await pyairbyte('read-full', sandbox.tapConfig());
    expect(full.processed_records).toBe(truth().length);
    expect(compareWithTruth(full.rows!.map(withSchemaNames), truth())).toEqual(matches(truth().length));
    const partitions = full.state!.find((s) => s.stream?.stream_descriptor?.name === 'bookings')?.stream?.stream_state?.partitions as Array<Record<string, any>>;
    expect(partitions.map((p) => p.context.bookingType).sort()).toEqual([...TYPES]);

    const changed = sandbox.store.mutate(25).length + sandbox.store.insert(15).length;
    await pastWindowGuard();
    const incremental = await pyairbyte('read-incremental', sandbox.tapConfig());
    // Only the changes (and any records at the inclusive bookmark boundary) were read, and merged on uuid.
    expect(incremental.processed_records).toBeGreaterThanOrEqual(changed);
    expect(incremental.processed_records).toBeLessThan(changed + 10);
    expect(compareWithTruth(incremental.rows!.map(withSchemaNames), truth())).toEqual(matches(truth().length));
  });
});
