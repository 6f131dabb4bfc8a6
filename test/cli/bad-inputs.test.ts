import { execFileSync } from 'node:child_process';
import { closeSync, ftruncateSync, openSync } from 'node:fs';
import { join, resolve } from 'node:path';
import nock from '../support/nock.js';
import { runCli } from '../support/cli.js';
import { expectAirbyteMessages } from '../support/airbyte-protocol.js';
import { readCommandInProcess, singerCommandInProcess } from '../support/command.js';
import { CONFIGURED_CATALOG } from '../support/modes.js';
import { tempDir, writeJson } from '../support/cli.js';

const dir = resolve('test/fixtures/bad-inputs');
const good = resolve('test/fixtures/good-config.json');
const SECRET = 's3cr3t-value-xyz';

/** [file, what the one-line message must say] — each must also name the file. */
const CONFIGS: Array<[string, RegExp]> = [
  ['missing-base-url.json', /base_url: is required/],
  ['missing-credentials.json', /client_id: is required[\s\S]*client_secret: is required/],
  ['page-size-string.json', /page_size: must be integer/],
  ['negative-retries.json', /max_retries: must be from 0 to 20 \(got -1\)/],
  ['bad-start-date.json', /start_date: must be YYYY-MM-DD or YYYY-MM-DDTHH:MM\[:SS\[.fff\]\]\[Z or ±HH:MM\] \(got "/],
  ['future-start-date.json', /start_date: 2999-01-01T00:00:00Z is in the future/],
  ['end-before-start.json', /end_date: is before start_date/],
  ['unknown-booking-type.json', /booking_types\.1: must be one of "FLIGHT", "HOTEL", "CAR", "RAIL"/],
  ['plain-http.json', /base_url: plain http:\/\/ is refused for api\.example\.com/],
  ['bad-window-format.json', /window_format: must be one of "iso8601", "epoch_seconds", "epoch_millis"/],
  ['truncated.json', /is not valid JSON/],
  ['empty.json', /is empty/],
  ['array.json', /must hold a JSON object, not an array/],
  ['a-directory.json', /is not a regular file \(a directory\)/],
  ['does-not-exist.json', /does not exist/],
];

const STATES: Array<[string, RegExp]> = [
  ['other-stream.json', /holds bookmarks for "tap-other", not for "bookings"/],
  ['bad-date.json', /replication_key_value "not a date", which is not an ISO-8601 date-time/],
  ['wrong-replication-key.json', /replication_key "created", but this stream replicates on "lastModified"/],
  ['partitions-not-array.json', /"partitions" must be an array/],
  ['no-bookmarks.json', /has no "bookmarks" key/],
  ['truncated.json', /is not valid JSON/],
  ['empty.json', /is empty/],
  ['string.json', /must hold a JSON object with "bookmarks"/],
  ['bookmark-in-2099.json', /the HOTEL bookmark 2099-01-01T00:00:00.000Z is later than now \(.*\)\. A sync from it would read nothing, and write it back/],
];

const CATALOGS: Array<[string, RegExp]> = [
  ['unknown-stream.json', /has no "bookings" stream \(it lists "users"\)/],
  ['no-streams.json', /must be a JSON object with a "streams" array/],
  ['metadata-not-array.json', /"metadata" of stream "bookings" must be an array/],
  ['truncated.json', /is not valid JSON/],
  ['empty.json', /is empty/],
];

function expectOneClearMessage(run: { code: number | null | undefined; stderr: string; stdout: string[] }, file: string, pattern: RegExp): void {
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(pattern);
  expect(run.stderr).toContain(file);
  expect(run.stderr).not.toMatch(/\n\s+at [\w.<]/); // no stack trace
  expect(run.stderr).not.toContain(SECRET);
  expect(run.stderr.trim().split('\n')[0]).toMatch(/^tap-bookings: /);
}

// Bad input is refused before any request: none may go out.
beforeAll(() => nock.disableNetConnect());

describe('bad input: one clear message naming the file, exit code 2, no stack trace', () => {
  it.each(CONFIGS)('config %s', async (name, pattern) => {
    const file = resolve(dir, 'config', name);
    const run = await singerCommandInProcess(file);
    expectOneClearMessage(run, file, pattern);
    expect(run.stdout).toEqual([]);
  });

  it.each(STATES)('state %s', async (name, pattern) => {
    const file = resolve(dir, 'state', name);
    const run = await singerCommandInProcess(good, { state: file });
    expectOneClearMessage(run, file, pattern);
    expect(run.stdout).toEqual([]);
  });

  it.each(CATALOGS)('catalog %s', async (name, pattern) => {
    const file = resolve(dir, 'catalog', name);
    const run = await singerCommandInProcess(good, { catalog: file });
    expectOneClearMessage(run, file, pattern);
    expect(run.stdout).toEqual([]);
  });

  it('config lookback_window_seconds 1e15 with a state: the setting and its range, not "Invalid time value"', async () => {
    const file = resolve(dir, 'config', 'lookback-too-large.json');
    const run = await singerCommandInProcess(file, { state: resolve('sample-state.json') });
    expectOneClearMessage(run, file, /lookback_window_seconds: must be from 0 to 315360000 \(got 1000000000000000\)/);
    expect(run.stdout).toEqual([]);
  });
});

describe('an input file that is not a small regular file: exit 2 at once, nothing read', () => {
  const tmp = tempDir();
  /** Opening a FIFO for reading blocks until a writer comes: the tap must refuse it without opening it for good. */
  const fifo = join(tmp, 'config.fifo');
  execFileSync('mkfifo', [fifo]);
  const big = join(tmp, 'big.json');
  const fd = openSync(big, 'w');
  ftruncateSync(fd, 10 * 1024 * 1024 + 1); // sparse: instant
  closeSync(fd);

  // In process: the reader opens nothing but regular files, and opens those non-blocking (src/io/read-json-file.ts),
  // so even a reader that did open the FIFO would find it empty rather than wait.
  it.each([
    ['--config', fifo, /Config file \S+ is not a regular file \(a FIFO\)\./],
    ['--state', fifo, /State file \S+ is not a regular file \(a FIFO\)\./],
    ['--catalog', fifo, /Catalog file \S+ is not a regular file \(a FIFO\)\./],
    ['--config', '/dev/zero', /^tap-bookings: Config file \/dev\/zero is not a regular file \(a character device\)\.\n$/],
    ['--state', '/dev/zero', /State file \/dev\/zero is not a regular file \(a character device\)\./],
    ['--catalog', '/dev/zero', /Catalog file \/dev\/zero is not a regular file \(a character device\)\./],
    ['--config', big, /Config file \S+ is too large \(10485761 bytes\); the limit is 10 MB\./],
  ])('%s %s', async (option, file, pattern) => {
    const run = option === '--config' ? await singerCommandInProcess(file) : await singerCommandInProcess(good, { [option.slice(2)]: file });
    expectOneClearMessage(run, file, pattern);
    expect(run.stdout).toEqual([]);
  });

  /** What only the process shows: the exit code, the report on stderr and nothing else there, stdout left empty. */
  it('read --config FIFO in the CLI process: a TRACE config_error, and exit code 2', async () => {
    // A tap that blocked would be killed by runCli after 30 s and the test would fail; none of this measures speed.
    const run = await runCli(['read', '--config', fifo, '--catalog', writeJson(tmp, 'catalog.json', CONFIGURED_CATALOG)], { timeoutMs: 30_000 });
    expect(run.code).toBe(2);
    expect(run.messages).toContainEqual(expect.objectContaining({ type: 'TRACE', trace: expect.objectContaining({ error: expect.objectContaining({ failure_type: 'config_error', message: expect.stringMatching(/is not a regular file \(a FIFO\)/) }) }) }));
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^tap-bookings: Config file \S+ is not a regular file \(a FIFO\)\.$/)]);
  });
});

