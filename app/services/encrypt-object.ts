// Encrypting one object in place, as every front end does it (the app's encrypt jobs, `coffer encrypt`): its
// current encryption is read (a HEAD, cached by version); an object already encrypted is left alone, in any mode,
// unless `rekey` asks to move objects encrypted otherwise (another mode, KMS key or SSE-C key) to the encryption
// asked for; the rest get a guarded copy onto themselves with the new encryption (engine/encrypt-in-place.ts: the
// bytes stay on the server, metadata and ACL are kept, a final HEAD proves the result). An object whose encryption
// cannot be read is not touched.
import { CosServiceError, type CosClient, type SseRequest } from '../cos/client';
import { encryptInPlace, type EncryptInPlaceResult } from '../engine/encrypt-in-place';
import type { EncryptionStatus, EncryptionStatusService } from '../engine/encryption-status';
import type { Semaphore } from '../engine/upload/semaphore';
import { ServiceError } from './service-error';

/** An encryption status that was read (not 'unknown'). */
export type KnownEncryption = Exclude<EncryptionStatus, { mode: 'unknown' }>;

export type EncryptObjectResult =
  | { state: 'already-encrypted'; now: KnownEncryption }
  /** `from`: the encryption it had, when it was encrypted before (a rekey). */
  | { state: 'encrypted'; from?: KnownEncryption; result: EncryptInPlaceResult };

export interface EncryptObjectTarget {
  bucket: string;
  key: string;
  /** The version a listing showed, so that a cached status of that version answers without a HEAD. */
  etag?: string;
  lastModified?: string;
}

export interface EncryptObjectOptions {
  /** The encryption the object should end up with. */
  encryption: SseRequest;
  /** Also re-encrypt objects encrypted otherwise than asked (default: every encrypted object is left alone). */
  rekey?: boolean;
  /** The current key of objects encrypted with SSE-C: needed to re-encrypt them. */
  sourceSseCustomerKey?: Buffer;
  region?: string;
  signal?: AbortSignal;
  /** Bounds the copies (not the HEADs) across the calls that share it. */
  copies?: Semaphore;
}

/**
 * Whether an encrypted object is already encrypted as asked: the same mode; for SSE-KMS the key id asked for (any KMS
 * key when none was named); for SSE-C the key asked for, found by a HEAD with it.
 */
async function encryptedAsAsked(client: CosClient, t: EncryptObjectTarget, now: KnownEncryption, asked: SseRequest, region: string | undefined): Promise<boolean> {
  if (now.mode !== asked.mode) return false;
  if (asked.mode === 'SSE-KMS') return asked.keyId === undefined || (now.mode === 'SSE-KMS' && now.keyId === asked.keyId);
  if (asked.mode !== 'SSE-C') return true;
  try {
    await client.headObject(t.bucket, t.key, { sseCustomerKey: asked.key, region });
    return true;
  } catch (err) {
    if (err instanceof CosServiceError && (err.status === 403 || err.status === 400)) return false;
    throw err;
  }
}

export async function encryptObject(client: CosClient, statuses: EncryptionStatusService, t: EncryptObjectTarget, opts: EncryptObjectOptions): Promise<EncryptObjectResult> {
  const now = await statuses.get(t.bucket, t.key, { etag: t.etag, lastModified: t.lastModified });
  if (now.mode === 'unknown') {
    throw new ServiceError(now.error.status === 403 ? 'access' : 'failed', now.error.code, `The encryption of cos://${t.bucket}/${t.key} could not be read (${now.error.message}); nothing was changed.`, {
      bucket: t.bucket,
      key: t.key,
    });
  }
  if (now.mode !== 'none' && (!opts.rekey || (await encryptedAsAsked(client, t, now, opts.encryption, opts.region)))) return { state: 'already-encrypted', now };
  const copy = () =>
    encryptInPlace(client, {
      bucket: t.bucket,
      key: t.key,
      encryption: opts.encryption,
      sourceSseCustomerKey: now.mode === 'SSE-C' ? opts.sourceSseCustomerKey : undefined,
      region: opts.region,
      signal: opts.signal,
    });
  const result = opts.copies ? await opts.copies.run(copy) : await copy();
  // The object keeps its ETag (same bytes) but not its encryption: a cached status must go.
  statuses.invalidate(t.bucket, t.key);
  return now.mode === 'none' ? { state: 'encrypted', result } : { state: 'encrypted', from: now, result };
}
