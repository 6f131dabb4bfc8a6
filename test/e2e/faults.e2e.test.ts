import { startSandbox, type FaultPlan, type Sandbox } from '../../src/sandbox/index.js';
import { isTapError } from '../../src/errors.js';
import { systemClock, type Clock } from '../../src/util/clock.js';
import { lastStateInput, mergeByUuid, recordsOf } from '../support/cli.js';
import { expectGroundTruth, truthOf } from '../support/ground-truth.js';
import { singerSyncInProcess, type InProcessResult } from '../support/in-process.js';

/**
 * Faults over real HTTP, in process: for each, what the tap does (retry, refresh, or fail clearly), and that a rerun
 * from the last STATE completes the data with nothing missing. Single faults of every kind are in sync.e2e's
 * all-faults run; here, the storms, waits and failures it does not show. Exit codes and the one-line error of a
 * failing process are sync.e2e's and bad-inputs' (the message is the error's message, checked here).
 */
interface Scenario {
  name: string;
  plan?: FaultPlan;
  /** Called for every message the tap writes (to act mid-sync). */
  during?: (sandbox: Sandbox, recordsSoFar: number) => void;
  config?: Record<string, unknown>;
  expect: 'success' | RegExp;
  /** What else to check of a successful run. */
  check?: (run: InProcessResult, sandbox: Sandbox) => void;
}

const burst = (step: FaultPlan['script'] extends (infer T)[] | undefined ? T : never, n: number) => Array<typeof step>(n).fill(step);
/**
 * A slow answer never comes (its wait on the sandbox's clock never ends): only the tap's timeout ends the request. The
 * timeout is 5 s: on a machine at load 16 an ordinary page took over 2 s, and was retried too (so at least two).
 */
const SLOW = 3_600_000;

const SCENARIOS: Scenario[] = [
  { name: '429 storm with Retry-After', plan: { script: burst({ status: 429, retryAfter: '0' }, 6), retryAfter: '0' }, config: { max_retries: 8 }, expect: 'success' },
  { name: '429 storm without Retry-After (backoff)', plan: { script: burst(429, 6), retryAfter: '' }, config: { max_retries: 8 }, expect: 'success', check: (run) => expect(run.slept.filter((ms) => ms > 0).length).toBeGreaterThan(0) },
  { name: '429 with Retry-After as an HTTP date', plan: { script: [{ status: 429, retryAfter: new Date(Date.now() - 1000).toUTCString() }] }, expect: 'success' },
  { name: 'responses slower than the timeout', plan: { script: [{ slow: SLOW }, 'ok', { slow: SLOW }] }, config: { request_timeout_seconds: 5, max_retries: 3 }, expect: 'success', check: (run) => expect(run.log.filter((l) => /timed out/.test(l)).length).toBeGreaterThanOrEqual(2) },
  {
    name: 'token revocation mid-sync',
    // Pages of 10: 40 pages, at most max_concurrency (16) of them asked for ahead of the 10th record, so requests
    // still go out after the revocation however the reads interleave.
    during: (s, n) => n === 10 && s.faults.revokeTokens(),
    config: { page_size: 10 },
    expect: 'success',
    // The revocation must have met a request (a 401) and the tap must have fetched a new token for the rest.
    check: (_run, s) => {
      expect(s.stats().byStatus['401']).toBeGreaterThanOrEqual(1);
      expect(s.stats().tokensIssued).toBeGreaterThanOrEqual(2);
    },
  },
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
  const clock: Clock = { now: systemClock.now, sleep: (ms, signal) => (ms >= SLOW ? new Promise(() => {}) : systemClock.sleep(ms, signal)) };
  beforeEach(async () => {
    sandbox = await startSandbox({ records: 400, seed: 3, clock });
  });
  afterEach(() => sandbox.stop());

  it.each(SCENARIOS)('$name', async (sc) => {
    if (sc.plan) sandbox.faults.set(sc.plan);
    let records = 0;
    const run = await singerSyncInProcess(sandbox.tapConfig({ backoff_factor: 0.01, max_retry_wait_seconds: 1, ...sc.config }), undefined, { onMessage: (m) => m.type === 'RECORD' && sc.during?.(sandbox, ++records) });
    expect(run.nonJson).toEqual([]);
    if (sc.expect === 'success') {
      expect(run.error).toBeUndefined();
      sc.check?.(run, sandbox);
    } else {
      expect(isTapError(run.error) && run.error.exitCode).toBe(1);
      expect((run.error as Error).message).toMatch(sc.expect);
    }
    sandbox.faults.clear();
    const rerun = sc.expect === 'success' ? undefined : await singerSyncInProcess(sandbox.tapConfig({ backoff_factor: 0.01 }), lastStateInput(run.messages));
    if (rerun) expect(rerun.error).toBeUndefined();
    expectGroundTruth(mergeByUuid([...recordsOf(run.messages), ...recordsOf(rerun?.messages ?? [])]), truthOf(sandbox));
  });
});
