// PUT Object, DELETE Object and POST ?delete (Delete Multiple Objects).
import { LIMITS } from '../config';
import { authorizeWrite, requireSigned } from '../http/access';
import { CosError } from '../http/cos-error';
import { sendEmpty, sendXml } from '../http/respond';
import { parseXmlBody, xmlText } from '../http/xml';
import { writeObject } from '../objects/object-writes';
import { effectiveSse, parseSseRequest, sseEchoHeaders, type SseRecord } from '../objects/sse-request';
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

export async function putObject(ctx: HandlerContext): Promise<void> {
  const bucket = requireBucket(ctx);
  authorizeWrite(ctx.principal, bucket);
  const key = ctx.target.key;
  validateObjectKey(key);
  const expectedSize = parseContentLength(ctx, LIMITS.maxSinglePutBytes);
  const contentMd5 = parseContentMd5(header(ctx, 'content-md5'));
  const meta = metadataFrom(ctx.req.headers);
  const acl = parseCannedAcl(header(ctx, 'x-cos-acl'), false) ?? 'default';
  const sse = effectiveSse(parseSseRequest(ctx.req.headers), bucket);
  if (header(ctx, 'x-cos-forbid-overwrite') === 'true' && ctx.store.meta.getObject(bucket.name, key)) {
    throw new CosError('FileAlreadyExists', 'The object already exists and x-cos-forbid-overwrite is true.', { status: 409 });
  }

  const rec = await writeObject(ctx.store, {
    bucket,
    key,
    source: ctx.req,
    expectedSize,
    sse,
    meta,
    acl,
    contentMd5,
  });
  sendEmpty(ctx.res, 200, {
    ...ctx.base,
    ETag: quoteEtag(rec.etag),
    'x-cos-hash-crc64ecma': rec.crc64 ?? '',
    ...sseEchoHeaders(rec.sse as SseRecord | null),
  });
}

export async function deleteObject(ctx: HandlerContext): Promise<void> {
  const bucket = requireBucket(ctx);
  authorizeWrite(ctx.principal, bucket);
  validateObjectKey(ctx.target.key);
  // A WalSyncError (committed, maybe not durable) leaves the data files in place and answers 500.
  const previous = await ctx.store.meta.deleteObjectGrouped(bucket.name, ctx.target.key);
  if (previous) await ctx.store.removeDataOf(previous.parts);
  // Deleting a missing key succeeds, as on COS.
  sendEmpty(ctx.res, 204, ctx.base);
}

export async function deleteMultipleObjects(ctx: HandlerContext): Promise<void> {
  const bucket = requireBucket(ctx);
  requireSigned(ctx.principal);
  const body = parseXmlBody((await readSmallBody(ctx.req)).toString('utf8'), 'Delete');
  const quiet = xmlText(body.Quiet) === 'true';
  const objects = Array.isArray(body.Object) ? (body.Object as Array<Record<string, unknown>>) : [];
  if (objects.length === 0) throw new CosError('MalformedXML', 'The Delete request must name at least one <Object>.');
  if (objects.length > LIMITS.maxDeleteObjects) throw new CosError('MalformedXML', `At most ${LIMITS.maxDeleteObjects} objects may be deleted in one request.`);

  const deleted: Array<{ Key: string }> = [];
  const errors: Array<{ Key: string; Code: string; Message: string }> = [];
  const valid: string[] = [];
  for (const o of objects) {
    const key = xmlText(o.Key) ?? '';
    try {
      validateObjectKey(key);
      valid.push(key);
    } catch (err) {
      const e = err as CosError;
      errors.push({ Key: key, Code: e.code, Message: e.message });
    }
  }
  const removed = await ctx.store.meta.deleteObjectsGrouped(bucket.name, valid);
  await ctx.store.removeDataOf(removed.flatMap((r) => r?.parts ?? []));
  for (const key of valid) deleted.push({ Key: key });
  sendXml(ctx.res, 200, 'DeleteResult', { Deleted: quiet ? [] : deleted, Error: errors }, ctx.base);
}
