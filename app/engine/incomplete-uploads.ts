// Multipart uploads that were started and never completed or aborted. Their parts stay on the server, and COS
// bills them, until someone aborts them; nothing else shows them. This lists them under a target (the same
// folder rule as every command, object-target.ts) with what each holds (parts, bytes: a List Parts each), and
// aborts them. An upload this machine can still resume has a journal in COFFER_HOME (journal.ts): the listing
// names its file, and aborting removes that journal too, so the next `cp` of that file starts cleanly.
import { CosServiceError, type CosClient, type ListUploadsResult } from '../cos/client';
import type { JournalStore, UploadJournal } from './journal';
import type { ObjectTarget } from './object-target';
import { boundedAll } from './upload/semaphore';

export interface IncompleteUpload {
  bucket: string;
  key: string;
  uploadId: string;
  /** When it was initiated, as the server said (ISO 8601); undefined when the server's date could not be read. */
  initiated?: Date;
  /** Parts the server holds, and their bytes (what is billed). */
  parts: number;
  bytes: number;
  /** Why the parts could not be counted (e.g. AccessDenied); parts and bytes are then 0. */
  partsError?: string;
  /** The local file a resume journal in COFFER_HOME ties it to: this machine can resume it with the same `cp`. */
  resumableFrom?: string;
}

export interface ListIncompleteOptions {
  /** The journals of this machine, to say which uploads can be resumed here. */
  journals?: JournalStore;
  /** List Parts requests at once (default 8). */
  concurrency?: number;
  signal?: AbortSignal;
}

type UploadSummary = ListUploadsResult['uploads'][number];

/** Every upload the server lists under `prefix` (all pages), as listed. */
async function listedUploads(client: CosClient, bucket: string, prefix: string, signal?: AbortSignal, delimiter?: string): Promise<UploadSummary[]> {
  const out: UploadSummary[] = [];
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (;;) {
    const page = await client.listMultipartUploads(bucket, { prefix, delimiter, keyMarker, uploadIdMarker, signal });
    out.push(...page.uploads);
    if (!page.isTruncated || (page.nextKeyMarker === keyMarker && page.nextUploadIdMarker === uploadIdMarker) || page.nextKeyMarker === undefined) return out;
    keyMarker = page.nextKeyMarker;
    uploadIdMarker = page.nextUploadIdMarker;
  }
}

/** Parts and bytes one upload holds; undefined when it is gone (completed or aborted meanwhile). */
async function tallyParts(client: CosClient, bucket: string, key: string, uploadId: string, signal?: AbortSignal): Promise<{ parts: number; bytes: number } | undefined> {
  let parts = 0;
  let bytes = 0;
  let marker: number | undefined;
  try {
    for (;;) {
      const page = await client.listParts(bucket, key, uploadId, { partNumberMarker: marker, signal });
      parts += page.parts.length;
      for (const p of page.parts) bytes += p.size;
      if (!page.isTruncated || page.nextPartNumberMarker === undefined || page.nextPartNumberMarker === marker) return { parts, bytes };
      marker = page.nextPartNumberMarker;
    }
  } catch (err) {
    if (err instanceof CosServiceError && err.code === 'NoSuchUpload') return undefined;
    throw err;
  }
}

/** The same bucket, whether written short (`photos`) or full (`photos-1250000000`). */
function sameBucket(client: CosClient, a: string, b: string): boolean {
  try {
    return client.endpoints.fullBucket(a) === client.endpoints.fullBucket(b);
  } catch {
    return a === b;
  }
}

async function journalsFor(client: CosClient, journals: JournalStore | undefined, bucket: string): Promise<Array<{ id: string; journal: UploadJournal }>> {
  if (!journals) return [];
  return (await journals.list()).filter(({ journal }) => sameBucket(client, journal.bucket, bucket));
}

/**
 * The incomplete uploads a target names: of the object `exactKey` and of everything under `prefix`, oldest first.
 * An upload that finishes or is aborted while this runs is left out.
 */
