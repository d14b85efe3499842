// Buckets as every front end shows them: name, region, creation date and the bucket's default encryption (read
// 8 at a time; 'unknown' when these credentials may not read it, never an error that hides the list), and the
// creation of a bucket that encrypts by default. On first run of the embedded store a bucket is created with
// SSE-COS on, so a new user can drop a file at once without being asked anything.
import { CosServiceError, type BucketEncryption, type CosClient } from '../cos/client';
import { readBucketDefaultEncryption } from '../engine/bucket-settings';
import { Semaphore } from '../engine/upload/semaphore';
import { DEFAULT_APPID } from '../store/config';
import { ServiceError, toAppError } from './errors';

/** A bucket's default encryption, JSON-safe: null for none, { mode: 'unknown' } when it could not be read. */
export type DefaultEncryptionView = { mode: 'SSE-COS' } | { mode: 'SSE-KMS'; kmsKeyId?: string } | { mode: 'unknown' } | null;

export interface BucketView {
  name: string;
  region: string;
  /** ISO 8601, or '' when the server did not say. */
  createdAt: string;
  defaultEncryption: DefaultEncryptionView;
}

export function defaultEncryptionView(enc: BucketEncryption | null | 'unknown'): DefaultEncryptionView {
  if (enc === null) return null;
  if (enc === 'unknown') return { mode: 'unknown' };
  return enc.algorithm === 'KMS' ? (enc.kmsKeyId ? { mode: 'SSE-KMS', kmsKeyId: enc.kmsKeyId } : { mode: 'SSE-KMS' }) : { mode: 'SSE-COS' };
}

/**
 * A date already written as toISOString writes it, on a day that exists in every month: kept as it is. A listing
 * page has 1,000 of them, and parsing and printing each again was a tenth of the host's CPU while a user scrolled
 * a big folder. Days 29–31 go the long way, where a date like February 30 rolls over.
 */
const CANONICAL_ISO = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

/** Any date as `toISOString` writes it; '' when there is none or it is not a date. */
export function isoOrEmpty(date: string | Date | undefined): string {
  if (date === undefined || date === '') return '';
  if (typeof date === 'string' && CANONICAL_ISO.test(date)) return date;
  const d = date instanceof Date ? date : new Date(date);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

/** Every bucket with its default encryption (the settings are read in each bucket's own region). */
export async function listBuckets(client: CosClient): Promise<BucketView[]> {
  const res = await client.listBuckets();
  const reads = new Semaphore(8);
  return Promise.all(
    res.buckets.map(async (b) => {
      const enc = await reads.run(() => readBucketDefaultEncryption(client, b.name, { region: b.region || undefined })).catch((err: unknown) => {
        // One bucket's settings failing must not hide the list: it shows as unknown.
        void toAppError(err);
        return 'unknown' as const;
      });
      return { name: b.name, region: b.region, createdAt: isoOrEmpty(b.creationDate), defaultEncryption: defaultEncryptionView(enc) };
    }),
  );
}

/**
 * Creates `bucket` and, when asked, turns on its default encryption. A bucket that cannot encrypt as asked is
 * not what was asked for: the new, empty bucket is removed again and the failure says so.
 */
export async function createBucket(client: CosClient, bucket: string, opts: { region?: string; defaultEncryption?: BucketEncryption; acl?: 'private' | 'public-read' } = {}): Promise<BucketView> {
  const region = opts.region ?? client.region;
  await client.createBucket(bucket, { region, acl: opts.acl });
  if (opts.defaultEncryption) {
    try {
      await client.putBucketEncryption(bucket, opts.defaultEncryption, { region });
    } catch (err) {
      const cause = toAppError(err);
      const removed = await client.deleteBucket(bucket, { region }).then(
        () => true,
        () => false,
      );
      const what = removed ? `cos://${bucket} was not created` : `cos://${bucket} was created but does NOT encrypt new objects by default`;
      throw new ServiceError(cause.kind, cause.code, `${what}: its default encryption could not be set: ${cause.message}`, { ...cause.details, bucket }, { cause: err });
    }
  }
  return { name: bucket, region, createdAt: new Date().toISOString(), defaultEncryption: defaultEncryptionView(opts.defaultEncryption ?? null) };
}

/** The bucket a first run creates in the embedded store: SSE is offered in ap-guangzhou, where it lives. */
export const STARTER_BUCKET = `my-files-${DEFAULT_APPID}`;

/**
 * First run of the embedded store: when it holds no bucket at all, one is created with SSE-COS by default, so the
 * window opens onto a bucket ready for a drop. Returns the bucket created, or undefined when there were buckets.
 */
export async function ensureStarterBucket(client: CosClient): Promise<string | undefined> {
  const { buckets } = await client.listBuckets();
  if (buckets.length > 0) return undefined;
  try {
    await createBucket(client, STARTER_BUCKET, { defaultEncryption: { algorithm: 'AES256' } });
  } catch (err) {
    // Two windows starting at once: the other one made it.
    if (err instanceof CosServiceError && (err.code === 'BucketAlreadyOwnedByYou' || err.code === 'BucketAlreadyExists')) return undefined;
    throw err;
  }
  return STARTER_BUCKET;
}
