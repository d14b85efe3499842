// Listings: GET Bucket (objects), List Parts and List Multipart Uploads (cos-protocol.md §9.6, §9.7, §10.1).
// Every listing asks for encoding-type=url, so keys with spaces, control characters or XML-hostile bytes come
// back intact, and decodes them here; callers only ever see real keys.
import { bool, list, num, str, urlDecoded, type XmlNode } from '../xml-codec';
import { getBucketXml, meta, type CallOptions, type OpContext, type ResponseMeta } from './op-context';

export interface ListObjectsInput extends CallOptions {
  prefix?: string;
  delimiter?: string;
  /** Exclusive start key. */
  marker?: string;
  /** 1–1000 (server default 1000). */
  maxKeys?: number;
}

export interface ObjectSummary {
  key: string;
  lastModified: string;
  etag: string;
  size: number;
  storageClass?: string;
}

export interface ListObjectsResult extends ResponseMeta {
  contents: ObjectSummary[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** Where the next page starts; COS sends NextMarker only with a delimiter, so it falls back to the last key. */
  nextMarker?: string;
}

const decoded = (v: unknown) => urlDecoded(str(v)) ?? '';

export async function listObjects(ctx: OpContext, bucket: string, input: ListObjectsInput = {}): Promise<ListObjectsResult> {
  const query: Record<string, string | undefined> = { prefix: input.prefix ?? '', 'encoding-type': 'url' };
  if (input.delimiter !== undefined) query.delimiter = input.delimiter;
  if (input.marker !== undefined) query.marker = input.marker;
  if (input.maxKeys !== undefined) query['max-keys'] = String(input.maxKeys);
  const { res, doc } = await getBucketXml(ctx, { bucket, query }, input, 'ListBucketResult');
  const contents = list(doc.Contents).map((c) => ({
    key: decoded(c.Key),
    lastModified: str(c.LastModified) ?? '',
    etag: str(c.ETag) ?? '',
    size: num(c.Size),
    storageClass: str(c.StorageClass),
  }));
  const commonPrefixes = list(doc.CommonPrefixes).map((p) => decoded(p.Prefix));
  const isTruncated = bool(doc.IsTruncated);
  let nextMarker = doc.NextMarker !== undefined && str(doc.NextMarker) !== '' ? decoded(doc.NextMarker) : undefined;
  if (isTruncated && nextMarker === undefined) {
    // Without NextMarker the next page starts after the greatest name on this page (key or common prefix).
    const names = [...contents.map((c) => c.key), ...commonPrefixes].sort();
    nextMarker = names[names.length - 1];
  }
  return { ...meta(res), contents, commonPrefixes, isTruncated, nextMarker };
}

/** Every page of a listing, fetched as the caller iterates (nothing is read ahead). */
export async function* listObjectPages(ctx: OpContext, bucket: string, input: ListObjectsInput = {}): AsyncGenerator<ListObjectsResult> {
  let marker = input.marker;
  for (;;) {
    const page = await listObjects(ctx, bucket, { ...input, marker });
    yield page;
    if (!page.isTruncated || page.nextMarker === undefined || page.nextMarker === marker) return;
    marker = page.nextMarker;
  }
}

export interface PartSummary {
  partNumber: number;
  etag: string;
  size: number;
  lastModified: string;
}

export interface ListPartsInput extends CallOptions {
  maxParts?: number;
  partNumberMarker?: number;
}

export interface ListPartsResult extends ResponseMeta {
  parts: PartSummary[];
  isTruncated: boolean;
  nextPartNumberMarker?: number;
  storageClass?: string;
}

export async function listParts(ctx: OpContext, bucket: string, key: string, uploadId: string, input: ListPartsInput = {}): Promise<ListPartsResult> {
  const query: Record<string, string | undefined> = { uploadId, 'encoding-type': 'url' };
  if (input.maxParts !== undefined) query['max-parts'] = String(input.maxParts);
  if (input.partNumberMarker !== undefined) query['part-number-marker'] = String(input.partNumberMarker);
  const { res, doc } = await getBucketXml(ctx, { bucket, key, uploadId, query }, input, 'ListPartsResult');
  const next = str(doc.NextPartNumberMarker);
  return {
    ...meta(res),
    parts: list(doc.Part).map((p: XmlNode) => ({
      partNumber: num(p.PartNumber),
      etag: str(p.ETag) ?? '',
      size: num(p.Size),
      lastModified: str(p.LastModified) ?? '',
    })),
    isTruncated: bool(doc.IsTruncated),
    nextPartNumberMarker: next ? Number(next) : undefined,
    storageClass: str(doc.StorageClass),
  };
}

export interface ListUploadsInput extends CallOptions {
  prefix?: string;
  delimiter?: string;
  keyMarker?: string;
  uploadIdMarker?: string;
  maxUploads?: number;
}

export interface UploadSummary {
  key: string;
  uploadId: string;
  initiated: string;
  storageClass?: string;
}

export interface ListUploadsResult extends ResponseMeta {
  uploads: UploadSummary[];
  commonPrefixes: string[];
  isTruncated: boolean;
  nextKeyMarker?: string;
  nextUploadIdMarker?: string;
}

export async function listMultipartUploads(ctx: OpContext, bucket: string, input: ListUploadsInput = {}): Promise<ListUploadsResult> {
  const query: Record<string, string | undefined> = { uploads: undefined, 'encoding-type': 'url' };
  if (input.prefix !== undefined) query.prefix = input.prefix;
  if (input.delimiter !== undefined) query.delimiter = input.delimiter;
  if (input.keyMarker !== undefined) query['key-marker'] = input.keyMarker;
  if (input.uploadIdMarker !== undefined) query['upload-id-marker'] = input.uploadIdMarker;
  if (input.maxUploads !== undefined) query['max-uploads'] = String(input.maxUploads);
  const { res, doc } = await getBucketXml(ctx, { bucket, query }, input, 'ListMultipartUploadsResult');
  const nk = str(doc.NextKeyMarker);
  const nu = str(doc.NextUploadIdMarker);
  return {
    ...meta(res),
    uploads: list(doc.Upload).map((u) => ({
      key: decoded(u.Key),
      uploadId: str(u.UploadId) ?? '',
      initiated: str(u.Initiated) ?? '',
      storageClass: str(u.StorageClass),
    })),
    commonPrefixes: list(doc.CommonPrefixes).map((p) => decoded(p.Prefix)),
    isTruncated: bool(doc.IsTruncated),
    nextKeyMarker: nk ? decoded(nk) : undefined,
    nextUploadIdMarker: nu || undefined,
  };
}
