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
import type { Bridge, PageFile } from './bridge-types';
import { uploadItems } from './upload-items';
import { uploadSender, type HeldFile } from './upload-sender';
import { timeSlicer } from '../lib/time-slice';

/** Files whose sizes start a big drop's job (about 40 ms of reading), then how many each later call adds. */
const FIRST_FILES = 200;
const NEXT_FILES = 1000;

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

  // The host sends the events of a busy moment together (a drop of 10,000 files: thousands in one message). Each
  // is checked in slices of the page's time, so that a big message is not one long task, and a message's events are
  // then handed on together, in order: the stores still take them as one batch, one render (handed on a slice at a
  // time, a fast scroll's status answers re-rendered the table several times a frame). Messages that arrive
  // meanwhile wait their turn. A small message is handed on at once.
  const inbox: unknown[][] = [];
  let draining = false;
  async function drainEvents(): Promise<void> {
    draining = true;
    const slice = timeSlicer();
    for (let message = inbox.shift(); message; message = inbox.shift()) {
      const events: AppEvent[] = [];
      for (const e of message) {
        const event = AppEvent.safeParse(e);
        if (event.success) events.push(event.data);
        const turn = slice();
        if (turn) await turn;
      }
      for (const event of events) emit(event);
    }
    draining = false;
  }
  const receive = (events: unknown[]) => {
    inbox.push(events);
    if (!draining) void drainEvents();
  };

  socket.addEventListener('open', () => {
    for (const frame of queued.splice(0)) socket.send(frame);
  });
  socket.addEventListener('close', () => {
    if (closed) return;
    closed = true;
    for (const resolve of pending.values()) resolve({ ok: false, error: disconnected });
    pending.clear();
    // After the events that came before it.
    receive([{ type: 'store.state', running: false, error: disconnected } satisfies AppEvent]);
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
      receive(msg.events);
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
    needsFilePaths: false,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async uploadFiles({ files, more: found, onLaterError, ...target }) {
      // Reading a dropped file's size and date asks the disk (a fifth of a millisecond each): a big drop starts
      // its job with its first files and adds the rest as they are read, so that uploading overlaps the reading.
      // Files still being found (a dropped folder's walk) follow the ones given, as they come.
      let at = 0;
      const next = async (count: number) => {
        let part: PageFile[];
        if (at < files.length) {
          part = files.slice(at, at + count);
          at += part.length;
        } else {
          part = (await found?.take(count)) ?? [];
        }
        const ids: string[] = [];
        const items = await uploadItems(target.prefix, part, (f) => {
          const streamId = randomId();
          const size = f.file.size;
          ids.push(streamId);
          streams.set(streamId, { file: f.file, size });
          return { kind: 'stream', streamId, name: f.file.name, size, lastModified: new Date(f.file.lastModified || Date.now()).toISOString() };
        });
        return { items, forget: () => ids.forEach((id) => streams.delete(id)) };
      };
      const rest = () => at < files.length || (found !== undefined && !found.drained);
      const first = await next(FIRST_FILES);
      const answer = await typedApi.jobs.startUpload({ ...target, items: first.items, ...(rest() ? { more: true } : {}) });
      if (!answer.ok) first.forget();
      else if (rest()) void addTheRest(answer.value.job.id);
      return answer;

      async function addTheRest(jobId: string): Promise<void> {
        // A walk that ends right after a chunk was added leaves the job open with nothing more to add: the last
        // call then adds nothing and closes it.
        for (let more = true; more; ) {
          const chunk = await next(NEXT_FILES);
          more = rest();
          const added = await typedApi.jobs.addUploadItems({ jobId, items: chunk.items, more });
          if (added.ok) continue;
          chunk.forget();
          // Cancelled meanwhile: the rest is not wanted. Otherwise say what happened, and close the job with what
          // it has (if the page can still reach the host; when it cannot, the host closes it when the page goes).
          if (added.error.code !== 'UploadClosed') {
            onLaterError?.(added.error);
            await typedApi.jobs.addUploadItems({ jobId, items: [], more: false });
          }
          return;
        }
      }
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

