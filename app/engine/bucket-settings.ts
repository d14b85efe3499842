// Reading a bucket's settings with credentials that may upload but not read configuration (COS answers 403, or 405
// where the API is not offered): such a setting is 'unknown', shown as such, never an error that stops the work.
// Also the check every write job makes once, before it plans or sends anything: the bucket exists, and it is in a
// region where the server-side encryption asked for is offered (app/cos/sse-regions.ts).
import { CosServiceError, type BucketEncryption, type CosClient } from '../cos/client';
import { COS_SSE_REGIONS, sayList, sseOfferedIn } from '../cos/sse-regions';

/** `read()`, or 'unknown' when the server refuses to show the setting. */
export async function unknownIfDenied<T>(read: () => Promise<T>): Promise<T | 'unknown'> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof CosServiceError && (err.status === 403 || err.status === 405)) return 'unknown';
    throw err;
  }
}

/** The bucket's default encryption: its config, null for none, 'unknown' when it may not be read. */
export function readBucketDefaultEncryption(client: CosClient, bucket: string, opts: { region?: string } = {}): Promise<BucketEncryption | null | 'unknown'> {
  return unknownIfDenied(async () => {
    const enc = await client.getBucketEncryption(bucket, opts);
    if (!enc) return null;
    return enc.algorithm === 'KMS' ? { algorithm: 'KMS', kmsKeyId: enc.kmsKeyId } : { algorithm: 'AES256' };
  });
}

/** Server-side encryption was asked for a bucket in a region where the service does not offer it. */
export class SseRegionError extends Error {
  override name = 'SseRegionError';
  readonly code = 'SseNotOfferedInRegion';
  constructor(
    readonly bucket: string,
    readonly region: string,
    readonly allowed: readonly string[],
  ) {
    super(`Server-side encryption is not offered in ${region} (only ${sayList(allowed)}).`);
  }
}

export interface WriteTarget {
  bucket: string;
  /** The bucket's region as the server reports it; the client's region when the server would not say. */
  region: string;
}

export interface WriteTargetOptions {
  /** Whether the job asks for server-side encryption (any mode but 'none'). */
  encrypted: boolean;
  /** Regions where SSE is offered (default: COS's rule); a store started with other `--sse-regions` passes its own. */
  sseRegions?: readonly string[];
  signal?: AbortSignal;
}

/**
 * One HEAD Bucket before a write job plans or sends anything, so what cannot work is said once instead of once per
 * object: a missing bucket throws the client's NoSuchBucket (as `ls` reports it), and SSE asked for in a region
 * without it throws SseRegionError. Credentials that may write objects but not HEAD the bucket (403) are not stopped:
 * the region is then the client's, where every request of the job goes anyway.
 */
export async function checkWriteTarget(client: CosClient, bucket: string, opts: WriteTargetOptions): Promise<WriteTarget> {
  const found = await unknownIfDenied(() => client.headBucket(bucket, { signal: opts.signal }));
  const region = (found !== 'unknown' && found.region) || client.region;
  const allowed = opts.sseRegions ?? COS_SSE_REGIONS;
  if (opts.encrypted && !sseOfferedIn(region, allowed)) throw new SseRegionError(bucket, region, allowed);
  return { bucket, region };
}
