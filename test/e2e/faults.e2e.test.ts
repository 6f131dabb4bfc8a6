import { startSandbox, type FaultPlan, type Sandbox } from '../../src/sandbox/index.js';
import { lastStateInput, mergeByUuid, recordsOf, runCli, tempDir, writeJson, type CliResult } from '../support/cli.js';

/**
 * Faults over real HTTP: for each, what the tap does (retry, refresh, or fail clearly), and that a rerun from the
 * last STATE completes the data with nothing missing.
 */
interface Scenario {
  name: string;
  plan?: FaultPlan;
  /** Called for every message the tap writes (to act mid-sync). */
  during?: (sandbox: Sandbox, recordsSoFar: number) => void;
  config?: Record<string, unknown>;
  expect: 'success' | RegExp;
}

const burst = (step: FaultPlan['script'] extends (infer T)[] | undefined ? T : never, n: number) => Array<typeof step>(n).fill(step);

const SCENARIOS: Scenario[] = [
  { name: '429 storm with Retry-After', plan: { script: burst({ status: 429, retryAfter: '0' }, 6), retryAfter: '0' }, config: { max_retries: 8 }, expect: 'success' },
  { name: '429 storm without Retry-After (backoff)', plan: { script: burst(429, 6), retryAfter: '' }, config: { max_retries: 8 }, expect: 'success' },
  { name: '429 with Retry-After as an HTTP date', plan: { script: [{ status: 429, retryAfter: new Date(Date.now() - 1000).toUTCString() }] }, expect: 'success' },
  { name: 'burst of 500, 502, 503, 504', plan: { script: [500, 502, 503, 504, 'ok', 500, 502] }, config: { max_retries: 8 }, expect: 'success' },
  { name: 'connection resets', plan: { script: ['reset', 'ok', 'reset', 'reset'] }, config: { max_retries: 4 }, expect: 'success' },
  { name: 'responses slower than the timeout', plan: { script: [{ slow: 1500 }, 'ok', { slow: 1500 }] }, config: { request_timeout_seconds: 0.5, max_retries: 3 }, expect: 'success' },
  { name: 'malformed JSON', plan: { script: ['malformed', 'ok', 'malformed'] }, expect: 'success' },
  { name: 'truncated JSON', plan: { script: ['truncated', 'truncated'] }, expect: 'success' },
  { name: 'HTML error page with status 200', plan: { script: ['html'] }, expect: 'success' },
  { name: 'body without data', plan: { script: ['nodata'] }, expect: 'success' },
  { name: 'token expiry mid-sync', plan: { script: ['ok', 'ok', 'expire-token', 'ok', 'expire-token'] }, expect: 'success' },
  { name: 'token revocation mid-sync', during: (s, n) => n === 100 && s.faults.revokeTokens(), expect: 'success' },
  { name: 'token endpoint down briefly', plan: { tokenScript: [503, 503] }, config: { max_retries: 3 }, expect: 'success' },
  { name: 'token endpoint down for good', plan: { tokenScript: burst(503, 10) }, config: { max_retries: 2 }, expect: /Could not get an access token: Token request POST http:\/\/127\.0\.0\.1:\d+\/oauth\/token failed after 2 retries: HTTP 503/ },
  { name: 'persistent 503 mid-sync', plan: { script: [...burst('ok', 5), ...burst(503, 30)] }, config: { max_retries: 2, max_concurrency: 1 }, expect: /failed after 2 retries: HTTP 503/ },
  { name: 'persistent HTML pages mid-sync', plan: { script: [...burst('ok', 5), ...burst('html', 30)] }, config: { max_retries: 2, max_concurrency: 1 }, expect: /failed after 2 retries: the API answered with an HTML page instead of JSON/ },
  { name: 'persistent malformed JSON mid-sync', plan: { script: [...burst('ok', 3), ...burst('malformed', 30)] }, config: { max_retries: 1, max_concurrency: 1 }, expect: /failed after 1 retry: the response is not valid JSON/ },
  { name: '403 mid-sync', plan: { script: [...burst('ok', 4), 403] }, config: { max_concurrency: 1 }, expect: /failed with HTTP 403 \(the client is not allowed to read bookings\)/ },
  { name: 'wrong credentials', config: { client_secret: 'wrong-secret-123' }, expect: /The token endpoint http:\/\/127\.0\.0\.1:\d+\/oauth\/token rejected the client credentials with HTTP 401 invalid_client \(Client authentication failed\): check client_id and client_secret\./ },
];

export const FAULT_SCENARIOS = SCENARIOS.length;

describe('faults over real HTTP', () => {
  let sandbox: Sandbox;
  let dir: string;
  beforeEach(async () => {
    sandbox = await startSandbox({ records: 700, seed: 3 });
    dir = tempDir();
  });
  afterEach(() => sandbox.stop());

  it.each(SCENARIOS)('$name', async (sc) => {
    const config = writeJson(dir, 'c.json', sandbox.tapConfig({ backoff_factor: 0.01, max_retry_wait_seconds: 1, ...sc.config }));
    if (sc.plan) sandbox.faults.set(sc.plan);
    let records = 0;
    const run: CliResult = await runCli(['--config', config], { onMessage: (m) => m.type === 'RECORD' && sc.during?.(sandbox, ++records) });
    expect(run.nonJson).toEqual([]);
    if (sc.expect === 'success') {
      expect(run.stderr).not.toMatch(/^tap-bookings: /m);
      expect(run.code).toBe(0);
    } else {
      expect(run.code).not.toBe(0);
      expect(run.stderr).toMatch(sc.expect);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
    sandbox.faults.clear();
    const good = writeJson(dir, 'good.json', sandbox.tapConfig({ backoff_factor: 0.01 }));
    const state = lastStateInput(run.messages);
    const rerun = sc.expect === 'success' ? undefined : await runCli(['--config', good, ...(state ? ['--state', writeJson(dir, 's.json', state)] : [])]);
    if (rerun) expect(rerun.code).toBe(0);
    const merged = mergeByUuid([...recordsOf(run.messages), ...recordsOf(rerun?.messages ?? [])]);
    const truth = mergeByUuid([...sandbox.store.groundTruth('FLIGHT'), ...sandbox.store.groundTruth('HOTEL')]);
    expect([...truth.keys()].filter((u) => !merged.has(u))).toEqual([]);
    for (const [uuid, record] of truth) expect(merged.get(uuid)).toEqual(record);
  });
});
