// Encrypt in place: give an existing object a new server-side encryption without moving its bytes through this
// machine (cos-protocol.md §4, §7). HEAD the object, then copy it onto itself with `Replaced` metadata and the new
// SSE headers, re-sending every piece of metadata the HEAD showed so nothing is lost, and guarded with
// `x-cos-copy-source-If-Match` so a writer that got in between is never overwritten. Objects above the
// single-copy limit go through multipart (Initiate with SSE + metadata, Upload Part - Copy ranges with If-Match,
// Complete). The object's ACL is read first and re-applied by the same request (encrypt-in-place-acl.ts). A final
// HEAD proves the new encryption and that size and CRC64 are unchanged.
import { createHash } from 'node:crypto';
import { CosServiceError, type CosClient, type ObjectGrants, type ObjectInfo, type SseInfo, type SseRequest } from '../cos/client';
import { aclToCarry, type CarriedAcl } from './encrypt-in-place-acl';
import { appliedEncryption, type AppliedEncryption } from './upload/upload-encryption';
import { EncryptInPlaceError, ObjectChangedError } from './encrypt-in-place-errors';
import { boundedAll } from './upload/semaphore';

export { EncryptInPlaceError, ObjectChangedError, type EncryptInPlaceErrorCode } from './encrypt-in-place-errors';

const GiB = 1024 * 1024 * 1024;
const MiB = 1024 * 1024;

export interface EncryptInPlaceOptions {
  bucket: string;
  key: string;
  /** The encryption the object should end up with. */
  encryption: SseRequest;
  /** The object's current SSE-C key, when it is SSE-C encrypted now. */
  sourceSseCustomerKey?: Buffer;
  /** Objects larger than this are copied with multipart (default 5 GiB, the single-copy limit). */
  multipartThreshold?: number;
  /** Part size of the multipart path (default 512 MiB; at least 1 MiB except for the last part). */
  partSize?: number;
  /** Upload Part - Copy requests at once (default 4). */
  partConcurrency?: number;
  region?: string;
  signal?: AbortSignal;
  /** Called after the first HEAD, before any write; tests use it to stage a concurrent writer. */
  afterHead?: (before: ObjectInfo) => void | Promise<void>;
}

export interface EncryptInPlaceResult {
  bucket: string;
  key: string;
  method: 'copy' | 'multipart';
  before: { etag: string; size: number; crc64?: bigint; encryption: SseInfo };
  after: { etag: string; size: number; crc64?: bigint; encryption: SseInfo };
  /** True when both HEADs carried a CRC64 and they agree (a missing CRC64 after a present one fails instead). */
  crc64Verified: boolean;
  /**
   * The encryption the server reports it applied: the copy's (or Complete's) echo, or the verifying HEAD's when the
   * answer carried none; checked against the encryption asked for before this result exists.
   */
  appliedEncryption: AppliedEncryption;
  /**
   * The object's ACL: re-applied with the copy (`canned` "default" when it had only its owner's grant), or not,
   * when it could not be read (no permission to read ACLs): the copy then has the bucket's default ACL.
   */
  acl: { kept: true; canned: 'default' | 'public-read' | 'public-read-write'; grants: number } | { kept: false; reason: string };
}

/** The metadata a `Replaced` copy must re-send to keep it (§7.1); the rest of the HEAD is not metadata. */
export function metadataOf(info: ObjectInfo) {
  const h = info.headers;
  return {
    contentType: info.contentType,
    cacheControl: h['cache-control'] || undefined,
    contentDisposition: h['content-disposition'] || undefined,
    contentEncoding: h['content-encoding'] || undefined,
    expires: h.expires || undefined,
    metadata: info.metadata,
    storageClass: info.storageClass,
  };
}

function matches(target: SseRequest, got: SseInfo): boolean {
  switch (target.mode) {
    case 'SSE-COS':
      return got.mode === 'SSE-COS';
    case 'SSE-KMS':
      return got.mode === 'SSE-KMS' && (!target.keyId || got.keyId === target.keyId);
    case 'SSE-C':
      return got.mode === 'SSE-C' && got.keyMd5 === createHash('md5').update(target.key).digest('base64');
    default: {
      const never: never = target;
      throw new TypeError(`unknown SSE mode ${JSON.stringify(never)}`);
    }
  }
}

function describeSse(s: SseInfo): string {
  if (s.mode === 'SSE-KMS') return `SSE-KMS (key ${s.keyId || 'default'})`;
  if (s.mode === 'none' && s.unrecognized) return `an encryption this client does not recognize ("${s.unrecognized}")`;
  return s.mode;
}

function isPreconditionFailed(e: unknown): boolean {
  return e instanceof CosServiceError && (e.status === 412 || e.code === 'PreconditionFailed');
}

