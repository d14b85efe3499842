// Objects up to the single-PUT threshold: one PUT Object, verified. A small file arrives already in memory
// (file-source.ts); a larger one is sent as a file range (so the client can replay it on a transient failure), its
// CRC64 computed from the bytes as they are read for sending; a stream is first read into memory, which the
// threshold bounds. A CRC64 that still disagrees after the retries means the server stored other bytes than ours:
// that object is deleted rather than left behind looking valid.
import { CosIntegrityError } from '../../cos/client';
import { crc64 } from '../../cos/crc64';
import { unchangedSince } from './file-source';
import { withRetries, withTap, type ItemContext } from './item-context';
import { crcMismatch, sseRequestOf, UploadError, verifyEcho, type AppliedEncryption } from './upload-encryption';
import type { UploadItem } from './upload-plan';

interface PutAnswer {
  crc64?: bigint;
  encryption: import('../../cos/client').SseInfo;
}

async function serverCrc(ctx: ItemContext, item: UploadItem, res: PutAnswer): Promise<bigint | undefined> {
  if (res.crc64 !== undefined) return res.crc64;
  const sseCustomerKey = item.encryption.mode === 'SSE-C' ? item.encryption.key : undefined;
  const head = await ctx.client.headObject(item.bucket, item.key, { sseCustomerKey, signal: ctx.signal });
  return head.crc64;
}

/** The encryption the PUT's answer reports, once the answer and the stored CRC64 have been checked. */
async function verified(ctx: ItemContext, item: UploadItem, res: PutAnswer, local: bigint): Promise<AppliedEncryption> {
  const applied = verifyEcho(item.encryption, res.encryption, { bucket: item.bucket, key: item.key, step: 'PUT' });
  const remote = await serverCrc(ctx, item, res);
  if (remote === undefined) throw crcMismatch(item.bucket, item.key, 'the server reported no CRC64');
  if (remote !== local) throw crcMismatch(item.bucket, item.key, `sent ${local}, stored ${remote}`);
  return applied;
}

/** Deletes what was stored when it is not the bytes meant (corrupted in transit, or read from a changing file). */
async function deleteCorrupt(ctx: ItemContext, item: UploadItem, err: unknown): Promise<never> {
  const corrupt = err instanceof CosIntegrityError || (err instanceof UploadError && (err.code === 'crc-mismatch' || err.code === 'source-changed'));
  if (corrupt) await ctx.client.deleteObject(item.bucket, item.key).catch(() => undefined);
  throw err;
}

/**
 * A file above IN_MEMORY_MAX_BYTES and up to the single-PUT threshold, streamed from disk. Written to while it was
 * sent, the object holds no single version of the file: it is deleted and the upload fails, asking to send it again.
 */
export async function putFile(ctx: ItemContext, item: UploadItem, path: string, size: number, mtimeMs: number): Promise<AppliedEncryption> {
  const sse = sseRequestOf(item.encryption);
  return withRetries(ctx, () =>
    withTap(ctx, size, async (tap) => {
      const res = await ctx.client.putObject(item.bucket, item.key, { path, start: 0, end: size - 1, size, observer: tap }, { sse, contentType: item.contentType, signal: ctx.signal });
      return verified(ctx, item, res, tap.digest());
    }),
  )
    .then(async (applied) => {
      if (await unchangedSince(path, size, mtimeMs)) return applied;
      throw new UploadError(
        'source-changed',
        `${path} changed while it was being uploaded, so what reached ${item.bucket}/${item.key} matched no version of it and was deleted; upload it again once nothing is writing to it`,
        item.bucket,
        item.key,
      );
    })
    .catch((err) => deleteCorrupt(ctx, item, err));
}

export async function putBuffer(ctx: ItemContext, item: UploadItem, data: Buffer): Promise<AppliedEncryption> {
  const sse = sseRequestOf(item.encryption);
  const local = crc64(data);
  return withRetries(ctx, () =>
    withTap(ctx, data.length, async () => {
      const res = await ctx.client.putObject(item.bucket, item.key, data, { sse, contentType: item.contentType, signal: ctx.signal, bodyCrc64: local });
      return verified(ctx, item, res, local);
    }),
  ).catch((err) => deleteCorrupt(ctx, item, err));
}
