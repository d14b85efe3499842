// Rename and move inside a bucket, as a file manager does it on object storage: a server-side copy to the new key
// that keeps what the object is (its encryption mode — SSE-COS, SSE-KMS with its key, SSE-C with its key from the
// vault —, Content-Type, metadata, storage class and ACL; the bytes never pass through this machine), verified by a
// HEAD (size, CRC64, encryption), and only then the old key deleted. COS carries no encryption over on a copy
// (cos-protocol.md §7), so the mode is asked for again explicitly. A taken destination is a conflict the caller
// chose an answer for beforehand: fail with a sentence ('ask'), replace, keep both ("name (2).ext"), or skip.
import type { ConflictChoice, MoveSpec } from '../../shared/contract/channels-details';
import { CosServiceError, type CosClient, type ObjectInfo, type SseInfo, type SseRequest } from '../cos/client';
import { metadataOf } from '../engine/encrypt-in-place';
import { aclToCarry } from '../engine/encrypt-in-place-acl';
import { boundedAll } from '../engine/upload/semaphore';
import { ServiceError } from './errors';
import { headObjectWithKeys, type SseCKeySource } from './object-details';

const GiB = 1024 * 1024 * 1024;
const MiB = 1024 * 1024;

export interface MoveOptions {
  bucket: string;
  from: string;
  to: string;
  region?: string;
  onConflict: ConflictChoice;
  keys: SseCKeySource;
  signal?: AbortSignal;
  /** Objects above this go through a multipart copy (default 5 GiB, COS's single-copy limit). */
  multipartThreshold?: number;
  /** Part size of the multipart copy (default 512 MiB). */
  partSize?: number;
}

export type MoveOutcome =
  | { outcome: 'moved'; key: string; size: number; etag: string; encryption: SseInfo; notices: string[] }
  | { outcome: 'skipped'; key: null; size: number; notices: string[] };

const TOP = 'the top of the bucket';
const nameOf = (key: string) => key.replace(/\/$/, '').split('/').pop() || key;
const folderOf = (key: string) => {
  const k = key.replace(/\/$/, '');
  const slash = k.lastIndexOf('/');
  return slash < 0 ? TOP : k.slice(0, slash + 1);
};

/** The encryption the copy must ask for so the object keeps its mode (undefined: none, or the bucket's default). */
function sameEncryption(info: ObjectInfo, sseCKey: Buffer | undefined, where: string): SseRequest | undefined {
  const e = info.encryption;
  switch (e.mode) {
    case 'SSE-COS':
      return { mode: 'SSE-COS' };
    case 'SSE-KMS':
      return e.keyId ? { mode: 'SSE-KMS', keyId: e.keyId } : { mode: 'SSE-KMS' };
    case 'SSE-C':
      return { mode: 'SSE-C', key: sseCKey! };
    case 'none':
      if (e.unrecognized) {
        throw new ServiceError('unavailable', 'UnrecognizedEncryption', `${where} is encrypted in a way Coffer does not recognize ("${e.unrecognized}"), so it was not moved: a copy could lose that encryption.`);
      }
      return undefined;
  }
}

function sameMode(asked: SseRequest | undefined, got: SseInfo): boolean {
  // Without SSE asked, the bucket's default encryption may apply: the object is then encrypted, which is kept.
  if (!asked) return !(got.mode === 'none' && got.unrecognized);
  if (asked.mode === 'SSE-KMS') return got.mode === 'SSE-KMS' && (!asked.keyId || got.keyId === asked.keyId);
  return got.mode === asked.mode;
}

/** What exists at `key`: its HEAD, 'unreadable' (an SSE-C object whose key we lack), or undefined (free). */
async function existing(client: CosClient, bucket: string, key: string, region: string | undefined, sseCKey: Buffer | undefined, signal?: AbortSignal): Promise<ObjectInfo | 'unreadable' | undefined> {
  try {
    return await client.headObject(bucket, key, { region, signal });
  } catch (err) {
    if (!(err instanceof CosServiceError)) throw err;
    if (err.status === 404) return undefined;
    if (err.status !== 400) throw err;
  }
  if (!sseCKey) return 'unreadable';
  try {
    return await client.headObject(bucket, key, { region, sseCustomerKey: sseCKey, signal });
  } catch (err) {
    if (err instanceof CosServiceError && (err.status === 400 || err.status === 403)) return 'unreadable';
    throw err;
  }
}

