// Multipart upload APIs: Initiate, Upload Part, Upload Part - Copy, Complete, Abort, List Parts and List
// Multipart Uploads. Request parsing, access and responses live here; the data and key handling is in
// objects/multipart-upload.ts and objects/multipart-complete.ts, the listing bodies in objects/multipart-listing.ts.
import { cosEncodeKeyPath } from '../../cos/cos-url-encode';
import { LIMITS } from '../config';
import { authorizeWrite, requireSigned } from '../http/access';
import { evaluateCopySourceConditions, parseCopySourceRange } from '../http/conditions';
import { CosError } from '../http/cos-error';
import { sendEmpty, sendXml } from '../http/respond';
import { isoDate } from '../http/xml';
import { parseCopySource, readSource } from '../objects/copy-source';
import { completeUpload, parseCompleteBody } from '../objects/multipart-complete';
import { listPartsBody, listUploadsBody, parseListQuery } from '../objects/multipart-listing';
import { abortUpload, createUpload, findUpload, openUploadKey, parsePartNumber, writePart, type UploadKey } from '../objects/multipart-upload';
import { COPY_SOURCE_CUSTOMER_PREFIX, effectiveSse, parseSseRequest, readCustomerKey, sseEchoHeaders, type SseRecord } from '../objects/sse-request';
import type { BucketRecord, PartRecord, UploadRecord } from '../meta/metadata-db';
import {
  header,
  metadataFrom,
  parseCannedAcl,
  parseContentLength,
  parseContentMd5,
  quoteEtag,
  readSmallBody,
  requireBucket,
  validateObjectKey,
  type HandlerContext,
} from './context';

/** Bucket, write access and key of a request on an object; the request's upload when it names one. */
function objectTarget(ctx: HandlerContext): { bucket: BucketRecord; key: string } {
  const bucket = requireBucket(ctx);
  authorizeWrite(ctx.principal, bucket);
  const key = ctx.target.key;
  validateObjectKey(key);
  return { bucket, key };
}

function uploadOf(ctx: HandlerContext, bucket: BucketRecord, key: string): UploadRecord {
  return findUpload(ctx.store, bucket.name, key, ctx.target.query.get('uploadId'));
}

function sseHeaders(upload: UploadRecord): Record<string, string> {
  return sseEchoHeaders(upload.sse as SseRecord | null);
}

export async function initiateMultipartUpload(ctx: HandlerContext): Promise<void> {
  const { bucket, key } = objectTarget(ctx);
  const meta = metadataFrom(ctx.req.headers);
  const acl = parseCannedAcl(header(ctx, 'x-cos-acl'), false) ?? 'default';
  const sse = effectiveSse(parseSseRequest(ctx.req.headers), bucket);
  ctx.req.resume();
  const upload = await createUpload(ctx.store, { bucket, key, meta, acl, sse });
  sendXml(ctx.res, 200, 'InitiateMultipartUploadResult', { Bucket: bucket.name, Key: key, UploadId: upload.uploadId }, { ...ctx.base, ...sseHeaders(upload) });
}

/**
 * The upload's object key for a part request. x-cos-server-side-encryption (and its KMS companions) on a part
 * is accepted and ignored — the Node SDK sends it on every part; the upload's encryption was fixed at Initiate.
 */
function partKey(ctx: HandlerContext, upload: UploadRecord): UploadKey | null {
  return openUploadKey(ctx.store, upload, readCustomerKey(ctx.req.headers));
}

function sendPartResult(ctx: HandlerContext, upload: UploadRecord, part: PartRecord): void {
  sendEmpty(ctx.res, 200, { ...ctx.base, ETag: quoteEtag(part.etag), 'x-cos-hash-crc64ecma': part.crc64 ?? '', ...sseHeaders(upload) });
}

export async function uploadPart(ctx: HandlerContext): Promise<void> {
  const { bucket, key } = objectTarget(ctx);
  const partNumber = parsePartNumber(ctx.target.query.get('partNumber'));
  const upload = uploadOf(ctx, bucket, key);
  const expectedSize = parseContentLength(ctx, LIMITS.maxPartBytes);
  const contentMd5 = parseContentMd5(header(ctx, 'content-md5'));
  const uploadKey = partKey(ctx, upload);
  try {
    const part = await writePart(ctx.store, { upload, partNumber, source: ctx.req, expectedSize, contentMd5, key: uploadKey });
    sendPartResult(ctx, upload, part);
  } finally {
    uploadKey?.oek.fill(0);
  }
}

