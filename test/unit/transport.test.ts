import { afterEach, describe, expect, test } from '@jest/globals';
import { getEventListeners } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { Transport } from '../../src/http/transport.js';

async function stop(server: Server | undefined, transport: Transport | undefined): Promise<void> {
  transport?.close();
  if (server) await new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/** What the transport leaves behind after a response, against a real node:http server. */
describe('Transport after a response', () => {
  let server: Server | undefined;
  let transport: Transport | undefined;
  afterEach(async () => {
    await stop(server, transport);
    server = transport = undefined;
  });

  /** A server answering {"data":[]}, or, for /stall, the start of a body that never ends (telling `onStall`). */
  async function start(onStall: () => void = () => undefined): Promise<string> {
    server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.url !== '/stall') res.end('{"data":[]}');
      else res.write('{"data":[', () => onStall());
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    transport = new Transport({ timeoutMs: 30_000, userAgent: 'transport-test', maxSockets: 2, maxResponseBytes: 1 << 20 });
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/bookings`;
  }

  test('keeps nothing on the caller\'s AbortSignal, which outlives every request (or each response would be kept)', async () => {
    const url = await start();
    const controller = new AbortController();
    for (let i = 0; i < 5; i++) expect(await transport!.send({ method: 'GET', url, signal: controller.signal })).toMatchObject({ kind: 'response', status: 200 });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  test('stops a request when the caller\'s signal aborts it, mid-body or before it is sent', async () => {
    const controller = new AbortController();
    const url = await start(() => controller.abort());
    const stalled = new URL('/stall', url).toString();
    await expect(transport!.send({ method: 'GET', url: stalled, signal: controller.signal })).rejects.toThrow(/aborted/);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    await expect(transport!.send({ method: 'GET', url, signal: controller.signal })).rejects.toThrow(/aborted/);
  });
});

/** What got did for the tap and node:http must do as well: decompress, no redirects, one timeout, forms and queries. */
describe('Transport on node:http', () => {
  let server: Server | undefined;
  let transport: Transport | undefined;
  const seen: Array<{ url: string; headers: Record<string, unknown>; body: string }> = [];
  afterEach(async () => {
    await stop(server, transport);
    server = transport = undefined;
    seen.length = 0;
  });

  const PAGE = '{"data":[{"uuid":"u","hotel":"Hôtel Lumière"}]}';
  const encoded: Record<string, (b: Buffer) => Buffer> = { gzip: gzipSync, deflate: deflateSync, 'deflate-raw': deflateRawSync, br: brotliCompressSync };

  async function start(timeoutMs = 30_000): Promise<string> {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ url: req.url ?? '', headers: req.headers, body });
        const path = new URL(req.url ?? '/', 'http://x').pathname;
        if (path === '/redirect') return void res.writeHead(302, { location: '/elsewhere' }).end();
        if (path === '/stall') return void res.writeHead(200).write('{"data":[');
        if (path === '/empty-gzip') return void res.writeHead(204, { 'content-encoding': 'gzip' }).end();
        if (path === '/zstd') return void res.writeHead(200, { 'content-encoding': 'zstd' }).end(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0]));
        if (path === '/identity') return void res.writeHead(200, { 'content-encoding': 'identity' }).end(PAGE);
        if (path === '/gzip-lie') return void res.writeHead(200, { 'content-encoding': 'gzip' }).end(PAGE);
        const encoding = path.slice(1);
        if (encoded[encoding]) return void res.writeHead(200, { 'content-encoding': encoding === 'deflate-raw' ? 'deflate' : encoding }).end(encoded[encoding]!(Buffer.from(PAGE)));
        res.writeHead(200, { 'content-type': 'application/json' }).end(PAGE);
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    transport = new Transport({ timeoutMs, userAgent: 'transport-test', maxSockets: 2, maxResponseBytes: 1 << 20 });
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  test.each(['gzip', 'deflate', 'deflate-raw', 'br'])('decodes a %s body, and asks for gzip, deflate and br', async (encoding) => {
    const base = await start();
    const exchange = await transport!.send({ method: 'GET', url: `${base}/${encoding}` });
    expect(exchange).toMatchObject({ kind: 'response', status: 200, body: PAGE });
    expect(seen[0]!.headers['accept-encoding']).toBe('gzip, deflate, br');
  });

  test('an encoding it does not decode is a failure that names it; identity is no encoding; a body that is not what it says, a zlib error', async () => {
    const base = await start();
    expect(await transport!.send({ method: 'GET', url: `${base}/zstd` })).toMatchObject({ kind: 'network-error', code: 'ERR_CONTENT_ENCODING', message: 'the response is encoded as "zstd", which the tap does not decode (it asks for gzip, deflate or br)' });
    expect(await transport!.send({ method: 'GET', url: `${base}/identity` })).toMatchObject({ kind: 'response', status: 200, body: PAGE });
    expect(await transport!.send({ method: 'GET', url: `${base}/gzip-lie` })).toMatchObject({ kind: 'network-error', code: 'Z_DATA_ERROR' });
  });

  test('an empty body that says it is compressed is an empty body', async () => {
    const base = await start();
    expect(await transport!.send({ method: 'GET', url: `${base}/empty-gzip` })).toMatchObject({ kind: 'response', status: 204, body: '' });
  });

  test('does not follow redirects: a 3xx is the response', async () => {
    const base = await start();
    expect(await transport!.send({ method: 'GET', url: `${base}/redirect` })).toMatchObject({ kind: 'response', status: 302, headers: { location: '/elsewhere' } });
    expect(seen).toHaveLength(1);
  });

  test('a response that does not end within the timeout is a network error ETIMEDOUT', async () => {
    const base = await start(300);
    expect(await transport!.send({ method: 'GET', url: `${base}/stall` })).toMatchObject({ kind: 'network-error', code: 'ETIMEDOUT' });
  });

  test('sends the query merged into the URL, the form url-encoded, and its headers', async () => {
    const base = await start();
    await transport!.send({ method: 'POST', url: `${base}/oauth/token?keep=1`, searchParams: { page: '2', keep: '3' }, form: { grant_type: 'client_credentials', scope: 'a b' }, headers: { Authorization: 'Basic x' } });
    expect(seen[0]).toMatchObject({ url: '/oauth/token?keep=3&page=2', body: 'grant_type=client_credentials&scope=a+b' });
    expect(seen[0]!.headers).toMatchObject({ 'content-type': 'application/x-www-form-urlencoded', authorization: 'Basic x', 'user-agent': 'transport-test', accept: 'application/json' });
  });

  test('a refused connection is a network error with its code', async () => {
    const base = await start();
    const port = (server!.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    expect(await transport!.send({ method: 'GET', url: `http://127.0.0.1:${port}/` })).toMatchObject({ kind: 'network-error', code: 'ECONNREFUSED' });
    void base;
  });
});
