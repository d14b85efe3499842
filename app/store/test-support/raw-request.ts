// Raw HTTP requests for tests that must go beyond what the SDK sends: exact headers, bad input, signed with the
// project's own signer so the test controls every byte.
import { request } from 'node:http';
import { buildAuthorization } from '../../cos/signer';
import { cosEncodeKeyPath } from '../../cos/cos-url-encode';
import { APPID, REGION, TEST_CREDENTIALS } from './store-fixture';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
}

export interface RawOptions {
  method?: string;
  /** Short bucket name (APPID appended) for a virtual-host request; omit for service or path-style. */
  bucket?: string;
  key?: string;
  /** Raw path (already encoded), for path-style or hostile paths; overrides bucket/key path building. */
  rawPath?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: Buffer | string;
  sign?: boolean;
  credentials?: { secretId: string; secretKey: string };
  keyTime?: string;
  host?: string;
}

export function virtualHost(bucket: string, region = REGION): string {
  return `${bucket}-${APPID}.cos.${region}.myqcloud.com`;
}

export function rawRequest(port: number, opts: RawOptions): Promise<RawResponse> {
  const method = opts.method ?? 'GET';
  const host = opts.host ?? (opts.bucket ? virtualHost(opts.bucket) : `127.0.0.1:${port}`);
  const keyPath = opts.key !== undefined ? cosEncodeKeyPath(opts.key) : '/';
  const path = opts.rawPath ?? keyPath;
  const qs = Object.entries(opts.query ?? {})
    .map(([k, v]) => (v === '' ? encodeURIComponent(k) : `${encodeURIComponent(k)}=${encodeURIComponent(v)}`))
    .join('&');
  const headers: Record<string, string> = { Host: host, ...(opts.headers ?? {}) };
  const body = typeof opts.body === 'string' ? Buffer.from(opts.body) : opts.body;
  if (body && headers['Content-Length'] === undefined && headers['content-length'] === undefined) headers['Content-Length'] = String(body.length);
  if (opts.sign !== false) {
    const creds = opts.credentials ?? TEST_CREDENTIALS;
    const lower: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) lower[k.toLowerCase()] = v;
    headers.Authorization = buildAuthorization({
      secretId: creds.secretId,
      secretKey: creds.secretKey,
      method,
      pathname: decodeURIComponent(path),
      query: opts.query ?? {},
      headers: lower,
      keyTime: opts.keyTime,
    });
  }
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path: qs ? `${path}?${qs}` : path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const b = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: b, text: b.toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The <Code> of a COS error body. */
export function errorCode(r: RawResponse): string | undefined {
  return /<Code>([^<]*)<\/Code>/.exec(r.text)?.[1];
}
