/**
 * The official Airbyte protocol models on every line tap-bookings writes for spec, check, discover and read (full
 * refresh, incremental, through retried faults, and failing), against the sandbox. runCli already validates each
 * message against the project's own schema (test/support/airbyte-message.schema.json); here every stdout line is
 * also parsed by airbyte-protocol-models, pydantic v2 variant, pinned in interop/requirements/pyairbyte.lock.txt,
 * through test/interop/airbyte-protocol/validate.py in the PyAirbyte virtual environment.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { lastStateInput, pastWindowGuard, recordsOf, runCli, tempDir, writeJson, type CliResult } from '../support/cli.js';
import { CONFIGURED_CATALOG } from '../support/modes.js';
import { run, venvTool } from './support/tools.js';

const PACKAGE = 'airbyte_protocol_models_pdv2';
const PINNED = new RegExp(`^${PACKAGE}==(\\S+)$`, 'm').exec(readFileSync('interop/requirements/pyairbyte.lock.txt', 'utf8'))?.[1];

interface Summary {
  package: string;
  version: string;
  messages: number;
  types: Record<string, number>;
}

/** Lines through validate.py in the PyAirbyte virtual environment. */
function validateLines(lines: string[]) {
  return run(venvTool('pyairbyte', 'python'), [resolve('test/interop/airbyte-protocol/validate.py')], { input: lines.map((line) => `${line}\n`).join(''), allowFailure: true });
}

/** Every stdout line of the run through the official models; their verdict, or an error naming the first bad line. */
async function officialCheck(result: CliResult): Promise<Summary> {
  expect(result.stdout.length).toBeGreaterThan(0);
  const checked = await validateLines(result.stdout);
  if (checked.code !== 0) throw new Error(`airbyte-protocol-models rejected the output (exit ${checked.code ?? checked.signal}):\n${checked.stderr.slice(-4000)}`);
  const summary = JSON.parse(checked.stdout) as Summary;
  expect(summary).toMatchObject({ package: PACKAGE, version: PINNED, messages: result.stdout.length });
  return summary;
}

describe('Airbyte messages parsed by the official airbyte-protocol-models', () => {
  let sandbox: Sandbox;
  let dir: string;
  const config = (overrides: Record<string, unknown> = {}) => writeJson(dir, `config-${Math.random()}.json`, sandbox.tapConfig({ booking_types: ['FLIGHT', 'HOTEL'], backoff_factor: 0.01, ...overrides }));
  const total = () => sandbox.store.groundTruth().length;
  const catalog = (syncMode: 'full_refresh' | 'incremental') =>
    writeJson(dir, `catalog-${syncMode}.json`, { streams: CONFIGURED_CATALOG.streams.map((s) => ({ ...s, sync_mode: syncMode, destination_sync_mode: syncMode === 'incremental' ? 'append_dedup' : 'overwrite' })) });

  beforeAll(async () => {
    expect(PINNED).toBeDefined();
    dir = tempDir();
    sandbox = await startSandbox({ records: 800, seed: 53, bookingTypes: { FLIGHT: 0.5, HOTEL: 0.5 } });
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  test('the checker rejects a malformed message, naming its line', async () => {
    const spec = await runCli(['spec']);
    const bad = JSON.stringify({ type: 'RECORD', record: { stream: 'bookings', data: {}, emitted_at: '2025-01-01T00:00:00Z' } });
    const checked = await validateLines([spec.stdout[0]!, bad]);
    expect(checked.code).toBe(1);
    expect(checked.stderr).toMatch(/line 2 is not a valid AirbyteMessage/);
    expect(checked.stderr).toContain('record.emitted_at');
  });

  test('spec', async () => {
    const spec = await runCli(['spec']);
    expect(spec.code).toBe(0);
    expect((await officialCheck(spec)).types).toEqual({ SPEC: 1 });
  });

  test('check, with good credentials and with bad ones', async () => {
    const good = await runCli(['check', '--config', config()]);
    expect(good.code).toBe(0);
    expect((await officialCheck(good)).types).toMatchObject({ CONNECTION_STATUS: 1 });
    expect(good.messages.at(-1)).toMatchObject({ connectionStatus: { status: 'SUCCEEDED' } });

    const bad = await runCli(['check', '--config', config({ client_secret: 'not-the-secret' })]);
    expect(bad.code).toBe(0);
    expect((await officialCheck(bad)).types).toMatchObject({ CONNECTION_STATUS: 1 });
    expect(bad.messages.at(-1)).toMatchObject({ connectionStatus: { status: 'FAILED' } });
  });

  test('discover', async () => {
    const discover = await runCli(['discover', '--config', config()]);
    expect(discover.code).toBe(0);
    expect((await officialCheck(discover)).types).toEqual({ CATALOG: 1 });
  });

  test('read, full refresh, with debug logging', async () => {
    const full = await runCli(['read', '--config', config(), '--catalog', catalog('full_refresh'), '--log-level', 'debug']);
    expect(full.code).toBe(0);
    const { types } = await officialCheck(full);
    expect(types).toMatchObject({ RECORD: total(), STATE: expect.any(Number), TRACE: expect.any(Number), LOG: expect.any(Number) });
  });

  test('read, incremental: a first sync, then one from its state after changes', async () => {
    const first = await runCli(['read', '--config', config(), '--catalog', catalog('incremental')]);
    expect(first.code).toBe(0);
    expect((await officialCheck(first)).types).toMatchObject({ RECORD: total(), STATE: expect.any(Number), TRACE: expect.any(Number) });

    sandbox.store.mutate(12);
    sandbox.store.insert(8);
    await pastWindowGuard();
    const state = writeJson(dir, 'state.json', lastStateInput(first.messages));
    const second = await runCli(['read', '--config', config(), '--catalog', catalog('incremental'), '--state', state]);
    expect(second.code).toBe(0);
    const { types } = await officialCheck(second);
    expect(types).toMatchObject({ STATE: expect.any(Number), TRACE: expect.any(Number) });
    expect(recordsOf(second.messages).length).toBeGreaterThanOrEqual(20);
    expect(recordsOf(second.messages).length).toBeLessThan(total());
  });

  test('read through faults that are retried: the warnings are LOG messages', async () => {
    sandbox.faults.set({ script: [503, 'ok', 'ok', 429, 'ok', 'ok', 'reset', 'ok'] });
    try {
      const faulty = await runCli(['read', '--config', config({ max_retries: 3 }), '--catalog', catalog('full_refresh')]);
      expect(faulty.code).toBe(0);
      expect((await officialCheck(faulty)).types).toMatchObject({ RECORD: total(), LOG: expect.any(Number) });
    } finally {
      sandbox.faults.clear();
    }
  });

  test('read that fails: a TRACE ERROR, with its stack trace at debug level', async () => {
    const failed = await runCli(['read', '--config', config({ client_secret: 'not-the-secret' }), '--catalog', catalog('full_refresh'), '--log-level', 'debug']);
    expect(failed.code).not.toBe(0);
    expect((await officialCheck(failed)).types).toMatchObject({ TRACE: expect.any(Number) });
    expect(failed.messages).toContainEqual(
      expect.objectContaining({ type: 'TRACE', trace: expect.objectContaining({ type: 'ERROR', error: expect.objectContaining({ failure_type: 'config_error', stack_trace: expect.any(String) }) }) }),
    );
  });
});