/** The same object already at the destination: an earlier run copied it and stopped before deleting the source. */
function copiedBefore(dest: ObjectInfo, src: ObjectInfo): boolean {
  const sameMeta = JSON.stringify(Object.entries(dest.metadata).sort()) === JSON.stringify(Object.entries(src.metadata).sort());
  return dest.size === src.size && src.crc64 !== undefined && dest.crc64 === src.crc64 && dest.contentType === src.contentType && sameMeta && dest.encryption.mode === src.encryption.mode;
}

/** "report (2).pdf", "report (3).pdf", …: the first name not taken, as file managers name a kept copy. */
export async function freeName(client: CosClient, bucket: string, key: string, region?: string, signal?: AbortSignal): Promise<string> {
  const slash = key.lastIndexOf('/');
  const dir = key.slice(0, slash + 1);
  const name = key.slice(slash + 1);
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let n = 2; n < 1000; n++) {
    const candidate = `${dir}${stem} (${n})${ext}`;
    if ((await existing(client, bucket, candidate, region, undefined, signal)) === undefined) return candidate;
  }
  throw new ServiceError('conflict', 'NoFreeName', `Coffer found no free name for another copy of ${name} in ${folderOf(key)}; rename it first.`, { bucket, key });
}

export async function moveObject(client: CosClient, o: MoveOptions): Promise<MoveOutcome> {
  const { bucket, region, signal } = o;
  const where = `cos://${bucket}/${o.from}`;
  const notices: string[] = [];
  const src = await headObjectWithKeys(client, { bucket, key: o.from, region }, o.keys, signal);
  if (!src.info) {
    throw new ServiceError('access', 'SseCKeyNeeded', `${where} is encrypted with a customer key (SSE-C) that is not in this vault, so it was not moved: a copy needs that key. Add it to the vault and try again.`, { bucket, key: o.from });
  }
  const info = src.info;
  const sse = sameEncryption(info, src.sseC?.key, where);

  let to = o.to;
  const there = await existing(client, bucket, to, region, src.sseC?.key, signal);
  if (there !== undefined) {
    if (o.from.endsWith('/')) {
      // An empty "folder" object onto a folder that exists: the folders merge.
      await client.deleteObject(bucket, o.from, { region, signal });
      return { outcome: 'moved', key: to, size: 0, etag: there === 'unreadable' ? '' : there.etag, encryption: there === 'unreadable' ? { mode: 'none' } : there.encryption, notices };
    }
    if (there !== 'unreadable' && (o.onConflict === 'ask' || o.onConflict === 'replace') && copiedBefore(there, info)) {
      await client.deleteObject(bucket, o.from, { region, signal });
      return { outcome: 'moved', key: to, size: there.size, etag: there.etag, encryption: there.encryption, notices };
    }
    switch (o.onConflict) {
      case 'ask': {
        const folder = folderOf(to);
        throw folder === TOP
          ? ServiceError.phrased('conflict', 'DestinationExists', 'destinationExistsAtTop', { name: nameOf(to) }, { bucket, key: to })
          : ServiceError.phrased('conflict', 'DestinationExists', 'destinationExists', { name: nameOf(to), folder }, { bucket, key: to });
      }
      case 'skip':
        return { outcome: 'skipped', key: null, size: info.size, notices: [`${nameOf(to)} already exists in ${folderOf(to)}; ${nameOf(o.from)} was left where it was.`] };
      case 'keep-both':
        to = await freeName(client, bucket, to, region, signal);
        break;
      case 'replace':
        break;
    }
  }

  // The object's own ACL goes with it (a copy gets the bucket's default otherwise).
  let acl: ReturnType<typeof aclToCarry> | undefined;
  try {
    acl = aclToCarry(await client.getObjectAcl(bucket, o.from, { region, signal }));
  } catch (err) {
    if (!(err instanceof CosServiceError && (err.status === 403 || err.status === 501))) throw err;
    notices.push(`The access rules of ${nameOf(o.from)} could not be read (${err.code}), so at ${to} it has the bucket's default access.`);
  }

  const source = { bucket, key: o.from, region, ifMatch: info.etag || undefined, sseCustomerKey: src.sseC?.key };
  const threshold = o.multipartThreshold ?? 5 * GiB;
  try {
    if (info.size > threshold) await multipartCopy(client, o, info, to, source, sse, acl);
    else {
      await client.copyObject(source, bucket, to, {
        metadataDirective: 'Copy',
        sse,
        storageClass: info.storageClass,
        acl: acl?.acl,
        grants: acl?.grants,
        region,
        signal,
      });
    }
  } catch (err) {
    if (err instanceof CosServiceError && (err.status === 412 || err.code === 'PreconditionFailed')) {
      throw new ServiceError('conflict', 'ObjectChanged', `${where} changed while it was being moved; nothing was deleted. Try again.`, { bucket, key: o.from }, { cause: err });
    }
    throw err;
  }

  const after = await client.headObject(bucket, to, { region, sseCustomerKey: sse?.mode === 'SSE-C' ? sse.key : undefined, signal });
  const problems: string[] = [];
  if (after.size !== info.size) problems.push(`its size is ${after.size} bytes instead of ${info.size}`);
  if (info.crc64 !== undefined && after.crc64 !== info.crc64) problems.push('its CRC64 differs');
  if (!sameMode(sse, after.encryption)) problems.push(`it is not encrypted with ${sse?.mode ?? 'the same encryption'}`);
  if (problems.length > 0) {
    throw new ServiceError('integrity', 'VerificationFailed', `The copy of ${where} at ${to} could not be verified (${problems.join('; ')}); the original was kept.`, { bucket, key: o.from });
  }
  await client.deleteObject(bucket, o.from, { region, signal });
  return { outcome: 'moved', key: to, size: after.size, etag: after.etag, encryption: after.encryption, notices };
}

