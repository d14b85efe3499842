// The HTTP(S) front of the store: one request boundary that parses the target, authenticates, dispatches,
// and turns every failure into COS error XML (with Date and x-cos-request-id). SIGTERM-style close drains.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { StoreConfig } from './config';
import { authenticate } from './http/auth';
import { CosError, isCosError } from './http/cos-error';
import { parseTarget } from './http/request-target';
import { baseHeaders, newRequestId, sendError } from './http/respond';
import type { HandlerContext } from './handlers/context';
import { route } from './router';
import { Store } from './store';

export interface RunningStore {
  url: string;
  port: number;
  store: Store;
  server: Server;
  close(): Promise<void>;
}

const HEADERS_TIMEOUT_MS = 30_000;
/** A connection idle this long (slow-loris, stalled upload) is closed. */
const IDLE_TIMEOUT_MS = 60_000;
const MAX_HEADER_BYTES = 16 * 1024;

function resourceOf(req: IncomingMessage): string {
  return `${req.headers.host ?? ''}${(req.url ?? '/').split('?')[0]}`;
}

async function handle(store: Store, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = newRequestId();
  const base = baseHeaders(requestId);
  try {
    const target = parseTarget(req.url ?? '/', req.headers.host);
    const principal = authenticate(req, target, store.config.credentials, store.config.clockSkewSeconds);
    const ctx: HandlerContext = { req, res, target, store, principal, requestId, base };
    const handler = route(ctx);
    await handler(ctx);
  } catch (err) {
    let cosErr: CosError;
    if (isCosError(err)) {
      cosErr = err;
    } else {
      store.config.log(`internal error on ${req.method} ${resourceOf(req)}: ${(err as Error)?.stack ?? String(err)}`);
      cosErr = new CosError('InternalError', 'We encountered an internal error. Please try again.');
    }
    // An unread request body would otherwise be drained; close the connection instead.
    if (!req.complete) res.setHeader('Connection', 'close');
    sendError(req, res, cosErr, requestId, resourceOf(req));
  }
}

function clientErrorResponse(code: string, status: number, message: string): string {
  const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  return (
    `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
    `Date: ${new Date().toUTCString()}\r\nContent-Type: application/xml\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
    `Connection: close\r\n\r\n${body}`
  );
}

export async function startStore(config: StoreConfig): Promise<RunningStore> {
  const store = await Store.open(config);
  const headersTimeout = config.headersTimeoutMs ?? HEADERS_TIMEOUT_MS;
  // requestTimeout must not cut off a long upload; idle connections are closed by server.timeout instead.
  const options = {
    maxHeaderSize: MAX_HEADER_BYTES,
    headersTimeout,
    requestTimeout: 0,
    keepAliveTimeout: Math.min(5_000, headersTimeout),
    connectionsCheckingInterval: Math.min(30_000, Math.max(100, headersTimeout / 4)),
  };
  const listener = (req: IncomingMessage, res: ServerResponse) => void handle(store, req, res);
  const server: Server = config.tls ? createHttpsServer({ ...options, cert: config.tls.cert, key: config.tls.key }, listener) : createHttpServer(options, listener);
  server.timeout = config.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable) return socket.destroy();
    if (err.code === 'HPE_HEADER_OVERFLOW') {
      socket.end(clientErrorResponse('RequestHeaderFieldsTooLarge', 431, 'The request headers are too large.'));
    } else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT' || err.code === 'ECONNRESET') {
      socket.destroy();
    } else {
      socket.end(clientErrorResponse('InvalidRequest', 400, 'The request could not be parsed as HTTP.'));
    }
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await store.close();
    throw err;
  }
  await store.rotation.start();
  const port = (server.address() as AddressInfo).port;
  const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `${config.tls ? 'https' : 'http'}://${hostForUrl}:${port}`;

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      // Stop accepting, let requests in flight finish, then release the data directory.
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await store.close();
    })();
    return closing;
  };
  return { url, port, store, server, close };
}
