// Browser mode's server, as a page and as an attacker would meet it: the shell served with a strict CSP; the
// WebSocket and every API request refused without the token, from a foreign Origin or to a foreign Host (DNS
// rebinding); the contract served over the socket with schema checks; a page's file pulled, PUT and uploaded
// encrypted; a download fetched as an attachment; and no secret of the store in any frame.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AppEvent, JobSummary, ServerMessage } from '../../shared/contract';
import { CofferCore } from '../services/core';
import { startHost, type RunningHost } from './host-server';

let home: string;
let rendererDir: string;
let core: CofferCore;
let host: RunningHost;
/** Every frame any test received, scanned for secrets at the end. */
const transcript: string[] = [];
const BUCKET = 'my-files-1250000000';

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'coffer-host-'));
  rendererDir = join(home, 'renderer');
  await mkdir(join(rendererDir, 'assets'), { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Coffer</title><script type="module" src="./assets/app.js"></script>');
  await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log("coffer")');
  await writeFile(join(home, 'outside.txt'), 'not for the web');
  core = await CofferCore.open({ home: join(home, 'coffer-home'), env: {}, transport: 'browser' });
  host = await startHost(core, { rendererDir });
  await core.ready();
});

afterAll(async () => {
  await host?.close();
  await core?.close();
  if (home) await rm(home, { recursive: true, force: true });
});

