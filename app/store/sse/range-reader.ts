// Authenticated reads of one encrypted data file (sse-design §8.7): whole-file checks first, then positional
// reads of only the chunks a range touches, releasing each chunk's plaintext only after its tag verified.

import { createDecipheriv } from 'node:crypto';
import type { DataHandle } from '../meta/data-handle';
import {
  SSE_CHUNK,
  SSE_HEADER,
  SSE_STORED_CHUNK,
  SSE_TAG,
  SseIntegrityError,
  assertContext,
  checkHeader,
  chunkAad,
  chunkCount,
  chunkNonce,
  chunkPlainLength,
  deriveDataKey,
  encryptedFileSize,
} from './sse-data-format';
import { wipe } from './sse-encoding';

/** What the object's metadata says this file must be. `partSalt`, when known, pins the exact file version. */
export interface DataFileExpectation {
  oek: Buffer;
  objectId: Buffer;
  partNumber: number;
  partSalt?: Buffer;
  bucket: string;
  key: string;
}

/** Chunks per positional read: ~1 MiB per syscall keeps syscall cost negligible without large buffers. */
const BATCH_CHUNKS = 16;

/**
 * Yields the plaintext of bytes [start, endInclusive] of the file. Every whole-file check (size against the
 * metadata size, magic, version, objectId, partNumber, partSalt) runs before the first yield, and a chunk's bytes
 * are yielded only after its tag verified, so a caller that awaits the first value before sending response
 * headers can still answer a clean 500. Throws SseIntegrityError on any failure; RangeError for a bad range.
 * For an empty object call with (0, 0, -1): the single empty final chunk is verified and nothing is yielded.
 */
export async function* readDecryptedRange(
  fh: DataHandle,
  expect: DataFileExpectation,
  plainSize: number,
  start: number,
  endInclusive: number,
): AsyncGenerator<Buffer> {
  assertContext(expect);
  assertRange(plainSize, start, endInclusive);
  const where = describe(expect);

  const fileSize = encryptedFileSize(plainSize);
  const n = chunkCount(plainSize);
  const first = Math.floor(start / SSE_CHUNK);
  const last = plainSize === 0 ? 0 : Math.floor(endInclusive / SSE_CHUNK);
  const batchCap = Math.min(BATCH_CHUNKS, last - first + 1);
  // Two buffers: the next batch is read (on the libuv pool) while this one is decrypted on the main thread.
  const bufs = [Buffer.allocUnsafe(batchCap * SSE_STORED_CHUNK), Buffer.allocUnsafe(0)];
  if (last - first + 1 > batchCap) bufs[1] = Buffer.allocUnsafe(batchCap * SSE_STORED_CHUNK);
  const readBatch = (b: number, buf: Buffer): Promise<void> => {
    const pos = SSE_HEADER + b * SSE_STORED_CHUNK;
    const end = Math.min(SSE_HEADER + Math.min(b + batchCap, last + 1) * SSE_STORED_CHUNK, fileSize);
    return readFully(fh, buf, end - pos, pos, where);
  };

  // fstat, the header and the first batch are fetched concurrently (one pool round trip instead of three for a
  // small range). Reading early releases nothing: every check below still runs before the first decrypt.
  const header = Buffer.allocUnsafe(SSE_HEADER);
  const statP = fh.stat();
  const headerP = readFully(fh, header, SSE_HEADER, 0, where);
  let pending: Promise<void> | undefined = readBatch(first, bufs[0]);
  // Keep a failing read from surfacing as an unhandled rejection if we stop before awaiting it.
  for (const p of [statP, headerP, pending]) p.catch(() => undefined);
  let dk: Buffer | undefined;
  try {
    const st = await statP;
    if (st.size !== fileSize) {
      throw new SseIntegrityError(`${where}: data file is ${st.size} bytes, expected ${fileSize} for ${plainSize} plaintext bytes`);
    }
    await headerP;
    let parsed;
    try {
      parsed = checkHeader(header, expect);
    } catch (err) {
      if (err instanceof SseIntegrityError) throw new SseIntegrityError(`${where}: ${err.message}`);
      throw err;
    }
    const aad = chunkAad(header, expect.bucket, expect.key);
    dk = deriveDataKey(expect.oek, expect.partNumber, parsed.partSalt);
    const nonce = Buffer.alloc(12);

    for (let b = first, k = 0; b <= last; b += batchCap, k ^= 1) {
      await pending;
      const buf = bufs[k];
      const nb = b + batchCap;
      pending = nb <= last ? readBatch(nb, bufs[k ^ 1]) : undefined;
      pending?.catch(() => undefined);

      const stop = Math.min(nb - 1, last);
      let off = 0;
      for (let i = b; i <= stop; i++) {
        const plen = chunkPlainLength(plainSize, i);
        const d = createDecipheriv('aes-256-gcm', dk, chunkNonce(i, i === n - 1, nonce), { authTagLength: SSE_TAG });
        d.setAAD(aad);
        d.setAuthTag(buf.subarray(off + plen, off + plen + SSE_TAG));
        const pt = d.update(buf.subarray(off, off + plen));
        try {
          d.final();
        } catch {
          // update() already produced plaintext; it is dropped unseen (sse-design §8.13).
          pt.fill(0);
          throw new SseIntegrityError(
            `${where}: chunk ${i} of ${n} failed authentication (data altered, truncated, reordered or from another file)`,
          );
        }
        off += plen + SSE_TAG;
        const base = i * SSE_CHUNK;
        const from = Math.max(start - base, 0);
        const to = Math.min(endInclusive - base + 1, plen);
        if (to > from) yield from === 0 && to === pt.length ? pt : pt.subarray(from, to);
      }
    }
  } finally {
    wipe(dk);
    // Never leave a read in flight on a handle the caller is about to close (earlier batches were awaited).
    await Promise.allSettled([statP, headerP, pending]);
  }
}

/** Decrypts and authenticates the whole file, discarding plaintext (fsck / scrub: the tags double as checksums). */
export async function verifyDataFile(fh: DataHandle, expect: DataFileExpectation, plainSize: number): Promise<void> {
  const end = plainSize === 0 ? -1 : plainSize - 1;
  for await (const _chunk of readDecryptedRange(fh, expect, plainSize, 0, end)) {
    // discard
  }
}

function assertRange(plainSize: number, start: number, end: number): void {
  if (!Number.isSafeInteger(plainSize) || plainSize < 0) throw new RangeError(`invalid plaintext size ${plainSize}`);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) throw new RangeError(`invalid range ${start}-${end}`);
  if (plainSize === 0) {
    if (start !== 0 || end !== -1) throw new RangeError(`range ${start}-${end} on an empty object; use (0, -1)`);
    return;
  }
  if (start < 0 || start > end || end >= plainSize) {
    throw new RangeError(`range ${start}-${end} is outside the object (size ${plainSize})`);
  }
}

async function readFully(fh: DataHandle, buf: Buffer, length: number, position: number, where: string): Promise<void> {
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, position + got);
    if (bytesRead === 0) {
      throw new SseIntegrityError(`${where}: data file ended at byte ${position + got}, expected ${position + length}`);
    }
    got += bytesRead;
  }
}

function describe(e: DataFileExpectation): string {
  return `SSE ${e.bucket}/${e.key}${e.partNumber > 0 ? ` part ${e.partNumber}` : ''}`;
}
