// PUT Object - Copy and Upload Part - Copy (cos-protocol.md §7). Both can fail inside a 200, which the executor
// detects; both are idempotent (same source, same destination), so transient failures are retried like the
// Node SDK does. Encryption never carries over from the source: the destination gets only what is asked here.
import { copySourceSseCustomerHeaders, sseRequestHeaders, sseSecrets, type SseInfo, type SseRequest } from '../sse-headers';
import { node, parseXml, str } from '../xml-codec';
import {
  aclHeaders,
  bucketHost,
  crc64Of,
  meta,
  metadataHeaders,
  sseOf,
  type CallOptions,
  type ObjectMetadataInput,
  type OpContext,
  type ResponseMeta,
} from './op-context';

export interface CopySource {
  bucket: string;
  key: string;
  /** Defaults to the client's region. */
  region?: string;
  versionId?: string;
  /** The source object's SSE-C key, when it has one. */
  sseCustomerKey?: Buffer;
  /** Conditions on the source; a miss is 412 PreconditionFailed. */
  ifMatch?: string;
  ifNoneMatch?: string;
  ifModifiedSince?: Date;
  ifUnmodifiedSince?: Date;
}

function sourceHeaders(ctx: OpContext, src: CopySource): Record<string, string | undefined> {
  return {
    'x-cos-copy-source': ctx.endpoints.copySource(src.bucket, src.region ?? ctx.region, src.key, src.versionId),
    'x-cos-copy-source-if-match': src.ifMatch,
    'x-cos-copy-source-if-none-match': src.ifNoneMatch,
    'x-cos-copy-source-if-modified-since': src.ifModifiedSince?.toUTCString(),
    'x-cos-copy-source-if-unmodified-since': src.ifUnmodifiedSince?.toUTCString(),
    ...copySourceSseCustomerHeaders(src.sseCustomerKey),
  };
}

export interface CopyObjectInput extends CallOptions, ObjectMetadataInput {
  /** `Copy` keeps the source's metadata; `Replaced` uses this request's (required when copying onto itself). */
  metadataDirective?: 'Copy' | 'Replaced';
  /** Destination encryption. */
  sse?: SseRequest;
}

export interface CopyObjectResult extends ResponseMeta {
  etag: string;
  lastModified?: string;
  crc64?: bigint;
  encryption: SseInfo;
  versionId?: string;
}

export async function copyObject(ctx: OpContext, source: CopySource, bucket: string, key: string, input: CopyObjectInput = {}): Promise<CopyObjectResult> {
  const dest = sseRequestHeaders(input.sse);
  const src = copySourceSseCustomerHeaders(source.sseCustomerKey);
  const res = await ctx.exec.send({
    method: 'PUT',
    host: bucketHost(ctx, bucket, input),
    key,
    headers: {
      ...(input.metadataDirective === 'Replaced' ? metadataHeaders(input) : { 'x-cos-storage-class': input.storageClass, ...aclHeaders(input) }),
      'x-cos-metadata-directive': input.metadataDirective,
      ...sourceHeaders(ctx, source),
      ...dest,
    },
    context: { bucket, key },
    idempotent: true,
    errorIn200: true,
    secrets: [...sseSecrets(dest), ...sseSecrets(src)],
    signal: input.signal,
  });
  return { ...(await copyResult(res, 'CopyObjectResult')), encryption: sseOf(res.headers), versionId: res.headers['x-cos-version-id'] };
}

export interface UploadPartCopyInput extends CallOptions {
  /** Inclusive byte range of the source; the whole source when omitted. */
  range?: { start: number; end: number };
  /** The upload's SSE-C key, when it was initiated with SSE-C. */
  sseCustomerKey?: Buffer;
}

export interface UploadPartCopyResult extends ResponseMeta {
  etag: string;
  lastModified?: string;
  crc64?: bigint;
}

export async function uploadPartCopy(
  ctx: OpContext,
  source: CopySource,
  bucket: string,
  key: string,
  uploadId: string,
  partNumber: number,
  input: UploadPartCopyInput = {},
): Promise<UploadPartCopyResult> {
  const src = copySourceSseCustomerHeaders(source.sseCustomerKey);
  const destC = input.sseCustomerKey ? sseRequestHeaders({ mode: 'SSE-C', key: input.sseCustomerKey }) : {};
  const res = await ctx.exec.send({
    method: 'PUT',
    host: bucketHost(ctx, bucket, input),
    key,
    query: { partNumber: String(partNumber), uploadId },
    headers: {
      ...sourceHeaders(ctx, source),
      'x-cos-copy-source-range': input.range ? `bytes=${input.range.start}-${input.range.end}` : undefined,
      ...destC,
    },
    context: { bucket, key, uploadId },
    idempotent: true,
    errorIn200: true,
    secrets: [...sseSecrets(src), ...sseSecrets(destC)],
    signal: input.signal,
  });
  return copyResult(res, 'CopyPartResult');
}

/** The body both copy APIs answer with; the CRC64 header wins over the body's <CRC64>. */
async function copyResult(res: Parameters<typeof meta>[0] & { text?: string }, root: 'CopyObjectResult' | 'CopyPartResult') {
  const doc = node((await parseXml(res.text ?? ''))[root]);
  const bodyCrc = str(doc.CRC64);
  return {
    ...meta(res),
    etag: str(doc.ETag) ?? '',
    lastModified: str(doc.LastModified),
    crc64: crc64Of(res.headers) ?? (bodyCrc && /^\d+$/.test(bodyCrc) ? BigInt(bodyCrc) : undefined),
  };
}
