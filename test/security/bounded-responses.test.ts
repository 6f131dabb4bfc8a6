import { afterEach, describe, expect, test } from '@jest/globals';
import { startHostileServer, type Hostile, type HostileServer } from '../../bench/lib/hostile-server.js';
import { Transport, type Exchange } from '../../src/http/transport.js';
import { tempDir, writeJson } from '../support/cli.js';
import { singerCommandInProcess } from '../support/command.js';

/**
 * Every response is capped (max_response_mb), counted after decompression, and the download stops as soon as the cap
 * is passed: against a real server that sends a gzip bomb, a 200 that never ends, a page far larger than the cap.
 * Memory itself is measured outside the tests (npm run hostile-responses); here, what the client took and what the
 * server managed to send.
 */
const MB = 1 << 20;
const CAP = MB;
/** What the kernel's socket buffers and the streams on both sides may hold beyond the cap before the close is seen. */
const IN_FLIGHT_MARGIN = 32 * MB;

let server: HostileServer | undefined;
let transport: Transport | undefined;
afterEach(async () => {
  transport?.close();
  await server?.stop();
  server = transport = undefined;
});

async function fetchFrom(attack: Hostile, path = '/v1/bookings'): Promise<Exchange> {
  server = await startHostileServer(attack);
  transport = new Transport({ timeoutMs: 60_000, userAgent: 'bounded-test', maxSockets: 2, maxResponseBytes: CAP });
  return transport.send({ method: 'GET', url: `${server.url}${path}` });
}

describe('Transport caps every response at maxResponseBytes', () => {
  test('a gzip body whose compressed bytes are far under the cap is cut off once it inflates past it', async () => {
    const exchange = await fetchFrom({ kind: 'gzip-bomb', inflatedBytes: 64 * MB });
    expect(exchange).toMatchObject({ kind: 'too-large', status: 200, limitBytes: CAP });
  });

  test('a 200 that never ends is cut off at the cap: the server sees the connection close', async () => {
    const exchange = await fetchFrom({ kind: 'endless', stopAfterBytes: 512 * MB });
    expect(exchange).toMatchObject({ kind: 'too-large', status: 200, limitBytes: CAP });
    await server!.servedCount(1);
    expect(server!.served[0]!.cutOff).toBe(true);
    expect(server!.served[0]!.bodyBytes).toBeLessThan(CAP + IN_FLIGHT_MARGIN);
  });

  test('a page whose Content-Length is past the cap is not downloaded at all', async () => {
    const exchange = await fetchFrom({ kind: 'page', bytes: 256 * MB, valid: true });
    expect(exchange).toMatchObject({ kind: 'too-large', status: 200, limitBytes: CAP });
    await server!.servedCount(1);
    expect(server!.served[0]!.cutOff).toBe(true);
    expect(server!.served[0]!.bodyBytes).toBeLessThan(IN_FLIGHT_MARGIN);
  });

  test('a body of exactly the cap is delivered whole, chunked or not; one byte more is not', async () => {
    for (const attack of [{ kind: 'endless', stopAfterBytes: CAP }, { kind: 'page', bytes: CAP, valid: true }] as const) {
      const whole = await fetchFrom(attack);
      expect(whole.kind === 'response' && whole.raw?.length).toBe(CAP);
      expect(JSON.parse((whole as { body: string }).body)).toMatchObject({ data: expect.any(Array) });
      transport!.close();
      await server!.stop();
      const over = await fetchFrom(attack.kind === 'endless' ? { ...attack, stopAfterBytes: CAP + 1 } : { ...attack, bytes: CAP + 1 });
      expect(over).toMatchObject({ kind: 'too-large' });
      transport!.close();
      await server!.stop();
      server = transport = undefined;
    }
  });
});

describe('a sync (in process, as the CLI runs it) against an API whose page is past max_response_mb', () => {
  test('fails at once (no retry) naming the request and the cap, exit code 1, and still ends with a STATE', async () => {
    server = await startHostileServer({ kind: 'page', bytes: 3 * MB, valid: true });
    const config = writeJson(tempDir(), 'c.json', { base_url: server.url, client_id: 'id-bounded', client_secret: 'secret-bounded-1', start_date: '2024-01-01T00:00:00Z', booking_types: ['FLIGHT'], max_response_mb: 2, backoff_factor: 0 });
    const run = await singerCommandInProcess(config);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`tap-bookings: GET ${server.url}/v1/bookings\\?bookingType=FLIGHT&page=0&\\S+ answered with more than 2 MB \\(max_response_mb\\); the response was cut off there\\.`));
    expect(run.stderr).not.toMatch(/retry/i);
    expect(run.messages.at(-1)).toMatchObject({ type: 'STATE' });
    await server.stop();
    // The first page (and the window check beside it, a request of its own): none is sent again.
    const urls = server.served.map((s) => s.url);
    expect(urls.length).toBeGreaterThan(0);
    expect(new Set(urls).size).toBe(urls.length);
    expect(server.served.every((s) => s.path === '/v1/bookings')).toBe(true);
  });
});