export async function uploadPartCopy(ctx: HandlerContext): Promise<void> {
  const { bucket, key } = objectTarget(ctx);
  const partNumber = parsePartNumber(ctx.target.query.get('partNumber'));
  const upload = uploadOf(ctx, bucket, key);
  const src = parseCopySource(header(ctx, 'x-cos-copy-source') ?? '');
  ctx.req.resume();
  // The destination key first: a wrong SSE-C key fails before any source byte is read.
  const uploadKey = partKey(ctx, upload);
  try {
    const source = await readSource(ctx, src, COPY_SOURCE_CUSTOMER_PREFIX);
    evaluateCopySourceConditions(
      {
        ifMatch: header(ctx, 'x-cos-copy-source-if-match'),
        ifNoneMatch: header(ctx, 'x-cos-copy-source-if-none-match'),
        ifModifiedSince: header(ctx, 'x-cos-copy-source-if-modified-since'),
        ifUnmodifiedSince: header(ctx, 'x-cos-copy-source-if-unmodified-since'),
      },
      source.rec,
    );
    const range = parseCopySourceRange(header(ctx, 'x-cos-copy-source-range'), source.rec.size);
    const start = range?.start ?? 0;
    const end = range?.end ?? source.rec.size - 1;
    const length = end - start + 1;
    if (length > LIMITS.maxPartBytes) {
      throw new CosError('EntityTooLarge', `A copied part may be at most ${LIMITS.maxPartBytes} bytes; use x-cos-copy-source-range to copy ${length} bytes in several parts.`);
    }
    const body = await source.open(start, end);
    const part = await writePart(ctx.store, { upload, partNumber, source: body, expectedSize: length, key: uploadKey });
    const result: Record<string, unknown> = { ETag: quoteEtag(part.etag), LastModified: isoDate(part.lastModified) };
    if (part.crc64 !== null) result.CRC64 = part.crc64;
    sendXml(ctx.res, 200, 'CopyPartResult', result, { ...ctx.base, 'x-cos-hash-crc64ecma': part.crc64 ?? '', ...sseHeaders(upload) });
  } finally {
    uploadKey?.oek.fill(0);
  }
}

export async function completeMultipartUpload(ctx: HandlerContext): Promise<void> {
  const { bucket, key } = objectTarget(ctx);
  const upload = uploadOf(ctx, bucket, key);
  const listed = parseCompleteBody((await readSmallBody(ctx.req)).toString('utf8'));
  const rec = await completeUpload(ctx.store, {
    upload,
    listed,
    customer: readCustomerKey(ctx.req.headers),
    forbidOverwrite: header(ctx, 'x-cos-forbid-overwrite') === 'true',
  });
  const scheme = ctx.store.config.tls ? 'https' : 'http';
  const host = header(ctx, 'host') ?? ctx.target.hostname;
  const path = ctx.target.style === 'path' ? `/${bucket.name}${cosEncodeKeyPath(key)}` : cosEncodeKeyPath(key);
  const headers: Record<string, string> = { ...ctx.base, ...sseEchoHeaders(rec.sse as SseRecord | null) };
  if (rec.crc64 !== null) headers['x-cos-hash-crc64ecma'] = rec.crc64;
  sendXml(
    ctx.res,
    200,
    'CompleteMultipartUploadResult',
    { Location: `${scheme}://${host}${path}`, Bucket: bucket.name, Key: key, ETag: quoteEtag(rec.etag) },
    headers,
  );
}

export async function abortMultipartUpload(ctx: HandlerContext): Promise<void> {
  const { bucket, key } = objectTarget(ctx);
  const upload = uploadOf(ctx, bucket, key);
  ctx.req.resume();
  await abortUpload(ctx.store, upload);
  sendEmpty(ctx.res, 204, ctx.base);
}

export async function listParts(ctx: HandlerContext): Promise<void> {
  const bucket = requireBucket(ctx);
  requireSigned(ctx.principal);
  const key = ctx.target.key;
  validateObjectKey(key);
  const upload = uploadOf(ctx, bucket, key);
  const q = parseListQuery(ctx.target.query);
  const page = ctx.store.meta.listParts(upload.uploadId, q.partNumberMarker, q.maxParts);
  sendXml(ctx.res, 200, 'ListPartsResult', listPartsBody(ctx.store.config.appid, upload, q, page), ctx.base);
}

export async function listMultipartUploads(ctx: HandlerContext): Promise<void> {
  const bucket = requireBucket(ctx);
  requireSigned(ctx.principal);
  const q = parseListQuery(ctx.target.query);
  const page = ctx.store.meta.listUploads({
    bucket: bucket.name,
    prefix: q.prefix,
    delimiter: q.delimiter,
    keyMarker: q.keyMarker,
    uploadIdMarker: q.uploadIdMarker,
    maxUploads: q.maxUploads,
  });
  sendXml(ctx.res, 200, 'ListMultipartUploadsResult', listUploadsBody(ctx.store.config.appid, bucket.name, q, page), ctx.base);
}
