// Reading a bucket's settings with credentials that may upload but not read configuration (COS answers 403, or 405
// where the API is not offered): such a setting is 'unknown', shown as such, never an error that stops the work.
import { CosServiceError, type BucketEncryption, type CosClient } from '../cos/client';

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
