// The built renderer (dist/renderer, built by vite) served to the browser: GET and HEAD only, files inside the
// folder only (no `..`, no links out), index.html for `/`, with the headers that keep the page to itself: a strict
// Content-Security-Policy (scripts and styles from this origin only; the page talks only to this server, over its
// WebSocket and same-origin fetches), no framing, no MIME sniffing, no Referer.
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import mime from 'mime';

/** The policy for a page served at `origin` (http://127.0.0.1:PORT). */
export function contentSecurityPolicy(origin: string): string {
  const ws = origin.replace(/^http/, 'ws');
  return [
    "default-src 'none'",
    "script-src 'self'",
    // React and the accessibility primitives set style attributes and inject small <style> elements.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' ${ws}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

export function securityHeaders(origin: string): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(origin),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=()',
  };
}

const MISSING_SHELL = `<!doctype html><meta charset="utf-8"><title>Coffer</title>
<p>Coffer's window has not been built in this folder. Run <code>npm install</code> (or <code>npm run build:renderer</code>) and start Coffer again.</p>`;

export async function serveStatic(req: IncomingMessage, res: ServerResponse, url: URL, root: string, origin: string): Promise<void> {
  const headers = securityHeaders(origin);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...headers, allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('Method not allowed\n');
    return;
  }
  let rel: string;
  try {
    rel = decodeURIComponent(url.pathname);
  } catch {
    res.writeHead(400, { ...headers, 'content-type': 'text/plain; charset=utf-8' }).end('Bad path\n');
    return;
  }
  if (rel === '/' || rel === '') rel = '/index.html';
  // Browsers ask for it on their own; there is none, and a 404 would be an error in the console.
  if (rel === '/favicon.ico') return void res.writeHead(204, headers).end();
  const base = resolve(root);
  const file = resolve(join(base, rel));
  const notFound = () => res.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
  if (rel.includes('\0') || (file !== base && !file.startsWith(base + sep))) return void notFound();
  let real: string;
  let size: number;
  try {
    real = await realpath(file);
    const realBase = await realpath(base);
    if (!real.startsWith(realBase + sep)) return void notFound();
    const st = await stat(real);
    if (!st.isFile()) return void notFound();
    size = st.size;
  } catch {
    if (rel === '/index.html') {
      res.writeHead(503, { ...headers, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(MISSING_SHELL);
      return;
    }
    return void notFound();
  }
  const type = mime.getType(extname(real)) ?? 'application/octet-stream';
  const isShell = rel === '/index.html';
  res.writeHead(200, {
    ...headers,
    'content-type': type.startsWith('text/') || type === 'application/javascript' ? `${type}; charset=utf-8` : type,
    'content-length': String(size),
    // Hashed asset names never change; the shell names the current ones.
    'cache-control': isShell ? 'no-store' : 'public, max-age=31536000, immutable',
  });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(real).on('error', () => res.destroy()).pipe(res);
}
