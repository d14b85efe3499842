// Buckets as the window manages them (issue 14 §1): created with COS's naming rule checked (shared/contract/
// bucket-name.ts), in a region that may or may not offer server-side encryption, encrypting by default where it can,
// private or public-read; their default encryption seen and changed; deleted only when empty, or emptied first in
// bounded steps (1,000 objects a request, then the unfinished uploads) that the window repeats with a count on screen
// after the user typed "Delete all N objects".
import { bucketNameProblem, maxBucketNameLength } from '../../shared/contract/bucket-name';
import { CosServiceError, type BucketEncryption, type CosClient } from '../cos/client';
import { COS_SSE_REGIONS, sayList, sseOfferedIn } from '../cos/sse-regions';
import { checkWriteTarget } from '../engine/bucket-settings';
import { Semaphore } from '../engine/upload/semaphore';
import { createBucket, type BucketView } from './buckets';
import { toAppError } from './errors';
import { ServiceError, type AppError } from './service-error';

/**
 * COS's public regions (the finance zones need an account of their own and are left out). The embedded store
 * accepts any of them; server-side encryption is offered only in COS_SSE_REGIONS.
 */
export const COS_REGIONS: readonly string[] = Object.freeze([
  'ap-beijing',
  'ap-nanjing',
  'ap-shanghai',
  'ap-guangzhou',
  'ap-chengdu',
  'ap-chongqing',
  'ap-hongkong',
  'ap-singapore',
  'ap-jakarta',
  'ap-seoul',
  'ap-bangkok',
  'ap-tokyo',
  'na-siliconvalley',
  'na-ashburn',
  'sa-saopaulo',
  'eu-frankfurt',
]);

export function regionChoices(): Array<{ id: string; sseOffered: boolean }> {
  return COS_REGIONS.map((id) => ({ id, sseOffered: sseOfferedIn(id, COS_SSE_REGIONS) }));
}

export interface NewBucket {
  region: string;
  /** Turn SSE-COS on as the default for new objects. */
  defaultEncryption: boolean;
  access: 'private' | 'public-read';
}

/** Refuses, before anything is sent, a name COS would refuse and encryption where the region has none. */
export function checkNewBucket(bucket: string, req: NewBucket): void {
  const m = /^(.*)-(\d+)$/.exec(bucket);
  const [name, appId] = m ? [m[1]!, m[2]!] : [bucket, ''];
  const problem = bucketNameProblem(name, appId, req.region);
  if (problem) {
    const why =
      problem === 'tooLong'
        ? `is longer than COS allows in ${req.region} (${maxBucketNameLength(appId, req.region)} characters before "-${appId}")`
        : problem === 'edges'
          ? 'starts or ends with "-"'
          : 'may use only lowercase letters (a-z), digits and "-"';
    throw new ServiceError('usage', 'BucketNameInvalid', `The bucket name "${name}" ${why}; choose another name.`, { bucket, region: req.region });
  }
  if (req.defaultEncryption && !sseOfferedIn(req.region, COS_SSE_REGIONS)) {
    throw new ServiceError('unavailable', 'SseNotOfferedInRegion', `Server-side encryption is not offered in ${req.region}; create the bucket without default encryption, or choose ${sayList(COS_SSE_REGIONS)}.`, { region: req.region });
  }
}

/** Creates the bucket as asked; a name someone already has is said in a sentence of its own. */
export async function createBucketAsAsked(client: CosClient, bucket: string, req: NewBucket): Promise<BucketView> {
  checkNewBucket(bucket, req);
  try {
    return await createBucket(client, bucket, { region: req.region, acl: req.access, defaultEncryption: req.defaultEncryption ? { algorithm: 'AES256' } : undefined });
  } catch (err) {
    if (err instanceof CosServiceError && (err.code === 'BucketAlreadyExists' || err.code === 'BucketAlreadyOwnedByYou')) {
      const mine = err.code === 'BucketAlreadyOwnedByYou';
      throw new ServiceError(
        'conflict',
        mine ? 'BucketNameYours' : 'BucketNameTaken',
        mine ? `You have a bucket named cos://${bucket} already; choose another name.` : `The name cos://${bucket} is taken (bucket names are unique across all of COS); choose another name.`,
        { ...toAppError(err).details, bucket },
        { cause: err },
      );
    }
    throw err;
  }
}

export interface BucketContents {
  objects: number;
  bytes: number;
  uploads: number;
}

