// Streaming encryption of one data file (sse-design §8.5/§8.6). The caller feeds plaintext in any slicing and
// appends whatever push()/finish() return to the file, in order. One full chunk is held back because only
// finish() can tell which chunk is the last, and the last one is sealed with the final flag in its nonce.

import { createCipheriv } from 'node:crypto';
import {
  SSE_CHUNK,
  SSE_TAG,
  assertChunkIndex,
  assertContext,
  chunkAad,
  chunkNonce,
  deriveDataKey,
  encodeHeader,
  type DataFileContext,
} from './sse-data-format';
import { wipe } from './sse-encoding';

export class ChunkEncryptor {
  private readonly header: Buffer;
  private readonly aad: Buffer;
  private readonly dk: Buffer;
  private readonly nonce = Buffer.alloc(12);
  /**
   * Plaintext not yet sealed: 1…65536 bytes once any data arrived (a full chunk here is the held-back one). Sized
   * to the expected plaintext when that is smaller than a chunk (a 4 KiB object should not cost a 64 KiB buffer),
   * and grown to a whole chunk if more arrives.
   */
  private pending: Buffer;
  private pendingLen = 0;
  private headerSent = false;
  private chunkIndex = 0;
  private done = false;
  private total = 0;

  constructor(ctx: DataFileContext, expectedSize?: number) {
    assertContext(ctx);
    const want = expectedSize !== undefined && Number.isSafeInteger(expectedSize) && expectedSize >= 0 ? expectedSize : SSE_CHUNK;
    this.pending = Buffer.allocUnsafe(Math.max(1, Math.min(SSE_CHUNK, want)));
    this.header = encodeHeader(ctx);
    this.aad = chunkAad(this.header, ctx.bucket, ctx.key);
    this.dk = deriveDataKey(ctx.oek, ctx.partNumber, ctx.partSalt);
  }

  /** Plaintext bytes accepted so far. */
  get plainBytes(): number {
    return this.total;
  }

  /**
   * Accepts plaintext and returns the bytes now ready to append: the header (first call only), then zero or more
   * whole `ciphertext ‖ tag` chunks of 65552 bytes, each a single Buffer. The input may be reused by the caller
   * once this returns: anything held back is copied.
   */
  push(plain: Buffer): Buffer[] {
    if (this.done) throw new Error('ChunkEncryptor.push() after finish()');
    const out: Buffer[] = [];
    if (!this.headerSent) {
      out.push(this.header);
      this.headerSent = true;
    }
    const len = plain.length;
    if (len === 0) return out;
    this.total += len;
    let off = 0;
    if (this.pendingLen === SSE_CHUNK) {
      // More data arrived, so the held-back chunk is not the last one.
      out.push(this.seal(this.pending, false));
      this.pendingLen = 0;
    } else if (this.pendingLen > 0) {
      const n = Math.min(SSE_CHUNK - this.pendingLen, len);
      this.reserve(this.pendingLen + n);
      plain.copy(this.pending, this.pendingLen, 0, n);
      this.pendingLen += n;
      off = n;
      if (off === len) return out; // absorbed; a now-full chunk stays held back
      out.push(this.seal(this.pending, false));
      this.pendingLen = 0;
    }
    // Whole chunks straight from the caller's buffer (no copy), always keeping ≥ 1 byte back for finish().
    while (len - off > SSE_CHUNK) {
      out.push(this.seal(plain.subarray(off, off + SSE_CHUNK), false));
      off += SSE_CHUNK;
    }
    this.reserve(len - off);
    this.pendingLen = plain.copy(this.pending, 0, off, len);
    return out;
  }

  /** Makes room for `n` pending bytes (at most a chunk), keeping what is held and wiping the old buffer. */
  private reserve(n: number): void {
    if (n <= this.pending.length) return;
    const grown = Buffer.allocUnsafe(SSE_CHUNK);
    this.pending.copy(grown, 0, 0, this.pendingLen);
    wipe(this.pending);
    this.pending = grown;
  }

  /** Seals the held-back tail as the final chunk (an empty object gets one empty final chunk) and wipes keys. */
  finish(): Buffer[] {
    if (this.done) throw new Error('ChunkEncryptor.finish() called twice');
    const out: Buffer[] = [];
    if (!this.headerSent) {
      out.push(this.header);
      this.headerSent = true;
    }
    out.push(this.seal(this.pending.subarray(0, this.pendingLen), true));
    this.dispose();
    return out;
  }

  /** Wipes the data key and buffered plaintext; for an abandoned upload. finish() calls it too. */
  dispose(): void {
    this.done = true;
    this.pendingLen = 0;
    wipe(this.dk, this.pending);
  }

  private seal(plain: Buffer, final: boolean): Buffer {
    assertChunkIndex(this.chunkIndex);
    const cipher = createCipheriv('aes-256-gcm', this.dk, chunkNonce(this.chunkIndex, final, this.nonce), {
      authTagLength: SSE_TAG,
    });
    cipher.setAAD(this.aad);
    const ct = cipher.update(plain);
    cipher.final(); // GCM emits nothing here
    this.chunkIndex++;
    // One Buffer per stored chunk, as the store appends them; the 64 KiB copy costs far less than the GCM pass.
    return Buffer.concat([ct, cipher.getAuthTag()], ct.length + SSE_TAG);
  }
}
