// One object to one file, safely and resumably. Bytes go to `.<name>.coffer-part` beside the destination and
// the file is renamed into place only after the whole result matched the object's CRC64, so `dest` never holds
// a partial or corrupt file. A sidecar (`.<name>.coffer-part.json`) remembers which object version (ETag) the
// partial file belongs to; the next attempt continues with a Range request pinned by If-Match to that ETag, and
// starts over when the object changed. A cancelled or broken download leaves both files for that next attempt.
import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CosAbortError, CosServiceError, type CosClient, type GetObjectResult, type SseInfo } from '../../cos/client';
import { Crc64 } from '../../cos/crc64';
import { DownloadIntegrityError } from './errors';
import { coalesce } from './progress';
import { makeDirs } from '../../platform/make-dirs';

export interface DownloadProgress {
  bucket: string;
  key: string;
  /** Bytes of the object now in the temp file (including those kept from an earlier attempt). */
  receivedBytes: number;
  /** The object's size, once the first answer arrived. */
  totalBytes?: number;
  /** Bytes taken over from an earlier attempt's temp file. */
  resumedFrom: number;
}

export interface DownloadObjectOptions {
  bucket: string;
  key: string;
  /** The file to create or replace. Its folder is created when missing. */
  dest: string;
  /** The object's SSE-C key (32 raw bytes), when it has one. */
  sseCustomerKey?: Buffer;
  signal?: AbortSignal;
  onProgress?: (p: DownloadProgress) => void;
  /** Minimum time between progress events in ms (default 100). */
  progressIntervalMs?: number;
  region?: string;
}

export interface DownloadResult {
  bucket: string;
  key: string;
  dest: string;
  size: number;
  etag: string;
  /** The object's CRC64 when the server sent one; then it was checked against the file. */
  crc64?: bigint;
  crc64Verified: boolean;
  /** Bytes kept from an earlier attempt (0 for a fresh download). */
  resumedFrom: number;
  encryption: SseInfo;
}

interface Sidecar {
  version: 1;
  bucket: string;
  key: string;
  etag: string;
}

export function tempPathsFor(dest: string): { temp: string; sidecar: string } {
  const temp = join(dirname(dest), `.${basename(dest)}.coffer-part`);
  return { temp, sidecar: `${temp}.json` };
}

