// Single-object operations: HEAD, GET (streamed, resumed after a broken connection), PUT, DELETE and the batch
// delete (cos-protocol.md §6). Uploads verify the server's CRC64 against the bytes sent when it can be known.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { Crc64, crc64 } from '../../crc64';
import { CosIntegrityError, CosNetworkError } from '../errors';
import { transportError } from '../http-transport';
import { toBodySource, type BodyInput, type BodySource } from '../request-body';
import { backoffDelay, sleep } from '../retry';
import { sseCustomerHeaders, sseRequestHeaders, sseSecrets, type SseInfo, type SseRequest } from '../sse-headers';
import { xmlRequest, list, node, parseXml, str } from '../xml-codec';
import {
  bucketHost,
  crc64Of,
  etagOf,
  meta,
  metadataHeaders,
  sseOf,
  userMetadata,
  type CallOptions,
  type ObjectMetadataInput,
  type OpContext,
  type ResponseMeta,
} from './op-context';

export interface ObjectInfo extends ResponseMeta {
  size: number;
  etag: string;
  lastModified?: Date;
  contentType?: string;
  metadata: Record<string, string>;
  crc64?: bigint;
  encryption: SseInfo;
  storageClass?: string;
  versionId?: string;
}

function objectInfo(res: { requestId?: string; headers: Record<string, string> }): ObjectInfo {
  const h = res.headers;
  const lm = h['last-modified'];
  return {
    ...meta(res),
    size: Number(h['content-length'] ?? 0),
    etag: etagOf(h),
    lastModified: lm ? new Date(lm) : undefined,
    contentType: h['content-type'],
    metadata: userMetadata(h),
    crc64: crc64Of(h),
    encryption: sseOf(h),
    storageClass: h['x-cos-storage-class'],
    versionId: h['x-cos-version-id'],
  };
}

export interface ReadConditions {
  ifMatch?: string;
  ifNoneMatch?: string;
  ifModifiedSince?: Date;
  ifUnmodifiedSince?: Date;
}

function conditionHeaders(c: ReadConditions): Record<string, string | undefined> {
  return {
    'if-match': c.ifMatch,
    'if-none-match': c.ifNoneMatch,
    'if-modified-since': c.ifModifiedSince?.toUTCString(),
    'if-unmodified-since': c.ifUnmodifiedSince?.toUTCString(),
  };
}

export interface HeadObjectInput extends CallOptions, ReadConditions {
  /** Required to HEAD an SSE-C object. */
  sseCustomerKey?: Buffer;
}

export async function headObject(ctx: OpContext, bucket: string, key: string, input: HeadObjectInput = {}): Promise<ObjectInfo> {
  const sseC = sseCustomerHeaders(input.sseCustomerKey);
  const res = await ctx.exec.send({
    method: 'HEAD',
    host: bucketHost(ctx, bucket, input),
    key,
    headers: { ...conditionHeaders(input), ...sseC },
    context: { bucket, key },
    idempotent: true,
    readBody: true,
    secrets: sseSecrets(sseC),
    signal: input.signal,
  });
  return objectInfo(res);
}

export interface GetObjectInput extends HeadObjectInput {
  /** Inclusive byte range; `end` omitted means to the end of the object. */
  range?: { start: number; end?: number };
  /** Verify the CRC64 of a whole-object download against `x-cos-hash-crc64ecma` (default true). */
  verifyCrc64?: boolean;
}

export interface GetObjectResult extends ObjectInfo {
  /** The object's bytes; a connection lost mid-way is resumed from where it broke, guarded by If-Match. */
  body: Readable;
  status: number;
  contentRange?: string;
}

export async function getObject(ctx: OpContext, bucket: string, key: string, input: GetObjectInput = {}): Promise<GetObjectResult> {
  const sseC = sseCustomerHeaders(input.sseCustomerKey);
  const host = bucketHost(ctx, bucket, input);
  const base = { ...conditionHeaders(input), ...sseC };
  const range = input.range ? `bytes=${input.range.start}-${input.range.end ?? ''}` : undefined;
  const context = { bucket, key };
  const first = await ctx.exec.send({
    method: 'GET',
    host,
    key,
    headers: { ...base, range },
    context,
    idempotent: true,
    secrets: sseSecrets(sseC),
    signal: input.signal,
  });
  const info = objectInfo(first);
  const firstByte = input.range?.start ?? 0;
  const lastByte = input.range?.end;
  const expectedCrc = !input.range && input.verifyCrc64 !== false ? info.crc64 : undefined;
  const policy = ctx.exec.retryPolicy;

  async function* resumingBody(): AsyncGenerator<Buffer> {
    let current = first.body!;
    let received = 0;
    let resumes = 0;
    const crc = expectedCrc !== undefined ? new Crc64() : undefined;
    for (;;) {
      try {
        for await (const chunk of current) {
          received += (chunk as Buffer).length;
          crc?.update(chunk as Buffer);
          yield chunk as Buffer;
        }
        break;
      } catch (err) {
        const mapped = transportError(err, input.signal, { ...context, method: 'GET' });
        if (!(mapped instanceof CosNetworkError) || resumes + 1 >= policy.attempts) throw mapped;
        resumes++;
        await sleep(backoffDelay(policy, resumes - 1), input.signal);
        // If-Match pins the resumed bytes to the same object version as the bytes already delivered.
        const next = await ctx.exec.send({
          method: 'GET',
          host,
          key,
          headers: { ...base, range: `bytes=${firstByte + received}-${lastByte ?? ''}`, 'if-match': info.etag || input.ifMatch },
          context,
          idempotent: true,
          secrets: sseSecrets(sseC),
          signal: input.signal,
        });
        current = next.body!;
      }
    }
    if (crc && expectedCrc !== undefined && crc.digest() !== expectedCrc) {
      throw new CosIntegrityError(`downloaded bytes of ${bucket}/${key} do not match the object's CRC64`, bucket, key);
    }
  }

  return {
    ...info,
    body: Readable.from(resumingBody(), { objectMode: false }),
    status: first.status,
    contentRange: first.headers['content-range'],
  };
}

