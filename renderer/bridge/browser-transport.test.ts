// Browser mode's side of the wire: the token from location.hash on the WebSocket, request and reply frames as
// the contract's wire.ts has them, events delivered, uploads answered by PUTting the File when the host pulls
// (sliced from the offset asked), and a closed socket answered with a sentence instead of hanging.
import { describe, expect, it } from 'vitest';
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

function setUp() {
  const puts: Array<{ url: string; body: Blob; method: string }> = [];
  let n = 0;
  const bridge = browserBridge({
    location: { hash: '#token=s3cr%2Bt', host: '127.0.0.1:4321', protocol: 'http:' },
    WebSocket: FakeSocket as unknown as typeof WebSocket,
    fetch: (async (url: string, init: RequestInit) => {
      puts.push({ url, body: init.body as Blob, method: init.method! });
      return new Response(null, { status: 204 });
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

  it('delivers events and ignores frames that are not the contract', () => {
    const { bridge, socket } = setUp();
    const seen: unknown[] = [];
    bridge.onEvent((e) => seen.push(e));
    socket.reply({ event: { type: 'connections.changed' } });
    socket.reply({ event: { type: 'made.up' } });
    socket.fire('message', { data: 'not json' });
    expect(seen).toEqual([{ type: 'connections.changed' }]);
  });

  it('starts an upload with stream sources and PUTs each File when the host pulls it', async () => {
    const { bridge, socket, puts } = setUp();
    socket.open();
    const file = new File(['hello world'], 'a.txt', { lastModified: Date.UTC(2026, 0, 2) });
    const started = bridge.uploadFiles({ connectionId: 'local', bucket: 'photos-1250000000', prefix: '2026/', sse: { mode: 'sse-cos' }, files: [{ file, relativePath: 'album/a.txt' }] });
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
    socket.reply({ pull: { streamId: 'stream-0001', offset: 0 } });
    await new Promise((r) => setTimeout(r, 0));
    expect(puts).toHaveLength(0);

    const again = bridge.uploadFiles({ connectionId: 'local', bucket: 'photos-1250000000', prefix: '', sse: { mode: 'sse-cos' }, files: [{ file, relativePath: 'a.txt' }] });
    socket.reply({ id: 2, envelope: { ok: true, value: { job: {} } } });
    await again;
    socket.reply({ pull: { streamId: 'stream-0002', offset: 6 } });
    await new Promise((r) => setTimeout(r, 0));
    expect(puts).toHaveLength(1);
    expect(puts[0]!.method).toBe('PUT');
    expect(puts[0]!.url).toBe('/upload/stream-0002?token=s3cr%2Bt&offset=6');
    expect(await puts[0]!.body.text()).toBe('world');
    socket.reply({ release: { streamId: 'stream-0002' } });
    socket.reply({ pull: { streamId: 'stream-0002', offset: 0 } });
    await new Promise((r) => setTimeout(r, 0));
    expect(puts).toHaveLength(1);
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
