// PUT Object, DELETE Object and POST ?delete (Delete Multiple Objects).
import { LIMITS } from '../config';
import { authorizeWrite, requireSigned } from '../http/access';
import { CosError } from '../http/cos-error';
import { sendEmpty, sendXml } from '../http/respond';
import { malformedXml, parseXmlBody, xmlBoolean, xmlElement, xmlText } from '../http/xml';
import { writeObject } from '../objects/object-writes';
import { effectiveSse, parseSseRequest, sseEchoHeaders, type SseRecord } from '../objects/sse-request';
import {
  header,
  metadataFrom,
  parseCannedAcl,
  parseContentLength,
  parseContentMd5,
  quoteEtag,
  readXmlBody,
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
  if (ctx.target.query.has('versionId')) {
    throw new CosError('NotImplemented', 'Versioning is not supported by this store, so a versionId cannot be honoured; delete without it.');
  }
  // A WalSyncError (committed, maybe not durable) leaves the data files in place and answers 500.
  const previous = await ctx.store.meta.deleteObjectGrouped(bucket.name, ctx.target.key);
  if (previous) await ctx.store.removeDataOf(previous.parts);
  // Deleting a missing key succeeds, as on COS.
  sendEmpty(ctx.res, 204, ctx.base);
}

export async function deleteMultipleObjects(ctx: HandlerContext): Promise<void> {
  const bucket = requireBucket(ctx);
  requireSigned(ctx.principal);
  // The whole document is read and checked before anything is deleted: a value the schema does not allow
  // refuses the request instead of being taken for a default.
  const body = xmlElement(parseXmlBody(await readXmlBody(ctx), 'Delete'), 'Delete', ['Quiet', 'Object']);
  const quiet = xmlBoolean(body.Quiet, 'Quiet') ?? false;
  const objects = Array.isArray(body.Object) ? body.Object : [];
  if (objects.length === 0) throw malformedXml('The Delete request must name at least one <Object>.');
  if (objects.length > LIMITS.maxDeleteObjects) throw malformedXml(`At most ${LIMITS.maxDeleteObjects} objects may be deleted in one request.`);
  const keys = objects.map((o: unknown) => {
    const object = xmlElement(o, 'Object', ['Key', 'VersionId']);
    // Deleting "a version" as the current object would delete what the client meant to keep.
    if (object.VersionId !== undefined) throw new CosError('NotImplemented', 'Versioning is not supported by this store, so <VersionId> cannot be honoured; name only the <Key>.');
    const key = Array.isArray(object.Key) ? undefined : xmlText(object.Key, 'Key');
    if (key === undefined) throw malformedXml('Each <Object> needs exactly one <Key>.');
    return key;
  });

  const deleted: Array<{ Key: string }> = [];
  const errors: Array<{ Key: string; Code: string; Message: string }> = [];
  const valid: string[] = [];
  for (const key of keys) {
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
