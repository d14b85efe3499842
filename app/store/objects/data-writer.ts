// Streams a body into one committed data file: MD5 and CRC64 of the plaintext on the way, encryption when the
// object is encrypted (plaintext never reaches the disk then, not even in tmp), fsync, then the rename that makes
// the file durable. The caller commits the metadata row afterwards; until then the file is an orphan that a
// crash sweep removes. A small body of declared size (inlineMax) skips the file: its stored bytes are returned
// for the caller to commit inside the metadata transaction.
//
// Work split (measured on 2 cores with the client on the same machine): the MD5, the one cost a COS store cannot
// avoid and cannot parallelise, runs on a worker thread; this thread does CRC64 and encryption and keeps a few
// positional writes in flight, so hashing, encrypting and the disk overlap.
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { Crc64 } from '../../cos/crc64';
import { crashPoint } from '../crash-points';
import { CosError } from '../http/cos-error';
import type { DataFiles } from '../meta/data-files';
import { ChunkEncryptor } from '../sse/chunk-encryptor';
import type { DataFileContext } from '../sse/sse-data-format';
import { Md5WorkerPool } from './md5-worker-pool';

export interface WrittenData {
  dataId: string;
  size: number;
  md5: Buffer;
  crc64: string;
  /** hex partSalt of an encrypted file (bound into the parts digest). */
  partSalt?: string;
  /** Set when the bytes were kept in memory for meta.db (WriteOptions.inlineMax) instead of a data file. */
  inline?: Buffer;
}

export interface WriteOptions {
  /** Set when the data must be encrypted. */
  enc?: DataFileContext;
  /** Declared length (Content-Length); a body that ends early is IncompleteBody. */
  expectedSize?: number;
  maxSize: number;
  /**
   * A body whose declared size is at most this is returned in memory (`inline`, encrypted when `enc` is set) for
   * the caller to commit with the metadata row: no data file at all.
   */
  inlineMax?: number;
}

const FLUSH_BYTES = 1024 * 1024;
const MAX_WRITES_IN_FLIGHT = 4;
/**
 * Start writing dirty pages back while the upload is still arriving, so the fdatasync that makes the object
 * durable at the end has little left to do (otherwise a large object's whole write-back happens after the last
 * byte).
 */
const BACKGROUND_SYNC_BYTES = 32 * 1024 * 1024;

let sharedPool: Md5WorkerPool | null = null;

/**
 * Bodies up to this declared size are hashed on this thread: MD5 of 256 KiB takes ~0.4 ms, about what handing the
 * chunks to the worker and back costs (the handoff was ~5% of the store's CPU time with 4 KiB PUTs).
 */
const INLINE_MD5_MAX_BYTES = 256 * 1024;

/** Hashing sink: the MD5 worker pool, or this thread for small bodies or when COFFER_STORE_INLINE_WRITES=1. */
function md5Sink(expectedSize: number | undefined): { write(c: Buffer): Promise<void> | void; finish(): Promise<Buffer> | Buffer; abort(): void } {
  const small = expectedSize !== undefined && expectedSize <= INLINE_MD5_MAX_BYTES;
  if (small || process.env.COFFER_STORE_INLINE_WRITES === '1') {
    const h = createHash('md5');
    return { write: (c) => void h.update(c), finish: () => h.digest(), abort: () => undefined };
  }
  sharedPool ??= new Md5WorkerPool();
  return sharedPool.start();
}

export async function writeDataFile(files: DataFiles, source: AsyncIterable<Buffer>, opts: WriteOptions): Promise<WrittenData> {
  if (opts.expectedSize !== undefined && opts.inlineMax !== undefined && opts.expectedSize <= opts.inlineMax) {
    return collectInline(files.newInlineId(), source, opts.expectedSize, opts.enc);
  }
  const dataId = files.newId();
  const fh = await files.openTmp(dataId);
  const md5 = md5Sink(opts.expectedSize);
  const out = new FileWriter(fh);
  const crc = new Crc64();
  const encryptor = opts.enc ? new ChunkEncryptor(opts.enc, opts.expectedSize) : null;
  let size = 0;
  let closed = false;
  try {
    for await (const chunk of source) {
      size += chunk.length;
      if (size > opts.maxSize) throw new CosError('EntityTooLarge', `Your proposed upload exceeds the maximum allowed size of ${opts.maxSize} bytes.`);
      if (opts.expectedSize !== undefined && size > opts.expectedSize) {
        throw new CosError('IncompleteBody', 'The body is longer than the declared Content-Length.');
      }
      const hashing = md5.write(chunk);
      crc.update(chunk);
      await out.append(encryptor ? encryptor.push(chunk) : [chunk]);
      await hashing;
      crashPoint('put:mid-body');
    }
    if (opts.expectedSize !== undefined && size !== opts.expectedSize) {
      throw new CosError('IncompleteBody', `You did not provide the number of bytes specified by the Content-Length header (got ${size} of ${opts.expectedSize}).`);
    }
    if (encryptor) await out.append(encryptor.finish());
    await out.finish();
    const digest = await md5.finish();
    await fh.close();
    closed = true;
    await files.commit(dataId);
    crashPoint('put:after-data-commit');
    return { dataId, size, md5: digest, crc64: crc.toDecimal(), partSalt: opts.enc ? opts.enc.partSalt.toString('hex') : undefined };
  } catch (err) {
    encryptor?.dispose();
    md5.abort();
    // No write may still be in flight on the fd when it is closed (the number could be reused at once).
    await out.settle();
    if (!closed) await fh.close().catch(() => undefined);
    await files.removeTmp(dataId).catch(() => undefined);
    throw asBodyError(err);
  }
}

