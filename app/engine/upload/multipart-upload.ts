// Objects above the single-PUT threshold: Initiate → parts (bounded concurrency) → Complete, verified at both
// ends. From a file, parts are file ranges (never the whole file in memory) and the upload is journalled so it
// can resume after a crash: List Parts tells which journalled parts the server still holds with the same ETag,
// and only the rest is sent. From a stream, parts are read into memory one at a time (at most
// `partConcurrency` buffers in flight); a stream is journalled only when its source can give it again from an
// offset (a browser page's file), else nothing is kept, since a stream cannot be read twice.
import { CosServiceError } from '../../cos/client';
import { crc64, crc64Combine } from '../../cos/crc64';
import { journalId, type JournalPart, type UploadJournal } from '../journal';
import { unchangedSince } from './file-source';
import { withRetries, withTap, type ItemContext, type SendTap } from './item-context';
import { boundedAll } from './semaphore';
import { crcMismatch, journalEncryption, sameJournalEncryption, sseRequestOf, UploadError, verifyEcho, type AppliedEncryption } from './upload-encryption';
import { MAX_PARTS, MiB, partSizeFor, type UploadItem } from './upload-plan';
import type { ChunkReader } from './chunk-reader';

interface DonePart {
  partNumber: number;
  etag: string;
  crc64: bigint;
  size: number;
}

const unquote = (etag: string) => etag.replace(/^"|"$/g, '');

function customerKey(item: UploadItem): Buffer | undefined {
  return item.encryption.mode === 'SSE-C' ? item.encryption.key : undefined;
}

async function abortQuietly(ctx: ItemContext, bucket: string, key: string, uploadId: string): Promise<void> {
  await ctx.client.abortMultipartUpload(bucket, key, uploadId).catch(() => undefined);
}

async function initiate(ctx: ItemContext, item: UploadItem): Promise<string> {
  const init = await ctx.client.initiateMultipartUpload(item.bucket, item.key, {
    sse: sseRequestOf(item.encryption),
    contentType: item.contentType,
    signal: ctx.signal,
  });
  try {
    verifyEcho(item.encryption, init.encryption, { bucket: item.bucket, key: item.key, step: 'Initiate' });
  } catch (err) {
    await abortQuietly(ctx, item.bucket, item.key, init.uploadId);
    throw err;
  }
  return init.uploadId;
}

/** Every part the server holds for an upload, or undefined when the upload no longer exists. */
async function serverParts(ctx: ItemContext, j: UploadJournal): Promise<Map<number, { etag: string; size: number }> | undefined> {
  const out = new Map<number, { etag: string; size: number }>();
  let marker: number | undefined;
  try {
    for (;;) {
      const page = await ctx.client.listParts(j.bucket, j.key, j.uploadId, { partNumberMarker: marker, signal: ctx.signal });
      for (const p of page.parts) out.set(p.partNumber, { etag: p.etag, size: p.size });
      if (!page.isTruncated || page.nextPartNumberMarker === undefined || page.nextPartNumberMarker === marker) return out;
      marker = page.nextPartNumberMarker;
    }
  } catch (err) {
    if (err instanceof CosServiceError && err.code === 'NoSuchUpload') return undefined;
    throw err;
  }
}

function combinedCrc(parts: DonePart[]): bigint {
  let acc = crc64(new Uint8Array(0));
  for (const p of parts) acc = crc64Combine(acc, p.crc64, p.size);
  return acc;
}

/**
 * Complete, then check the echo and the whole-object CRC64. Complete is not repeated by the client (a lost
 * answer to a Complete that worked turns a retry into NoSuchUpload), so it is repeated here, and a NoSuchUpload
 * on a repeat is resolved by a HEAD: the object with our CRC64 means the earlier Complete went through. Returns the
 * encryption the Complete answer (or that HEAD) reports.
 */
