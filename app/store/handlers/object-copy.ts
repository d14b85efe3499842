// PUT Object - Copy (cos-protocol §7.1). The source is decrypted as a stream and written through the same path
// as a PUT, so the destination always gets a fresh object key and the encryption the request (or the destination
// bucket) asks for — SSE never carries over. A copy onto itself with `Replaced` is how an object is encrypted or
// decrypted in place; that case is guarded at the commit so a concurrent writer is never silently undone.
import { LIMITS } from '../config';
import { authorizeWrite } from '../http/access';
import { evaluateCopySourceConditions } from '../http/conditions';
import { CosError } from '../http/cos-error';
import { sendXml } from '../http/respond';
import type { ObjectRecord } from '../meta/metadata-db';
import { parseCopySource, readSource } from '../objects/copy-source';
import { checkSseAllowed, writeObject } from '../objects/object-writes';
import { COPY_SOURCE_CUSTOMER_PREFIX, effectiveSse, parseSseRequest, sseEchoHeaders, type SseRecord } from '../objects/sse-request';
import { header, metadataFrom, parseCannedAcl, quoteEtag, requireBucket, validateObjectKey, type HandlerContext, type ObjectMetadataInput } from './context';

type Directive = 'Copy' | 'Replaced';

function parseDirective(value: string | undefined): Directive {
  if (value === undefined || value === '' || value.toLowerCase() === 'copy') return 'Copy';
  if (value.toLowerCase() === 'replaced') return 'Replaced';
  throw new CosError('InvalidArgument', `x-cos-metadata-directive must be Copy or Replaced, not "${value}".`);
}

/** COS prints copy times as ISO 8601 without milliseconds (`2019-09-06T03:17:47Z`). */
function copyTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Same stored version: same data files (a rewrite always gets new ones) and the same ETag. */
function sameVersion(current: ObjectRecord | undefined, read: ObjectRecord): boolean {
  return (
    current !== undefined &&
    current.etag === read.etag &&
    current.parts.length === read.parts.length &&
    current.parts.every((p, i) => p.dataId === read.parts[i]!.dataId)
  );
}

/**
 * The commit guard of a copy onto itself: the source *is* the version being replaced, so if anyone wrote it
 * since it was read, committing would put the old bytes back over theirs (and an If-Match would no longer hold).
 * Nothing is overwritten then.
 */
export function selfCopyGuard(read: ObjectRecord): (current: ObjectRecord | undefined) => void {
  return (current) => {
    if (!sameVersion(current, read)) {
      throw new CosError('PreconditionFailed', 'The object changed while it was being copied onto itself; nothing was overwritten. Retry the copy.');
    }
  };
}

export async function copyObject(ctx: HandlerContext): Promise<void> {
  const destBucket = requireBucket(ctx);
  authorizeWrite(ctx.principal, destBucket);
  const destKey = ctx.target.key;
  validateObjectKey(destKey);
  const directive = parseDirective(header(ctx, 'x-cos-metadata-directive'));
  const srcRef = parseCopySource(header(ctx, 'x-cos-copy-source') ?? '');
  const onItself = srcRef.bucket === destBucket.name && srcRef.key === destKey;
  if (onItself && directive !== 'Replaced') {
    throw new CosError(
      'InvalidRequest',
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata. " +
        'Send x-cos-metadata-directive: Replaced (with the metadata to keep) to rewrite it in place.',
    );
  }

  // Everything about the destination is checked before the source is read: a refused copy reads nothing.
  const sse = effectiveSse(parseSseRequest(ctx.req.headers), destBucket);
  checkSseAllowed(ctx.store, destBucket, sse);
  const acl = parseCannedAcl(header(ctx, 'x-cos-acl'), false) ?? 'default';
  const replaced = directive === 'Replaced' ? metadataFrom(ctx.req.headers) : undefined;
  const storageClass = metadataFrom({ 'x-cos-storage-class': header(ctx, 'x-cos-storage-class') }).storageClass;

  const src = await readSource(ctx, srcRef, COPY_SOURCE_CUSTOMER_PREFIX);
  const conditions = {
    ifMatch: header(ctx, 'x-cos-copy-source-if-match'),
    ifNoneMatch: header(ctx, 'x-cos-copy-source-if-none-match'),
    ifModifiedSince: header(ctx, 'x-cos-copy-source-if-modified-since'),
    ifUnmodifiedSince: header(ctx, 'x-cos-copy-source-if-unmodified-since'),
  };
  evaluateCopySourceConditions(conditions, src.rec);
  if (src.rec.size > LIMITS.maxSinglePutBytes) {
    throw new CosError(
      'InvalidRequest',
      `The copy source is ${src.rec.size} bytes; PUT Object - Copy handles at most ${LIMITS.maxSinglePutBytes}. Use a multipart upload with Upload Part - Copy.`,
    );
  }

  const body = await src.open(0, src.rec.size - 1);
  // open() may have re-read the source after a concurrent overwrite (same content): guard what was read.
  const read = src.rec;
  const meta: ObjectMetadataInput = replaced ?? { contentType: read.contentType, headers: { ...read.headers }, storageClass };
  let rec: ObjectRecord;
  try {
    rec = await writeObject(ctx.store, {
      bucket: destBucket,
      key: destKey,
      source: body,
      expectedSize: read.size,
      sse,
      meta,
      acl,
      beforeCommit: onItself ? selfCopyGuard(read) : undefined,
    });
  } finally {
    // Closes the source files even when the write failed before reading them (a refused destination).
    await body.return(undefined);
  }

  sendXml(
    ctx.res,
    200,
    'CopyObjectResult',
    { ETag: quoteEtag(rec.etag), LastModified: copyTime(rec.lastModified), CRC64: rec.crc64 ?? undefined },
    { ...ctx.base, ...(rec.crc64 ? { 'x-cos-hash-crc64ecma': rec.crc64 } : {}), ...sseEchoHeaders(rec.sse as SseRecord | null) },
  );
}