interface Http {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function http(path: string, opts: { method?: string; headers?: Record<string, string>; body?: Buffer } = {}): Promise<Http> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: host.port, path, method: opts.method ?? 'GET', headers: { host: `127.0.0.1:${host.port}`, ...opts.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

interface Client {
  ws: WebSocket;
  frames: ServerMessage[];
  call(channel: string, request: unknown): Promise<{ ok: boolean; value?: unknown; error?: { kind: string; code: string; message: string } }>;
  next(pred: (m: ServerMessage) => boolean, timeoutMs?: number): Promise<ServerMessage>;
}

function connect(opts: { token?: string; origin?: string | null; host?: string } = {}): Promise<Client> {
  const token = opts.token ?? host.token;
  const headers: Record<string, string> = { host: opts.host ?? `127.0.0.1:${host.port}` };
  const origin = opts.origin === undefined ? host.url : opts.origin;
  if (origin !== null) headers.origin = origin;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws?token=${encodeURIComponent(token)}`, { headers });
    const frames: ServerMessage[] = [];
    const waiters: Array<{ pred: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }> = [];
    let id = 0;
    ws.on('message', (data) => {
      transcript.push(String(data));
      const msg = JSON.parse(String(data)) as ServerMessage;
      frames.push(msg);
      for (const w of [...waiters]) {
        if (!w.pred(msg)) continue;
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(msg);
      }
    });
    const next = (pred: (m: ServerMessage) => boolean, timeoutMs = 30_000) =>
      new Promise<ServerMessage>((res, rej) => {
        const seen = frames.find(pred);
        if (seen) return res(seen);
        const timer = setTimeout(() => rej(new Error('no such frame arrived')), timeoutMs);
        waiters.push({ pred, resolve: (m) => (clearTimeout(timer), res(m)) });
      });
    ws.on('unexpected-response', (_req, res) => reject(Object.assign(new Error(`refused with ${res.statusCode}`), { status: res.statusCode })));
    ws.on('error', reject);
    ws.on('open', () =>
      resolve({
        ws,
        frames,
        next,
        async call(channel, request) {
          const n = ++id;
          ws.send(JSON.stringify({ id: n, channel, request }));
          const reply = await next((m) => 'id' in m && m.id === n);
          return (reply as unknown as { envelope: never }).envelope;
        },
      }),
    );
  });
}

/** Every stream id the host released to this client. */
const released = (c: Client) => c.frames.flatMap((m) => ('release' in m ? m.release : []));

/** A batch body as the page builds one: the manifest line, then the files' bytes back to back. */
function batchBody(files: Array<{ id: string; data: Buffer; size?: number }>): Buffer {
  const manifest = JSON.stringify(files.map((f) => [f.id, f.size ?? f.data.length]));
  return Buffer.concat([Buffer.from(`${manifest}\n`), ...files.map((f) => f.data)]);
}

/** Starts an upload of `files` (stream sources) and waits until the host has pulled the first of them. */
async function startPageUpload(c: Client, prefix: string, files: Array<{ name: string; data: Buffer; size?: number }>, tag: string): Promise<{ jobId: string; ids: string[] }> {
  const ids = files.map((_, i) => `${tag}-${String(i).padStart(4, '0')}`);
  const items = files.map((f, i) => ({ key: `${prefix}${f.name}`, source: { kind: 'stream', streamId: ids[i], name: f.name, size: f.size ?? f.data.length, lastModified: '2026-01-02T00:00:00.000Z' } }));
  const started = await c.call('jobs.startUpload', { connectionId: 'local', bucket: BUCKET, prefix, sse: { mode: 'sse-cos' }, items });
  expect(started).toMatchObject({ ok: true });
  const pulled = () => new Set(c.frames.flatMap((m) => ('pull' in m ? m.pull.map((p) => p.streamId) : [])));
  await c.next(() => pulled().has(ids[0]!));
  return { jobId: (started.value as { job: JobSummary }).job.id, ids };
}

const batch = (body: Buffer) => http(`/upload-batch?token=${host.token}`, { method: 'POST', headers: { origin: host.url, 'content-type': 'application/octet-stream' }, body });
const errorOf = (r: Http) => (JSON.parse(r.body.toString()) as { error: { code: string; message: string } }).error;

const eventsOf = (m: ServerMessage) => ('events' in m ? (m.events as AppEvent[]) : []);
const isEvent = (type: AppEvent['type'], pred: (e: AppEvent) => boolean = () => true) => (m: ServerMessage) => eventsOf(m).some((e) => e.type === type && pred(e));
/** The next event of `type` (and `pred`) this client received. */
async function nextEvent(c: Client, type: AppEvent['type'], pred: (e: AppEvent) => boolean = () => true): Promise<AppEvent> {
  const frame = await c.next(isEvent(type, pred));
  return eventsOf(frame).find((e) => e.type === type && pred(e))!;
}

describe('browser-mode host: who may connect', () => {
  it('serves the shell without the token, with a strict CSP, and nothing outside the renderer folder', async () => {
    const shell = await http('/');
    expect(shell.status).toBe(200);
    expect(String(shell.headers['content-security-policy'])).toBe(
      `default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self' ws://127.0.0.1:${host.port}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'`,
    );
    expect(shell.headers['x-content-type-options']).toBe('nosniff');
    expect(shell.headers['x-frame-options']).toBe('DENY');
    expect((await http('/assets/app.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
    for (const path of ['/../outside.txt', '/%2e%2e/outside.txt', '/assets/%2e%2e/%2e%2e/outside.txt']) expect((await http(path)).status).toBe(404);
  });

  it('refuses a foreign Host header (DNS rebinding), even for the shell', async () => {
    const res = await http('/', { headers: { host: `attacker.example:${host.port}` } });
    expect(res.status).toBe(403);
    expect(JSON.parse(String(res.body))).toMatchObject({ ok: false, error: { kind: 'access', code: 'Refused' } });
    expect((await http('/', { headers: { host: `localhost:${host.port}` } })).status).toBe(200);
  });

  it('refuses a WebSocket without the token, with a wrong token, from a foreign Origin, without an Origin, or to a foreign Host', async () => {
    await expect(connect({ token: '' })).rejects.toMatchObject({ status: 401 });
    await expect(connect({ token: `${host.token.slice(0, -1)}x` })).rejects.toMatchObject({ status: 401 });
    await expect(connect({ origin: 'http://attacker.example' })).rejects.toMatchObject({ status: 403 });
    await expect(connect({ origin: `http://127.0.0.1:${host.port + 1}` })).rejects.toMatchObject({ status: 403 });
    await expect(connect({ origin: null })).rejects.toMatchObject({ status: 403 });
    await expect(connect({ host: `attacker.example:${host.port}` })).rejects.toMatchObject({ status: 403 });
    const ok = await connect();
    ok.ws.close();
  });

