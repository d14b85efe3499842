// The renderer's files served from app://coffer/… (a standard, secure, privileged scheme, registered before the
// app is ready) instead of file://, which would give the page the whole disk as its origin. Only files inside
// dist/renderer are served (no `..`, no links out); every answer carries the app's CSP.
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import mime from 'mime';
import type { PrivilegedSchemeLike, ProtocolLike, ProtocolModuleLike } from './electron-api';
import { APP_HOST, APP_SCHEME, CONTENT_SECURITY_POLICY } from './security';

export const PRIVILEGED_SCHEMES: PrivilegedSchemeLike[] = [{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }];

/** Must run before the app is ready (Electron's rule for privileged schemes). */
export function registerAppScheme(protocol: ProtocolModuleLike): void {
  protocol.registerSchemesAsPrivileged(PRIVILEGED_SCHEMES);
}

const HEADERS = { 'content-security-policy': CONTENT_SECURITY_POLICY, 'x-content-type-options': 'nosniff', 'cache-control': 'no-cache' };

function notFound(): Response {
  return new Response('Not found', { status: 404, headers: { ...HEADERS, 'content-type': 'text/plain; charset=utf-8' } });
}

/** The answer for one app:// request. */
export async function serveAppRequest(request: Request, rendererDir: string): Promise<Response> {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return notFound();
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST || (request.method !== 'GET' && request.method !== 'HEAD')) return notFound();
  let rel: string;
  try {
    rel = decodeURIComponent(url.pathname);
  } catch {
    return notFound();
  }
  if (rel === '/' || rel === '') rel = '/index.html';
  if (rel.includes('\0')) return notFound();
  const base = resolve(rendererDir);
  const file = resolve(join(base, rel));
  if (!file.startsWith(base + sep)) return notFound();
  try {
    const [real, realBase] = await Promise.all([realpath(file), realpath(base)]);
    if (!real.startsWith(realBase + sep) || !(await stat(real)).isFile()) return notFound();
    const type = mime.getType(extname(real)) ?? 'application/octet-stream';
    const body = request.method === 'HEAD' ? null : await readFile(real);
    return new Response(body, { status: 200, headers: { ...HEADERS, 'content-type': type.startsWith('text/') || type === 'text/javascript' ? `${type}; charset=utf-8` : type } });
  } catch {
    return notFound();
  }
}

/** Serves dist/renderer on the app scheme of the window's session. */
export function handleAppProtocol(protocol: ProtocolLike, rendererDir: string): void {
  protocol.handle(APP_SCHEME, (request) => serveAppRequest(request, rendererDir));
}