/** Counts what a bucket holds (every page of its listing, and its unfinished multipart uploads). */
export async function bucketContents(client: CosClient, bucket: string): Promise<BucketContents> {
  let objects = 0;
  let bytes = 0;
  for await (const page of client.listObjectPages(bucket, { maxKeys: 1000 })) {
    objects += page.contents.length;
    for (const o of page.contents) bytes += o.size;
  }
  let uploads = 0;
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (;;) {
    const page = await client.listMultipartUploads(bucket, { keyMarker, uploadIdMarker, maxUploads: 1000 });
    uploads += page.uploads.length;
    if (!page.isTruncated || (page.nextKeyMarker === keyMarker && page.nextUploadIdMarker === uploadIdMarker)) break;
    keyMarker = page.nextKeyMarker;
    uploadIdMarker = page.nextUploadIdMarker;
  }
  return { objects, bytes, uploads };
}

export interface EmptyStep {
  deleted: number;
  aborted: number;
  /** Nothing is left: the bucket can be deleted. */
  done: boolean;
  failures: Array<{ key: string; error: AppError }>;
}

/**
 * One bounded step of emptying a bucket: up to 1,000 objects (one Delete Multiple; `batch` makes steps smaller), or,
 * once no object is left, up to as many unfinished uploads (8 aborts at a time). A step that deleted nothing because every key failed returns the
 * failures; the caller stops there instead of asking again.
 */
export async function emptyBucketStep(client: CosClient, bucket: string, opts: { batch?: number } = {}): Promise<EmptyStep> {
  const batch = opts.batch ?? 1000;
  const page = await client.listObjects(bucket, { maxKeys: batch });
  if (page.contents.length > 0) {
    const res = await client.deleteObjects(bucket, page.contents.map((o) => o.key), { quiet: false });
    const failures = res.errors.map((e) => ({
      key: e.key,
      error: toAppError(new ServiceError(e.code === 'AccessDenied' ? 'access' : 'failed', e.code || 'DeleteFailed', `cos://${bucket}/${e.key} could not be deleted (${e.code}): ${e.message}`, { bucket, key: e.key })),
    }));
    return { deleted: res.deleted.length, aborted: 0, done: false, failures };
  }
  const uploads = await client.listMultipartUploads(bucket, { maxUploads: batch });
  const gate = new Semaphore(8);
  const failures: EmptyStep['failures'] = [];
  let aborted = 0;
  await Promise.all(
    uploads.uploads.map((u) =>
      gate.run(async () => {
        try {
          await client.abortMultipartUpload(bucket, u.key, u.uploadId);
          aborted++;
        } catch (err) {
          // Already gone (finished or aborted meanwhile) is what was wanted.
          if (err instanceof CosServiceError && err.code === 'NoSuchUpload') aborted++;
          else failures.push({ key: u.key, error: toAppError(err, { bucket, key: u.key, uploadId: u.uploadId }) });
        }
      }),
    ),
  );
  return { deleted: 0, aborted, done: !uploads.isTruncated && failures.length === 0 && aborted === uploads.uploads.length, failures };
}

/** Deletes an empty bucket; one that still holds something is refused with what to do. */
export async function deleteEmptyBucket(client: CosClient, bucket: string): Promise<void> {
  try {
    await client.deleteBucket(bucket);
  } catch (err) {
    if (err instanceof CosServiceError && err.code === 'BucketNotEmpty') {
      throw new ServiceError('conflict', 'BucketHasObjects', `cos://${bucket} still holds objects or unfinished uploads, so it was not deleted; delete what it holds first.`, { ...toAppError(err).details, bucket }, { cause: err });
    }
    throw err;
  }
}

export type DefaultEncryptionChoice = { mode: 'SSE-COS' } | { mode: 'SSE-KMS'; kmsKeyId?: string } | null;

/** Sets the bucket's default encryption, or removes it (null). Refused where the bucket's region offers no SSE. */
export async function setBucketEncryption(client: CosClient, bucket: string, choice: DefaultEncryptionChoice): Promise<DefaultEncryptionChoice> {
  // One HEAD: the bucket exists, and its region (not the connection's) decides whether SSE may be asked for.
  await checkWriteTarget(client, bucket, { encrypted: choice !== null });
  if (choice === null) {
    await client.deleteBucketEncryption(bucket).catch((err: unknown) => {
      if (!(err instanceof CosServiceError && err.code === 'NoSuchEncryptionConfiguration')) throw err;
    });
    return null;
  }
  const config: BucketEncryption = choice.mode === 'SSE-KMS' ? { algorithm: 'KMS', ...(choice.kmsKeyId ? { kmsKeyId: choice.kmsKeyId } : {}) } : { algorithm: 'AES256' };
  await client.putBucketEncryption(bucket, config);
  return choice;
}
