// Browser mode: the same app where Electron cannot run. One HTTP server on loopback (a random port unless told)
// serves the built renderer, the contract over a WebSocket (`/ws`: request frames answered by the same handlers
// Electron registers, events pushed, upload pulls sent to the page that owns the file), files' bytes as
// `PUT /upload/<streamId>` and small files many at a time as `POST /upload-batch` (upload-batch.ts; both fed into
// the engine with backpressure, never held whole), and finished downloads as
// `GET /download/<id>` attachments. access.ts says who may connect.
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { ClientMessage, DOWNLOAD_PATH, PREVIEW_PATH, UPLOAD_BATCH_PATH, UPLOAD_PATH, WS_PATH, serveRequest, type AppError, type AppEvent, type ServerMessage } from '../../shared/contract';
import type { CofferCore } from '../services/core';
import { toAppError } from '../services/errors';
import { createHandlers } from '../services/ipc/handlers';
import { checkApiRequest, checkHost, newToken, type HostIdentity, type Refusal } from './access';
import { servePreview } from './preview-route';
import { securityHeaders, serveStatic } from './static-files';
import { receiveBatch } from './upload-batch';

export interface HostOptions {
  /** Where the built renderer is (dist/renderer). */
  rendererDir: string;
  /** 127.0.0.1 unless the user asked for another address. */
  host?: string;
  /** 0 (default): a free port. */
  port?: number;
  /** A fixed token (tests); a random one per start otherwise. */
  token?: string;
  log?: (line: string) => void;
}

export interface RunningHost {
  url: string;
  /** The address to open: url + '#token=…'. */
  openUrl: string;
  port: number;
  token: string;
  server: Server;
  /** Sessions (WebSocket connections) open now. */
  readonly sessions: number;
  close(): Promise<void>;
}

/** The largest request frame: an upload of 100,000 files is a few MB of JSON. */
const MAX_FRAME = 64 * 1024 * 1024;

function send(ws: WebSocket, msg: ServerMessage): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
}

function answerJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), 'cache-control': 'no-store' });
  res.end(text);
}

function refuse(res: ServerResponse, r: Refusal, headers: Record<string, string> = {}): void {
  answerJson(res, r.status, { ok: false, error: { kind: 'access', code: r.status === 401 ? 'BadToken' : 'Refused', message: `Refused: ${r.reason}.`, details: {} } }, headers);
}

function failWith(res: ServerResponse, status: number, error: AppError, headers: Record<string, string> = {}): void {
  if (res.headersSent) return void res.destroy();
  answerJson(res, status, { ok: false, error }, { ...headers, connection: 'close' });
}

function statusFor(e: AppError): number {
  switch (e.kind) {
    case 'usage':
      return 400;
    case 'not-found':
      return 404;
    case 'access':
      return 403;
    case 'conflict':
      return 409;
    case 'unavailable':
      return 503;
    default:
      return 500;
  }
}

/** `attachment; filename="…"; filename*=UTF-8''…`: the name survives any characters (RFC 6266 / 5987). */
function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