/** A small body of known size, hashed and (when `enc` is set) encrypted into one Buffer; nothing touches the disk. */
async function collectInline(dataId: string, source: AsyncIterable<Buffer>, expectedSize: number, enc: DataFileContext | undefined): Promise<WrittenData> {
  const encryptor = enc ? new ChunkEncryptor(enc, expectedSize) : null;
  try {
    const chunks = await smallBody(source, expectedSize);
    const md5 = createHash('md5');
    const crc = new Crc64();
    const out: Buffer[] = [];
    let size = 0;
    for (const chunk of chunks) {
      size += chunk.length;
      md5.update(chunk);
      crc.update(chunk);
      if (encryptor) out.push(...encryptor.push(chunk));
      else out.push(chunk);
      crashPoint('put:mid-body');
    }
    if (size !== expectedSize) {
      throw new CosError('IncompleteBody', `You did not provide the number of bytes specified by the Content-Length header (got ${size} of ${expectedSize}).`);
    }
    if (encryptor) out.push(...encryptor.finish());
    return { dataId, size, md5: md5.digest(), crc64: crc.toDecimal(), partSalt: enc ? enc.partSalt.toString('hex') : undefined, inline: Buffer.concat(out) };
  } catch (err) {
    encryptor?.dispose();
    throw asBodyError(err);
  }
}

const tooLong = () => new CosError('IncompleteBody', 'The body is longer than the declared Content-Length.');

/**
 * The chunks of a body of at most `max` bytes. A stream is read through its events: its async iterator costs
 * several promises and ticks per chunk, a measurable share of a 4 KiB PUT. A stream that fails or closes before
 * its end rejects (ECONNRESET / aborted); one that exceeds `max` is destroyed, as leaving a for-await loop does.
 */
function smallBody(source: AsyncIterable<Buffer>, max: number): Promise<Buffer[]> {
  if (!(source instanceof Readable) || source.readableEnded || source.destroyed) return iterateSmallBody(source, max);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (err?: unknown) => {
      source.off('data', onData).off('end', onEnd).off('error', settle).off('close', onClose);
      if (err === undefined) resolve(chunks);
      else reject(err);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) return void chunks.push(chunk);
      settle(tooLong());
      source.destroy();
    };
    const onEnd = () => settle();
    const onClose = () => settle(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
    source.on('data', onData).on('end', onEnd).on('error', settle).on('close', onClose);
  });
}

async function iterateSmallBody(source: AsyncIterable<Buffer>, max: number): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of source) {
    size += chunk.length;
    if (size > max) throw tooLong();
    chunks.push(chunk);
  }
  return chunks;
}

/** Positional writes batched to ~1 MiB with a few in flight, background write-back, final fdatasync. */
class FileWriter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private position = 0;
  private unsynced = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private error: unknown = null;

  constructor(private readonly fh: FileHandle) {}

  async append(bufs: Buffer[]): Promise<void> {
    for (const b of bufs) {
      this.pending.push(b);
      this.pendingBytes += b.length;
    }
    if (this.pendingBytes >= FLUSH_BYTES) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.error) throw this.error;
    if (this.pendingBytes === 0) return;
    const bufs = this.pending;
    const n = this.pendingBytes;
    const at = this.position;
    this.pending = [];
    this.pendingBytes = 0;
    this.position += n;
    this.unsynced += n;
    const sync = this.unsynced >= BACKGROUND_SYNC_BYTES;
    if (sync) this.unsynced = 0;
    const p: Promise<void> = this.writeAll(bufs, at)
      .then(() => (sync ? this.fh.datasync() : undefined))
      .catch((err: unknown) => {
        this.error ??= err;
      })
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
    if (this.inFlight.size >= MAX_WRITES_IN_FLIGHT) await Promise.race(this.inFlight);
    if (this.error) throw this.error;
  }

  private async writeAll(bufs: Buffer[], at: number): Promise<void> {
    let total = 0;
    for (const b of bufs) total += b.length;
    let written = 0;
    while (written < total) {
      // writev may write less than asked: continue from where it stopped.
      let skip = written;
      const rest: Buffer[] = [];
      for (const b of bufs) {
        if (skip >= b.length) {
          skip -= b.length;
          continue;
        }
        rest.push(skip ? b.subarray(skip) : b);
        skip = 0;
      }
      written += (await this.fh.writev(rest, at + written)).bytesWritten;
    }
  }

  async finish(): Promise<void> {
    await this.flush();
    await this.settle();
    if (this.error) throw this.error;
    await this.fh.datasync();
  }

  /** Waits for every write in flight (successful or not). */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }
}

/** A client that goes away mid-body is an incomplete body, not a server fault. */
function asBodyError(err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || (err as Error)?.message === 'aborted') {
    return new CosError('IncompleteBody', 'The connection closed before the whole body arrived.');
  }
  return err;
}
