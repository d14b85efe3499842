// The one event stream from the core to the renderer: one discriminated union on `type`. Progress is already
// coalesced by the core (about ten a second per job); the renderer folds it further to one store update per
// animation frame.
import { z } from 'zod';
import { AppError } from './errors';
import { BucketName, ConnectionId, EncryptionState, FolderRow, JobId, ObjectKey, ObjectRow } from './common';
import { JobProgress, JobState, JobSummary } from './jobs';

const where = { connectionId: ConnectionId, bucket: BucketName };

export const AppEvent = z.discriminatedUnion('type', [
  /** A job was started (or found from before a restart). */
  z.strictObject({ type: z.literal('job.added'), job: JobSummary }),
  z.strictObject({ type: z.literal('job.progress'), jobId: JobId, progress: JobProgress }),
  /** Something the user should read that is not a failure ("skipping a link to a folder: …"). */
  z.strictObject({ type: z.literal('job.notice'), jobId: JobId, key: z.string().max(2048).optional(), message: z.string().max(4000) }),
  /** Paused, resumed, interrupted, …: the whole summary, so the panel needs no second request. */
  z.strictObject({ type: z.literal('job.state'), jobId: JobId, state: JobState, job: JobSummary }),
  /** Finished (completed, failed or cancelled); `job.failures` holds the per-item errors. */
  z.strictObject({ type: z.literal('job.done'), jobId: JobId, job: JobSummary }),
  z.strictObject({ type: z.literal('job.removed'), jobId: JobId }),

  /** The answer to an 'objects.status' request, one row at a time. */
  z.strictObject({ type: z.literal('object.status'), ...where, key: ObjectKey, etag: z.string().max(200), encryption: EncryptionState }),
  /**
   * An object appeared, changed or went away because of this app (an upload verified, an encrypt-in-place, a
   * delete, a new folder). 'put' carries the row and its verified encryption, so no HEAD is needed.
   */
  z.discriminatedUnion('change', [
    z.strictObject({ type: z.literal('object.changed'), ...where, change: z.literal('put'), object: ObjectRow, encryption: EncryptionState }),
    z.strictObject({ type: z.literal('object.changed'), ...where, change: z.literal('folder'), folder: FolderRow }),
    z.strictObject({ type: z.literal('object.changed'), ...where, change: z.literal('deleted'), key: ObjectKey }),
  ]),

  /** The embedded store started or stopped (error: why it could not start). */
  z.strictObject({ type: z.literal('store.state'), running: z.boolean(), error: AppError.optional() }),
  /** Connections or their buckets changed (an account added, a bucket created): list them again. */
  z.strictObject({ type: z.literal('connections.changed') }),
  /** Settings were saved (by any window or tab): read them again. */
  z.strictObject({ type: z.literal('settings.changed') }),
  z.strictObject({ type: z.literal('vault.state'), state: z.enum(['absent', 'locked', 'unlocked']) }),
]);
export type AppEvent = z.infer<typeof AppEvent>;
export type AppEventType = AppEvent['type'];
export type EventOf<T extends AppEventType> = Extract<AppEvent, { type: T }>;