export async function listIncompleteUploads(client: CosClient, bucket: string, target: ObjectTarget, opts: ListIncompleteOptions = {}): Promise<IncompleteUpload[]> {
  const { signal } = opts;
  const listed: UploadSummary[] = [];
  if (target.exactKey !== undefined) {
    // The delimiter folds `pics2/…` into one common prefix, so only keys starting `pics` without a `/` come back.
    const exact = await listedUploads(client, bucket, target.exactKey, signal, '/');
    listed.push(...exact.filter((u) => u.key === target.exactKey));
  }
  if (target.prefix !== undefined) listed.push(...(await listedUploads(client, bucket, target.prefix, signal)));
  const local = await journalsFor(client, opts.journals, bucket);
  const found = await boundedAll(listed, opts.concurrency ?? 8, async (u): Promise<IncompleteUpload | undefined> => {
    const base: IncompleteUpload = { bucket, key: u.key, uploadId: u.uploadId, parts: 0, bytes: 0 };
    const initiated = u.initiated ? new Date(u.initiated) : undefined;
    if (initiated && !Number.isNaN(initiated.getTime())) base.initiated = initiated;
    const journal = local.find(({ journal: j }) => j.key === u.key && j.uploadId === u.uploadId);
    if (journal) base.resumableFrom = journal.journal.file.path;
    try {
      const tally = await tallyParts(client, bucket, u.key, u.uploadId, signal);
      return tally && { ...base, ...tally };
    } catch (err) {
      if (signal?.aborted) throw err;
      return { ...base, partsError: err instanceof CosServiceError ? err.code : (err as Error).message };
    }
  });
  return found
    .filter((u): u is IncompleteUpload => u !== undefined)
    .sort((a, b) => (a.initiated?.getTime() ?? 0) - (b.initiated?.getTime() ?? 0) || a.key.localeCompare(b.key));
}

/** How many, how many parts and how many bytes held, for a summary line. */
export function tallyIncompleteUploads(uploads: IncompleteUpload[]): { uploads: number; parts: number; bytes: number } {
  return uploads.reduce((t, u) => ({ uploads: t.uploads + 1, parts: t.parts + u.parts, bytes: t.bytes + u.bytes }), { uploads: 0, parts: 0, bytes: 0 });
}

/** Those started more than `ageMs` before `now`; an upload whose start is unknown is never taken for old. */
export function olderThan(uploads: IncompleteUpload[], ageMs: number, now = Date.now()): IncompleteUpload[] {
  return uploads.filter((u) => u.initiated !== undefined && now - u.initiated.getTime() > ageMs);
}

export interface AbortOutcome {
  /** False when the server no longer had it (completed or aborted elsewhere): nothing left to abort. */
  aborted: boolean;
  /** The local file whose resume journal (in COFFER_HOME) was removed with it. */
  resumeForgotten?: string;
}

/**
 * Aborts one upload (the server drops its parts) and removes the resume journal of this machine that points at it,
 * so that a later `cp` of the same file starts a new upload instead of trying to resume a gone one.
 */
export async function abortIncompleteUpload(
  client: CosClient,
  upload: { bucket: string; key: string; uploadId: string },
  opts: { journals?: JournalStore; signal?: AbortSignal } = {},
): Promise<AbortOutcome> {
  let aborted = true;
  try {
    await client.abortMultipartUpload(upload.bucket, upload.key, upload.uploadId, { signal: opts.signal });
  } catch (err) {
    if (!(err instanceof CosServiceError && err.code === 'NoSuchUpload')) throw err;
    aborted = false;
  }
  const outcome: AbortOutcome = { aborted };
  for (const { id, journal } of await journalsFor(client, opts.journals, upload.bucket)) {
    if (journal.key !== upload.key || journal.uploadId !== upload.uploadId) continue;
    await opts.journals!.remove(id);
    outcome.resumeForgotten = journal.file.path;
  }
  return outcome;
}