/** A whole (or ranged) object in memory; convenient for small objects and tests. */
export async function getObjectBuffer(ctx: OpContext, bucket: string, key: string, input: GetObjectInput = {}): Promise<Buffer> {
  const res = await getObject(ctx, bucket, key, input);
  const chunks: Buffer[] = [];
  for await (const c of res.body) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export interface PutObjectInput extends CallOptions, ObjectMetadataInput {
  /** Base64 MD5 of the body, or `true` to compute it (Buffer and file bodies). */
  contentMd5?: string | true;
  sse?: SseRequest;
  forbidOverwrite?: boolean;
  /** CRC64 of a Buffer body when the caller already computed it (the engine does), so it is not computed again. */
  bodyCrc64?: bigint;
}

export interface PutObjectResult extends ResponseMeta {
  etag: string;
  crc64?: bigint;
  encryption: SseInfo;
  versionId?: string;
}

async function md5Base64(src: BodySource): Promise<string> {
  const h = createHash('md5');
  if (src.kind === 'buffer') return h.update(src.data).digest('base64');
  if (src.kind === 'file') {
    if (src.end >= src.start) for await (const c of createReadStream(src.path, { start: src.start, end: src.end })) h.update(c as Buffer);
    return h.digest('base64');
  }
  throw new TypeError('contentMd5: true needs a Buffer or file body; pass the MD5 of a stream explicitly');
}

/** PUT Object. `body`: a Buffer/string, `{ path, start?, end?, size }` for a file (range), or `{ stream, length? }`. */
export async function putObject(ctx: OpContext, bucket: string, key: string, body: BodyInput, input: PutObjectInput = {}): Promise<PutObjectResult> {
  let src = toBodySource(body);
  const sse = sseRequestHeaders(input.sse);
  const contentMd5 = input.contentMd5 === true ? await md5Base64(src) : input.contentMd5;
  // A one-shot stream is hashed as it flows so its CRC64 can still be checked against the server's.
  let streamCrc: Crc64 | undefined;
  if (src.kind === 'stream') {
    const crc = (streamCrc = new Crc64());
    const tap = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        crc.update(chunk);
        cb(null, chunk);
      },
    });
    src.stream.on('error', (e) => tap.destroy(e));
    src = { kind: 'stream', stream: src.stream.pipe(tap), length: src.length };
  }
  const res = await ctx.exec.send({
    method: 'PUT',
    host: bucketHost(ctx, bucket, input),
    key,
    headers: {
      ...metadataHeaders(input),
      'content-md5': contentMd5,
      'x-cos-forbid-overwrite': input.forbidOverwrite ? 'true' : undefined,
      ...sse,
    },
    body: src,
    context: { bucket, key },
    idempotent: true,
    readBody: true,
    secrets: sseSecrets(sse),
    signal: input.signal,
  });
  const serverCrc = crc64Of(res.headers);
  const localCrc = src.kind === 'buffer' ? (input.bodyCrc64 ?? crc64(src.data)) : streamCrc?.digest();
  if (serverCrc !== undefined && localCrc !== undefined && serverCrc !== localCrc) {
    throw new CosIntegrityError(`the stored CRC64 of ${bucket}/${key} differs from the bytes sent`, bucket, key);
  }
  return { ...meta(res), etag: etagOf(res.headers), crc64: serverCrc, encryption: sseOf(res.headers), versionId: res.headers['x-cos-version-id'] };
}

export async function deleteObject(ctx: OpContext, bucket: string, key: string, opts: CallOptions & { versionId?: string } = {}): Promise<ResponseMeta> {
  const res = await ctx.exec.send({
    method: 'DELETE',
    host: bucketHost(ctx, bucket, opts),
    key,
    query: opts.versionId ? { versionId: opts.versionId } : undefined,
    context: { bucket, key },
    idempotent: true,
    readBody: true,
    signal: opts.signal,
  });
  return meta(res);
}

export interface DeleteObjectsResult extends ResponseMeta {
  deleted: string[];
  errors: Array<{ key: string; code: string; message: string }>;
}

/** DELETE Multiple Objects: up to 1000 keys per request; per-key failures come back in `errors`. */
export async function deleteObjects(ctx: OpContext, bucket: string, keys: string[], opts: CallOptions & { quiet?: boolean } = {}): Promise<DeleteObjectsResult> {
  if (keys.length === 0) return { deleted: [], errors: [], headers: {} };
  if (keys.length > 1000) throw new RangeError(`deleteObjects takes at most 1000 keys, got ${keys.length}`);
  const xml = await xmlRequest({ Delete: { Quiet: opts.quiet ? 'true' : 'false', Object: keys.map((k) => ({ Key: k })) } });
  const res = await ctx.exec.send({
    method: 'POST',
    host: bucketHost(ctx, bucket, opts),
    query: { delete: undefined },
    headers: xml.headers,
    body: xml.body,
    context: { bucket },
    // Deleting an absent key succeeds, so sending the batch twice has the same effect as once.
    idempotent: true,
    readBody: true,
    signal: opts.signal,
  });
  const doc = node((await parseXml(res.text ?? '')).DeleteResult);
  return {
    ...meta(res),
    deleted: list(doc.Deleted).map((d) => str(d.Key) ?? ''),
    errors: list(doc.Error).map((e) => ({ key: str(e.Key) ?? '', code: str(e.Code) ?? '', message: str(e.Message) ?? '' })),
  };
}

