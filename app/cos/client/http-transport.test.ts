// The transport's two lanes against a real local HTTP server: a quick request is never stuck behind a download
// on the same connection, and the quick lane never pipelines requests on the wire.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { HttpTransport, isQuickRequest, QUICK_BODY_MAX_BYTES } from './http-transport';

let server: Server | undefined;
let transport: HttpTransport | undefined;
afterEach(async () => {
  await transport?.close();
  if (server) {
    server.closeAllConnections();
    await new Promise((r) => server!.close(r));
  }
  server = transport = undefined;
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const ctx = { method: 'PUT' };

it('sorts requests into lanes: prompt small non-GETs are quick; GETs, streams, big bodies, copies and POSTs with a body are not', () => {
  const h = {};
  expect(isQuickRequest({ method: 'HEAD', headers: h })).toBe(true);
  expect(isQuickRequest({ method: 'DELETE', headers: h })).toBe(true);
  expect(isQuickRequest({ method: 'POST', headers: h })).toBe(true); // Initiate Multipart Upload
  expect(isQuickRequest({ method: 'PUT', headers: h, body: Buffer.alloc(4096) })).toBe(true);
  expect(isQuickRequest({ method: 'PUT', headers: h, body: Buffer.alloc(QUICK_BODY_MAX_BYTES + 1) })).toBe(false);
  expect(isQuickRequest({ method: 'GET', headers: h })).toBe(false);
  expect(isQuickRequest({ method: 'PUT', headers: h, body: (async function* () {})() as never })).toBe(false);
  expect(isQuickRequest({ method: 'PUT', headers: { 'x-cos-copy-source': 'b-1.cos.r.myqcloud.com/k' } })).toBe(false);
  expect(isQuickRequest({ method: 'PUT', headers: { 'X-Cos-Copy-Source': 'b-1.cos.r.myqcloud.com/k' } })).toBe(false);
  expect(isQuickRequest({ method: 'POST', headers: h, body: Buffer.from('<CompleteMultipartUpload/>') })).toBe(false);
});

it('answers a HEAD while a slow server-side copy is running on the only quick connection', async () => {
  const origin = await serve((req, res) => {
    req.resume();
    req.on('end', () => setTimeout(() => res.end(), req.headers['x-cos-copy-source'] ? 1_500 : 0));
  });
  transport = new HttpTransport({ connections: 1 });
  const started = Date.now();
  const copy = transport.send({ origin, method: 'PUT', path: '/dst', headers: { 'x-cos-copy-source': 'b-1.cos.r.myqcloud.com/src' } }, ctx).then(async (r) => {
    for await (const _ of r.body) void _;
    return Date.now() - started;
  });
  await new Promise((r) => setTimeout(r, 100)); // the copy has its connection
  const head = await transport.send({ origin, method: 'HEAD', path: '/k', headers: {} }, { method: 'HEAD' });
  for await (const _ of head.body) void _;
  const headMs = Date.now() - started;
  expect(headMs).toBeLessThan((await copy) - 1_000);
});

it('answers small PUTs while a slow download holds the only bulk connection', async () => {
  const origin = await serve((req, res) => {
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-length': '10' });
      let sent = 0;
      const tick = setInterval(() => {
        res.write('x');
        if (++sent === 10) {
          clearInterval(tick);
          res.end();
        }
      }, 150);
      return;
    }
    req.resume();
    req.on('end', () => res.end());
  });
  transport = new HttpTransport({ connections: 1 });
  const started = Date.now();
  const download = transport.send({ origin, method: 'GET', path: '/big', headers: {} }, { method: 'GET' }).then(async (r) => {
    for await (const _ of r.body) void _;
    return Date.now() - started;
  });
  await new Promise((r) => setTimeout(r, 100)); // the download has its connection
  const puts = await Promise.all(
    Array.from({ length: 6 }, async (_, i) => {
      const r = await transport!.send({ origin, method: 'PUT', path: `/k${i}`, headers: { 'content-length': '4' }, body: Buffer.from('data') }, ctx);
      for await (const _ of r.body) void _;
      return Date.now() - started;
    }),
  );
  const downloadMs = await download;
  expect(Math.max(...puts)).toBeLessThan(downloadMs - 500);
});

it('never sends a second request on a connection before the first one is answered', async () => {
  const busy = new WeakMap<Socket, boolean>();
  let overlapped = 0;
  let served = 0;
  const origin = await serve((req, res) => {
    const socket = req.socket;
    if (busy.get(socket)) overlapped++;
    busy.set(socket, true);
    res.on('finish', () => busy.set(socket, false));
    req.resume();
    req.on('end', () => setTimeout(() => {
      served++;
      res.end();
    }, 5));
  });
  transport = new HttpTransport({ connections: 2 });
  await Promise.all(
    Array.from({ length: 40 }, async (_, i) => {
      const method = i % 2 ? 'HEAD' : 'PUT';
      const body = method === 'PUT' ? Buffer.from('x') : undefined;
      const r = await transport!.send({ origin, method, path: `/o${i}`, headers: body ? { 'content-length': '1' } : {}, body }, { method });
      for await (const _ of r.body) void _;
    }),
  );
  expect(served).toBe(40);
  expect(overlapped).toBe(0);
});