async function readResumeState(temp: string, sidecar: string, bucket: string, key: string): Promise<{ etag: string; size: number } | undefined> {
  let side: Partial<Sidecar>;
  try {
    side = JSON.parse(await readFile(sidecar, 'utf8')) as Partial<Sidecar>;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || e instanceof SyntaxError) return undefined;
    throw e;
  }
  if (side.version !== 1 || side.bucket !== bucket || side.key !== key || typeof side.etag !== 'string' || !side.etag) return undefined;
  try {
    const st = await stat(temp);
    return st.isFile() ? { etag: side.etag, size: st.size } : undefined;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

async function removeIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

async function crcOfFile(path: string, crc: Crc64, signal?: AbortSignal): Promise<void> {
  for await (const chunk of createReadStream(path, { signal })) crc.update(chunk as Buffer);
}

/** `bytes a-b/total` → total; undefined when absent or `*`. */
function totalFromContentRange(contentRange: string | undefined): number | undefined {
  const m = /\/(\d+)\s*$/.exec(contentRange ?? '');
  return m ? Number(m[1]) : undefined;
}

const isStatus = (e: unknown, status: number) => e instanceof CosServiceError && e.status === status;

export async function downloadObject(client: CosClient, opts: DownloadObjectOptions): Promise<DownloadResult> {
  const { bucket, key, dest, signal } = opts;
  const { temp, sidecar } = tempPathsFor(dest);
  const read = { sseCustomerKey: opts.sseCustomerKey, signal, region: opts.region, verifyCrc64: false } as const;
  await makeDirs(dirname(dest));

  let res: GetObjectResult | undefined;
  let resumedFrom = 0;
  const state = await readResumeState(temp, sidecar, bucket, key);
  if (state && state.size > 0) {
    try {
      res = await client.getObject(bucket, key, { ...read, range: { start: state.size }, ifMatch: state.etag });
      // A server that ignores Range answers 200 with the whole object: then this is a fresh download.
      resumedFrom = res.status === 206 ? state.size : 0;
    } catch (e) {
      if (isStatus(e, 416)) {
        // The temp file may already hold every byte (a cancel right at the end): finish if the object is the same.
        const head = await client.headObject(bucket, key, { sseCustomerKey: opts.sseCustomerKey, signal, region: opts.region });
        if (head.etag === state.etag && head.size === state.size) {
          return finish(opts, temp, sidecar, { etag: head.etag, crc64: head.crc64, encryption: head.encryption, size: head.size }, state.size);
        }
      } else if (!isStatus(e, 412)) {
        throw e; // 412: the object changed since the temp file was written, so it is started over below.
      }
    }
  }

  if (!res) res = await client.getObject(bucket, key, read);
  const total = res.status === 206 ? totalFromContentRange(res.contentRange) : res.size;
  if (resumedFrom === 0) {
    // The sidecar names the version before its bytes arrive, so an interrupted attempt can be continued.
    await removeIfPresent(temp);
    await writeFile(sidecar, JSON.stringify({ version: 1, bucket, key, etag: res.etag } satisfies Sidecar));
  }

  const crc = new Crc64();
  if (resumedFrom > 0) await crcOfFile(temp, crc, signal);
  const progress = coalesce(opts.onProgress, opts.progressIntervalMs ?? 100);
  let received = resumedFrom;
  progress.push({ bucket, key, receivedBytes: received, totalBytes: total, resumedFrom });
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      crc.update(chunk);
      received += chunk.length;
      try {
        progress.push({ bucket, key, receivedBytes: received, totalBytes: total, resumedFrom });
      } catch (e) {
        cb(e as Error);
        return;
      }
      cb(null, chunk);
    },
  });
  try {
    await pipeline(res.body, tap, createWriteStream(temp, { flags: resumedFrom > 0 ? 'a' : 'w' }), { signal });
  } catch (e) {
    progress.flush();
    // The temp file and sidecar stay: the next attempt continues from what reached the disk.
    if (signal?.aborted && !(e instanceof CosAbortError)) throw new CosAbortError(`download of ${bucket}/${key} was cancelled`);
    throw e;
  } finally {
    res.body.destroy();
  }
  progress.flush();
  return finish(opts, temp, sidecar, { etag: res.etag, crc64: res.crc64, encryption: res.encryption, size: total }, resumedFrom, crc);
}

async function finish(
  opts: DownloadObjectOptions,
  temp: string,
  sidecar: string,
  obj: { etag: string; crc64?: bigint; encryption: SseInfo; size?: number },
  resumedFrom: number,
  crcSoFar?: Crc64,
): Promise<DownloadResult> {
  const { bucket, key, dest } = opts;
  const onDisk = (await stat(temp)).size;
  const fail = async (what: string) => {
    await removeIfPresent(temp);
    await removeIfPresent(sidecar);
    throw new DownloadIntegrityError(`the download of ${bucket}/${key} was discarded: ${what}; nothing was written to ${dest}`, bucket, key, dest);
  };
  if (obj.size !== undefined && onDisk !== obj.size) await fail(`received ${onDisk} bytes but the object has ${obj.size}`);
  let crc64Verified = false;
  if (obj.crc64 !== undefined) {
    let crc = crcSoFar;
    if (!crc) {
      crc = new Crc64();
      await crcOfFile(temp, crc, opts.signal);
    }
    const got = crc.digest();
    if (got !== obj.crc64) await fail(`its CRC64 is ${got} but the object's x-cos-hash-crc64ecma is ${obj.crc64}`);
    crc64Verified = true;
  }
  await rename(temp, dest);
  await removeIfPresent(sidecar);
  opts.onProgress?.({ bucket, key, receivedBytes: onDisk, totalBytes: onDisk, resumedFrom });
  return { bucket, key, dest, size: onDisk, etag: obj.etag, crc64: obj.crc64, crc64Verified, resumedFrom, encryption: obj.encryption };
}
