// Browser mode's side of the wire: the token from location.hash on the WebSocket, request and reply frames as
// the contract's wire.ts has them, events delivered, uploads answered when the host pulls (small files together
// in one POST /upload-batch (a manifest line, then the Files), a large or resumed one alone with a PUT sliced from the offset asked), and a closed
// socket answered with a sentence instead of hanging.
import { describe, expect, it, vi } from 'vitest';
import type { ClientMessage } from '../../shared/contract';
import { browserBridge, tokenFromHash } from './browser-transport';

class FakeSocket {
  static OPEN = 1;
  static last: FakeSocket;
  readyState = 0;
  sent: ClientMessage[] = [];
  private listeners: Record<string, Array<(e: unknown) => void>> = {};
  constructor(readonly url: string) {
    FakeSocket.last = this;
  }
  addEventListener(type: string, fn: (e: unknown) => void) {
    (this.listeners[type] ??= []).push(fn);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  fire(type: string, e: unknown = {}) {
    for (const fn of this.listeners[type] ?? []) fn(e);
  }
  open() {
    this.readyState = 1;
    this.fire('open');
  }
  reply(frame: unknown) {
    this.fire('message', { data: JSON.stringify(frame) });
  }
}

function setUp(answer: (url: string) => Promise<Response> = async () => new Response(null, { status: 204 })) {
  const puts: Array<{ url: string; body: Blob; method: string }> = [];
  let n = 0;
  const bridge = browserBridge({
    location: { hash: '#token=s3cr%2Bt', host: '127.0.0.1:4321', protocol: 'http:' },
    WebSocket: FakeSocket as unknown as typeof WebSocket,
    fetch: (async (url: string, init: RequestInit) => {
      puts.push({ url, body: init.body as Blob, method: init.method! });
      return answer(url);
    }) as unknown as typeof fetch,
    randomId: () => `stream-${String(++n).padStart(4, '0')}`,
  });
  return { bridge, socket: FakeSocket.last, puts };
}

describe('browser transport', () => {
  it('connects to /ws on the same host with the token and sends queued requests once open', async () => {
    const { bridge, socket } = setUp();
    expect(tokenFromHash('#token=abc')).toBe('abc');
    expect(socket.url).toBe('ws://127.0.0.1:4321/ws?token=s3cr%2Bt');
    const answer = bridge.api.buckets.list({ connectionId: 'local' });
    expect(socket.sent).toHaveLength(0);
    socket.open();
    expect(socket.sent).toEqual([{ id: 1, channel: 'buckets.list', request: { connectionId: 'local' } }]);
    socket.reply({ id: 1, envelope: { ok: true, value: { buckets: [] } } });
    expect(await answer).toEqual({ ok: true, value: { buckets: [] } });
  });

  it('delivers the events of a frame and ignores those, and frames, that are not the contract', () => {
    const { bridge, socket } = setUp();
    const seen: unknown[] = [];
    bridge.onEvent((e) => seen.push(e));
    socket.reply({ events: [{ type: 'connections.changed' }, { type: 'made.up' }, { type: 'vault.state', state: 'locked' }] });
    socket.reply({ event: { type: 'connections.changed' } });
    socket.fire('message', { data: 'not json' });
    // One event this page does not know leaves the others of its frame.
    expect(seen).toEqual([{ type: 'connections.changed' }, { type: 'vault.state', state: 'locked' }]);
  });

  it('checks a big frame of events in slices of the page, then hands them on together and in order, the next frame and the disconnect after them', async () => {
    const { bridge, socket } = setUp();
    const seen: string[] = [];
    const handedOn: number[] = [];
    let turn = 0;
    const turns = setInterval(() => turn++, 0);
    bridge.onEvent((e) => {
      seen.push(e.type === 'job.notice' ? e.message : e.type);
      handedOn.push(turn);
    });
    const notice = (n: number) => ({ type: 'job.notice', jobId: 'j', message: `n${n}` });
    const many = 50_000;
    socket.reply({ events: Array.from({ length: many }, (_, i) => notice(i)) });
    // Checking 50,000 events takes more than one slice: none is handed on in the frame's own task.
    expect(seen).toHaveLength(0);
    socket.reply({ events: [notice(many)] });
    socket.fire('close');
    await vi.waitFor(() => expect(seen).toHaveLength(many + 2), { timeout: 10_000 });
    clearInterval(turns);
    expect(seen).toEqual([...Array.from({ length: many + 1 }, (_, i) => `n${i}`), 'store.state']);
    // The big frame's events all in one go (the stores take them as one batch).
    expect(new Set(handedOn.slice(0, many)).size).toBe(1);
  });

  it('starts an upload with stream sources and PUTs a File resumed from an offset alone', async () => {
    const { bridge, socket, puts } = setUp();
    socket.open();
    const file = new File(['hello world'], 'a.txt', { lastModified: Date.UTC(2026, 0, 2) });
    const started = bridge.uploadFiles({ connectionId: 'local', bucket: 'photos-1250000000', prefix: '2026/', sse: { mode: 'sse-cos' }, files: [{ file, relativePath: 'album/a.txt' }] });
    await vi.waitFor(() => expect(socket.sent).toHaveLength(1));
    expect(socket.sent[0]).toEqual({
      id: 1,
      channel: 'jobs.startUpload',
      request: {
        connectionId: 'local',
        bucket: 'photos-1250000000',
        prefix: '2026/',
        sse: { mode: 'sse-cos' },
        items: [{ key: '2026/album/a.txt', source: { kind: 'stream', streamId: 'stream-0001', name: 'a.txt', size: 11, lastModified: '2026-01-02T00:00:00.000Z' } }],
      },
    });
    socket.reply({ id: 1, envelope: { ok: false, error: { kind: 'failed', code: 'x', message: 'no', details: {} } } });
    await started;
    // A failed start forgets the stream: a later pull for it sends nothing.
    socket.reply({ pull: [{ streamId: 'stream-0001', offset: 0 }] });
    await new Promise((r) => setTimeout(r, 0));
    expect(puts).toHaveLength(0);

    const again = bridge.uploadFiles({ connectionId: 'local', bucket: 'photos-1250000000', prefix: '', sse: { mode: 'sse-cos' }, files: [{ file, relativePath: 'a.txt' }] });
    await vi.waitFor(() => expect(socket.sent).toHaveLength(2));
    socket.reply({ id: 2, envelope: { ok: true, value: { job: {} } } });
    await again;
    socket.reply({ pull: [{ streamId: 'stream-0002', offset: 6 }] });
    await new Promise((r) => setTimeout(r, 0));
    expect(puts).toHaveLength(1);
    expect(puts[0]!.method).toBe('PUT');
    expect(puts[0]!.url).toBe('/upload/stream-0002?token=s3cr%2Bt&offset=6');
    expect(await puts[0]!.body.text()).toBe('world');
    socket.reply({ release: ['stream-0002'] });
    socket.reply({ pull: [{ streamId: 'stream-0002', offset: 0 }] });
    await new Promise((r) => setTimeout(r, 0));
    expect(puts).toHaveLength(1);
  });

  it('starts a big drop\'s job with its first 200 files and adds the rest as their sizes are read; a refused addition is said and closes the job', async () => {
    const { bridge, socket } = setUp();
    socket.open();
    const files = Array.from({ length: 1450 }, (_, i) => ({ file: new File(['x'], `f${i}.txt`), relativePath: `f${i}.txt` }));
    const errors: unknown[] = [];
    const started = bridge.uploadFiles({ connectionId: 'local', bucket: 'photos-1250000000', prefix: '', sse: { mode: 'sse-cos' }, files, onLaterError: (e) => errors.push(e) });
    await vi.waitFor(() => expect(socket.sent).toHaveLength(1));
    expect(socket.sent[0]).toMatchObject({ channel: 'jobs.startUpload', request: { more: true } });
    expect((socket.sent[0]!.request as { items: unknown[] }).items).toHaveLength(200);
    socket.reply({ id: 1, envelope: { ok: true, value: { job: { id: 'job-9' } } } });
    await started;
    await vi.waitFor(() => expect(socket.sent).toHaveLength(2));
    expect(socket.sent[1]).toMatchObject({ channel: 'jobs.addUploadItems', request: { jobId: 'job-9', more: true } });
    expect((socket.sent[1]!.request as { items: unknown[] }).items).toHaveLength(1000);
    socket.reply({ id: 2, envelope: { ok: true, value: { job: { id: 'job-9' } } } });
    await vi.waitFor(() => expect(socket.sent).toHaveLength(3));
    expect(socket.sent[2]).toMatchObject({ channel: 'jobs.addUploadItems', request: { jobId: 'job-9', more: false } });
    expect((socket.sent[2]!.request as { items: Array<{ key: string }> }).items.map((i) => i.key)).toEqual(files.slice(1200).map((f) => f.relativePath));
    const refused = { kind: 'usage', code: 'BadRequest', message: 'no', details: {} };
    socket.reply({ id: 3, envelope: { ok: false, error: refused } });
    await vi.waitFor(() => expect(socket.sent).toHaveLength(4));
    expect(errors).toEqual([refused]);
    expect(socket.sent[3]).toMatchObject({ channel: 'jobs.addUploadItems', request: { jobId: 'job-9', items: [], more: false } });
  });

  it('adds the files of a folder still being walked to the same job as they are found, and closes it when the walk ends', async () => {
    const { bridge, socket } = setUp();
    socket.open();
    const file = (name: string) => ({ file: new File(['x'], name), relativePath: name });
    // The walk's output as the test releases it: nothing is added before it is found.
    const found: Array<ReturnType<typeof file>> = [];
    let over = false;
    let wake = () => {};
    const more = {
      get drained() {
        return over && found.length === 0;
      },
      async take(max: number) {
        while (found.length === 0 && !over) await new Promise<void>((resolve) => (wake = resolve));
        return found.splice(0, max);
      },
    };
    const finds = (...names: string[]) => (found.push(...names.map(file)), wake());
    const started = bridge.uploadFiles({ connectionId: 'local', bucket: 'photos-1250000000', prefix: 'in/', sse: { mode: 'sse-cos' }, files: [file('album/1.jpg')], more });
    await vi.waitFor(() => expect(socket.sent).toHaveLength(1));
    expect(socket.sent[0]).toMatchObject({ channel: 'jobs.startUpload', request: { more: true } });
    socket.reply({ id: 1, envelope: { ok: true, value: { job: { id: 'job-7' } } } });
    await started;
    await new Promise((r) => setTimeout(r, 0));
    expect(socket.sent).toHaveLength(1);
    finds('album/2.jpg', 'album/3.jpg');
    await vi.waitFor(() => expect(socket.sent).toHaveLength(2));
    expect(socket.sent[1]).toMatchObject({ channel: 'jobs.addUploadItems', request: { jobId: 'job-7', more: true } });
    expect((socket.sent[1]!.request as { items: Array<{ key: string }> }).items.map((i) => i.key)).toEqual(['in/album/2.jpg', 'in/album/3.jpg']);
    socket.reply({ id: 2, envelope: { ok: true, value: { job: { id: 'job-7' } } } });
    // The walk ends with nothing more found: the job is closed with what it has.
    over = true;
    wake();
    await vi.waitFor(() => expect(socket.sent).toHaveLength(3));
    expect(socket.sent[2]).toMatchObject({ channel: 'jobs.addUploadItems', request: { jobId: 'job-7', items: [], more: false } });
  });

  it('sends the small files pulled together in one POST /upload-batch, a large one alone, and again alone when a batch breaks off', async () => {
    let failBatch = true;
    const { bridge, socket, puts } = setUp(async (url) => {
      if (url.startsWith('/upload-batch') && failBatch) {
        failBatch = false;
        throw new TypeError('Failed to fetch');
      }
      return new Response(null, { status: 204 });
    });
    socket.open();
    const small = ['a', 'b', 'c'].map((n) => ({ file: new File([`file ${n}`], `${n}.txt`), relativePath: `${n}.txt` }));
    const large = { file: new File([new Uint8Array(1024 * 1024 + 1)], 'big.bin'), relativePath: 'big.bin' };
    const started = bridge.uploadFiles({ connectionId: 'local', bucket: 'photos-1250000000', prefix: '', sse: { mode: 'sse-cos' }, files: [small[0]!, large, small[1]!, small[2]!] });
    await vi.waitFor(() => expect(socket.sent).toHaveLength(1));
    socket.reply({ id: 1, envelope: { ok: true, value: { job: {} } } });
    await started;
    socket.reply({ pull: ['stream-0001', 'stream-0002', 'stream-0003', 'stream-0004'].map((streamId) => ({ streamId, offset: 0 })) });
    await vi.waitFor(() => expect(puts).toHaveLength(2 + 3));
    const batch = puts.find((p) => p.method === 'POST');
    const big = puts.find((p) => p.url.startsWith('/upload/stream-0002'));
    const again = puts.filter((p) => p !== batch && p !== big);
    expect(batch).toMatchObject({ method: 'POST', url: '/upload-batch?token=s3cr%2Bt' });
    // The manifest line, then the files back to back.
    expect(await (batch!.body as Blob).text()).toBe('[["stream-0001",6],["stream-0003",6],["stream-0004",6]]\nfile afile bfile c');
    expect(big).toMatchObject({ method: 'PUT', url: '/upload/stream-0002?token=s3cr%2Bt&offset=0' });
    expect(big!.body.size).toBe(1024 * 1024 + 1);
    // The batch broke off on the way: its files went again, each alone.
    expect(again.map((p) => `${p.method} ${p.url}`)).toEqual(['stream-0001', 'stream-0003', 'stream-0004'].map((id) => `PUT /upload/${id}?token=s3cr%2Bt&offset=0`));
  });

  it('answers pending and later calls with a sentence when the host goes away, and says so as an event', async () => {
    const { bridge, socket } = setUp();
    const seen: unknown[] = [];
    bridge.onEvent((e) => seen.push(e));
    socket.open();
    const pending = bridge.api.jobs.list({});
    socket.fire('close');
    expect(await pending).toMatchObject({ ok: false, error: { kind: 'unavailable', code: 'Disconnected' } });
    expect(await bridge.api.app.info({})).toMatchObject({ ok: false, error: { code: 'Disconnected' } });
    expect(seen).toMatchObject([{ type: 'store.state', running: false, error: { code: 'Disconnected' } }]);
  });
});
