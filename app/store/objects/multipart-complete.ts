// Complete Multipart Upload, object side: the part list the client sends, its validation against the recorded
// parts, the final object record (part table, size, `<md5>-N` ETag, combined CRC64) and its object key sealed
// for that record, committed in one metadata transaction. Complete moves no data: the parts' data files become
// the object's.
import { createHash } from 'node:crypto';
import { crc64Combine } from '../../cos/crc64';
import { LIMITS } from '../config';
import { CosError } from '../http/cos-error';
import { malformedXml, parseXmlBody, xmlElement, xmlText } from '../http/xml';
import { MetaNotFoundError, type CompletedUpload, type DataPart, type ObjectRecord, type PartRecord, type UploadRecord } from '../meta/metadata-db';
import type { CustomerKey } from '../sse/customer-key';
import type { Store } from '../store';
import { openObjectKey, rewrapObjectKey } from './object-encryption';
import { noSuchUpload, uploadWrapContext } from './multipart-upload';
import type { SseRecord } from './sse-request';
import { crashPoint } from '../crash-points';

export interface ListedPart {
  partNumber: number;
  /** without quotes, lowercase */
  etag: string;
}

/** Parses `<CompleteMultipartUpload><Part><PartNumber/><ETag/></Part>…`; ETag quotes are optional. */
export function parseCompleteBody(text: string): ListedPart[] {
  const body = xmlElement(parseXmlBody(text, 'CompleteMultipartUpload'), 'CompleteMultipartUpload', ['Part']);
  const parts = Array.isArray(body.Part) ? (body.Part as unknown[]) : [];
  if (parts.length === 0) throw malformedXml('The CompleteMultipartUpload document must list at least one <Part>.');
  if (parts.length > LIMITS.maxPartNumber) {
    throw malformedXml(`The CompleteMultipartUpload document lists more than ${LIMITS.maxPartNumber} parts.`);
  }
  return parts.map((p, i) => {
    // Other children (S3's part checksums, which some SDKs add) are not read; an ignored checksum changes nothing.
    const node = xmlElement(p, 'Part', null);
    const n = xmlText(node.PartNumber, 'PartNumber')?.trim() ?? '';
    const etag = xmlText(node.ETag, 'ETag')?.trim().replace(/^"(.*)"$/, '$1') ?? '';
    if (!/^\d{1,5}$/.test(n) || Number(n) < 1 || Number(n) > LIMITS.maxPartNumber) {
      throw malformedXml(`Part ${i + 1} of the list needs a <PartNumber> between 1 and ${LIMITS.maxPartNumber}.`);
    }
    if (etag === '') throw malformedXml(`Part ${n} of the list needs an <ETag>.`);
    return { partNumber: Number(n), etag: etag.toLowerCase() };
  });
}

/** The S3 multipart ETag: MD5 over the concatenated binary part ETags, then `-<part count>` (opaque to clients). */
export function multipartEtag(parts: Array<{ etag: string }>): string {
  const h = createHash('md5');
  for (const p of parts) h.update(Buffer.from(p.etag, 'hex'));
  return `${h.digest('hex')}-${parts.length}`;
}

/** CRC64 of the whole object from the part CRCs (no re-read); null unless every part has one. */
export function combinedCrc64(parts: Array<{ crc64: string | null; size: number }>): string | null {
  let crc = 0n;
  for (const p of parts) {
    if (p.crc64 === null) return null;
    crc = crc64Combine(crc, BigInt(p.crc64), p.size);
  }
  return crc.toString();
}

/** Checks the client's list against the recorded parts and returns the final part table. */
function selectParts(listed: ListedPart[], recorded: PartRecord[]): DataPart[] {
  const byNumber = new Map(recorded.map((p) => [p.partNumber, p]));
  for (let i = 1; i < listed.length; i++) {
    if (listed[i]!.partNumber <= listed[i - 1]!.partNumber) {
      throw new CosError('InvalidPartOrder', `The list of parts was not in ascending order: part ${listed[i]!.partNumber} follows part ${listed[i - 1]!.partNumber}.`);
    }
  }
  return listed.map((l, i) => {
    const p = byNumber.get(l.partNumber);
    if (!p) throw new CosError('InvalidPart', `Part ${l.partNumber} has not been uploaded.`);
    if (p.etag.toLowerCase() !== l.etag) {
      throw new CosError('InvalidPart', `The ETag given for part ${l.partNumber} ("${l.etag}") does not match the uploaded part.`);
    }
    if (i < listed.length - 1 && p.size < LIMITS.minPartBytes) {
      throw new CosError('EntityTooSmall', `Part ${l.partNumber} is ${p.size} bytes; every part except the last must be at least ${LIMITS.minPartBytes} bytes.`);
    }
    const part: DataPart = { partNumber: p.partNumber, size: p.size, dataId: p.dataId, etag: p.etag, crc64: p.crc64 };
    if (p.partSalt !== undefined) part.partSalt = p.partSalt;
    return part;
  });
}

