import { afterEach, beforeAll, afterAll, describe, expect, it, jest } from '@jest/globals';
import { PassThrough } from 'node:stream';
import nock from '../support/nock.js';
import { reportError } from '../../src/cli/run-command.js';
import { check, read, reportAirbyteError } from '../../src/commands/airbyte.js';
import { CONFIGURED_CATALOG } from '../support/modes.js';
import { memoryLogger } from '../support/quiet-logger.js';
import { tempDir, writeJson } from '../support/cli.js';

/**
 * The bookings API answers 400 with a body that echoes the client secret, encoded as servers do (PHP's json_encode
 * escapes "/" as "\/"), and a live token the tap never registered. None of it may reach stderr, check's
 * CONNECTION_STATUS or the TRACE error.
 */
const BASE = 'https://api.echo.test';
const SECRET = 'S3cr/et+Key=';
const LIVE_TOKEN = 'live-token-the-tap-never-saw';
const ECHO = `{"error":"invalid request","client_secret":"S3cr\\/et+Key=","form":"client_secret=S3cr%2fet%2bKey%3d","refreshToken":"${LIVE_TOKEN}"}`;

/** Every spelling of the secret or the token that would be a leak, also as it reads inside a JSON line. */
const LEAKS = [SECRET, 'S3cr\\/et', 'S3cr\\\\/et', 'S3cr%2f', 'S3cr%2F', Buffer.from(SECRET).toString('base64').slice(0, 12), LIVE_TOKEN];

function expectNoLeak(text: string): void {
  for (const leak of LEAKS) expect(text).not.toContain(leak);
}

function config(): string {
  return writeJson(tempDir(), 'config.json', { base_url: BASE, client_id: 'echo-client', client_secret: SECRET, start_date: '2024-01-01', booking_types: ['FLIGHT'], max_retries: 0 });
}

function mockApi(): void {
  nock(BASE).post('/oauth/token').reply(200, { access_token: 'echo-token-1', expires_in: 3600 });
  // Twice: a sync also asks once whether the API applies the window end (a one-second window at its start).
  nock(BASE).get('/v1/bookings').query(true).times(2).reply(400, ECHO, { 'content-type': 'application/json' });
}

/** What the code under test writes to stdout and stderr. */
function captureOutput(): { stdout: string[]; stderr: string[]; restore: () => void } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => (stdout.push(String(chunk)), true));
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => (stderr.push(String(chunk)), true));
  return { stdout, stderr, restore: () => (out.mockRestore(), err.mockRestore()) };
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe('an API error body that echoes the secret, encoded, and an unregistered token', () => {
  it('check: CONNECTION_STATUS FAILED names the 400 but holds neither', async () => {
    mockApi();
    const logger = memoryLogger();
    const output = captureOutput();
    try {
      await check(config(), logger, new AbortController().signal);
    } finally {
      output.restore();
    }
    const status = JSON.parse(output.stdout.join('')) as { connectionStatus: { status: string; message: string } };
    expect(status.connectionStatus.status).toBe('FAILED');
    expect(status.connectionStatus.message).toMatch(/HTTP 400: \{"error":"invalid request","client_secret":"\*\*\*"/);
    expectNoLeak(output.stdout.join(''));
    expectNoLeak(logger.lines.join('\n'));
  });

  it('read: the TRACE error and the stderr line hold neither', async () => {
    mockApi();
    const logger = memoryLogger();
    const messages = new PassThrough();
    messages.resume();
    const err = await read({ config: config(), catalog: writeJson(tempDir(), 'catalog.json', CONFIGURED_CATALOG), out: messages }, logger, new AbortController().signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    const output = captureOutput();
    try {
      reportAirbyteError(err, logger);
      reportError(err, logger);
    } finally {
      output.restore();
    }
    const trace = JSON.parse(output.stdout.join('')) as { trace: { error: { message: string } } };
    expect(trace.trace.error.message).toMatch(/failed with HTTP 400: .*"refreshToken":"\*\*\*"/);
    expect(output.stderr.join('')).toMatch(/^tap-bookings: GET https:\/\/api\.echo\.test\/v1\/bookings.* failed with HTTP 400/);
    expectNoLeak(output.stdout.join(''));
    expectNoLeak(output.stderr.join(''));
    expectNoLeak(logger.lines.join('\n'));
  });
});
