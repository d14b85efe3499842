// Jobs as the transfers panel shows them: uploads, downloads and encrypt-in-place under one shape, so pause,
// resume, cancel and retry work the same for every kind, and a job from before a restart looks like any other.
import { z } from 'zod';
import { AppError } from './errors';
import { BucketName, ByteCount, ConnectionId, Count, IsoDate, JobId, ObjectKey, Prefix, SseChoice } from './common';

/**
 * 'move': renames and moves inside a bucket (server-side copy keeping encryption and metadata, then delete).
 * 'delete': objects and whole folders deleted (a folder is listed page by page as it goes).
 */
export const JobKind = z.enum(['upload', 'download', 'encrypt', 'move', 'delete']);
export type JobKind = z.infer<typeof JobKind>;

/**
 * queued → running ⇄ paused → completed | failed | cancelled. 'interrupted': found unfinished after a restart;
 * `resume` continues it (file uploads from their journal, downloads from their partial file). A job ends
 * 'failed' when at least one item failed; the items that succeeded stay done, and `retry` runs the failed ones.
 */
export const JobState = z.enum(['queued', 'running', 'paused', 'interrupted', 'completed', 'failed', 'cancelled']);
export type JobState = z.infer<typeof JobState>;

export const JobProgress = z.strictObject({
  bytesDone: ByteCount,
  bytesTotal: ByteCount,
  filesDone: Count,
  filesTotal: Count,
  filesFailed: Count,
  /** Bytes per second over the last few seconds; 0 while paused or unknown. */
  rate: z.number().nonnegative(),
  /** Seconds left at the current rate; null while unknown. */
  etaSeconds: z.number().nonnegative().nullable(),
});
export type JobProgress = z.infer<typeof JobProgress>;

/** One item that failed, with the error as a sentence and details. */
export const ItemFailure = z.strictObject({
  key: z.string().max(2048),
  /** The local file, for uploads from a path and downloads. */
  path: z.string().max(4096).optional(),
  error: AppError,
});
export type ItemFailure = z.infer<typeof ItemFailure>;

export const JobSummary = z.strictObject({
  id: JobId,
  kind: JobKind,
  state: JobState,
  connectionId: ConnectionId,
  bucket: BucketName,
  /** Where the job writes (uploads: the destination prefix) or reads (downloads, encrypt: the common prefix). */
  prefix: Prefix,
  /** What to call the job in one line: the first file or folder name ("report.pdf", "album"). */
  subject: z.string().max(1024),
  /**
   * How many more files and folders the job was given beside `subject`, counted as the user gave them (a dropped
   * folder is one, whatever it holds): "“album” and 2 more items". `progress.filesTotal` counts the files.
   */
  others: Count,
  /** The encryption asked for (uploads and encrypt-in-place); null for downloads and moves. */
  sse: SseChoice.nullable(),
  progress: JobProgress,
  /** The first failures (at most 100; `progress.filesFailed` counts them all). */
  failures: z.array(ItemFailure).max(100),
  createdAt: IsoDate,
  finishedAt: IsoDate.nullable(),
  /** Listed from before a restart. */
  restored: z.boolean(),
  /**
   * Browser mode only: the job's files came from the page and must be dropped or picked again to continue
   * (same name, size and modification time); the parts already sent are kept.
   */
  awaitingSources: z.boolean(),
  /**
   * Browser mode: the page is still adding the files of a big drop as it reads them, so the totals (and any time
   * left) are not final yet. Absent once it has given them all.
   */
  adding: z.literal(true).optional(),
  /** Browser mode downloads: the finished file, fetched as an HTTP attachment (wire.ts, DOWNLOAD_PATH). */
  attachment: z.strictObject({ downloadId: z.string().min(1).max(200), name: z.string().max(1024) }).nullable(),
});
export type JobSummary = z.infer<typeof JobSummary>;

/**
 * Where an upload item's bytes come from. 'path': a local file or folder (Electron: webUtils.getPathForFile, or
 * a native dialog); a folder uploads its contents under `key`, which then ends with '/'. 'stream': browser mode;
 * the page sends the bytes when the host asks for them (wire.ts, `pull` and UPLOAD_PATH).
 */
export const UploadSource = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('path'), path: z.string().min(1).max(4096) }),
  z.strictObject({
    kind: z.literal('stream'),
    streamId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'a stream id is 8–64 letters, digits, "_" or "-"'),
    name: z.string().min(1).max(1024),
    size: ByteCount,
    lastModified: IsoDate,
  }),
]);
export type UploadSource = z.infer<typeof UploadSource>;

export const UploadItem = z.strictObject({ source: UploadSource, key: ObjectKey });
export type UploadItem = z.infer<typeof UploadItem>;

/** Where a download writes: a folder or file chosen in a native dialog, or (browser mode) an HTTP attachment. */
export const DownloadDestination = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('folder'), path: z.string().min(1).max(4096) }),
  z.strictObject({ kind: z.literal('file'), path: z.string().min(1).max(4096) }),
  z.strictObject({ kind: z.literal('attachment') }),
]);
export type DownloadDestination = z.infer<typeof DownloadDestination>;
