// Many objects under a prefix into a folder, keeping their relative paths, with a bounded number of downloads
// at once. The listing is consumed as it arrives (workers pull the next key), so a million-key prefix does not
// sit in memory. Every key is checked before it becomes a path (safe-path.ts); a refused key is reported and
// skipped, and nothing is written outside the destination folder — also not through a symlink planted inside it.
import { realpath } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { CosAbortError, type CosClient, type ObjectSummary } from '../../cos/client';
import { downloadObject, type DownloadResult } from './download-object';
import { UnsafeKeyError } from './errors';
import { coalesce } from './progress';
import { isInside, safeJoin } from './safe-path';
import { makeDirs } from '../../platform/make-dirs';

export interface DownloadPrefixOptions {
  bucket: string;
  /** Keys under this prefix are downloaded. Paths are relative to the prefix's last `/`: prefix `photos/2024`
   *  puts `photos/2024-01/a.jpg` at `<destDir>/2024-01/a.jpg`, and prefix `photos/` puts it at `2024-01/a.jpg`. */
  prefix: string;
  destDir: string;
  /** Downloads at once (default 4). */
  concurrency?: number;
  sseCustomerKey?: Buffer;
  signal?: AbortSignal;
  onProgress?: (p: PrefixProgress) => void;
  progressIntervalMs?: number;
  region?: string;
}

export interface PrefixProgress {
  bucket: string;
  prefix: string;
  filesDone: number;
  filesFailed: number;
  filesRefused: number;
  /** Bytes received across all files so far. */
  receivedBytes: number;
}

export interface DownloadPrefixResult {
  downloaded: DownloadResult[];
  /** Keys that could not become a safe path; nothing was written for them. */
  refused: UnsafeKeyError[];
  failed: Array<{ key: string; error: Error }>;
  /** Folder markers (keys ending in `/`) recreated as folders. */
  folders: string[];
}

export async function downloadPrefix(client: CosClient, opts: DownloadPrefixOptions): Promise<DownloadPrefixResult> {
  const { bucket, prefix, signal } = opts;
  const concurrency = Math.max(1, Math.floor(opts.concurrency ?? 4));
  const root = resolve(opts.destDir);
  await makeDirs(root);
  const realRoot = await realpath(root);
  const base = prefix.slice(0, prefix.lastIndexOf('/') + 1);

  const result: DownloadPrefixResult = { downloaded: [], refused: [], failed: [], folders: [] };
  const perFile = new Map<string, number>();
  let doneBytes = 0;
  const progress = coalesce(opts.onProgress, opts.progressIntervalMs ?? 100);
  const report = () => {
    let inFlight = 0;
    for (const n of perFile.values()) inFlight += n;
    progress.push({
      bucket,
      prefix,
      filesDone: result.downloaded.length + result.folders.length,
      filesFailed: result.failed.length,
      filesRefused: result.refused.length,
      receivedBytes: doneBytes + inFlight,
    });
  };

  async function* keys(): AsyncGenerator<ObjectSummary> {
    for await (const page of client.listObjectPages(bucket, { prefix, signal, region: opts.region })) yield* page.contents;
  }
  const source = keys();

  async function one(obj: ObjectSummary): Promise<void> {
    const rel = obj.key.slice(base.length);
    const isFolder = rel.endsWith('/') && obj.size === 0;
    const target = safeJoin(root, isFolder ? rel.slice(0, -1) : rel);
    if (!target.ok) {
      result.refused.push(new UnsafeKeyError(bucket, obj.key, target.reason));
      return;
    }
    const folder = isFolder ? target.path : dirname(target.path);
    await makeDirs(folder);
    // A symlink inside the destination could point anywhere; the real folder must still be inside.
    if (!isInside(realRoot, await realpath(folder))) {
      result.refused.push(new UnsafeKeyError(bucket, obj.key, 'its folder is a link that leads outside the destination folder'));
      return;
    }
    if (isFolder) {
      result.folders.push(target.path);
      return;
    }
    perFile.set(obj.key, 0);
    try {
      const done = await downloadObject(client, {
        bucket,
        key: obj.key,
        dest: target.path,
        sseCustomerKey: opts.sseCustomerKey,
        signal,
        region: opts.region,
        progressIntervalMs: 0,
        onProgress: (p) => {
          perFile.set(obj.key, p.receivedBytes);
          report();
        },
      });
      doneBytes += done.size;
      result.downloaded.push(done);
    } finally {
      perFile.delete(obj.key);
    }
  }

  async function worker(): Promise<void> {
    for (;;) {
      if (signal?.aborted) throw new CosAbortError(`download of ${bucket}/${prefix} was cancelled`);
      const next = await source.next();
      if (next.done) return;
      try {
        await one(next.value);
      } catch (e) {
        if (signal?.aborted || e instanceof CosAbortError) throw e;
        result.failed.push({ key: next.value.key, error: e as Error });
      }
      report();
    }
  }

  try {
    // allSettled first: a cancelled run still waits for every worker to stop writing before it returns.
    const outcomes = await Promise.allSettled(Array.from({ length: concurrency }, () => worker()));
    const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failure) throw failure.reason;
  } finally {
    progress.flush();
  }
  return result;
}