async function complete(ctx: ItemContext, item: UploadItem, uploadId: string, parts: DonePart[]): Promise<AppliedEncryption> {
  const { bucket, key } = item;
  const sorted = [...parts].sort((a, b) => a.partNumber - b.partNumber);
  const local = combinedCrc(sorted);
  let tries = 0;
  const answer = await withRetries(ctx, async () => {
    try {
      return await ctx.client.completeMultipartUpload(bucket, key, uploadId, sorted, { sseCustomerKey: customerKey(item), signal: ctx.signal });
    } catch (err) {
      if (tries++ > 0 && err instanceof CosServiceError && err.code === 'NoSuchUpload') {
        const head = await ctx.client.headObject(bucket, key, { sseCustomerKey: customerKey(item), signal: ctx.signal });
        if (head.crc64 === local) return head;
      }
      throw err;
    }
  });
  const applied = verifyEcho(item.encryption, answer.encryption, { bucket, key, step: 'Complete' });
  const remote = answer.crc64 ?? (await ctx.client.headObject(bucket, key, { sseCustomerKey: customerKey(item), signal: ctx.signal })).crc64;
  if (remote !== local) {
    await ctx.client.deleteObject(bucket, key).catch(() => undefined);
    throw crcMismatch(bucket, key, remote === undefined ? 'the server reported no CRC64' : `sent ${local}, stored ${remote}`);
  }
  return applied;
}

/**
 * Uploads one part (with the engine's retries) and returns what the server acknowledged; progress moves as the
 * part's bytes are read for sending. `local` defaults to the CRC64 of what the tap saw.
 */
async function sendPart(
  ctx: ItemContext,
  item: UploadItem,
  partNumber: number,
  size: number,
  send: (tap: SendTap) => Promise<{ res: { etag: string; crc64?: bigint }; local?: bigint }>,
): Promise<DonePart> {
  return withRetries(ctx, () =>
    withTap(ctx, size, async (tap) => {
      const { res, local = tap.digest() } = await send(tap);
      if (res.crc64 !== undefined && res.crc64 !== local) throw crcMismatch(item.bucket, item.key, `part ${partNumber}: sent ${local}, stored ${res.crc64}`);
      return { partNumber, etag: res.etag, crc64: local, size };
    }),
  );
}

/** An upload's journal, opened or begun, and the parts the server still holds of it. */
interface OpenedJournal {
  id: string;
  journal: UploadJournal;
  done: Map<number, DonePart>;
}

/**
 * Finds the journal of an interrupted upload of this source (a file, or a resumable stream named by its identity)
 * and checks it still applies: same size and modification time, same encryption, and the upload still on the
 * server, whose List Parts keeps only the journalled parts it holds with the same ETag. Otherwise the old upload
 * is aborted and a new one initiated. The journal is written before any part is sent.
 */
async function openJournal(ctx: ItemContext, item: UploadItem, file: { path: string; size: number; mtimeMs: number; label?: string }): Promise<OpenedJournal> {
  const { bucket, key } = item;
  const { size, mtimeMs } = file;
  // Notices name the file as the user knows it; the journal keeps the path (or a stream's identity).
  const path = file.label ?? file.path;
  const id = journalId(bucket, key, file.path);
  const encryption = journalEncryption(item.encryption);
  let j = await ctx.journal.read(id);

  if (j && (j.file.size !== size || j.file.mtimeMs !== mtimeMs)) {
    await abortQuietly(ctx, j.bucket, j.key, j.uploadId);
    await ctx.journal.remove(id);
    ctx.notice(`${path} changed since the interrupted upload; starting over`);
    j = undefined;
  } else if (j && !sameJournalEncryption(j.encryption, encryption)) {
    if (j.encryption.mode === 'SSE-C' && encryption.mode === 'SSE-C') {
      throw new UploadError(
        'sse-key-mismatch',
        `the interrupted upload of ${path} to ${bucket}/${key} was started with a different SSE-C key; resume it with the same key, or cancel it`,
        bucket,
        key,
      );
    }
    await abortQuietly(ctx, j.bucket, j.key, j.uploadId);
    await ctx.journal.remove(id);
    ctx.notice(`${path}: the encryption chosen differs from the interrupted upload's; starting over`);
    j = undefined;
  }

  const done = new Map<number, DonePart>();
  if (j) {
    const onServer = await serverParts(ctx, j);
    if (!onServer) {
      await ctx.journal.remove(id);
      ctx.notice(`${path}: the interrupted upload no longer exists on the server; starting over`);
      j = undefined;
    } else {
      for (const [n, p] of Object.entries(j.parts)) {
        const s = onServer.get(Number(n));
        if (s && unquote(s.etag) === unquote(p.etag) && s.size === p.size) done.set(Number(n), { partNumber: Number(n), etag: p.etag, crc64: BigInt(p.crc64), size: p.size });
      }
    }
  }

  if (!j) {
    const uploadId = await initiate(ctx, item);
    j = {
      version: 1,
      bucket,
      key,
      uploadId,
      partSize: partSizeFor(size, ctx.options.partSize),
      file: { path: file.path, size, mtimeMs },
      encryption,
      parts: {},
      createdAt: new Date().toISOString(),
    };
  }
  return { id, journal: j, done };
}

