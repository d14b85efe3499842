// What every handler receives, and the small request helpers they share (bucket lookup, bounded bodies,
// metadata headers, object key rules).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LIMITS } from '../config';
import { CosError } from '../http/cos-error';
import type { Principal } from '../http/auth';
import type { RequestTarget } from '../http/request-target';
import type { BucketRecord, CannedAcl } from '../meta/metadata-db';
import type { Store } from '../store';

export interface HandlerContext {
  req: IncomingMessage;
  res: ServerResponse;
  target: RequestTarget;
  store: Store;
  principal: Principal;
  requestId: string;
  /** Headers to put on every response of this request (x-cos-request-id, Date, Server). */
  base: Record<string, string>;
}

export function header(ctx: HandlerContext, name: string): string | undefined {
  const v = ctx.req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function requireBucket(ctx: HandlerContext): BucketRecord {
  const name = ctx.target.bucket;
  if (!name) throw new CosError('InvalidRequest', 'This request needs a bucket.');
  const b = ctx.store.meta.getBucket(name);
  if (!b) throw new CosError('NoSuchBucket', 'The specified bucket does not exist.');
  return b;
}

/** Reads a small request body (XML documents), refusing anything over the limit without buffering it. */
export async function readSmallBody(req: IncomingMessage, limit: number = LIMITS.maxXmlBodyBytes): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw new CosError('XMLSizeLimit', `The request body is larger than the ${limit}-byte limit.`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > limit) {
      req.resume();
      throw new CosError('XMLSizeLimit', `The request body is larger than the ${limit}-byte limit.`);
    }
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}

/**
 * An XML request body as text, after checking it against its Content-MD5 when the client sent one (COS asks for it
 * on Delete Multiple Objects and bucket configuration; the official SDKs send it).
 */
export async function readXmlBody(ctx: HandlerContext): Promise<string> {
  const md5 = parseContentMd5(header(ctx, 'content-md5'));
  const raw = await readSmallBody(ctx.req);
  if (md5 && !timingSafeEqual(md5, createHash('md5').update(raw).digest())) {
    throw new CosError('BadDigest', 'The Content-MD5 you specified did not match what we received.');
  }
  return raw.toString('utf8');
}

/** COS object key rules: non-empty, at most 850 bytes, no NUL, no `.`/`..` path segments. */
export function validateObjectKey(key: string): void {
  if (key === '') throw new CosError('InvalidObjectName', 'The object key must not be empty.');
  if (Buffer.byteLength(key) > LIMITS.maxKeyBytes) throw new CosError('KeyTooLong', `The object key is longer than ${LIMITS.maxKeyBytes} bytes.`);
  if (key.includes('\0')) throw new CosError('InvalidObjectName', 'The object key must not contain NUL characters.');
  if (key.split('/').some((seg) => seg === '.' || seg === '..')) {
    throw new CosError('InvalidObjectName', 'The object key must not contain "." or ".." path segments.');
  }
}

