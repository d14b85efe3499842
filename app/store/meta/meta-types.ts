// The records the metadata database stores and returns, and its error types. Plain data only: the object store
// and the SSE layer build these, and MetadataDb persists them as given.

export type CannedAcl = 'private' | 'public-read' | 'public-read-write' | 'default';

export interface BucketEncryption {
  algorithm: 'AES256' | 'KMS';
  kmsKeyId?: string;
}

export interface BucketRecord {
  name: string;
  region: string;
  /** ms since the epoch */
  created: number;
  acl: CannedAcl;
  encryption: BucketEncryption | null;
}

/** One data file of an object: the whole body of a single PUT (partNumber 0) or one multipart part. */
export interface DataPart {
  partNumber: number;
  /** plaintext bytes */
  size: number;
  /** DataFiles id (32 lowercase hex) */
  dataId: string;
  /** hex MD5 of the part plaintext */
  etag: string;
  crc64: string | null;
  partSalt?: string;
  /** The stored bytes are in meta.db (MetadataDb.getInline) instead of a data file: a small single-part object. */
  inline?: true;
}

export interface ObjectRecord {
  bucket: string;
  key: string;
  size: number;
  /** without quotes */
  etag: string;
  crc64: string | null;
  /** ms since the epoch */
  lastModified: number;
  contentType: string;
  /** cache-control, content-disposition, content-encoding, content-language, expires, x-cos-meta-* (lowercase) */
  headers: Record<string, string>;
  acl: CannedAcl;
  storageClass: string;
  /** in ascending partNumber order; their sizes add up to `size` */
  parts: DataPart[];
  /** opaque JSON owned by the SSE layer */
  sse: Record<string, unknown> | null;
  /** master-key version the object's key is wrapped with (indexed, for rotation counts) */
  sseKid: number | null;
}

/** What a listing page returns per key: the GET Bucket fields, read without the large JSON columns. */
export type ObjectSummary = Pick<ObjectRecord, 'bucket' | 'key' | 'size' | 'etag' | 'lastModified' | 'storageClass'>;

export interface UploadRecord {
  uploadId: string;
  bucket: string;
  key: string;
  initiated: number;
  contentType: string;
  headers: Record<string, string>;
  acl: CannedAcl;
  storageClass: string;
  sse: Record<string, unknown> | null;
  sseKid: number | null;
}

export interface PartRecord {
  uploadId: string;
  partNumber: number;
  size: number;
  etag: string;
  crc64: string | null;
  dataId: string;
  partSalt?: string;
  lastModified: number;
}

export interface ListObjectsQuery {
  bucket: string;
  prefix: string;
  marker: string;
  delimiter: string;
  maxKeys: number;
}

export interface ListObjectsResult {
  contents: ObjectSummary[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** the last key or common prefix returned when truncated, else '' */
  nextMarker: string;
}

export interface ListUploadsQuery {
  bucket: string;
  prefix: string;
  delimiter: string;
  keyMarker: string;
  uploadIdMarker: string;
  maxUploads: number;
}

export interface ListUploadsResult {
  uploads: UploadRecord[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** when truncated: the last upload's key (or the last common prefix), else '' */
  nextKeyMarker: string;
  /** when truncated and the page ends with an upload: its id, else '' */
  nextUploadIdMarker: string;
}

export interface ListPartsResult {
  parts: PartRecord[];
  isTruncated: boolean;
  /** the last part number returned (the marker given when none was) */
  nextPartNumberMarker: number;
}

/** The thing being created already exists (bucket, upload id), or a bucket to delete is not empty. */
export class MetaConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MetaConflictError';
  }
}

/** The bucket or upload a change refers to does not exist (maps to NoSuchBucket / NoSuchUpload). */
export class MetaNotFoundError extends Error {
  readonly what: 'bucket' | 'upload';
  constructor(what: 'bucket' | 'upload', message: string) {
    super(message);
    this.name = 'MetaNotFoundError';
    this.what = what;
  }
}
