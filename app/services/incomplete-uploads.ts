// Multipart uploads that were started and never finished, as every front end handles them. The engine lists them
// with what they hold and aborts them (engine/incomplete-uploads.ts); here they are tied to this machine's resume
// journals in COFFER_HOME (which uploads it can resume, and the journal removed with an abort), and many are aborted
// a few at a time, each failure said in the taxonomy without stopping the others.
import type { CosClient } from '../cos/client';
import { abortIncompleteUpload, listIncompleteUploads, type AbortOutcome, type IncompleteUpload } from '../engine/incomplete-uploads';
import { JournalStore } from '../engine/journal';
import type { ObjectTarget } from '../engine/object-target';
import { boundedAll } from '../engine/upload/semaphore';
import { cofferPaths } from '../vault/coffer-home';
import { toAppError, type AppError } from './errors';

export type { AbortOutcome, IncompleteUpload };

/** Aborts at once (one request each). */
export const ABORTS_IN_FLIGHT = 8;

function journalsOf(home: string): JournalStore {
  return new JournalStore(cofferPaths(home).journals);
}

/** The incomplete uploads under `target`, oldest first, with what each holds and whether this machine can resume it. */
export function listIncomplete(client: CosClient, home: string, bucket: string, target: ObjectTarget): Promise<IncompleteUpload[]> {
  return listIncompleteUploads(client, bucket, target, { journals: journalsOf(home) });
}

/** Aborts one upload (an upload already gone is not an error) and forgets the journal that would resume it. */
export function abortIncomplete(client: CosClient, home: string, upload: IncompleteUpload): Promise<AbortOutcome> {
  return abortIncompleteUpload(client, upload, { journals: journalsOf(home) });
}

export type AbortResult = { upload: IncompleteUpload; outcome: AbortOutcome } | { upload: IncompleteUpload; error: AppError };

/** Aborts every upload given, a few at a time; results in the order given. */
export function abortAllIncomplete(client: CosClient, home: string, uploads: IncompleteUpload[]): Promise<AbortResult[]> {
  const journals = journalsOf(home);
  return boundedAll(uploads, ABORTS_IN_FLIGHT, async (upload): Promise<AbortResult> => {
    try {
      return { upload, outcome: await abortIncompleteUpload(client, upload, { journals }) };
    } catch (err) {
      return { upload, error: toAppError(err, { bucket: upload.bucket, key: upload.key, uploadId: upload.uploadId }) };
    }
  });
}
