// The single-part write path shared by PUT Object, POST Object and PUT Object - Copy: resolve encryption, stream
// the data into a committed data file (a small object's bytes stay in memory and go into meta.db with its row),
// wrap the object key for the final size, then commit the metadata row (the commit point, shared with concurrent
// writes by the group commit) and drop the data of the version it replaced.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { LIMITS } from '../config';
import { CosError } from '../http/cos-error';
import { WalSyncError } from '../meta/group-commit';
import type { BucketRecord, CannedAcl, ObjectRecord } from '../meta/metadata-db';
import { newDataFileContext } from '../sse/sse-data-format';
import type { Store } from '../store';
import { crashPoint } from '../crash-points';
import type { ObjectMetadataInput } from '../handlers/context';
import { writeDataFile } from './data-writer';
import { checkKmsKey, newObjectKeys, sealObjectKey } from './object-encryption';
import { checkSseRegion, type SseRecord, type SseRequest } from './sse-request';

export interface WriteObjectInput {
  bucket: BucketRecord;
  key: string;
  source: AsyncIterable<Buffer>;
  expectedSize?: number;
  maxSize?: number;
  sse: SseRequest;
  meta: ObjectMetadataInput;
  acl: CannedAcl;
  contentMd5?: Buffer;
  /** Checked against the current version just before the commit (copy's If-Match guard on itself). */
  beforeCommit?: (current: ObjectRecord | undefined) => void;
}

/** Before any byte is written: the region rule and KMS key existence. */
export function checkSseAllowed(store: Store, bucket: BucketRecord, sse: SseRequest): void {
  if (sse.mode === 'none') return;
  checkSseRegion(bucket.region, store.config.sseRegions);
  checkKmsKey(sse, store.keys);
}

/**
 * The ETag of an object: the plaintext MD5 for plain and SSE-COS objects (as COS), an opaque value derived from
 * the object key for SSE-KMS and SSE-C (COS documents those ETags as not being the MD5).
 */
export function etagFor(sse: SseRequest['mode'], md5: Buffer, oek: Buffer | null): string {
  if ((sse === 'cos/kms' || sse === 'SSE-C') && oek) return createHmac('sha256', oek).update('etag').update(md5).digest('hex').slice(0, 32);
  return md5.toString('hex');
}

export async function writeObject(store: Store, input: WriteObjectInput): Promise<ObjectRecord> {
  const { bucket, key, sse } = input;
  checkSseAllowed(store, bucket, sse);
  const keysForObject = sse.mode === 'none' ? null : newObjectKeys();
  try {
    const enc = keysForObject ? newDataFileContext(keysForObject.oek, keysForObject.objectId, 0, bucket.name, key) : undefined;
    const written = await writeDataFile(store.files, input.source, {
      enc,
      expectedSize: input.expectedSize,
      maxSize: input.maxSize ?? LIMITS.maxSinglePutBytes,
      inlineMax: LIMITS.maxInlineObjectBytes,
    });
    let committed = false;
    try {
      if (input.contentMd5 && !timingSafeEqual(input.contentMd5, written.md5)) {
        throw new CosError('BadDigest', 'The Content-MD5 you specified did not match what we received.');
      }
      const parts = [
        {
          partNumber: 0,
          size: written.size,
          dataId: written.dataId,
          etag: written.md5.toString('hex'),
          crc64: written.crc64,
          partSalt: written.partSalt,
          ...(written.inline ? { inline: true as const } : {}),
        },
      ];
      let sseRecord: SseRecord | null = null;
      let sseKid: number | null = null;
      if (keysForObject && sse.mode !== 'none') {
        const sealed = await sealObjectKey(sse, keysForObject.oek, keysForObject.objectId, store.wrapContext({ bucket: bucket.name, key, size: written.size, parts }), store.keys);
        sseRecord = sealed.record;
        sseKid = sealed.sseKid;
      }
      const rec: ObjectRecord = {
        bucket: bucket.name,
        key,
        size: written.size,
        etag: etagFor(sse.mode, written.md5, keysForObject?.oek ?? null),
        crc64: written.crc64,
        lastModified: Date.now(),
        contentType: input.meta.contentType,
        headers: input.meta.headers,
        acl: input.acl,
        storageClass: input.meta.storageClass,
        parts,
        sse: sseRecord as Record<string, unknown> | null,
        sseKid,
      };
      const previous = await store.meta.putObjectGrouped(rec, input.beforeCommit, written.inline).catch((err: unknown) => {
        // Committed but maybe not durable: the row points at this data, so it stays (the request still fails).
        if (err instanceof WalSyncError) committed = true;
        throw err;
      });
      committed = true;
      crashPoint('put:after-meta-commit');
      // Inline bytes went with the previous row; only data files are left to delete.
      if (previous) await store.removeData(previous.parts.filter((p) => !p.inline && p.dataId !== written.dataId).map((p) => p.dataId));
      return rec;
    } finally {
      if (!committed && !written.inline) await store.removeData([written.dataId]);
    }
  } finally {
    keysForObject?.oek.fill(0);
  }
}