async function multipartCopy(
  client: CosClient,
  o: MoveOptions,
  info: ObjectInfo,
  to: string,
  source: Parameters<CosClient['copyObject']>[0],
  sse: SseRequest | undefined,
  acl: ReturnType<typeof aclToCarry> | undefined,
): Promise<void> {
  const { bucket, region, signal } = o;
  const partSize = Math.max(MiB, o.partSize ?? 512 * MiB);
  const init = await client.initiateMultipartUpload(bucket, to, { ...metadataOf(info), acl: acl?.acl, grants: acl?.grants, sse, region, signal });
  try {
    const ranges: Array<{ partNumber: number; start: number; end: number }> = [];
    for (let start = 0, n = 1; start < info.size; start += partSize, n++) ranges.push({ partNumber: n, start, end: Math.min(start + partSize, info.size) - 1 });
    const destKey = sse?.mode === 'SSE-C' ? sse.key : undefined;
    const parts = await boundedAll(ranges, 4, (r) => client.uploadPartCopy(source, bucket, to, init.uploadId, r.partNumber, { range: r, sseCustomerKey: destKey, region, signal }));
    await client.completeMultipartUpload(bucket, to, init.uploadId, ranges.map((r, i) => ({ partNumber: r.partNumber, etag: parts[i]!.etag })), { region, signal });
  } catch (err) {
    await client.abortMultipartUpload(bucket, to, init.uploadId, { region }).catch(() => undefined);
    throw err;
  }
}

/** Every object a move names: a file, or everything under a folder, with where each one goes. */
export async function* expandMoves(client: CosClient, bucket: string, moves: MoveSpec[], region?: string): AsyncGenerator<Array<{ from: string; to: string; size?: number }>> {
  for (const m of moves) {
    if (!m.from.endsWith('/')) {
      yield [{ from: m.from, to: m.to }];
      continue;
    }
    for await (const page of client.listObjectPages(bucket, { prefix: m.from, region })) {
      yield page.contents.map((c) => ({ from: c.key, to: m.to + c.key.slice(m.from.length), size: c.size }));
    }
  }
}

/** Which moves would land on something that exists (folder markers merge and do not count); the first 100 named. */
export async function moveConflicts(client: CosClient, bucket: string, moves: MoveSpec[], region?: string): Promise<{ conflicts: Array<{ from: string; to: string }>; count: number }> {
  const conflicts: Array<{ from: string; to: string }> = [];
  let count = 0;
  const note = (from: string, to: string) => {
    count++;
    if (conflicts.length < 100) conflicts.push({ from, to });
  };
  for (const m of moves) {
    if (!m.from.endsWith('/')) {
      if ((await existing(client, bucket, m.to, region, undefined)) !== undefined) note(m.from, m.to);
      continue;
    }
    const taken = new Set<string>();
    for await (const page of client.listObjectPages(bucket, { prefix: m.to, region })) for (const c of page.contents) taken.add(c.key);
    if (taken.size === 0) continue;
    for await (const batch of expandMoves(client, bucket, [m], region)) for (const i of batch) if (!i.to.endsWith('/') && taken.has(i.to)) note(i.from, i.to);
  }
  return { conflicts, count };
}
