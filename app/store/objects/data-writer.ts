// Streams a body into one committed data file: MD5 and CRC64 of the plaintext on the way, encryption when the
// object is encrypted (plaintext never reaches the disk then, not even in tmp), fsync, then the rename that makes
// the file durable. The caller commits the metadata row afterwards; until then the file is an orphan that a
// crash sweep removes.
import { createHash } from 'node:crypto';
import { Crc64 } from '../../cos/crc64';
import { CosError } from '../http/cos-error';
import { ChunkEncryptor } from '../sse/chunk-encryptor';
import type { DataFileContext } from '../sse/sse-data-format';
import type { FileHandle } from 'node:fs/promises';
import type { DataFiles } from '../meta/data-files';
import { WriteWorkerPool } from './write-worker-pool';
import { crashPoint } from '../crash-points';

export interface WrittenData {
  dataId: string;
  size: number;
  md5: Buffer;
  crc64: string;
  /** hex partSalt of an encrypted file (bound into the parts digest). */
  partSalt?: string;
}

export interface WriteOptions {
  /** Set when the data must be encrypted. */
  enc?: DataFileContext;
  /** Declared length (Content-Length); a body that ends early is IncompleteBody. */
  expectedSize?: number;
  maxSize: number;
}

const FLUSH_BYTES = 1024 * 1024;

let sharedPool: WriteWorkerPool | null = null;

/** The process-wide write pool (COFFER_STORE_INLINE_WRITES=1 keeps all work on the request thread instead). */
function writePool(): WriteWorkerPool | null {
  if (process.env.COFFER_STORE_INLINE_WRITES === '1') return null;
  sharedPool ??= new WriteWorkerPool();
  return sharedPool;
}

export async function writeDataFile(files: DataFiles, source: AsyncIterable<Buffer>, opts: WriteOptions): Promise<WrittenData> {
  const dataId = files.newId();
  const fh = await files.openTmp(dataId);
  const md5 = createHash('md5');
  const pool = writePool();
  const sink = pool ? workerSink(pool, fh, opts.enc) : inlineSink(fh, opts.enc);
  let size = 0;
  let closed = false;
  try {
    for await (const chunk of source) {
      size += chunk.length;
      if (size > opts.maxSize) throw new CosError('EntityTooLarge', `Your proposed upload exceeds the maximum allowed size of ${opts.maxSize} bytes.`);
      if (opts.expectedSize !== undefined && size > opts.expectedSize) {
        throw new CosError('IncompleteBody', 'The body is longer than the declared Content-Length.');
      }
      md5.update(chunk);
      await sink.write(chunk);
      crashPoint('put:mid-body');
    }
    if (opts.expectedSize !== undefined && size !== opts.expectedSize) {
      throw new CosError('IncompleteBody', `You did not provide the number of bytes specified by the Content-Length header (got ${size} of ${opts.expectedSize}).`);
    }
    const { crc64 } = await sink.finish();
    await fh.close();
    closed = true;
    await files.commit(dataId);
    crashPoint('put:after-data-commit');
    return {
      dataId,
      size,
      md5: md5.digest(),
      crc64,
      partSalt: opts.enc ? opts.enc.partSalt.toString('hex') : undefined,
    };
  } catch (err) {
    await sink.abort();
    if (!closed) await fh.close().catch(() => undefined);
    await files.removeTmp(dataId).catch(() => undefined);
    throw asBodyError(err);
  }
}

interface Sink {
  write(chunk: Buffer): Promise<void>;
  finish(): Promise<{ crc64: string }>;
  /** Resolves when no write is in flight any more (the file may then be closed and removed). */
  abort(): Promise<void>;
}

/** CRC64, encryption and writes on a worker thread (the default: the request thread keeps only MD5). */
function workerSink(pool: WriteWorkerPool, fh: FileHandle, enc: DataFileContext | undefined): Sink {
  const job = pool.start(fh.fd, enc);
  return { write: (c) => job.write(c), finish: () => job.finish(), abort: () => job.abort() };
}

/** Everything on the request thread, writes batched to ~1 MiB. */
function inlineSink(fh: FileHandle, enc: DataFileContext | undefined): Sink {
  const crc = new Crc64();
  const encryptor = enc ? new ChunkEncryptor(enc) : null;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let position = 0;
  const flush = async () => {
    if (pendingBytes === 0) return;
    const bufs = pending;
    const n = pendingBytes;
    pending = [];
    pendingBytes = 0;
    await fh.writev(bufs, position);
    position += n;
  };
  const queue = (bufs: Buffer[]) => {
    for (const b of bufs) {
      pending.push(b);
      pendingBytes += b.length;
    }
  };
  return {
    async write(chunk) {
      crc.update(chunk);
      // The encryptor copies what it holds back; plaintext chunks are copied because callers may reuse them.
      queue(encryptor ? encryptor.push(chunk) : [Buffer.from(chunk)]);
      if (pendingBytes >= FLUSH_BYTES) await flush();
    },
    async finish() {
      if (encryptor) queue(encryptor.finish());
      await flush();
      await fh.datasync();
      return { crc64: crc.toDecimal() };
    },
    async abort() {
      encryptor?.dispose();
    },
  };
}

/** A client that goes away mid-body is an incomplete body, not a server fault. */
function asBodyError(err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || (err as Error)?.message === 'aborted') {
    return new CosError('IncompleteBody', 'The connection closed before the whole body arrived.');
  }
  return err;
}
