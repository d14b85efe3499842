// Conversion between records and SQLite rows, and the checks a record must pass before it is stored. Checks
// here guard invariants other layers rely on (a part table that adds up, ids that are safe as file names), not
// protocol rules, which belong to the HTTP handlers.

import { assertDataId } from './data-id';
import { assertStorableKey } from './key-order';
import type { SqlRow, SqlValue } from './sqlite-driver';
import type {
  BucketEncryption,
  BucketRecord,
  CannedAcl,
  DataPart,
  ObjectRecord,
  ObjectSummary,
  PartRecord,
  UploadRecord,
} from './meta-types';

const ACLS: ReadonlySet<string> = new Set<CannedAcl>(['private', 'public-read', 'public-read-write', 'default']);

/** Column lists, in the order the *Values functions produce them. */
export const OBJECT_COLUMNS =
  'bucket, key, size, etag, last_modified, storage_class, crc64, content_type, acl, sse_kid, headers, parts, sse';
export const SUMMARY_COLUMNS = 'bucket, key, size, etag, last_modified, storage_class';
export const UPLOAD_COLUMNS =
  'upload_id, bucket, key, initiated, content_type, headers, acl, storage_class, sse, sse_kid';
export const PART_COLUMNS = 'upload_id, part_number, size, etag, crc64, data_id, part_salt, last_modified';

export function placeholders(columns: string): string {
  return columns
    .split(',')
    .map(() => '?')
    .join(', ');
}

// ---- objects ----

export function objectValues(r: ObjectRecord): SqlValue[] {
  return [
    r.bucket,
    r.key,
    r.size,
    r.etag,
    r.lastModified,
    r.storageClass,
    r.crc64,
    r.contentType,
    r.acl,
    r.sseKid,
    JSON.stringify(r.headers),
    JSON.stringify(r.parts),
    r.sse === null ? null : JSON.stringify(r.sse),
  ];
}

export function objectFromRow(row: SqlRow): ObjectRecord {
  return {
    bucket: row.bucket as string,
    key: row.key as string,
    size: row.size as number,
    etag: row.etag as string,
    crc64: row.crc64 as string | null,
    lastModified: row.last_modified as number,
    contentType: row.content_type as string,
    headers: JSON.parse(row.headers as string) as Record<string, string>,
    acl: row.acl as CannedAcl,
    storageClass: row.storage_class as string,
    parts: JSON.parse(row.parts as string) as DataPart[],
    sse: row.sse === null ? null : (JSON.parse(row.sse as string) as Record<string, unknown>),
    sseKid: row.sse_kid as number | null,
  };
}

export function summaryFromRow(row: SqlRow): ObjectSummary {
  return {
    bucket: row.bucket as string,
    key: row.key as string,
    size: row.size as number,
    etag: row.etag as string,
    lastModified: row.last_modified as number,
    storageClass: row.storage_class as string,
  };
}

export function checkObject(r: ObjectRecord): void {
  const where = `object ${r.bucket}/${r.key}`;
  assertStorableKey(r.bucket, 'bucket name');
  assertStorableKey(r.key);
  checkCount(r.size, `${where}: size`);
  checkTime(r.lastModified, `${where}: lastModified`);
  checkCommon(r, where);
  if (!Array.isArray(r.parts)) throw new Error(`${where}: parts must be an array`);
  let total = 0;
  let prev = -1;
  const ids = new Set<string>();
  for (const p of r.parts) {
    if (!Number.isSafeInteger(p.partNumber) || p.partNumber <= prev) {
      throw new Error(`${where}: part numbers must be integers in ascending order (got ${p.partNumber} after ${prev})`);
    }
    prev = p.partNumber;
    checkCount(p.size, `${where}: part ${p.partNumber} size`);
    assertDataId(p.dataId);
    if (ids.has(p.dataId)) throw new Error(`${where}: data id ${p.dataId} appears twice in the part table`);
    if (p.inline !== undefined && p.inline !== true) throw new Error(`${where}: part ${p.partNumber} inline must be true or absent`);
    ids.add(p.dataId);
    total += p.size;
  }
  // Range reads locate a byte through the cumulative part sizes; a table that does not add up would serve the
  // wrong bytes or run past a file.
  if (total !== r.size) throw new Error(`${where}: part sizes add up to ${total}, not the object size ${r.size}`);
}

