// What every operation needs: the executor, the endpoint rules and the default region, plus the shared readers
// for the response headers that matter (ETag, CRC64, SSE echo, request id, object metadata).
import type { Endpoints } from '../endpoint';
import type { CosRequest, CosResponse, RequestExecutor } from '../request-executor';
import { node, parseXml, type XmlNode } from '../xml-codec';
import { parseSseEcho, type SseInfo } from '../sse-headers';

export interface OpContext {
  exec: RequestExecutor;
  endpoints: Endpoints;
  region: string;
}

/** Every call can name a region other than the client's default and carry an AbortSignal. */
export interface CallOptions {
  region?: string;
  signal?: AbortSignal;
}

/** The headers of an answer that callers verify or record. */
export interface ResponseMeta {
  requestId?: string;
  /** All response headers, lowercase names. */
  headers: Record<string, string>;
}

/** A GET whose answer is an XML document: sent idempotent with its body read in the attempt; returns `root`. */
export async function getXml(ctx: OpContext, req: Omit<CosRequest, 'method' | 'idempotent' | 'readBody'>, root: string): Promise<{ res: CosResponse; doc: XmlNode }> {
  const res = await ctx.exec.send({ ...req, method: 'GET', idempotent: true, readBody: true });
  return { res, doc: node((await parseXml(res.text ?? ''))[root]) };
}

/**
 * getXml addressed to a bucket, or to an object in it when `target.key` is set: the bucket's host in the call's
 * region, and bucket/key/uploadId as the error context.
 */
export function getBucketXml(
  ctx: OpContext,
  target: { bucket: string; key?: string; uploadId?: string; query: Record<string, string | undefined> },
  opts: CallOptions,
  root: string,
): Promise<{ res: CosResponse; doc: XmlNode }> {
  const { bucket, key, uploadId, query } = target;
  return getXml(ctx, { host: bucketHost(ctx, bucket, opts), key, query, context: { bucket, key, uploadId }, signal: opts.signal }, root);
}

export function bucketHost(ctx: OpContext, bucket: string, opts?: CallOptions): string {
  return ctx.endpoints.bucketHost(bucket, opts?.region ?? ctx.region);
}

export function meta(res: { requestId?: string; headers: Record<string, string> }): ResponseMeta {
  return { requestId: res.requestId, headers: res.headers };
}

/** `x-cos-hash-crc64ecma` as an unsigned 64-bit value, when the server sent one. */
export function crc64Of(headers: Record<string, string>): bigint | undefined {
  const v = headers['x-cos-hash-crc64ecma'];
  return v && /^\d+$/.test(v) ? BigInt(v) : undefined;
}

export function sseOf(headers: Record<string, string>): SseInfo {
  return parseSseEcho((name) => headers[name]);
}

/** Object metadata an upload or copy can set; `metadata` keys become `x-cos-meta-<key>`. */
export interface ObjectMetadataInput {
  contentType?: string;
  cacheControl?: string;
  contentDisposition?: string;
  contentEncoding?: string;
  expires?: string;
  metadata?: Record<string, string>;
  storageClass?: string;
  /** Canned ACL (`private`, `public-read`, `default`, …). */
  acl?: string;
  /** Explicit grants, each grantee as COS spells it: `id="qcs::cam::uin/1:uin/1"` or `uri="…"`. */
  grants?: ObjectGrants;
}

/** The `x-cos-grant-*` headers an object accepts (objects have no WRITE grant). */
export interface ObjectGrants {
  read?: string[];
  readAcp?: string[];
  writeAcp?: string[];
  fullControl?: string[];
}

/** `x-cos-acl` and `x-cos-grant-*`: what a new object's (or a copy's) ACL should be. */
export function aclHeaders(m: Pick<ObjectMetadataInput, 'acl' | 'grants'>): Record<string, string | undefined> {
  const list = (grantees: string[] | undefined) => (grantees && grantees.length > 0 ? grantees.join(',') : undefined);
  return {
    'x-cos-acl': m.acl,
    'x-cos-grant-read': list(m.grants?.read),
    'x-cos-grant-read-acp': list(m.grants?.readAcp),
    'x-cos-grant-write-acp': list(m.grants?.writeAcp),
    'x-cos-grant-full-control': list(m.grants?.fullControl),
  };
}

export function metadataHeaders(m: ObjectMetadataInput): Record<string, string | undefined> {
  const h: Record<string, string | undefined> = {
    'content-type': m.contentType,
    'cache-control': m.cacheControl,
    'content-disposition': m.contentDisposition,
    'content-encoding': m.contentEncoding,
    expires: m.expires,
    'x-cos-storage-class': m.storageClass,
    ...aclHeaders(m),
  };
  for (const [k, v] of Object.entries(m.metadata ?? {})) h[`x-cos-meta-${k.toLowerCase()}`] = v;
  return h;
}

export function userMetadata(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (k.startsWith('x-cos-meta-')) out[k.slice('x-cos-meta-'.length)] = v;
  return out;
}

/** COS quotes ETags; callers compare and send them quoted, so they are kept as sent. */
export function etagOf(headers: Record<string, string>): string {
  return headers.etag ?? '';
}