export async function startHost(core: CofferCore, opts: HostOptions): Promise<RunningHost> {
  const token = opts.token ?? newToken();
  const bindHost = opts.host ?? '127.0.0.1';
  const sockets = new Map<string, WebSocket>();
  const connections = new Set<Socket>();
  let identity: HostIdentity = { port: 0, names: [] };
  let origin = '';
  const log = opts.log ?? (() => {});

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME, perMessageDeflate: false });

  // What the host tells the pages is sent once per turn of the event loop, one frame per kind: a drop of 10,000
  // files is 10,000 'object.changed' events, pulls and releases, and a frame each cost more than the rest of the
  // work. Replies go at once; events were never ordered with them (the page applies them per animation frame).
  type Mail = { events: AppEvent[]; pull: Array<{ streamId: string; offset: number }>; release: string[] };
  const outbox = new Map<string, Mail>();
  const flushOutbox = () => {
    for (const [session, { events, pull, release }] of outbox) {
      const ws = sockets.get(session);
      if (!ws) continue;
      if (events.length > 0) send(ws, { events });
      if (pull.length > 0) send(ws, { pull });
      if (release.length > 0) send(ws, { release });
    }
    outbox.clear();
  };
  const mailFor = (session: string) => {
    if (outbox.size === 0) setImmediate(flushOutbox);
    let m = outbox.get(session);
    if (!m) outbox.set(session, (m = { events: [], pull: [], release: [] }));
    return m;
  };
  const onEvent = (event: AppEvent) => {
    for (const session of sockets.keys()) mailFor(session).events.push(event);
  };
  const onPull = (p: { owner: string; streamId: string; offset: number }) => void mailFor(p.owner).pull.push({ streamId: p.streamId, offset: p.offset });
  const onRelease = (p: { owner: string; streamId: string }) => void mailFor(p.owner).release.push(p.streamId);
  core.on('event', onEvent);
  core.streams.on('pull', onPull);
  core.streams.on('release', onRelease);

  wss.on('connection', (ws: WebSocket) => {
    const session = { id: randomUUID(), transport: 'browser' as const };
    const handlers = createHandlers(core, session);
    sockets.set(session.id, ws);
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let frame: unknown;
      try {
        frame = JSON.parse(data.toString());
      } catch {
        return;
      }
      const msg = ClientMessage.safeParse(frame);
      if (!msg.success) {
        const id = (frame as { id?: unknown })?.id;
        if (typeof id === 'number' && Number.isInteger(id) && id > 0) send(ws, { id, envelope: { ok: false, error: { kind: 'usage', code: 'BadFrame', message: 'Coffer could not read that request.', details: {} } } });
        return;
      }
      void serveRequest(handlers, msg.data.channel, msg.data.request, { toAppError: (e) => toAppError(e) }).then((envelope) => send(ws, { id: msg.data.id, envelope: envelope as Extract<ServerMessage, { id: number }>['envelope'] }));
    });
    ws.on('close', () => {
      sockets.delete(session.id);
      core.endSession(session.id);
    });
    ws.on('error', () => ws.terminate());
  });

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      log(`request failed: ${(err as Error).message}`);
      failWith(res, 500, toAppError(err), securityHeaders(origin));
    });
  });
  server.on('connection', (s) => {
    connections.add(s);
    s.on('close', () => connections.delete(s));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headers = securityHeaders(origin);
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname === UPLOAD_BATCH_PATH) {
      const refusal = checkApiRequest(req, url, identity, token, { originRequired: true });
      if (refusal) return refuse(res, refusal, headers);
      return uploadBatch(req, res, headers);
    }
    if (url.pathname.startsWith(UPLOAD_PATH)) {
      const refusal = checkApiRequest(req, url, identity, token, { originRequired: true });
      if (refusal) return refuse(res, refusal, headers);
      return upload(req, res, url, headers);
    }
    if (url.pathname.startsWith(DOWNLOAD_PATH)) {
      const refusal = checkApiRequest(req, url, identity, token, { originRequired: false });
      if (refusal) return refuse(res, refusal, headers);
      return download(req, res, url, headers);
    }
    if (url.pathname.startsWith(PREVIEW_PATH)) {
      const refusal = checkApiRequest(req, url, identity, token, { originRequired: false });
      if (refusal) return refuse(res, refusal, headers);
      return servePreview(core, req, res, url, headers, failWith);
    }
    const hostRefusal = checkHost(req, identity);
    if (hostRefusal) return refuse(res, hostRefusal, headers);
    return serveStatic(req, res, url, opts.rendererDir, origin);
  }

  async function upload(req: IncomingMessage, res: ServerResponse, url: URL, headers: Record<string, string>): Promise<void> {
    if (req.method !== 'PUT') return failWith(res, 405, { kind: 'usage', code: 'MethodNotAllowed', message: 'Files are sent with PUT.', details: {} }, headers);
    const streamId = decodeURIComponent(url.pathname.slice(UPLOAD_PATH.length));
    const offset = Number(url.searchParams.get('offset') ?? '0');
    const entry = core.streams.attach(streamId);
    if (!entry) return failWith(res, 404, { kind: 'not-found', code: 'NoSuchStream', message: 'Coffer is not waiting for this file (its upload finished, was cancelled, or it was already sent).', details: {} }, headers);
    if (url.searchParams.get('unreadable') === '1') {
      const name = entry.key.slice(entry.key.lastIndexOf('/', entry.key.length - 2) + 1);
      const error: AppError = {
        kind: 'not-found',
        code: 'FileUnreadable',
        message: `Coffer could not read “${name}” from your computer. If it is a folder, drop it again on its own: in a drop of many files, a folder named like a file is taken for one. Otherwise it was moved or deleted after it was dropped.`,
        details: { key: entry.key },
      };
      core.streams.settleItem(entry.jobId, entry.key, { ok: false, error });
      req.resume();
      return void res.writeHead(204, { ...headers, 'cache-control': 'no-store' }).end();
    }
    // The page sends from where the host asked (after the parts a resumed upload already holds), nowhere else.
    const from = entry.stream.offset;
    if (offset !== from) {
      const error: AppError = { kind: 'conflict', code: 'OffsetRefused', message: `Coffer asked for this file from byte ${from}, not ${offset}; drop it again.`, details: { key: entry.key } };
      core.streams.settleItem(entry.jobId, entry.key, { ok: false, error });
      return failWith(res, 409, error, headers);
    }
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) !== entry.size - from) {
      const error: AppError = { kind: 'usage', code: 'SizeMismatch', message: `The page sent ${declared} bytes for a file announced as ${entry.size} bytes (from byte ${from}); drop it again.`, details: { key: entry.key } };
      core.streams.settleItem(entry.jobId, entry.key, { ok: false, error });
      return failWith(res, 400, error, headers);
    }
    // An item that fails before its bytes are all read (the bucket refused the first part): answer at once.
    const early = entry.outcome.then((o) => (o.ok ? undefined : o.error));
    const fed = entry.stream.feed(req, entry.size - from).then(
      () => undefined,
      (err: Error): AppError => ({ kind: 'failed', code: 'BodyBroken', message: err.message, details: { key: entry.key } }),
    );
    const failure = await Promise.race([fed, early.then((e) => e ?? fed)]);
    if (failure) {
      req.unpipe();
      failWith(res, statusFor(failure), failure, headers);
      req.resume();
      return;
    }
    res.writeHead(204, { ...headers, 'cache-control': 'no-store' }).end();
  }

  async function uploadBatch(req: IncomingMessage, res: ServerResponse, headers: Record<string, string>): Promise<void> {
    if (req.method !== 'POST') return failWith(res, 405, { kind: 'usage', code: 'MethodNotAllowed', message: 'A batch of files is sent with POST.', details: {} }, headers);
    const answer = await receiveBatch(core.streams, req);
    if (answer.error) return failWith(res, answer.status, answer.error, headers);
    res.writeHead(204, { ...headers, 'cache-control': 'no-store' }).end();
  }

  async function download(req: IncomingMessage, res: ServerResponse, url: URL, headers: Record<string, string>): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return failWith(res, 405, { kind: 'usage', code: 'MethodNotAllowed', message: 'Downloads are fetched with GET.', details: {} }, headers);
    const id = decodeURIComponent(url.pathname.slice(DOWNLOAD_PATH.length));
    // An exported SSE-C key: held in memory and handed over once (app/services/one-time-downloads.ts).
    const small = (name: string, size: number) =>
      res.writeHead(200, { ...headers, 'content-type': 'application/octet-stream', 'content-length': String(size), 'content-disposition': contentDisposition(name), 'cache-control': 'no-store' });
    const waiting = core.oneTimeDownloads.peek(id);
    if (waiting && req.method === 'HEAD') return void small(waiting.name, waiting.size).end();
    const once = waiting && core.oneTimeDownloads.take(id);
    if (once) return void small(once.name, once.bytes.length).end(once.bytes, () => once.wipe());
    const found = core.jobs.attachment(id);
    const st = found ? await stat(found.path).catch(() => undefined) : undefined;
    if (!found || !st?.isFile()) return failWith(res, 404, { kind: 'not-found', code: 'NoSuchDownload', message: 'This download is no longer available; download the file again.', details: {} }, headers);
    res.writeHead(200, {
      ...headers,
      'content-type': 'application/octet-stream',
      'content-length': String(st.size),
      'content-disposition': contentDisposition(found.name),
      'cache-control': 'no-store',
    });
    if (req.method === 'HEAD') return void res.end();
    const file = createReadStream(found.path);
    file.on('error', () => res.destroy());
    res.on('finish', () => void core.jobs.attachmentServed(found.jobId));
    file.pipe(res);
  }

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = new URL(req.url ?? '/', origin);
    const refusal = url.pathname === WS_PATH ? checkApiRequest(req, url, identity, token, { originRequired: true }) : { status: 400 as const, reason: 'no WebSocket here' };
    if (refusal) {
      socket.end(`HTTP/1.1 ${refusal.status} ${refusal.status === 401 ? 'Unauthorized' : refusal.status === 400 ? 'Bad Request' : 'Forbidden'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, bindHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const names = new Set(['127.0.0.1', 'localhost']);
  if (bindHost === '::1') names.add('::1');
  if (!['127.0.0.1', 'localhost', '::1', '0.0.0.0', '::'].includes(bindHost)) names.add(bindHost);
  identity = { port, names: [...names] };
  const shown = bindHost === '0.0.0.0' || bindHost === '::' || bindHost === 'localhost' ? '127.0.0.1' : bindHost.includes(':') ? `[${bindHost}]` : bindHost;
  origin = `http://${shown}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url: origin,
    openUrl: `${origin}/#token=${token}`,
    port,
    token,
    server,
    get sessions() {
      return sockets.size;
    },
    close() {
      closing ??= (async () => {
        core.off('event', onEvent);
        core.streams.off('pull', onPull);
        core.streams.off('release', onRelease);
        for (const ws of sockets.values()) ws.close(1001, 'Coffer is stopping');
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          // Uploads in flight end now; their jobs are saved as interrupted.
          setTimeout(() => {
            for (const s of connections) s.destroy();
            for (const ws of wss.clients) ws.terminate();
          }, 1_000).unref();
        });
        wss.close();
      })();
      return closing;
    },
  };
}
