// Multipart uploads, object side: creating an upload (its object key is drawn and sealed once, at Initiate),
// opening that key again for each part, writing a part (encrypted under the upload's key when the upload is
// encrypted) and recording it, and aborting. Completion lives in multipart-complete.ts.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { LIMITS } from '../config';
import { CosError } from '../http/cos-error';
import { WalSyncError } from '../meta/group-commit';
import { MetaNotFoundError, type BucketRecord, type CannedAcl, type PartRecord, type UploadRecord } from '../meta/metadata-db';
import type { CustomerKey } from '../sse/customer-key';
import type { WrapContext } from '../sse/key-wrap';
import { newDataFileContext } from '../sse/sse-data-format';
import type { Store } from '../store';
import type { ObjectMetadataInput } from '../handlers/context';
import { writeDataFile } from './data-writer';
import { newObjectKeys, openObjectKey, sealObjectKey } from './object-encryption';
import { checkSseAllowed, etagFor } from './object-writes';
import type { SseRecord, SseRequest } from './sse-request';

/** 192 random bits as hex: unguessable (an upload id is a capability to add parts) and URL-safe. */
const UPLOAD_ID = /^[0-9a-f]{48}$/;

export function newUploadId(): string {
  return randomBytes(24).toString('hex');
}

export function noSuchUpload(): CosError {
  return new CosError('NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.');
}

/**
 * The wrap context of an open upload: bound to the upload id, with the size "open" and no part table (both are
 * unknown until Complete, which re-wraps for the final object).
 */
export function uploadWrapContext(u: Pick<UploadRecord, 'bucket' | 'key' | 'uploadId'>): Omit<WrapContext, 'objectId' | 'extra'> {
  return { bucket: u.bucket, key: u.key, size: null, partsDigest: '', uploadId: u.uploadId };
}

/** The upload a request names; NoSuchUpload also when it belongs to another bucket or key (no cross-key parts). */
export function findUpload(store: Store, bucket: string, key: string, uploadId: string | undefined): UploadRecord {
  if (uploadId === undefined || !UPLOAD_ID.test(uploadId)) throw noSuchUpload();
  const upload = store.meta.getUpload(uploadId);
  if (!upload || upload.bucket !== bucket || upload.key !== key) throw noSuchUpload();
  return upload;
}

/** `partNumber` as COS allows it: an integer 1..10000. */
export function parsePartNumber(value: string | undefined): number {
  if (value === undefined || !/^\d{1,5}$/.test(value) || Number(value) < 1 || Number(value) > LIMITS.maxPartNumber) {
    throw new CosError('InvalidArgument', `partNumber must be an integer between 1 and ${LIMITS.maxPartNumber}, got "${value ?? ''}".`);
  }
  return Number(value);
}

export interface InitiateInput {
  bucket: BucketRecord;
  key: string;
  meta: ObjectMetadataInput;
  acl: CannedAcl;
  sse: SseRequest;
}

/**
 * Creates the upload. An encrypted upload gets its object key and id now, sealed for the upload context, so every
 * part is encrypted under the one key the final object will have (Complete re-wraps it; data is never rewritten).
 */
export async function createUpload(store: Store, input: InitiateInput): Promise<UploadRecord> {
  const { bucket, key, sse } = input;
  checkSseAllowed(store, bucket, sse);
  const uploadId = newUploadId();
  let record: SseRecord | null = null;
  let sseKid: number | null = null;
  if (sse.mode !== 'none') {
    const { oek, objectId } = newObjectKeys();
    try {
      const sealed = await sealObjectKey(sse, oek, objectId, uploadWrapContext({ bucket: bucket.name, key, uploadId }), store.keys);
      record = sealed.record;
      sseKid = sealed.sseKid;
    } finally {
      oek.fill(0);
    }
  }
  const rec: UploadRecord = {
    uploadId,
    bucket: bucket.name,
    key,
    initiated: Date.now(),
    contentType: input.meta.contentType,
    headers: input.meta.headers,
    acl: input.acl,
    storageClass: input.meta.storageClass,
    sse: record as Record<string, unknown> | null,
    sseKid,
  };
  try {
    // A failed WAL sync (WalSyncError, a 500) may leave the upload listed; nothing refers to it until a part comes.
    await store.meta.createUploadGrouped(rec);
  } catch (err) {
    if (err instanceof MetaNotFoundError) throw new CosError('NoSuchBucket', 'The specified bucket does not exist.');
    throw err;
  }
  return rec;
}

