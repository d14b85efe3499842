// Works out what a request addresses: the service, a bucket, or an object, from the Host header (virtual-hosted
// style, as the COS SDKs send it) or from the path (path style, for curl and browsers).
import { CosError } from './cos-error';

export interface RequestTarget {
  style: 'virtual' | 'path';
  bucket?: string;
  /** Decoded object key ('' for bucket/service requests). */
  key: string;
  /** Region named by a virtual host, if any. */
  hostRegion?: string;
  /** Host header without the port. */
  hostname: string;
  /** Decoded paths the client may have signed: the request path, and for path style also the key-only path. */
  signPaths: string[];
  /** Decoded query parameters; `?acl` and `?acl=` both become ('acl' → ''). First occurrence wins. */
  query: Map<string, string>;
}

// <bucket>-<appid>.cos.<region>.<any domain>  (also cos-internal / cosv6 variants the SDK knows)
const VIRTUAL_HOST = /^([a-z0-9][a-z0-9-]*-\d+)\.cos(?:v6|-internal|-cdc)?\.([a-z0-9-]+)\.[^:]+$/;
// service.cos.myqcloud.com or cos.<region>.myqcloud.com: GET Service
const SERVICE_HOST = /^(?:service\.cos|cos\.([a-z0-9-]+))\.(?:myqcloud\.com|tencentcos\.cn)$/;

function decode(s: string, what: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new CosError('InvalidURI', `Could not URL-decode the ${what}.`);
  }
}

export function parseQuery(raw: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!raw) return out;
  for (const part of raw.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const name = decode(eq < 0 ? part : part.slice(0, eq), 'query string');
    const value = eq < 0 ? '' : decode(part.slice(eq + 1), 'query string');
    if (!out.has(name)) out.set(name, value);
  }
  return out;
}

export function parseTarget(rawUrl: string, hostHeader: string | undefined): RequestTarget {
  let url = rawUrl || '/';
  // absolute-form request targets (sent through proxies)
  const abs = /^https?:\/\/[^/]*/i.exec(url);
  if (abs) url = url.slice(abs[0].length) || '/';
  if (!url.startsWith('/')) throw new CosError('InvalidURI', 'The request path must start with "/".');
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const query = parseQuery(q < 0 ? '' : url.slice(q + 1));
  const path = decode(rawPath, 'request path');
  const hostname = (hostHeader ?? '').replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1').toLowerCase();

  const v = VIRTUAL_HOST.exec(hostname);
  if (v) {
    return { style: 'virtual', bucket: v[1], hostRegion: v[2], key: path.slice(1), hostname, signPaths: [path], query };
  }
  const s = SERVICE_HOST.exec(hostname);
  if (s) return { style: 'virtual', key: '', hostname, hostRegion: s[1], signPaths: [path], query };

  // Path style: /<bucket>/<key…>
  const rest = path.slice(1);
  if (rest === '') return { style: 'path', key: '', hostname, signPaths: [path], query };
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const key = slash < 0 ? '' : rest.slice(slash + 1);
  return { style: 'path', bucket, key, hostname, signPaths: [path, '/' + key], query };
}
