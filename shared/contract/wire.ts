// How the contract travels. Both transports carry the same channel names, requests, envelopes and events.
//
// Electron: each channel is one `ipcMain.handle(name)`; the preload calls `ipcRenderer.invoke(name, request)`
// and resolves the envelope; events arrive on the one IPC channel EVENT_IPC_CHANNEL.
//
// Browser mode (app/host): the page is served at http://127.0.0.1:PORT/#token=T. The page opens
// ws://HOST/ws?token=T and sends ClientMessage frames (JSON text); the host answers each with a reply frame
// carrying the same id, and sends events, pulls and releases as they happen (those of one turn of its event loop
// together, one frame of each kind). Uploaded bytes do not go over the
// WebSocket: when the engine is ready to read 'stream' sources, the host sends `pull` (the streams asked for in
// one turn of its event loop, each with the byte to start from), and the page answers with
// `PUT /upload/<streamId>?token=T&offset=N`, the File (sliced from N) as the body, streamed by fetch and never
// read whole into memory. Small files asked for from their start travel together instead, many in one
// `POST /upload-batch?token=T` whose body is a first line holding the BatchManifest (JSON: [[streamId, size], …])
// and then the files' bytes back to back in that order (a Blob of the Files, which the browser also streams from
// disk; a FormData costs the page about a millisecond per file to encode), so that a drop of thousands of files
// is not thousands of requests. The host feeds each file into its stream in turn, with the same backpressure.
// The host answers 204, or an envelope with the error. A file the browser cannot read (moved or deleted since the
// drop, or a folder taken for a file in a big drop: drop-files.ts) is reported with an empty
// `PUT /upload/<streamId>?token=T&offset=0&unreadable=1`, and its item fails saying so. `release` names
// streams that will not be pulled again (their job finished or was cancelled), so the page can drop the Files.
// A browser-mode download is fetched with `GET /download/<downloadId>?token=T` (an attachment), a preview's bytes
// with `GET /preview/<previewId>?token=T`.
// Every HTTP request and the WebSocket carry the token; the host also checks Origin and Host.
import { z } from 'zod';
import { AppError } from './errors';

export const EVENT_IPC_CHANNEL = 'coffer:event';
export const WS_PATH = '/ws';
export const UPLOAD_PATH = '/upload/';
/** `POST /upload-batch?token=…`: small files whose pull asked for offset 0, many in one body (see above). */
export const UPLOAD_BATCH_PATH = '/upload-batch';
/** A file this size or smaller goes in a batch; a larger one gets its own (resumable) PUT. */
export const BATCH_FILE_MAX_BYTES = 1024 * 1024;
/** Files in one batch. */
export const MAX_BATCH_FILES = 1000;
export const DOWNLOAD_PATH = '/download/';
/** `GET /preview/<previewId>?token=…`: the bytes of a preview prepared by 'objects.preview' (once, never cached). */
export const PREVIEW_PATH = '/preview/';
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

const StreamId = z.string().min(1).max(64);

/** The envelope of a reply; its value is checked against the channel's response schema by the caller. */
const WireEnvelope = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true), value: z.unknown() }),
  z.strictObject({ ok: z.literal(false), error: AppError }),
]);

export const ServerMessage = z.union([
  z.strictObject({ id: z.number().int().positive(), envelope: WireEnvelope }),
  /** The events of one turn of the host's event loop; each is checked on its own (events.ts AppEvent), so that one this page does not know leaves the others. */
  z.strictObject({ events: z.array(z.unknown()).min(1) }),
  z.strictObject({ pull: z.array(z.strictObject({ streamId: StreamId, offset: z.number().int().nonnegative() })).min(1) }),
  z.strictObject({ release: z.array(StreamId).min(1) }),
]);
export type ServerMessage = z.infer<typeof ServerMessage>;

/** The first line of a batch body: each file's stream id and byte count, in the order the bytes follow. */
export const BatchManifest = z.array(z.tuple([StreamId, z.number().int().nonnegative()])).min(1).max(MAX_BATCH_FILES);
export type BatchManifest = z.infer<typeof BatchManifest>;

/** `/upload/<streamId>?token=…&offset=N`, relative to the page's origin. */
export function uploadUrl(streamId: string, token: string, offset: number): string {
  return `${UPLOAD_PATH}${encodeURIComponent(streamId)}?${TOKEN_PARAM}=${encodeURIComponent(token)}&offset=${offset}`;
}

/** The page tells the host it cannot read the file of `streamId` (see above). */
export function unreadableUrl(streamId: string, token: string): string {
  return `${uploadUrl(streamId, token, 0)}&unreadable=1`;
}

export function uploadBatchUrl(token: string): string {
  return `${UPLOAD_BATCH_PATH}?${TOKEN_PARAM}=${encodeURIComponent(token)}`;
}

export function downloadUrl(downloadId: string, token: string): string {
  return `${DOWNLOAD_PATH}${encodeURIComponent(downloadId)}?${TOKEN_PARAM}=${encodeURIComponent(token)}`;
}

export function previewUrl(previewId: string, token: string): string {
  return `${PREVIEW_PATH}${encodeURIComponent(previewId)}?${TOKEN_PARAM}=${encodeURIComponent(token)}`;
}
