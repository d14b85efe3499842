// Where requests go and which Host they carry. Against COS, the connection and the Host are the bucket's
// virtual host over verified HTTPS. Against a coffer-store, the connection goes to the store's URL while the
// Host header stays the virtual host, exactly like the official SDK's `Ip` option: the store routes (and the
// signature covers) the bucket and region from Host, so one store serves many buckets.
import { cosEncodeKeyPath } from '../cos-url-encode';

export type CosEndpoint =
  /** Tencent Cloud COS: `https://<bucket>-<appid>.cos.<region>.myqcloud.com`. */
  | { kind: 'cos'; domain?: string }
  /** A coffer-store (or any COS-compatible server routing by Host), e.g. `http://127.0.0.1:9000`. */
  | { kind: 'store'; url: string };

const REGION = /^[a-z0-9-]+$/;
const SHORT_BUCKET = /^[a-z0-9][a-z0-9-]*$/;

/** Accepts `'cos'`, a region-less `{kind:'cos'}`, or a store URL string. */
export function parseEndpoint(value: CosEndpoint | string): CosEndpoint {
  if (typeof value !== 'string') return value;
  if (value === 'cos') return { kind: 'cos' };
  const url = new URL(value);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`endpoint must be http(s): ${value}`);
  return { kind: 'store', url: url.origin };
}

export interface RequestAddress {
  /** scheme://host[:port] to connect to. */
  origin: string;
  /** Host header value, also the signed `host`. */
  host: string;
}

export class Endpoints {
  private readonly domain: string;

  constructor(
    readonly endpoint: CosEndpoint,
    readonly appid: string,
  ) {
    if (!/^\d+$/.test(appid)) throw new TypeError('appid must be digits');
    this.domain = endpoint.kind === 'cos' ? (endpoint.domain ?? 'myqcloud.com') : 'myqcloud.com';
  }

  /** `name-appid`; a name that already ends in this appid is kept. */
  fullBucket(bucket: string): string {
    const full = bucket.endsWith(`-${this.appid}`) ? bucket : `${bucket}-${this.appid}`;
    const short = full.slice(0, -(this.appid.length + 1));
    if (!SHORT_BUCKET.test(short)) throw new TypeError(`invalid bucket name: ${JSON.stringify(bucket)}`);
    return full;
  }

  bucketHost(bucket: string, region: string): string {
    checkRegion(region);
    return `${this.fullBucket(bucket)}.cos.${region}.${this.domain}`;
  }

  /** GET Service: all regions, or one region's buckets. */
  serviceHost(region?: string): string {
    if (region === undefined) return `service.cos.${this.domain}`;
    checkRegion(region);
    return `cos.${region}.${this.domain}`;
  }

  address(host: string): RequestAddress {
    return this.endpoint.kind === 'cos' ? { origin: `https://${host}`, host } : { origin: this.endpoint.url, host };
  }

  /** `x-cos-copy-source` value: host form with the key percent-encoded, `/` kept (cos-protocol.md §7.1). */
  copySource(bucket: string, region: string, key: string, versionId?: string): string {
    const base = `${this.bucketHost(bucket, region)}${cosEncodeKeyPath(key)}`;
    return versionId ? `${base}?versionId=${encodeURIComponent(versionId)}` : base;
  }
}

function checkRegion(region: string): void {
  if (!REGION.test(region)) throw new TypeError(`invalid region: ${JSON.stringify(region)}`);
}
