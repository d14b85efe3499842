// GET Object and HEAD Object: access (anonymous never reads encrypted objects), SSE-C key check, conditions,
// ranges, response overrides, and a body that is released only chunk by authenticated chunk.
import type { ServerResponse } from 'node:http';
import { authorizeReadObject, missingObjectError } from '../http/access';
import { evaluateConditions, parseRange } from '../http/conditions';
import { CosError } from '../http/cos-error';
import type { ObjectRecord } from '../meta/metadata-db';
import { openDataFiles, readObjectRange } from '../objects/data-reader';
import { kekSourceFor, openObjectKey } from '../objects/object-encryption';
import { readCustomerKey, refuseSseOnRead, sseEchoHeaders, type SseRecord } from '../objects/sse-request';
import { SseIntegrityError } from '../sse/sse-data-format';
import { header, quoteEtag, requireBucket, validateObjectKey, type HandlerContext } from './context';

const SEND_BATCH_BYTES = 1024 * 1024;

const OVERRIDES: Array<[string, string]> = [
  ['response-content-type', 'Content-Type'],
  ['response-content-language', 'Content-Language'],
  ['response-expires', 'Expires'],
  ['response-cache-control', 'Cache-Control'],
  ['response-content-disposition', 'Content-Disposition'],
  ['response-content-encoding', 'Content-Encoding'],
];

/** Headers describing a stored object (GET, HEAD). */
export function objectHeaders(rec: ObjectRecord): Record<string, string> {
  const h: Record<string, string> = {
    'Content-Type': rec.contentType,
    ETag: quoteEtag(rec.etag),
    'Last-Modified': new Date(rec.lastModified).toUTCString(),
    'Accept-Ranges': 'bytes',
    ...rec.headers,
    ...sseEchoHeaders(rec.sse as SseRecord | null),
  };
  if (rec.crc64 !== null) h['x-cos-hash-crc64ecma'] = rec.crc64;
  if (rec.storageClass && rec.storageClass !== 'STANDARD') h['x-cos-storage-class'] = rec.storageClass;
  return h;
}

function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === 'ENOENT';
}

export async function getObject(ctx: HandlerContext, head: boolean): Promise<void> {
  const bucket = requireBucket(ctx);
  const key = ctx.target.key;
  validateObjectKey(key);
  refuseSseOnRead(ctx.req.headers);
  const customer = readCustomerKey(ctx.req.headers);

  // A concurrent overwrite may delete the data files between the metadata read and the open: look again.
  for (let attempt = 0; ; attempt++) {
    const rec = ctx.store.meta.getObject(bucket.name, key);
    if (!rec) throw missingObjectError(ctx.principal, bucket);
    authorizeReadObject(ctx.principal, bucket, rec);
    const sse = rec.sse as SseRecord | null;
    if (sse) kekSourceFor(sse, ctx.store.keys, customer);
    else if (customer) throw new CosError('InvalidRequest', 'The object is not encrypted with a customer-provided key; do not send SSE-C headers.');

    const headers: Record<string, string> = { ...ctx.base, ...objectHeaders(rec) };
    for (const [param, name] of OVERRIDES) {
      const v = ctx.target.query.get(param);
      if (v !== undefined) headers[name] = v;
    }
    const outcome = evaluateConditions(
      {
        ifMatch: header(ctx, 'if-match'),
        ifNoneMatch: header(ctx, 'if-none-match'),
        ifModifiedSince: header(ctx, 'if-modified-since'),
        ifUnmodifiedSince: header(ctx, 'if-unmodified-since'),
      },
      rec,
    );
    if (outcome === 'not-modified') {
      ctx.res.writeHead(304, { ...ctx.base, ETag: headers.ETag!, 'Last-Modified': headers['Last-Modified']! });
      ctx.res.end();
      return;
    }
    const range = parseRange(header(ctx, 'range'), rec.size);
    const start = range?.start ?? 0;
    const end = range?.end ?? rec.size - 1;
    const length = rec.size === 0 ? 0 : end - start + 1;
    headers['Content-Length'] = String(length);
    const status = range ? 206 : 200;
    if (range) headers['Content-Range'] = `bytes ${start}-${end}/${rec.size}`;

    if (head) {
      ctx.res.writeHead(status, headers);
      ctx.res.end();
      return;
    }

    let handles;
    try {
      handles = await openDataFiles(ctx.store, rec, start, end);
    } catch (err) {
      if (isNotFound(err) && attempt < 3) continue;
      throw err;
    }
    let oek: Buffer | null = null;
    try {
      oek = sse ? openObjectKey(sse, ctx.store.wrapContext(rec), ctx.store.keys, customer) : null;
    } catch (err) {
      for (const fh of handles.values()) await fh.close().catch(() => undefined);
      throw err;
    }
    ctx.store.rotation.noteRead(rec);
    const body = readObjectRange(rec, handles, oek && sse ? { oek, objectId: Buffer.from(sse.objectId, 'base64') } : null, start, end);
    try {
      await streamBody(ctx, status, headers, body, rec);
    } finally {
      oek?.fill(0);
    }
    return;
  }
}

/**
 * Sends the body. The first chunk is decrypted and authenticated before the status line goes out, so a damaged
 * object becomes a clean 500; a failure later destroys the connection (never unauthenticated or silently short
 * data).
 */
async function streamBody(ctx: HandlerContext, status: number, headers: Record<string, string>, body: AsyncGenerator<Buffer>, rec: ObjectRecord): Promise<void> {
  const { res } = ctx;
  let first: IteratorResult<Buffer>;
  try {
    first = await body.next();
  } catch (err) {
    throw integrityFailure(ctx, err, rec);
  }
  res.writeHead(status, headers);
  let aborted = false;
  const onClose = () => {
    aborted = true;
  };
  res.on('close', onClose);
  // Decrypted data arrives one 64 KiB chunk at a time: send it in ~1 MiB corked batches (one writev) rather
  // than a socket write and a drain wait per chunk.
  let batch: Buffer[] = [];
  let batchBytes = 0;
  const flushBatch = async () => {
    if (batch.length === 0) return;
    res.cork();
    let ok = true;
    for (const b of batch) ok = res.write(b);
    res.uncork();
    batch = [];
    batchBytes = 0;
    if (!ok) await drainOrClose(res);
  };
  try {
    let item = first;
    while (!item.done) {
      if (aborted) break;
      batch.push(item.value);
      batchBytes += item.value.length;
      if (batchBytes >= SEND_BATCH_BYTES) await flushBatch();
      try {
        item = await body.next();
      } catch (err) {
        ctx.store.config.log(`object ${rec.bucket}/${rec.key} failed mid-stream: ${(err as Error).message}`);
        // Chunks before the damaged one authenticated and may go out; then the connection is cut.
        await flushBatch();
        res.destroy(err as Error);
        return;
      }
    }
    if (aborted) await body.return(undefined);
    else {
      await flushBatch();
      res.end();
    }
  } finally {
    res.off('close', onClose);
  }
}

/** Waits for 'drain' or 'close', removing both listeners afterwards (a large GET waits thousands of times). */
function drainOrClose(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function integrityFailure(ctx: HandlerContext, err: unknown, rec: ObjectRecord): unknown {
  if (err instanceof SseIntegrityError) {
    ctx.store.config.log(`object ${rec.bucket}/${rec.key} is damaged: ${err.message}`);
    return new CosError('InternalError', 'The object data failed its integrity check and cannot be returned.');
  }
  return err;
}