/** What only the process shows: the exit code, the report on stderr, stdout left empty, the options' parsing. */
describe('bad input to the CLI process', () => {
  it('config truncated.json: exit code 2, one line on stderr naming the file, nothing on stdout', async () => {
    const file = resolve(dir, 'config', 'truncated.json');
    const run = await runCli(['--config', file]);
    expectOneClearMessage(run, file, /is not valid JSON/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stdout).toEqual([]);
  });

  it('shows the stack trace with --debug', async () => {
    const run = await runCli(['--config', resolve(dir, 'config', 'truncated.json'), '--debug']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/\n\s+at /);
  });

  it('rejects an unknown option with exit code 2, named once (not also in camelCase)', async () => {
    for (const option of ['--no-such-option', '--bogus-flag']) {
      const run = await runCli(['--config', good, option]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(new RegExp(`Unknown argument: ${option.slice(2)}\n`));
    }
  });

  it.each([
    [['--log-level', 'warn', '--log-level', 'error'], /--log-level is given 2 times \("warn", "error"\); give it once\./],
    [['--state', 'a.json', '--state', 'b.json'], /--state is given 2 times \("a.json", "b.json"\); give it once\./],
    [['--catalog', 'c.json', '--properties', 'c.json'], /--catalog is given 2 times/],
    [['--state='], /--state is given an empty value \(is a shell variable unset\?\)\./],
    [['--catalog', ''], /--catalog is given an empty value/],
  ])('refuses %j as a usage mistake: exit code 2, one message, no stack trace', async (extra, pattern) => {
    const run = await runCli(['--config', good, ...extra]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(pattern);
    expect(run.stderr).not.toMatch(/\n\s+at [\w.<]/);
    expect(run.stdout).toEqual([]);
  });

  it('in Airbyte mode a usage mistake is also a TRACE ERROR (config_error) on stdout', async () => {
    const catalog = writeJson(tempDir(), 'catalog.json', CONFIGURED_CATALOG);
    const run = await runCli(['read', '--config', good, '--config', good, '--catalog', catalog]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--config is given 2 times/);
    expect(run.nonJson).toEqual([]);
    expect(run.messages).toEqual([expect.objectContaining({ type: 'TRACE', trace: expect.objectContaining({ error: expect.objectContaining({ failure_type: 'config_error', message: expect.stringMatching(/--config is given 2 times/) }) }) })]);
  });

  it('warns about a LOG_LEVEL that names no level', async () => {
    const run = await runCli(['--config', resolve(dir, 'config', 'truncated.json')], { env: { LOG_LEVEL: 'verbose' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/WARN  LOG_LEVEL=verbose is not a level \(debug, info, warn or error\); logging at info\./);
  });
});

describe('LOG_LEVEL', () => {
  it('shows the stack trace with LOG_LEVEL=debug', async () => {
    const previous = process.env.LOG_LEVEL;
    process.env.LOG_LEVEL = 'debug';
    try {
      const run = await singerCommandInProcess(resolve(dir, 'config', 'truncated.json'));
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/\n\s+at /);
    } finally {
      if (previous === undefined) delete process.env.LOG_LEVEL;
      else process.env.LOG_LEVEL = previous;
    }
  });
});

describe('bad input in Airbyte mode: a TRACE ERROR with failure_type config_error, then exit code 2', () => {
  const catalog = writeJson(tempDir(), 'catalog.json', CONFIGURED_CATALOG);

  it.each(CONFIGS.slice(0, 6))('config %s', async (name, pattern) => {
    const file = resolve(dir, 'config', name);
    const run = await readCommandInProcess(file, catalog);
    expect(run.code).toBe(2);
    expectAirbyteMessages(run.messages);
    const trace = run.messages.find((m) => m.type === 'TRACE') as { trace: { error: { message: string; failure_type: string } } };
    expect(trace.trace.error.failure_type).toBe('config_error');
    expect(trace.trace.error.message).toMatch(pattern);
    expect(run.stdout.join('\n')).not.toContain(SECRET);
  });

  it('reports a configured catalog that names only streams this source does not have as a config_error', async () => {
    const bad = writeJson(tempDir(), 'catalog.json', { streams: [{ ...CONFIGURED_CATALOG.streams[0], stream: { name: 'users', json_schema: {}, supported_sync_modes: ['full_refresh'] } }] });
    const run = await readCommandInProcess(good, bad);
    expect(run.code).toBe(2);
    expectAirbyteMessages(run.messages);
    expect(run.messages).toContainEqual(expect.objectContaining({ type: 'TRACE', trace: expect.objectContaining({ type: 'ERROR', error: expect.objectContaining({ failure_type: 'config_error', message: expect.stringMatching(/names only streams this source does not have \("users"\)/) }) }) }));
  });

  it('reports an unsupported sync mode as a config_error', async () => {
    const bad = writeJson(tempDir(), 'catalog.json', { streams: [{ ...CONFIGURED_CATALOG.streams[0], sync_mode: 'cdc' }] });
    const run = await readCommandInProcess(good, bad);
    expect(run.code).toBe(2);
    expect(JSON.stringify(run.messages)).toMatch(/sync_mode \\"cdc\\" is not supported/);
  });
});
