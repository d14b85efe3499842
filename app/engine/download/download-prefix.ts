// What a recursive address names (object-target.ts: the object `pics` and everything under `pics/`) into a folder,
// keeping relative paths, with a bounded number of downloads at once. The listing is consumed as it arrives
// (workers pull the next key), so a million-key folder does not sit in memory. Every key is checked before it
// becomes a path (safe-path.ts); a refused key is reported and skipped, and nothing is written outside the
// destination folder — also not through a symlink planted inside it. The object `pics` and the folder `pics/`
// cannot both exist on disk: the folder wins and the object is reported as not downloaded, saying why.
import { lstat, realpath } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { CosAbortError, type CosClient, type ObjectSummary } from '../../cos/client';
import { folderHasObjects, listTarget, targetBase, type ObjectTarget } from '../object-target';
import { downloadObject, type DownloadResult } from './download-object';
import { UnsafeKeyError } from './errors';
import { coalesce } from './progress';
import { isInside, safeJoin } from './safe-path';
import { makeDirs } from '../../platform/make-dirs';

export interface DownloadPrefixOptions {
  bucket: string;
  /** What to download (resolveTarget(key, true)). Paths are relative to the named key's last `/`: `photos/2024`
   *  puts `photos/2024/a.jpg` at `<destDir>/2024/a.jpg` (the folder keeps its name), `photos/2024/` puts it at
   *  `<destDir>/a.jpg`; `photos/2024-01/…` is not part of either. */
  target: ObjectTarget;
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
  target: ObjectTarget;
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
  /** Objects that could not be downloaded (PathConflictError when the path is a folder); the others still were. */
  failed: Array<{ key: string; error: Error }>;
  /** Folder markers (keys ending in `/`) recreated as folders. */
  folders: string[];
}

/** An object whose local path is a folder (its own folder's contents, or a folder already there); nothing was written for it. */
export class PathConflictError extends Error {
  override name = 'PathConflictError';
  readonly code = 'PathConflict';
}

export async function downloadPrefix(client: CosClient, opts: DownloadPrefixOptions): Promise<DownloadPrefixResult> {
  const { bucket, target, signal } = opts;
  const concurrency = Math.max(1, Math.floor(opts.concurrency ?? 4));
  const root = resolve(opts.destDir);
  await makeDirs(root);
  const realRoot = await realpath(root);
  const base = targetBase(target);
  // `pics` and `pics/…` both named: the folder's contents go to `<dest>/pics/`, so the object cannot be `<dest>/pics`.
  const exactShadowed =
    target.exactKey !== undefined && target.prefix !== undefined && (await folderHasObjects(client, bucket, target.prefix, { signal, region: opts.region }));

  const result: DownloadPrefixResult = { downloaded: [], refused: [], failed: [], folders: [] };
  const perFile = new Map<string, number>();
  let doneBytes = 0;
  const progress = coalesce(opts.onProgress, opts.progressIntervalMs ?? 100);
  const report = () => {
    let inFlight = 0;
    for (const n of perFile.values()) inFlight += n;
    progress.push({
      bucket,
      target,
      filesDone: result.downloaded.length + result.folders.length,
      filesFailed: result.failed.length,
      filesRefused: result.refused.length,
      receivedBytes: doneBytes + inFlight,
    });
  };

  async function* keys(): AsyncGenerator<ObjectSummary> {
    for await (const page of listTarget(client, bucket, target, { signal, region: opts.region })) yield* page.contents;
  }
  const source = keys();

  async function one(obj: ObjectSummary): Promise<void> {
    const rel = obj.key.slice(base.length);
    const isFolder = rel.endsWith('/') && obj.size === 0;
    const place = safeJoin(root, isFolder ? rel.slice(0, -1) : rel);
    if (!place.ok) {
      result.refused.push(new UnsafeKeyError(bucket, obj.key, place.reason));
      return;
    }
    const folder = isFolder ? place.path : dirname(place.path);
    await makeDirs(folder);
    // A symlink inside the destination could point anywhere; the real folder must still be inside.
    if (!isInside(realRoot, await realpath(folder))) {
      result.refused.push(new UnsafeKeyError(bucket, obj.key, 'its folder is a link that leads outside the destination folder'));
      return;
    }
    if (isFolder) {
      result.folders.push(place.path);
      return;
    }
    if (obj.key === target.exactKey && exactShadowed) {
      throw new PathConflictError(
        `${place.path} is where the objects under ${bucket}/${target.prefix} go (a folder), and a file cannot have the same name as a folder; ` +
          'nothing was written for it: download it on its own, to another name',
      );
    }
    if (await isFolderAt(place.path)) {
      throw new PathConflictError(`${place.path} is a folder, and a file cannot replace it; nothing was written for it: move the folder away or download the object elsewhere`);
    }
    perFile.set(obj.key, 0);
    try {
      const done = await downloadObject(client, {
        bucket,
        key: obj.key,
        dest: place.path,
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
      if (signal?.aborted) throw new CosAbortError(`download of ${bucket}/${base} was cancelled`);
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

async function isFolderAt(path: string): Promise<boolean> {
  return lstat(path).then(
    (st) => st.isDirectory(),
    () => false,
  );
}
