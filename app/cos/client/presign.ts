// Pre-signed GET URLs (cos-protocol.md §2.3): the seven q-* pairs in the query, plus the STS token when the
// credentials are temporary. Against COS the URL names the bucket's virtual host. A coffer-store is reached by
// its own URL, where a browser would send `Host: 127.0.0.1:9000`, so the URL is path style there
// (`/<bucket>/<key>`), signed over that path and host, which the store accepts.
import { cosEncode, cosEncodeKeyPath } from '../cos-url-encode';
import type { Endpoints } from './endpoint';
import type { Credentials, RequestExecutor } from './request-executor';

export function presignedGetUrl(
  exec: RequestExecutor,
  endpoints: Endpoints,
  creds: Credentials,
  bucket: string,
  region: string,
  key: string,
  expiresSeconds: number,
  /** For a store endpoint: the origin the URL must name when it differs from the one this client talks to. */
  origin?: string,
): string {
  if (!Number.isInteger(expiresSeconds) || expiresSeconds <= 0) throw new RangeError('expiresSeconds must be a positive integer');
  const vhost = endpoints.bucketHost(bucket, region);
  let base: string;
  let host: string;
  let signedKey: string;
  if (endpoints.endpoint.kind === 'cos') {
    base = `https://${vhost}${cosEncodeKeyPath(key)}`;
    host = vhost;
    signedKey = key;
  } else {
    const url = new URL(origin ?? endpoints.endpoint.url);
    const full = endpoints.fullBucket(bucket);
    base = `${url.origin}/${full}${cosEncodeKeyPath(key)}`;
    host = url.host;
    signedKey = `${full}/${key}`;
  }
  const auth = exec.sign(creds, 'GET', signedKey, {}, { host }, expiresSeconds);
  const q = auth
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return `${pair.slice(0, eq)}=${cosEncode(pair.slice(eq + 1))}`;
    })
    .join('&');
  const token = creds.sessionToken ? `&x-cos-security-token=${cosEncode(creds.sessionToken)}` : '';
  return `${base}?${q}${token}`;
}