/**
 * Seals the object key for the final record. SSE-COS and SSE-KMS re-wrap it with the object's wrap context, which
 * binds the final size and part table (dropping or resizing a part in the metadata then makes it unreadable).
 *
 * SSE-C is the exception: the key is wrapped by the customer's key, which COS clients send on Initiate and every
 * part but not on Complete, and the store never keeps it. Two cases:
 * - Complete carries the SSE-C headers (optional; our engine sends them): the key is re-wrapped like the others.
 * - It does not (what COS documents): the wrap made at Initiate stays, and the record names the upload
 *   (`uploadId`) so openObjectKey unwraps with the upload context. Each part is still authenticated (its data
 *   key binds object id, part number and salt, and every chunk its index and the final flag), but the part
 *   *count* is not bound: whoever can edit the metadata could drop trailing parts unnoticed. Keeping a second,
 *   store-openable wrap to re-seal at Complete would let the store decrypt SSE-C data without the customer,
 *   which is worse.
 */
function sealFinal(store: Store, upload: UploadRecord, rec: ObjectRecord, customer: CustomerKey | null): void {
  const sse = upload.sse as SseRecord | null;
  if (!sse) {
    if (customer) throw new CosError('InvalidRequest', 'The upload was not initiated with a customer-provided key (SSE-C); do not send SSE-C headers.');
    return;
  }
  if (sse.mode === 'SSE-C' && !customer) {
    rec.sse = { ...sse, uploadId: upload.uploadId } as unknown as Record<string, unknown>;
    return;
  }
  const oek = openObjectKey(sse, uploadWrapContext(upload), store.keys, customer);
  try {
    const sealed = rewrapObjectKey(sse, oek, store.wrapContext(rec), store.keys, customer);
    rec.sse = sealed.record as unknown as Record<string, unknown>;
    rec.sseKid = sealed.sseKid;
  } finally {
    oek.fill(0);
  }
}

export interface CompleteInput {
  upload: UploadRecord;
  listed: ListedPart[];
  customer: CustomerKey | null;
  /** x-cos-forbid-overwrite: true */
  forbidOverwrite: boolean;
}

/**
 * Validates and commits, through the group commit (no WAL fsync on the request thread). Reading the parts, building
 * and sealing the object and committing it run as one synchronous operation inside the group's transaction, so no
 * other request interleaves: a concurrent Upload Part either is in the part list read there or fails with
 * NoSuchUpload when it tries to record itself. Afterwards the unused parts' data and the replaced object's data go.
 */
export async function completeUpload(store: Store, input: CompleteInput): Promise<ObjectRecord> {
  // Answered at once when the upload is gone (an Abort while the request body arrived); checked again at commit.
  if (!store.meta.getUpload(input.upload.uploadId)) throw noSuchUpload();
  let result: CompletedUpload;
  try {
    result = await store.meta.completeUploadGrouped(input.upload.uploadId, (upload, recorded, current) => {
      const parts = selectParts(input.listed, recorded);
      const rec: ObjectRecord = {
        bucket: upload.bucket,
        key: upload.key,
        size: parts.reduce((n, p) => n + p.size, 0),
        etag: multipartEtag(parts),
        crc64: combinedCrc64(parts),
        lastModified: Date.now(),
        contentType: upload.contentType,
        headers: upload.headers,
        acl: upload.acl,
        storageClass: upload.storageClass,
        parts,
        sse: null,
        sseKid: null,
      };
      if (input.forbidOverwrite && current) {
        throw new CosError('FileAlreadyExists', 'The object already exists and x-cos-forbid-overwrite is true.', { status: 409 });
      }
      sealFinal(store, upload, rec, input.customer);
      crashPoint('complete:before-commit');
      return rec;
    });
    crashPoint('complete:after-commit');
  } catch (err) {
    if (err instanceof MetaNotFoundError) throw noSuchUpload();
    // A WalSyncError (committed, maybe not durable) answers 500 and deletes nothing: were the commit lost, the upload
    // would be back and would need its unused parts; if it holds, they stay as unreferenced files (the sweep after an
    // unclean shutdown removes those).
    throw err;
  }
  const { rec } = result;
  const used = new Set(rec.parts.map((p) => p.dataId));
  const garbage = [...result.unusedParts.map((p) => p.dataId), ...(result.previous?.parts.filter((p) => !p.inline).map((p) => p.dataId) ?? [])];
  await store.removeData(garbage.filter((id) => !used.has(id)));
  return rec;
}