  it('refuses uploads and downloads without the token or from another site', async () => {
    expect((await http('/upload/stream-0001?offset=0', { method: 'PUT', headers: { origin: host.url } })).status).toBe(401);
    expect((await http(`/upload/stream-0001?token=${host.token}&offset=0`, { method: 'PUT', headers: { origin: 'http://attacker.example' } })).status).toBe(403);
    expect((await http(`/upload/stream-0001?token=${host.token}&offset=0`, { method: 'PUT' })).status).toBe(403);
    expect((await http(`/download/x?token=${host.token}`, { headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
    expect((await http('/download/x')).status).toBe(401);
  });

  it('refuses a batch of files without the token, from another site, without an Origin or to a foreign Host', async () => {
    const body = batchBody([{ id: 'stream-0001', data: Buffer.from('x') }]);
    const headers = { 'content-type': 'application/octet-stream' };
    expect((await http('/upload-batch', { method: 'POST', headers: { ...headers, origin: host.url }, body })).status).toBe(401);
    expect((await http(`/upload-batch?token=wrong`, { method: 'POST', headers: { ...headers, origin: host.url }, body })).status).toBe(401);
    expect((await http(`/upload-batch?token=${host.token}`, { method: 'POST', headers: { ...headers, origin: 'http://attacker.example' }, body })).status).toBe(403);
    expect((await http(`/upload-batch?token=${host.token}`, { method: 'POST', headers, body })).status).toBe(403);
    expect((await http(`/upload-batch?token=${host.token}`, { method: 'POST', headers: { ...headers, origin: host.url, host: `attacker.example:${host.port}` }, body })).status).toBe(403);
    expect((await http(`/upload-batch?token=${host.token}`, { method: 'POST', headers: { ...headers, origin: host.url, 'sec-fetch-site': 'cross-site' }, body })).status).toBe(403);
  });
});

describe('browser-mode host: the contract over the WebSocket', () => {
  it('answers requests with envelopes, refuses malformed ones with a sentence, and what only the desktop app can do', async () => {
    const c = await connect();
    expect(await c.call('app.info', {})).toMatchObject({ ok: true, value: { transport: 'browser', nativeDialogs: false, filePaths: false, storeRunning: true } });
    expect(await c.call('objects.list', { connectionId: 'local', bucket: 'NOT A BUCKET' })).toMatchObject({ ok: false, error: { kind: 'usage', code: 'BadRequest' } });
    expect(await c.call('made.up', {})).toMatchObject({ ok: false, error: { kind: 'usage', code: 'UnknownChannel' } });
    expect(await c.call('dialogs.pickFiles', {})).toMatchObject({ ok: false, error: { kind: 'unavailable' } });
    const byPath = await c.call('jobs.startUpload', { connectionId: 'local', bucket: BUCKET, prefix: '', sse: { mode: 'sse-cos' }, items: [{ key: 'passwd', source: { kind: 'path', path: '/etc/passwd' } }] });
    expect(byPath).toMatchObject({ ok: false, error: { kind: 'unavailable', message: 'In the browser, files are sent by the page: drop them or pick them with the Upload button.' } });
    // The first run made a bucket that encrypts by default.
    expect(await c.call('buckets.list', { connectionId: 'local' })).toMatchObject({ ok: true, value: { buckets: [{ name: BUCKET, region: 'ap-guangzhou', sseOffered: true, defaultEncryption: { mode: 'SSE-COS' } }] } });
    c.ws.close();
  });

  it('uploads a page\'s files: pulled when the engine is ready, PUT with backpressure, verified encrypted, announced as new rows', async () => {
    const c = await connect();
    const files = [randomBytes(3 * 1024 * 1024 + 7), Buffer.from('hello from the page')];
    const items = files.map((data, i) => ({ key: `dropped/file-${i}.bin`, source: { kind: 'stream', streamId: `stream-test-${i}`, name: `file-${i}.bin`, size: data.length, lastModified: '2026-01-02T00:00:00.000Z' } }));
    const started = await c.call('jobs.startUpload', { connectionId: 'local', bucket: BUCKET, prefix: 'dropped/', sse: { mode: 'sse-cos' }, items });
    expect(started).toMatchObject({ ok: true, value: { job: { kind: 'upload', prefix: 'dropped/' } } });
    const jobId = (started.value as { job: JobSummary }).job.id;
    for (let i = 0; i < files.length; i++) {
      const pull = (await c.next((m) => 'pull' in m && m.pull.some((p) => p.streamId === `stream-test-${i}`))) as { pull: Array<{ streamId: string; offset: number }> };
      expect(pull.pull.find((p) => p.streamId === `stream-test-${i}`)!.offset).toBe(0);
      const put = await http(`/upload/stream-test-${i}?token=${host.token}&offset=0`, { method: 'PUT', headers: { origin: host.url, 'content-type': 'application/octet-stream' }, body: files[i] });
      expect(put.status).toBe(204);
    }
    const done = (await nextEvent(c, 'job.done', (e) => e.type === 'job.done' && e.jobId === jobId)) as { job: JobSummary };
    expect(done.job).toMatchObject({ state: 'completed', progress: { filesDone: 2, bytesDone: files[0]!.length + files[1]!.length } });
    const changed = c.frames.flatMap(eventsOf).filter((e) => e.type === 'object.changed');
    expect(changed).toEqual(
      expect.arrayContaining([expect.objectContaining({ change: 'put', object: expect.objectContaining({ key: 'dropped/file-1.bin', size: files[1]!.length }), encryption: { state: 'encrypted', mode: 'SSE-COS' } })]),
    );
    expect(released(c).sort()).toEqual(['stream-test-0', 'stream-test-1']);
    // A stream is read once.
    expect((await http(`/upload/stream-test-1?token=${host.token}&offset=0`, { method: 'PUT', headers: { origin: host.url }, body: files[1] })).status).toBe(404);
    // The listed rows take the verified encryption without a HEAD.
    const list = (await c.call('objects.list', { connectionId: 'local', bucket: BUCKET, prefix: 'dropped/' })) as { value: { objects: Array<{ key: string; etag: string }> } };
    expect(list.value.objects.map((o) => o.key)).toEqual(['dropped/file-0.bin', 'dropped/file-1.bin']);
    expect(await c.call('objects.status', { connectionId: 'local', bucket: BUCKET, view: 'table', rows: list.value.objects.map((o) => ({ key: o.key, etag: o.etag })) })).toEqual({ ok: true, value: { queued: 0 } });
    const client = await core.clientFor('local', BUCKET);
    const head = await client.headObject(BUCKET, 'dropped/file-0.bin');
    expect(head.encryption.mode).toBe('SSE-COS');
    c.ws.close();
  });

  it('takes many small files in one batch request: each fed into its item, uploaded encrypted, released', async () => {
    const c = await connect();
    const files = Array.from({ length: 40 }, (_, i) => ({ name: `small-${i}.txt`, data: Buffer.from(`small file ${i}\n`.repeat(i + 1)) }));
    files.push({ name: 'empty.txt', data: Buffer.alloc(0) }, { name: 'a-mebibyte.bin', data: randomBytes(1024 * 1024) });
    const { jobId, ids } = await startPageUpload(c, 'batched/', files, 'batch-ok');
    // One frame carried many pulls: the engine starts dozens of files at once.
    expect(Math.max(...c.frames.map((m) => ('pull' in m ? m.pull.length : 0)))).toBeGreaterThan(1);
    // As the page does: whatever was pulled goes in one batch, until every file was sent.
    const sent = new Set<string>();
    while (sent.size < files.length) {
      const pulled = () => c.frames.flatMap((m) => ('pull' in m ? m.pull.map((p) => p.streamId) : [])).filter((id) => !sent.has(id));
      await c.next(() => pulled().length > 0);
      const now = pulled();
      now.forEach((id) => sent.add(id));
      const answer = await batch(batchBody(now.map((id) => ({ id, data: files[ids.indexOf(id)]!.data }))));
      expect(answer.status).toBe(204);
    }
    const done = (await nextEvent(c, 'job.done', (e) => e.type === 'job.done' && e.jobId === jobId)) as { job: JobSummary };
    expect(done.job).toMatchObject({ state: 'completed', progress: { filesDone: files.length, filesFailed: 0 } });
    expect(new Set(released(c))).toEqual(new Set(ids));
    const client = await core.clientFor('local', BUCKET);
    for (const f of [files[7]!, files[40]!, files[41]!]) {
      const got = await client.getObjectBuffer(BUCKET, `batched/${f.name}`);
      expect(createHash('sha256').update(got).digest('hex')).toBe(createHash('sha256').update(f.data).digest('hex'));
      expect((await client.headObject(BUCKET, `batched/${f.name}`)).encryption.mode).toBe('SSE-COS');
    }
    c.ws.close();
  });

  it('refuses bad batches with a sentence and loses none of the good files in them', async () => {
    const c = await connect();
    const files = [0, 1, 2, 3, 4, 5].map((i) => ({ name: `f-${i}.txt`, data: Buffer.from(`file ${i}`) }));
    const { jobId, ids } = await startPageUpload(c, 'bad-batch/', files, 'batch-bad');
    await c.next(() => c.frames.some((m) => 'pull' in m && m.pull.some((p) => p.streamId === ids[5])));
    const file = (i: number, more: Partial<{ data: Buffer; size: number }> = {}) => ({ id: ids[i]!, data: files[i]!.data, ...more });

    expect((await http(`/upload-batch?token=${host.token}`, { method: 'GET', headers: { origin: host.url } })).status).toBe(405);
    const noList = await batch(Buffer.from('not a list\nfile 0'));
    expect(noList.status).toBe(400);
    expect(errorOf(noList)).toMatchObject({ code: 'BadBatch', message: 'The first line of an upload batch lists its files as JSON: [["<stream id>", <size>], …], 1 to 1000 of them.' });

    // A file Coffer is not waiting for: refused, and the file after it still taken.
    const unknown = await batch(batchBody([{ id: 'no-such-stream-0001', data: Buffer.from('?') }, file(0)]));
    expect(unknown.status).toBe(404);
    expect(errorOf(unknown)).toMatchObject({ code: 'NoSuchStream', message: 'Coffer is not waiting for one file of this batch (the upload finished, was cancelled, or the file was already sent); the other files were taken.' });
    // A file listed with another size than announced fails its item; the one after it arrives.
    const wrongSize = await batch(batchBody([file(1, { data: Buffer.from('file 1 and more') }), file(2)]));
    expect(wrongSize.status).toBe(400);
    expect(errorOf(wrongSize)).toMatchObject({ code: 'SizeMismatch', message: 'The page sent 15 bytes for a file announced as 6 bytes; drop it again.' });
    // A body that ends early: the file being read fails, the one it never reached can still be sent alone.
    const short = await batch(Buffer.concat([Buffer.from(`${JSON.stringify([[ids[3], 6], [ids[4], 6]])}\n`), Buffer.from('fil')]));
    expect(short.status).toBe(400);
    expect(errorOf(short).message).toBe('The upload batch ended before the last file its first line lists; the files it did not reach were not sent.');
    const alone = await http(`/upload/${ids[4]}?token=${host.token}&offset=0`, { method: 'PUT', headers: { origin: host.url }, body: files[4]!.data });
    expect(alone.status).toBe(204);
    // Bytes beyond the sizes listed.
    const tooLong = await batch(Buffer.concat([batchBody([file(5)]), Buffer.from('extra')]));
    expect(tooLong.status).toBe(400);
    expect(errorOf(tooLong).message).toBe('The upload batch holds more bytes than the sizes its first line lists.');

    const done = (await nextEvent(c, 'job.done', (e) => e.type === 'job.done' && e.jobId === jobId)) as { job: JobSummary };
    expect(done.job.progress).toMatchObject({ filesDone: 4, filesFailed: 2 });
    expect(done.job.failures.map((f) => f.key).sort()).toEqual(['bad-batch/f-1.txt', 'bad-batch/f-3.txt']);
    const list = (await c.call('objects.list', { connectionId: 'local', bucket: BUCKET, prefix: 'bad-batch/' })) as { value: { objects: Array<{ key: string }> } };
    expect(list.value.objects.map((o) => o.key)).toEqual(['bad-batch/f-0.txt', 'bad-batch/f-2.txt', 'bad-batch/f-4.txt', 'bad-batch/f-5.txt']);
    c.ws.close();
  });

  it('fails a file the page says it cannot read with a sentence, and uploads the others', async () => {
    const c = await connect();
    const files = [{ name: 'ok.txt', data: Buffer.from('fine') }, { name: 'holiday.jpg', data: Buffer.alloc(4096), size: 4096 }];
    const { jobId, ids } = await startPageUpload(c, 'unread/', files, 'unread');
    expect((await batch(batchBody([{ id: ids[0]!, data: files[0]!.data }]))).status).toBe(204);
    // What the page sends when the browser could not read the file (a folder, or a file gone since the drop).
    const told = await http(`/upload/${ids[1]}?token=${host.token}&offset=0&unreadable=1`, { method: 'PUT', headers: { origin: host.url } });
    expect(told.status).toBe(204);
    const done = (await nextEvent(c, 'job.done', (e) => e.type === 'job.done' && e.jobId === jobId)) as { job: JobSummary };
    expect(done.job.progress).toMatchObject({ filesDone: 1, filesFailed: 1 });
    expect(done.job.failures[0]!.error.message).toBe(
      'Coffer could not read “holiday.jpg” from your computer. If it is a folder, drop it again on its own: in a drop of many files, a folder named like a file is taken for one. Otherwise it was moved or deleted after it was dropped.',
    );
    expect(released(c)).toContain(ids[1]);
    // Retry cannot read a page's file again: it says so, and the job stays failed (it once ran for ever).
    expect(await c.call('jobs.retry', { jobId })).toMatchObject({ ok: false, error: { code: 'AwaitingSources', message: 'The failed files came from a browser page: drop or pick them again to retry.' } });
    const after = (await c.call('jobs.list', {})) as { value: { jobs: JobSummary[] } };
    expect(after.value.jobs.find((j) => j.id === jobId)?.state).toBe('failed');
    c.ws.close();
  });

  it('fails the files a page never sent when it closes, with a sentence, and keeps running', async () => {
    const c = await connect();
    // More files than the engine starts at once: most are not asked for yet when the page goes.
    const files = Array.from({ length: 60 }, (_, i) => ({ name: `left-${i}.txt`, data: Buffer.from(`left ${i}`) }));
    const { jobId } = await startPageUpload(c, 'left/', files, 'page-gone');
    const watcher = await connect();
    c.ws.close();
    const done = (await nextEvent(watcher, 'job.done', (e) => e.type === 'job.done' && e.jobId === jobId)) as { job: JobSummary };
    expect(done.job).toMatchObject({ state: 'failed', progress: { filesDone: 0, filesFailed: files.length } });
    expect(done.job.failures[0]!.error.message).toBe('The page that was sending this file was closed; drop the file again to upload it.');
    expect(await watcher.call('app.info', {})).toMatchObject({ ok: true });
    watcher.ws.close();
  });

  it('hands a download over as an attachment once it is verified', async () => {
    const c = await connect();
    const client = await core.clientFor('local', BUCKET);
    const data = randomBytes(100_000);
    await client.putObject(BUCKET, 'reports/Q1 résumé.pdf', data);
    const started = await c.call('jobs.startDownload', { connectionId: 'local', bucket: BUCKET, keys: ['reports/Q1 résumé.pdf'], destination: { kind: 'attachment' } });
    const jobId = (started.value as { job: JobSummary }).job.id;
    const done = (await nextEvent(c, 'job.done', (e) => e.type === 'job.done' && e.jobId === jobId)) as { job: JobSummary };
    expect(done.job.attachment).toMatchObject({ name: 'Q1 résumé.pdf' });
    const got = await http(`/download/${done.job.attachment!.downloadId}?token=${host.token}`, { headers: { 'sec-fetch-site': 'same-origin' } });
    expect(got.status).toBe(200);
    expect(got.headers['content-disposition']).toBe(`attachment; filename="Q1 r_sum_.pdf"; filename*=UTF-8''Q1%20r%C3%A9sum%C3%A9.pdf`);
    expect(createHash('md5').update(got.body).digest('hex')).toBe(createHash('md5').update(data).digest('hex'));
    // In the browser a download is the browser's: a folder on this machine is refused.
    expect(await c.call('jobs.startDownload', { connectionId: 'local', bucket: BUCKET, keys: ['x'], destination: { kind: 'folder', path: '/tmp' } })).toMatchObject({ ok: false, error: { kind: 'unavailable' } });
    c.ws.close();
  });

  it('never sends a secret of the store to the page', async () => {
    const { secretId, secretKey } = JSON.parse(await readFile(join(core.home, 'store', 'credentials.json'), 'utf8'));
    expect(transcript.length).toBeGreaterThan(10);
    const all = transcript.join('\n');
    expect(all).not.toContain(secretKey);
    expect(all).not.toContain(secretId);
  });
});