/** Records the parts kept in the journal, says the upload exists, and counts the kept bytes as sent. */
async function journalStarted(ctx: ItemContext, item: UploadItem, opened: OpenedJournal): Promise<void> {
  const { id, journal, done } = opened;
  journal.parts = Object.fromEntries([...done.values()].map((p): [string, JournalPart] => [String(p.partNumber), { etag: p.etag, crc64: p.crc64.toString(), size: p.size }]));
  await ctx.journal.write(id, journal);
  ctx.uploadStarted({ bucket: item.bucket, key: item.key, uploadId: journal.uploadId, journalId: id });
  ctx.addBytes([...done.values()].reduce((s, p) => s + p.size, 0));
}

function resumingNotice(ctx: ItemContext, label: string, size: number, opened: OpenedJournal): void {
  const { journal, done } = opened;
  if (done.size === 0) return;
  const count = Math.max(1, Math.ceil(size / journal.partSize));
  // The parts already on the server fix the part size; a different size asked for now applies to new uploads.
  const asked = partSizeFor(size, ctx.options.partSize);
  const kept = asked === journal.partSize ? '' : `; it keeps its ${formatMiB(journal.partSize)} parts (the ${formatMiB(asked)} asked for now applies to new uploads)`;
  ctx.notice(`${label}: resuming the interrupted upload (${done.size} of ${count} parts were already uploaded)${kept}`);
}

export async function uploadFileMultipart(ctx: ItemContext, item: UploadItem, path: string, size: number, mtimeMs: number): Promise<AppliedEncryption> {
  const { bucket, key } = item;
  const opened = await openJournal(ctx, item, { path, size, mtimeMs });
  const { id, journal, done } = opened;
  await journalStarted(ctx, item, opened);
  resumingNotice(ctx, path, size, opened);

  const count = Math.max(1, Math.ceil(size / journal.partSize));
  const todo = Array.from({ length: count }, (_, i) => i + 1).filter((n) => !done.has(n));
  const sseCustomerKey = customerKey(item);
  await boundedAll(todo, ctx.options.partConcurrency, async (n) => {
    const start = (n - 1) * journal.partSize;
    const end = Math.min(size, n * journal.partSize) - 1;
    const part = await sendPart(ctx, item, n, end - start + 1, async (tap) => ({
      res: await ctx.client.uploadPart(bucket, key, journal.uploadId, n, { path, start, end, size, observer: tap }, { sseCustomerKey, signal: ctx.signal }),
    }));
    done.set(n, part);
    journal.parts[String(n)] = { etag: part.etag, crc64: part.crc64.toString(), size: part.size };
    await ctx.journal.write(id, journal);
  });

  // Parts were read while they were sent: a file written to meanwhile must not become an object (its parts would
  // mix versions). Nothing has replaced the old object yet, so the upload is abandoned and the item fails.
  if (!(await unchangedSince(path, size, mtimeMs))) {
    await abortQuietly(ctx, bucket, key, journal.uploadId);
    await ctx.journal.remove(id);
    throw new UploadError(
      'source-changed',
      `${path} changed while it was being uploaded; the upload was cancelled and nothing was written to ${bucket}/${key}. Upload it again once nothing is writing to it`,
      bucket,
      key,
    );
  }
  let applied: AppliedEncryption;
  try {
    applied = await complete(ctx, item, journal.uploadId, [...done.values()]);
  } catch (err) {
    // After a verification failure the upload is gone (completed or deleted); nothing is left to resume.
    if (err instanceof UploadError) await ctx.journal.remove(id);
    throw err;
  }
  await ctx.journal.remove(id);
  return applied;
}

