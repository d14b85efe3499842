// Browser mode: the contract over a WebSocket to the host that served this page (same origin), authenticated by
// the token in location.hash. Uploads: the page keeps each dropped File under a random stream id; when the host
// is ready for bytes it sends `pull`, and the page sends the Files with fetch (upload-sender.ts: small ones many
// to a request, large ones alone from the offset asked), which streams them from disk rather than reading them
// into memory. See shared/contract/wire.ts.
import {
  AppEvent,
  ServerMessage,
  TOKEN_HASH_PREFIX,
  TOKEN_PARAM,
  WS_PATH,
  channelNames,
  downloadUrl,
  previewUrl,
  splitChannel,
  type AppError,
  type ChannelName,
  type CofferApi,
  type Envelope,
} from '../../shared/contract';
import type { Bridge } from './bridge-types';
import { uploadItems } from './upload-items';
import { uploadSender, type HeldFile } from './upload-sender';

export interface BrowserEnvironment {
  location: Pick<Location, 'hash' | 'host' | 'protocol'>;
  WebSocket: typeof WebSocket;
  fetch: typeof fetch;
  document?: Document;
  randomId?: () => string;
}

const disconnected: AppError = {
  kind: 'unavailable',
  code: 'Disconnected',
  message: 'Coffer stopped running in the background. Start it again (npm start) and open the address it prints.',
  details: {},
};

export function tokenFromHash(hash: string): string {
  return hash.startsWith(TOKEN_HASH_PREFIX) ? decodeURIComponent(hash.slice(TOKEN_HASH_PREFIX.length).split('&')[0]!) : '';
}

export function browserBridge(env: BrowserEnvironment): Bridge {
  const token = tokenFromHash(env.location.hash);
  const scheme = env.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new env.WebSocket(`${scheme}//${env.location.host}${WS_PATH}?${TOKEN_PARAM}=${encodeURIComponent(token)}`);
  const listeners = new Set<(event: AppEvent) => void>();
  const pending = new Map<number, (envelope: Envelope<unknown>) => void>();
  const queued: string[] = [];
  /** Files the host may still ask for, by stream id. */
  const streams = new Map<string, HeldFile>();
  const randomId = env.randomId ?? (() => crypto.randomUUID());
  const sender = uploadSender({ fetch: env.fetch, token, held: (id) => streams.get(id) });
  let nextId = 1;
  let closed = false;

  const emit = (event: AppEvent) => {
    for (const l of listeners) l(event);
  };

  socket.addEventListener('open', () => {
    for (const frame of queued.splice(0)) socket.send(frame);
  });
  socket.addEventListener('close', () => {
    if (closed) return;
    closed = true;
    for (const resolve of pending.values()) resolve({ ok: false, error: disconnected });
    pending.clear();
    emit({ type: 'store.state', running: false, error: disconnected });
  });
  socket.addEventListener('message', (ev: MessageEvent) => {
    let parsed;
    try {
      parsed = ServerMessage.safeParse(JSON.parse(String(ev.data)));
    } catch {
      return;
    }
    if (!parsed.success) return;
    const msg = parsed.data;
    if ('id' in msg) {
      const resolve = pending.get(msg.id);
      pending.delete(msg.id);
      resolve?.(msg.envelope as Envelope<unknown>);
    } else if ('events' in msg) {
      for (const e of msg.events) {
        const event = AppEvent.safeParse(e);
        if (event.success) emit(event.data);
      }
    } else if ('pull' in msg) {
      sender.pulled(msg.pull);
    } else {
      for (const id of msg.release) streams.delete(id);
    }
  });

  function call(channel: ChannelName, request: unknown): Promise<Envelope<unknown>> {
    if (closed) return Promise.resolve({ ok: false, error: disconnected });
    const id = nextId++;
    const frame = JSON.stringify({ id, channel, request });
    return new Promise((resolve) => {
      pending.set(id, resolve);
      if (socket.readyState === env.WebSocket.OPEN) socket.send(frame);
      else queued.push(frame);
    });
  }

  const api: Record<string, Record<string, (r: unknown) => Promise<Envelope<unknown>>>> = {};
  for (const name of channelNames) {
    const [domain, action] = splitChannel(name);
    (api[domain] ??= {})[action] = (request) => call(name, request);
  }
  const typedApi = api as unknown as CofferApi;

  return {
    api: typedApi,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async uploadFiles({ files, ...target }) {
      const ids: string[] = [];
      const items = await uploadItems(target.prefix, files, (f) => {
        const streamId = randomId();
        const size = f.file.size;
        ids.push(streamId);
        streams.set(streamId, { file: f.file, size });
        return { kind: 'stream', streamId, name: f.file.name, size, lastModified: new Date(f.file.lastModified || Date.now()).toISOString() };
      });
      const answer = await typedApi.jobs.startUpload({ ...target, items });
      if (!answer.ok) for (const id of ids) streams.delete(id);
      return answer;
    },
    openAttachment(downloadId, name) {
      const doc = env.document;
      if (!doc) return;
      const a = doc.createElement('a');
      a.href = downloadUrl(downloadId, token);
      a.download = name;
      a.rel = 'noopener';
      doc.body.append(a);
      a.click();
      a.remove();
    },
    async previewBlob(previewId) {
      try {
        const res = await env.fetch(previewUrl(previewId, token), { cache: 'no-store' });
        if (res.ok) return { ok: true, value: await res.blob() };
        const body = (await res.json().catch(() => null)) as Envelope<unknown> | null;
        return body && !body.ok ? body : { ok: false, error: { ...disconnected, code: 'PreviewFailed', message: `Coffer could not load the preview (HTTP ${res.status}); try again.` } };
      } catch {
        return { ok: false, error: disconnected };
      }
    },
  };
}

