// Multipart upload steps (cos-protocol.md §9): initiate, upload part, complete, abort. Planning part sizes and
// parallelism belongs to the engine; this module is one request per step. SSE-C uploads need the key on every
// part, so uploadPart takes it; Complete is not retried on transient failure because a lost answer to a
// Complete that succeeded would turn the retry into NoSuchUpload.
import { crc64 } from '../../crc64';
import { CosIntegrityError } from '../errors';
import { toBodySource, type BodyInput } from '../request-body';
import { sseCustomerHeaders, sseRequestHeaders, sseSecrets, type SseInfo, type SseRequest } from '../sse-headers';
import { xmlRequest, node, parseXml, str } from '../xml-codec';
import {
  bucketHost,
  crc64Of,
  etagOf,
  meta,
  metadataHeaders,
  sseOf,
  type CallOptions,
  type ObjectMetadataInput,
  type OpContext,
  type ResponseMeta,
} from './op-context';

export interface InitiateInput extends CallOptions, ObjectMetadataInput {
  sse?: SseRequest;
}

export interface InitiateResult extends ResponseMeta {
  uploadId: string;
  encryption: SseInfo;
}

export async function initiateMultipartUpload(ctx: OpContext, bucket: string, key: string, input: InitiateInput = {}): Promise<InitiateResult> {
  const sse = sseRequestHeaders(input.sse);
  const res = await ctx.exec.send({
    method: 'POST',
    host: bucketHost(ctx, bucket, input),
    key,
    query: { uploads: undefined },
    headers: { ...metadataHeaders(input), ...sse },
    context: { bucket, key },
    // A repeated initiate only leaves an unused upload behind, which abort/lifecycle cleans; losing the answer
    // to a transient failure would be worse.
    idempotent: true,
    readBody: true,
    secrets: sseSecrets(sse),
    signal: input.signal,
  });
  const doc = node((await parseXml(res.text ?? '')).InitiateMultipartUploadResult);
  return { ...meta(res), uploadId: str(doc.UploadId) ?? '', encryption: sseOf(res.headers) };
}

export interface UploadPartInput extends CallOptions {
  contentMd5?: string;
  /** Required on every part of an upload initiated with SSE-C (the same key). */
  sseCustomerKey?: Buffer;
}

export interface UploadPartResult extends ResponseMeta {
  etag: string;
  crc64?: bigint;
  encryption: SseInfo;
}

export async function uploadPart(
  ctx: OpContext,
  bucket: string,
  key: string,
  uploadId: string,
  partNumber: number,
  body: BodyInput,
  input: UploadPartInput = {},
): Promise<UploadPartResult> {
  const src = toBodySource(body);
  const sseC = sseCustomerHeaders(input.sseCustomerKey);
  const res = await ctx.exec.send({
    method: 'PUT',
    host: bucketHost(ctx, bucket, input),
    key,
    query: { partNumber: String(partNumber), uploadId },
    headers: { 'content-md5': input.contentMd5, ...sseC },
    body: src,
    context: { bucket, key, uploadId },
    idempotent: true,
    readBody: true,
    secrets: sseSecrets(sseC),
    signal: input.signal,
  });
  const serverCrc = crc64Of(res.headers);
  if (src.kind === 'buffer' && serverCrc !== undefined && serverCrc !== crc64(src.data)) {
    throw new CosIntegrityError(`part ${partNumber} of ${bucket}/${key}: stored CRC64 differs from the bytes sent`, bucket, key);
  }
  return { ...meta(res), etag: etagOf(res.headers), crc64: serverCrc, encryption: sseOf(res.headers) };
}

export interface CompletedPart {
  partNumber: number;
  etag: string;
}

export interface CompleteResult extends ResponseMeta {
  location: string;
  etag: string;
  /** CRC64 of the whole object (only when every part had one). */
  crc64?: bigint;
  encryption: SseInfo;
  versionId?: string;
}

export interface CompleteInput extends CallOptions {
  /**
   * The upload's SSE-C key. COS needs none on Complete; sending it lets a store bind the final size and part
   * table into the key wrap (the embedded store does), so it is worth sending when the caller has it.
   */
  sseCustomerKey?: Buffer;
}

export async function completeMultipartUpload(
  ctx: OpContext,
  bucket: string,
  key: string,
  uploadId: string,
  parts: CompletedPart[],
  opts: CompleteInput = {},
): Promise<CompleteResult> {
  const sseC = sseCustomerHeaders(opts.sseCustomerKey);
  const sorted = [...parts].sort((a, b) => a.partNumber - b.partNumber);
  const quote = (e: string) => (e.startsWith('"') ? e : `"${e}"`);
  const xml = await xmlRequest({ CompleteMultipartUpload: { Part: sorted.map((p) => ({ PartNumber: String(p.partNumber), ETag: quote(p.etag) })) } });
  const res = await ctx.exec.send({
    method: 'POST',
    host: bucketHost(ctx, bucket, opts),
    key,
    query: { uploadId },
    headers: { ...xml.headers, ...sseC },
    body: xml.body,
    context: { bucket, key, uploadId },
    idempotent: false,
    errorIn200: true,
    secrets: sseSecrets(sseC),
    signal: opts.signal,
  });
  const doc = node((await parseXml(res.text ?? '')).CompleteMultipartUploadResult);
  return {
    ...meta(res),
    location: str(doc.Location) ?? '',
    etag: str(doc.ETag) ?? '',
    crc64: crc64Of(res.headers),
    encryption: sseOf(res.headers),
    versionId: res.headers['x-cos-version-id'],
  };
}

export async function abortMultipartUpload(ctx: OpContext, bucket: string, key: string, uploadId: string, opts: CallOptions = {}): Promise<ResponseMeta> {
  const res = await ctx.exec.send({
    method: 'DELETE',
    host: bucketHost(ctx, bucket, opts),
    key,
    query: { uploadId },
    context: { bucket, key, uploadId },
    idempotent: true,
    readBody: true,
    signal: opts.signal,
  });
  return meta(res);
}