/** Bucket names as COS has them: `<name>-<appid>`, name of lowercase letters, digits and '-', ≤ 50 chars. */
export function validateBucketName(name: string, appid: string): void {
  const m = /^([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)-(\d+)$/.exec(name);
  if (!m || m[1]!.length > 50) {
    throw new CosError('InvalidBucketName', 'The bucket name must be <name>-<APPID>: lowercase letters, digits and "-", at most 50 characters before the APPID.');
  }
  if (m[2] !== appid) throw new CosError('InvalidBucketName', `The bucket name must end with this store's APPID (-${appid}).`);
}

const STORED_HEADERS = ['cache-control', 'content-disposition', 'content-encoding', 'content-language', 'expires'];
const STORAGE_CLASSES = new Set(['STANDARD', 'STANDARD_IA', 'ARCHIVE', 'DEEP_ARCHIVE', 'INTELLIGENT_TIERING', 'MAZ_STANDARD', 'MAZ_STANDARD_IA', 'MAZ_INTELLIGENT_TIERING']);

export interface ObjectMetadataInput {
  contentType: string;
  headers: Record<string, string>;
  storageClass: string;
}

/** Metadata a write stores from request headers (or POST form fields, lowercase names). Empty values count as absent. */
export function metadataFrom(src: Record<string, string | string[] | undefined>): ObjectMetadataInput {
  const get = (n: string) => {
    const v = src[n];
    const s = Array.isArray(v) ? v[0] : v;
    return s === undefined || s === '' ? undefined : s;
  };
  const headers: Record<string, string> = {};
  for (const n of STORED_HEADERS) {
    const v = get(n);
    if (v !== undefined) headers[n] = v;
  }
  let metaBytes = 0;
  for (const [name, value] of Object.entries(src)) {
    if (!name.startsWith('x-cos-meta-') || value === undefined) continue;
    const suffix = name.slice('x-cos-meta-'.length);
    if (suffix === '' || !/^[a-z0-9-]+$/.test(suffix)) {
      throw new CosError('InvalidArgument', `The metadata header "${name}" is invalid: after x-cos-meta- use letters, digits and "-".`);
    }
    const v = Array.isArray(value) ? value.join(',') : value;
    headers[name] = v;
    metaBytes += name.length + Buffer.byteLength(v);
  }
  if (metaBytes > LIMITS.maxUserMetaBytes) {
    throw new CosError('MetadataTooLarge', `User metadata (x-cos-meta-*) exceeds ${LIMITS.maxUserMetaBytes} bytes.`, { status: 400 });
  }
  const storageClass = (get('x-cos-storage-class') ?? 'STANDARD').toUpperCase();
  if (!STORAGE_CLASSES.has(storageClass)) throw new CosError('InvalidArgument', `The storage class "${storageClass}" is not supported.`);
  return { contentType: get('content-type') ?? 'application/octet-stream', headers, storageClass };
}

const OBJECT_ACLS = new Set(['default', 'private', 'public-read', 'public-read-write']);
const BUCKET_ACLS = new Set(['private', 'public-read', 'public-read-write']);

export function parseCannedAcl(value: string | undefined, forBucket: boolean): CannedAcl | undefined {
  if (value === undefined || value === '') return undefined;
  const set = forBucket ? BUCKET_ACLS : OBJECT_ACLS;
  if (!set.has(value)) throw new CosError('InvalidArgument', `The x-cos-acl value "${value}" is not supported; use ${[...set].join(', ')}.`);
  return value as CannedAcl;
}

/** x-cos-meta-* and the stored standard headers, for GET/HEAD responses. */
export function storedHeaders(headers: Record<string, string>): Record<string, string> {
  return { ...headers };
}

export function quoteEtag(etag: string): string {
  return `"${etag}"`;
}

export function parseContentMd5(value: string | undefined): Buffer | undefined {
  if (value === undefined) return undefined;
  const buf = Buffer.from(value, 'base64');
  if (buf.length !== 16 || buf.toString('base64') !== value) {
    throw new CosError('InvalidDigest', 'The Content-MD5 you specified is not valid: it must be the base64 of a 16-byte MD5.');
  }
  return buf;
}

export function parseContentLength(ctx: HandlerContext, max: number): number | undefined {
  const cl = header(ctx, 'content-length');
  if (cl === undefined) {
    const te = header(ctx, 'transfer-encoding');
    if (te && /chunked/i.test(te)) return undefined;
    throw new CosError('MissingContentLength', 'You must provide the Content-Length HTTP header.');
  }
  if (!/^\d+$/.test(cl)) throw new CosError('InvalidArgument', 'Content-Length must be a non-negative integer.');
  const n = Number(cl);
  if (n > max) throw new CosError('EntityTooLarge', `Your proposed upload exceeds the maximum allowed size of ${max} bytes.`);
  return n;
}