// ---- uploads and parts ----

export function uploadValues(r: UploadRecord): SqlValue[] {
  return [
    r.uploadId,
    r.bucket,
    r.key,
    r.initiated,
    r.contentType,
    JSON.stringify(r.headers),
    r.acl,
    r.storageClass,
    r.sse === null ? null : JSON.stringify(r.sse),
    r.sseKid,
  ];
}

export function uploadFromRow(row: SqlRow): UploadRecord {
  return {
    uploadId: row.upload_id as string,
    bucket: row.bucket as string,
    key: row.key as string,
    initiated: row.initiated as number,
    contentType: row.content_type as string,
    headers: JSON.parse(row.headers as string) as Record<string, string>,
    acl: row.acl as CannedAcl,
    storageClass: row.storage_class as string,
    sse: row.sse === null ? null : (JSON.parse(row.sse as string) as Record<string, unknown>),
    sseKid: row.sse_kid as number | null,
  };
}

export function checkUpload(r: UploadRecord): void {
  const where = `upload ${r.uploadId} of ${r.bucket}/${r.key}`;
  assertStorableKey(r.uploadId, 'upload id');
  assertStorableKey(r.bucket, 'bucket name');
  assertStorableKey(r.key);
  checkTime(r.initiated, `${where}: initiated`);
  checkCommon(r, where);
}

export function partValues(r: PartRecord): SqlValue[] {
  return [r.uploadId, r.partNumber, r.size, r.etag, r.crc64, r.dataId, r.partSalt ?? null, r.lastModified];
}

export function partFromRow(row: SqlRow): PartRecord {
  const part: PartRecord = {
    uploadId: row.upload_id as string,
    partNumber: row.part_number as number,
    size: row.size as number,
    etag: row.etag as string,
    crc64: row.crc64 as string | null,
    dataId: row.data_id as string,
    lastModified: row.last_modified as number,
  };
  if (row.part_salt !== null) part.partSalt = row.part_salt as string;
  return part;
}

export function checkPart(r: PartRecord): void {
  const where = `part ${r.partNumber} of upload ${r.uploadId}`;
  if (!Number.isSafeInteger(r.partNumber) || r.partNumber < 1) throw new Error(`${where}: invalid part number`);
  checkCount(r.size, `${where}: size`);
  checkTime(r.lastModified, `${where}: lastModified`);
  assertDataId(r.dataId);
}

// ---- buckets ----

export function bucketFromRow(row: SqlRow): BucketRecord {
  return {
    name: row.name as string,
    region: row.region as string,
    created: row.created as number,
    acl: row.acl as CannedAcl,
    encryption: row.encryption === null ? null : (JSON.parse(row.encryption as string) as BucketEncryption),
  };
}

export function checkBucket(r: BucketRecord): void {
  assertStorableKey(r.name, 'bucket name');
  checkTime(r.created, `bucket ${r.name}: created`);
  checkAcl(r.acl, `bucket ${r.name}`);
}

// ---- shared ----

function checkCommon(r: { acl: CannedAcl; sseKid: number | null }, where: string): void {
  checkAcl(r.acl, where);
  if (r.sseKid !== null && !Number.isSafeInteger(r.sseKid)) throw new Error(`${where}: sseKid must be an integer`);
}

export function checkAcl(acl: string, where: string): void {
  if (!ACLS.has(acl)) throw new Error(`${where}: unknown ACL ${JSON.stringify(acl)}`);
}

function checkCount(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${what} must be a non-negative integer, got ${n}`);
}

function checkTime(n: number, what: string): void {
  if (!Number.isFinite(n)) throw new Error(`${what} must be a number of milliseconds, got ${n}`);
}
