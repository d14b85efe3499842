// Who may talk to the browser-mode host. It listens on loopback only, but any web page the user opens can make the
// browser send requests to 127.0.0.1, and a DNS-rebinding page can even make them look same-origin. So:
// - every WebSocket and every API request (uploads, downloads) carries the random token of this start; the token
//   reaches the page only in the URL's #fragment, which browsers never send to a server or in a Referer;
// - the Host header must name this server (127.0.0.1:PORT or localhost:PORT), which a rebinding page cannot fake;
// - an Origin header, when present, must be this server's origin, and the WebSocket must have one (browsers
//   always send it) — a page elsewhere cannot open our socket even if it learnt the token.
// The static shell (index.html, scripts, styles) is served without the token (the page needs it to read the
// fragment), but only to requests whose Host is ours.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function sameToken(given: string | null | undefined, token: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface HostIdentity {
  /** The port the server listens on. */
  port: number;
  /** Host names it answers to (loopback names, plus the address it was told to listen on). */
  names: readonly string[];
}

export function allowedHosts(id: HostIdentity): Set<string> {
  return new Set(id.names.map((n) => `${n.includes(':') ? `[${n}]` : n}:${id.port}`.toLowerCase()));
}

export function allowedOrigins(id: HostIdentity): Set<string> {
  return new Set([...allowedHosts(id)].map((h) => `http://${h}`));
}

export type Refusal = { status: 400 | 401 | 403; reason: string };

/** Checks the Host header (DNS rebinding). */
export function checkHost(req: IncomingMessage, id: HostIdentity): Refusal | undefined {
  const host = (req.headers.host ?? '').toLowerCase();
  if (!allowedHosts(id).has(host)) return { status: 403, reason: `this server answers only as ${[...allowedHosts(id)].join(' or ')}` };
  return undefined;
}

/** Checks Origin: it must be ours when present; `required` for the WebSocket. */
export function checkOrigin(req: IncomingMessage, id: HostIdentity, required: boolean): Refusal | undefined {
  const origin = req.headers.origin;
  if (origin === undefined) return required ? { status: 403, reason: 'a request without an Origin is refused' } : undefined;
  if (!allowedOrigins(id).has(origin.toLowerCase())) return { status: 403, reason: 'requests from other sites are refused' };
  // A navigation or fetch that the browser itself marks as coming from another site.
  return undefined;
}

/** Checks the token in the query (`?token=`). */
export function checkToken(url: URL, token: string): Refusal | undefined {
  return sameToken(url.searchParams.get('token'), token) ? undefined : { status: 401, reason: 'the access token is missing or wrong: open the address Coffer printed' };
}

/** Everything an API request (WebSocket, upload, download) must pass. */
export function checkApiRequest(req: IncomingMessage, url: URL, id: HostIdentity, token: string, opts: { originRequired: boolean }): Refusal | undefined {
  const fetchSite = req.headers['sec-fetch-site'];
  if (typeof fetchSite === 'string' && fetchSite !== 'same-origin' && fetchSite !== 'none') return { status: 403, reason: 'requests from other sites are refused' };
  return checkHost(req, id) ?? checkOrigin(req, id, opts.originRequired) ?? checkToken(url, token);
}
