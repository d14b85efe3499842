// `GET /preview/<previewId>?token=…` in browser mode: the bytes of a preview prepared by 'objects.preview'
// (app/services/previews.ts), streamed from the server through the host once. Never cached (no-store), never
// written to disk, and sandboxed: an SVG or a text file opened on its own runs no script in this origin.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PREVIEW_PATH, type AppError } from '../../shared/contract';
import type { CofferCore } from '../services/core';
import { toAppError } from '../services/errors';
import { previewsOf } from '../services/previews';

export async function servePreview(
  core: CofferCore,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  headers: Record<string, string>,
  failWith: (res: ServerResponse, status: number, error: AppError, headers: Record<string, string>) => void,
): Promise<void> {
  if (req.method !== 'GET') return failWith(res, 405, { kind: 'usage', code: 'MethodNotAllowed', message: 'Previews are fetched with GET.', details: {} }, headers);
  const id = decodeURIComponent(url.pathname.slice(PREVIEW_PATH.length));
  const abort = new AbortController();
  res.on('close', () => abort.abort());
  let preview;
  try {
    preview = await previewsOf(core).stream(id, abort.signal);
  } catch (err) {
    const e = toAppError(err);
    return failWith(res, e.kind === 'not-found' ? 404 : e.kind === 'access' ? 403 : 502, e, headers);
  }
  res.writeHead(200, {
    ...headers,
    'content-type': preview.contentType,
    'content-length': String(preview.size),
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    'x-content-type-options': 'nosniff',
  });
  preview.body.on('error', () => res.destroy());
  preview.body.pipe(res);
}
