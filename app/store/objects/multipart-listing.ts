// List Parts and List Multipart Uploads: query parameters and response bodies in COS's exact shape
// (cos-protocol §9.6/§9.7). Note the element spellings: `Encoding-type` in ListPartsResult but `Encoding-Type`
// in ListMultipartUploadsResult; booleans are the lowercase strings the Node SDK compares against.
import { LIMITS } from '../config';
import { CosError } from '../http/cos-error';
import { isoDate } from '../http/xml';
import type { ListPartsResult, ListUploadsResult, UploadRecord } from '../meta/metadata-db';
import { quoteEtag } from '../handlers/context';
import { encodeIf, ownerOf } from '../http/list-format';

export interface ListQuery {
  url: boolean;
  maxParts: number;
  partNumberMarker: number;
  prefix: string;
  delimiter: string;
  keyMarker: string;
  uploadIdMarker: string;
  maxUploads: number;
}

function count(q: Map<string, string>, name: string, fallback: number, max: number): number {
  const v = q.get(name);
  if (v === undefined || v === '') return fallback;
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw new CosError('InvalidArgument', `${name} must be a non-negative integer, got "${v}".`);
  return Math.min(Number(v), max);
}

/** The parameters of either listing (each reads the ones it needs). */
export function parseListQuery(q: Map<string, string>): ListQuery {
  const encodingType = q.get('encoding-type');
  if (encodingType !== undefined && encodingType !== '' && encodingType !== 'url') {
    throw new CosError('InvalidArgument', 'encoding-type must be "url".');
  }
  return {
    url: encodingType === 'url',
    maxParts: count(q, 'max-parts', 1000, 1000),
    partNumberMarker: count(q, 'part-number-marker', 0, Number.MAX_SAFE_INTEGER),
    prefix: q.get('prefix') ?? '',
    delimiter: q.get('delimiter') ?? '',
    keyMarker: q.get('key-marker') ?? '',
    uploadIdMarker: q.get('upload-id-marker') ?? '',
    maxUploads: count(q, 'max-uploads', LIMITS.maxKeysPerList, LIMITS.maxKeysPerList),
  };
}

/** Who initiated an upload. The store has one account (its APPID); COS prints a CAM principal here. */
function initiatorOf(appid: string) {
  return { ID: `qcs::cam::uin/${appid}:uin/${appid}`, DisplayName: appid };
}

export function listPartsBody(appid: string, upload: UploadRecord, q: ListQuery, page: ListPartsResult): Record<string, unknown> {
  return {
    Bucket: upload.bucket,
    'Encoding-type': q.url ? 'url' : '',
    Key: encodeIf(q.url, upload.key),
    UploadId: upload.uploadId,
    Owner: ownerOf(appid),
    PartNumberMarker: q.partNumberMarker,
    Initiator: initiatorOf(appid),
    Part: page.parts.map((p) => ({ PartNumber: p.partNumber, LastModified: isoDate(p.lastModified), ETag: quoteEtag(p.etag), Size: p.size })),
    StorageClass: upload.storageClass,
    NextPartNumberMarker: page.nextPartNumberMarker,
    MaxParts: q.maxParts,
    IsTruncated: page.isTruncated ? 'true' : 'false',
  };
}

export function listUploadsBody(appid: string, bucket: string, q: ListQuery, page: ListUploadsResult): Record<string, unknown> {
  const enc = (s: string) => encodeIf(q.url, s);
  const body: Record<string, unknown> = {
    Bucket: bucket,
    'Encoding-Type': q.url ? 'url' : '',
    KeyMarker: enc(q.keyMarker),
    UploadIdMarker: q.uploadIdMarker,
    NextKeyMarker: enc(page.nextKeyMarker),
    NextUploadIdMarker: page.nextUploadIdMarker,
    MaxUploads: q.maxUploads,
    IsTruncated: page.isTruncated ? 'true' : 'false',
    Prefix: enc(q.prefix),
  };
  if (q.delimiter !== '') body.Delimiter = enc(q.delimiter);
  body.Upload = page.uploads.map((u) => ({
    Key: enc(u.key),
    UploadId: u.uploadId,
    StorageClass: u.storageClass,
    Initiator: initiatorOf(appid),
    Owner: ownerOf(appid),
    Initiated: isoDate(u.initiated),
  }));
  body.CommonPrefixes = page.commonPrefixes.map((p) => ({ Prefix: enc(p) }));
  return body;
}