/**
 * A stream larger than the threshold: parts read one at a time from `reader`. `declaredSize` (when known)
 * picks the part size and is checked against what the stream actually held. A stream that can be given again
 * (`source.resume`, a page's file) is journalled like a file: given again after a restart, the parts the server
 * holds from the first one on are kept and the stream is asked to start after them.
 */
export async function uploadStreamMultipart(ctx: ItemContext, item: UploadItem, reader: ChunkReader, declaredSize: number | undefined): Promise<AppliedEncryption> {
  const { bucket, key } = item;
  const resume = item.source.kind === 'stream' && declaredSize !== undefined ? item.source.resume : undefined;
  const done: DonePart[] = [];
  let journalled: OpenedJournal | undefined;
  let uploadId: string;
  let partSize: number;
  let first = 1;
  if (resume && declaredSize !== undefined) {
    journalled = await openJournal(ctx, item, { path: resume.identity, size: declaredSize, mtimeMs: resume.mtimeMs, label: key });
    // A stream is read in order: only the parts before the first missing one can be skipped.
    while (journalled.done.has(first)) first++;
    for (const n of [...journalled.done.keys()]) if (n > first) journalled.done.delete(n);
    await journalStarted(ctx, item, journalled);
    resumingNotice(ctx, key, declaredSize, journalled);
    ({ uploadId, partSize } = journalled.journal);
    done.push(...journalled.done.values());
    resume.startAt((first - 1) * partSize);
  } else {
    partSize = partSizeFor(declaredSize ?? 0, ctx.options.partSize);
    uploadId = await initiate(ctx, item);
    ctx.uploadStarted({ bucket, key, uploadId });
  }
  const sseCustomerKey = customerKey(item);
  const inflight = new Set<Promise<void>>();
  let failure: { err: unknown } | undefined;
  let total = (first - 1) * partSize;
  try {
    for (let n = first; ; n++) {
      while (inflight.size >= ctx.options.partConcurrency) await Promise.race(inflight);
      if (failure) break;
      await ctx.waitIfPaused();
      const data = await reader.read(partSize);
      if (data.length === 0 && n > 1) break;
      if (n > MAX_PARTS) throw new UploadError('too-large', `${bucket}/${key}: the stream is longer than ${MAX_PARTS} parts of ${partSize} bytes`, bucket, key);
      total += data.length;
      const local = crc64(data);
      const p = sendPart(ctx, item, n, data.length, async () => ({
        res: await ctx.client.uploadPart(bucket, key, uploadId, n, data, { sseCustomerKey, signal: ctx.signal }),
        local,
      })).then(
        async (part) => {
          done.push(part);
          if (journalled) {
            journalled.journal.parts[String(n)] = { etag: part.etag, crc64: part.crc64.toString(), size: part.size };
            await ctx.journal.write(journalled.id, journalled.journal);
          }
        },
        (err) => {
          failure ??= { err };
        },
      );
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
      if (data.length < partSize) break;
    }
    await Promise.all(inflight);
    if (failure) throw failure.err;
    if (declaredSize !== undefined && total !== declaredSize) {
      throw new UploadError('size-mismatch', `${bucket}/${key}: the stream held ${total} bytes but ${declaredSize} were declared`, bucket, key);
    }
    const applied = await complete(ctx, item, uploadId, done);
    if (journalled) await ctx.journal.remove(journalled.id);
    return applied;
  } catch (err) {
    await Promise.allSettled(inflight);
    // A journalled stream that broke off (the page closed, the network went) keeps its parts for the same file
    // given again; what can never complete (wrong size, failed verification) is given up like any stream.
    const keep = journalled !== undefined && !(err instanceof UploadError);
    if (!ctx.signal.aborted && !keep) await abortQuietly(ctx, bucket, key, uploadId);
    if (journalled && !keep) await ctx.journal.remove(journalled.id);
    throw err;
  }
}

function formatMiB(bytes: number): string {
  return `${Math.round((bytes / MiB) * 100) / 100} MiB`;
}
