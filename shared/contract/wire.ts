// How the contract travels. Both transports carry the same channel names, requests, envelopes and events.
//
// Electron: each channel is one `ipcMain.handle(name)`; the preload calls `ipcRenderer.invoke(name, request)`
// and resolves the envelope; events arrive on the one IPC channel EVENT_IPC_CHANNEL.
//
// Browser mode (app/host): the page is served at http://127.0.0.1:PORT/#token=T. The page opens
// ws://HOST/ws?token=T and sends ClientMessage frames (JSON text); the host answers each with a reply frame
// carrying the same id, and sends events and pulls as they happen. Uploaded bytes do not go over the
// WebSocket: when the engine is ready to read a 'stream' source, the host sends `pull`, and the page answers
// with `PUT /upload/<streamId>?token=T&offset=N`, the File (sliced from N) as the body, streamed by fetch and
// never read whole into memory. The host answers 204, or an envelope with the error. `release` says a stream
// will not be pulled again (its job finished or was cancelled), so the page can drop the File.
// A browser-mode download is fetched with `GET /download/<downloadId>?token=T` (an attachment).
// Every HTTP request and the WebSocket carry the token; the host also checks Origin and Host.
import { z } from 'zod';
import { AppEvent } from './events';
import { AppError } from './errors';

export const EVENT_IPC_CHANNEL = 'coffer:event';
export const WS_PATH = '/ws';
export const UPLOAD_PATH = '/upload/';
export const DOWNLOAD_PATH = '/download/';
export const TOKEN_PARAM = 'token';
/** Where the page finds its token: location.hash is `#token=…` (never sent to a server by the browser). */
export const TOKEN_HASH_PREFIX = '#token=';

/** A request frame. `request` is checked against the channel's schema by the host (serve.ts). */
export const ClientMessage = z.strictObject({
  id: z.number().int().positive(),
  channel: z.string().min(1).max(100),
  request: z.unknown(),
});
export type ClientMessage = z.infer<typeof ClientMessage>;

/** The envelope of a reply; its value is checked against the channel's response schema by the caller. */
const WireEnvelope = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true), value: z.unknown() }),
  z.strictObject({ ok: z.literal(false), error: AppError }),
]);

export const ServerMessage = z.union([
  z.strictObject({ id: z.number().int().positive(), envelope: WireEnvelope }),
  z.strictObject({ event: AppEvent }),
  z.strictObject({ pull: z.strictObject({ streamId: z.string().min(1).max(64), offset: z.number().int().nonnegative() }) }),
  z.strictObject({ release: z.strictObject({ streamId: z.string().min(1).max(64) }) }),
]);
export type ServerMessage = z.infer<typeof ServerMessage>;

/** `/upload/<streamId>?token=…&offset=N`, relative to the page's origin. */
export function uploadUrl(streamId: string, token: string, offset: number): string {
  return `${UPLOAD_PATH}${encodeURIComponent(streamId)}?${TOKEN_PARAM}=${encodeURIComponent(token)}&offset=${offset}`;
}

export function downloadUrl(downloadId: string, token: string): string {
  return `${DOWNLOAD_PATH}${encodeURIComponent(downloadId)}?${TOKEN_PARAM}=${encodeURIComponent(token)}`;
}