export async function encryptInPlace(client: CosClient, opts: EncryptInPlaceOptions): Promise<EncryptInPlaceResult> {
  const { bucket, key, signal, region } = opts;
  const threshold = opts.multipartThreshold ?? 5 * GiB;
  let before: ObjectInfo;
  try {
    before = await client.headObject(bucket, key, { sseCustomerKey: opts.sourceSseCustomerKey, signal, region });
  } catch (e) {
    // A HEAD of an SSE-C object without its key is a bodiless 400 (§4.5).
    if (!opts.sourceSseCustomerKey && e instanceof CosServiceError && e.status === 400) {
      throw new EncryptInPlaceError('SourceKeyRequired', `${bucket}/${key} is encrypted with a customer key (SSE-C); give that key to re-encrypt it.`, bucket, key, { cause: e });
    }
    throw e;
  }
  if (!before.etag) throw new EncryptInPlaceError('VerificationFailed', `${bucket}/${key}: the server sent no ETag, so the copy could not be guarded; nothing was changed.`, bucket, key);
  const carried = await currentAcl(client, opts);
  await opts.afterHead?.(before);

  const source = { bucket, key, region, ifMatch: before.etag, sseCustomerKey: opts.sourceSseCustomerKey };
  const meta = { ...metadataOf(before), acl: carried.acl?.acl, grants: carried.acl?.grants };
  const method = before.size > threshold ? 'multipart' : 'copy';
  let echo: SseInfo;
  try {
    if (method === 'copy') {
      echo = (await client.copyObject(source, bucket, key, { ...meta, metadataDirective: 'Replaced', sse: opts.encryption, signal, region })).encryption;
    } else {
      echo = await multipartCopy(client, opts, before, source, meta);
    }
  } catch (e) {
    if (isPreconditionFailed(e)) throw new ObjectChangedError(bucket, key, before.etag, e);
    throw e;
  }

  const targetKey = opts.encryption.mode === 'SSE-C' ? opts.encryption.key : undefined;
  const after = await client.headObject(bucket, key, { sseCustomerKey: targetKey, signal, region });
  const problems: string[] = [];
  if (!matches(opts.encryption, after.encryption)) problems.push(`it reports ${describeSse(after.encryption)} instead of ${opts.encryption.mode}`);
  if (after.size !== before.size) problems.push(`its size changed from ${before.size} to ${after.size} bytes`);
  if (before.crc64 !== undefined && after.crc64 !== before.crc64) problems.push(`its CRC64 changed from ${before.crc64} to ${after.crc64 ?? 'none'}`);
  if (problems.length > 0) {
    throw new EncryptInPlaceError('VerificationFailed', `${bucket}/${key} was copied but the result could not be verified: ${problems.join('; ')}.`, bucket, key);
  }
  const pick = (i: ObjectInfo) => ({ etag: i.etag, size: i.size, crc64: i.crc64, encryption: i.encryption });
  const acl: EncryptInPlaceResult['acl'] = carried.acl
    ? { kept: true, canned: carried.acl.acl ?? 'default', grants: carried.acl.grantCount }
    : { kept: false, reason: carried.reason };
  // An answer without the echo (a server that echoes only on HEAD) is described by the HEAD that verified the result.
  const applied = appliedEncryption(opts.encryption, echo.mode === 'none' && !echo.unrecognized ? after.encryption : echo);
  return { bucket, key, method, before: pick(before), after: pick(after), crc64Verified: before.crc64 !== undefined, acl, appliedEncryption: applied };
}

/** The ACL to carry, or why it cannot be: a caller allowed to rewrite the object may lack READ_ACP (403). */
async function currentAcl(client: CosClient, opts: EncryptInPlaceOptions): Promise<{ acl: CarriedAcl; reason?: never } | { acl?: never; reason: string }> {
  try {
    return { acl: aclToCarry(await client.getObjectAcl(opts.bucket, opts.key, { signal: opts.signal, region: opts.region })) };
  } catch (e) {
    if (e instanceof CosServiceError && e.status === 403) return { reason: `its ACL could not be read (${e.code}), so the copy has the bucket's default ACL` };
    throw e;
  }
}

async function multipartCopy(
  client: CosClient,
  opts: EncryptInPlaceOptions,
  before: ObjectInfo,
  source: Parameters<CosClient['copyObject']>[0],
  meta: ReturnType<typeof metadataOf> & { acl?: string; grants?: ObjectGrants },
): Promise<SseInfo> {
  const { bucket, key, signal, region } = opts;
  const partSize = Math.max(MiB, opts.partSize ?? 512 * MiB);
  const destKey = opts.encryption.mode === 'SSE-C' ? opts.encryption.key : undefined;
  const init = await client.initiateMultipartUpload(bucket, key, { ...meta, sse: opts.encryption, signal, region });
  try {
    const ranges: Array<{ partNumber: number; start: number; end: number }> = [];
    for (let start = 0, n = 1; start < before.size; start += partSize, n++) ranges.push({ partNumber: n, start, end: Math.min(start + partSize, before.size) - 1 });
    const parts = await boundedAll(ranges, Math.max(1, opts.partConcurrency ?? 4), (r) =>
      client.uploadPartCopy(source, bucket, key, init.uploadId, r.partNumber, { range: r, sseCustomerKey: destKey, signal, region }),
    );
    // Parts were pinned by If-Match, but Complete is not: a last HEAD narrows the window in which a writer
    // that came after the parts could be overwritten (COS has no condition on Complete).
    const now = await client.headObject(bucket, key, { sseCustomerKey: opts.sourceSseCustomerKey, signal, region });
    if (now.etag !== before.etag) throw new ObjectChangedError(bucket, key, before.etag);
    const done = await client.completeMultipartUpload(
      bucket,
      key,
      init.uploadId,
      ranges.map((r, i) => ({ partNumber: r.partNumber, etag: parts[i]!.etag })),
      { signal, region },
    );
    return done.encryption;
  } catch (e) {
    const err = isPreconditionFailed(e) ? new ObjectChangedError(bucket, key, before.etag, e) : e;
    try {
      await client.abortMultipartUpload(bucket, key, init.uploadId, { region });
    } catch (abortError) {
      // The original failure is what the user needs; the leftover upload is named so it can be cleaned up.
      if (err instanceof Error) err.message += ` (the unfinished multipart upload ${init.uploadId} could not be aborted: ${(abortError as Error).message})`;
    }
    throw err;
  }
}