export interface UploadKey {
  sse: SseRecord;
  oek: Buffer;
  objectId: Buffer;
}

/**
 * Opens the upload's object key for writing a part. SSE-C uploads need the customer key on every part (missing →
 * 400, different from Initiate's → 403, via kekSourceFor); other uploads refuse SSE-C headers (400). The caller
 * wipes `oek` when done.
 */
export function openUploadKey(store: Store, upload: UploadRecord, customer: CustomerKey | null): UploadKey | null {
  const sse = upload.sse as SseRecord | null;
  if (!sse) {
    if (customer) {
      throw new CosError('InvalidRequest', 'The upload was not initiated with a customer-provided key (SSE-C); do not send SSE-C headers with its parts.');
    }
    return null;
  }
  const oek = openObjectKey(sse, uploadWrapContext(upload), store.keys, customer);
  return { sse, oek, objectId: Buffer.from(sse.objectId, 'base64') };
}

export interface WritePartInput {
  upload: UploadRecord;
  partNumber: number;
  source: AsyncIterable<Buffer>;
  expectedSize?: number;
  contentMd5?: Buffer;
  key: UploadKey | null;
}

/**
 * Streams one part into a committed data file and records it. Data first, row second: a crash in between leaves
 * an unreferenced file for the sweep. If the upload was aborted or completed meanwhile, putPart finds it gone in
 * the same transaction that would record the part, so the part cannot attach to a finished upload: its data is
 * deleted and the client gets NoSuchUpload. A replaced part's data goes once the new row is committed.
 */
export async function writePart(store: Store, input: WritePartInput): Promise<PartRecord> {
  const { upload, partNumber, key } = input;
  const enc = key ? newDataFileContext(key.oek, key.objectId, partNumber, upload.bucket, upload.key) : undefined;
  const written = await writeDataFile(store.files, input.source, { enc, expectedSize: input.expectedSize, maxSize: LIMITS.maxPartBytes });
  let recorded = false;
  try {
    if (input.contentMd5 && !timingSafeEqual(input.contentMd5, written.md5)) {
      throw new CosError('BadDigest', 'The Content-MD5 you specified did not match what we received.');
    }
    const part: PartRecord = {
      uploadId: upload.uploadId,
      partNumber,
      size: written.size,
      // As for single PUTs: the MD5 for plain and SSE-COS, an opaque value for SSE-KMS and SSE-C.
      etag: etagFor(key?.sse.mode ?? 'none', written.md5, key?.oek ?? null),
      crc64: written.crc64,
      dataId: written.dataId,
      lastModified: Date.now(),
    };
    if (written.partSalt !== undefined) part.partSalt = written.partSalt;
    let previous: PartRecord | undefined;
    try {
      previous = await store.meta.putPartGrouped(part);
    } catch (err) {
      // Committed but maybe not durable: the row may point at the data, so the data stays (the client gets a 500).
      if (err instanceof WalSyncError) recorded = true;
      if (err instanceof MetaNotFoundError) throw noSuchUpload();
      throw err;
    }
    recorded = true;
    if (previous && previous.dataId !== part.dataId) await store.removeData([previous.dataId]);
    return part;
  } finally {
    if (!recorded) await store.removeData([written.dataId]);
  }
}

/** Abort: the upload and its part rows go in one (group) transaction, then the part data. */
export async function abortUpload(store: Store, upload: UploadRecord): Promise<void> {
  // Through the group commit. A WalSyncError (deleted, maybe not durably) answers 500 and keeps the part data: were
  // the deletion lost, the upload would be back and would need it.
  const parts = await store.meta.abortUploadGrouped(upload.uploadId);
  if (!parts) throw noSuchUpload();
  await store.removeData(parts.map((p) => p.dataId));
}
