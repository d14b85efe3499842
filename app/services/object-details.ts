// What the details pane shows about one object: a HEAD (size, type, dates, ETag, CRC64, storage class, metadata,
// encryption), the object's and its bucket's ACL, and whether its public address can work. An SSE-C object answers
// a HEAD without its key with 400: the vault's SSE-C keys are tried in turn (HEAD with the key is how COS tells
// whether a key is the right one), and when none fits only what a listing says is known.
import mime from 'mime';
import type { CannedAcl, ObjectDetails, ObjectEncryption, PreviewKind } from '../../shared/contract/channels-details';
import { PREVIEW_MAX_BYTES } from '../../shared/contract/channels-details';
import { cosEncodeKeyPath } from '../cos/cos-url-encode';
import { CosServiceError, type CosClient, type ObjectInfo } from '../cos/client';
import { objectNotFound } from './errors';

/** The SSE-C keys of the vault, read only when an object needs one (the vault may be locked or absent). */
export interface SseCKeySource {
  ids(): Promise<string[]>;
  key(id: string): Promise<Buffer>;
}

export const NO_SSE_C_KEYS: SseCKeySource = { ids: async () => [], key: async () => Promise.reject(new Error('no SSE-C keys')) };

export interface ObjectTarget {
  bucket: string;
  key: string;
  region?: string;
}

/** A HEAD of an object, with the vault's SSE-C key that opens it when it needs one. */
export type Headed =
  | { info: ObjectInfo; sseC?: { id: string; key: Buffer } }
  /** An SSE-C object none of the vault's keys opens. */
  | { info?: undefined; keyMissing: true };

function needsCustomerKey(err: unknown): boolean {
  // A HEAD of an SSE-C object without its key (or with a wrong one) is a bodiless 400 (cos-protocol.md §4.5); a wrong
  // key may also be refused as 403 by some servers.
  return err instanceof CosServiceError && (err.status === 400 || err.status === 403);
}

export async function headObjectWithKeys(client: CosClient, t: ObjectTarget, keys: SseCKeySource, signal?: AbortSignal): Promise<Headed> {
  try {
    return { info: await client.headObject(t.bucket, t.key, { region: t.region, signal }) };
  } catch (err) {
    if (!(err instanceof CosServiceError && err.status === 400)) throw err;
  }
  for (const id of await keys.ids().catch(() => [])) {
    const key = await keys.key(id);
    try {
      return { info: await client.headObject(t.bucket, t.key, { region: t.region, sseCustomerKey: key, signal }), sseC: { id, key } };
    } catch (err) {
      if (!needsCustomerKey(err)) throw err;
    }
  }
  return { keyMissing: true };
}

export function encryptionOf(info: ObjectInfo, vaultKeyId: string | null): ObjectEncryption {
  const e = info.encryption;
  switch (e.mode) {
    case 'SSE-COS':
      return { mode: 'SSE-COS' };
    case 'SSE-KMS':
      return e.keyId ? { mode: 'SSE-KMS', kmsKeyId: e.keyId } : { mode: 'SSE-KMS' };
    case 'SSE-C':
      return { mode: 'SSE-C', vaultKeyId, keyMd5: e.keyMd5 || null };
    case 'none':
      return e.unrecognized ? { mode: 'unrecognized', algorithm: e.unrecognized } : { mode: 'none' };
  }
}

const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/bmp', 'image/avif', 'image/svg+xml', 'image/x-icon', 'image/vnd.microsoft.icon']);
const TEXT_TYPES = new Set(['application/json', 'application/xml', 'application/javascript', 'application/x-yaml', 'application/yaml', 'application/toml', 'application/x-sh', 'application/sql', 'application/ld+json']);

/** The media type to preview an object as: its Content-Type, or its extension's when the type says nothing. */
export function previewTypeOf(contentType: string | undefined, key: string): string {
  const given = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (given && given !== 'application/octet-stream' && given !== 'binary/octet-stream') return given;
  return mime.getType(key) ?? given;
}

export function previewKindOf(type: string): PreviewKind | null {
  if (IMAGE_TYPES.has(type)) return 'image';
  if (type === 'application/pdf') return 'pdf';
  if (type.startsWith('text/') || TEXT_TYPES.has(type) || type.endsWith('+json') || type.endsWith('+xml')) return 'text';
  return null;
}

/** The address anyone could open: the bucket's virtual host on COS, path style on a coffer-store. */
export function publicUrlOf(client: CosClient, bucket: string, key: string, region: string): string {
  const ep = client.endpoints.endpoint;
  if (ep.kind === 'cos') return `https://${client.endpoints.bucketHost(bucket, region)}${cosEncodeKeyPath(key)}`;
  return `${ep.url}/${client.endpoints.fullBucket(bucket)}${cosEncodeKeyPath(key)}`;
}

async function cannedAcl(read: () => Promise<{ canned: Exclude<CannedAcl, 'unknown'> }>): Promise<CannedAcl> {
  try {
    return (await read()).canned;
  } catch (err) {
    // Credentials that may read the object need not be allowed to read ACLs (READ_ACP): said as "unknown".
    if (err instanceof CosServiceError && (err.status === 403 || err.status === 501)) return 'unknown';
    throw err;
  }
}

const SHOWN_HEADERS: Array<[string, string]> = [
  ['cache-control', 'Cache-Control'],
  ['content-disposition', 'Content-Disposition'],
  ['content-encoding', 'Content-Encoding'],
  ['expires', 'Expires'],
];

export async function objectDetails(client: CosClient, t: ObjectTarget & { region: string }, opts: { keys: SseCKeySource; localStore: boolean }): Promise<ObjectDetails> {
  const headed = await headObjectWithKeys(client, t, opts.keys);
  const [bucketAcl, objectAcl] = await Promise.all([
    cannedAcl(() => client.getBucketAcl(t.bucket, { region: t.region })),
    cannedAcl(() => client.getObjectAcl(t.bucket, t.key, { region: t.region })),
  ]);
  const isPublic = bucketAcl === 'public-read' || bucketAcl === 'public-read-write' || objectAcl === 'public-read' || objectAcl === 'public-read-write';

  let base: Omit<ObjectDetails, 'access' | 'localStore'>;
  if (headed.info) {
    const info = headed.info;
    const headers: Record<string, string> = {};
    for (const [lower, shown] of SHOWN_HEADERS) if (info.headers[lower]) headers[shown] = info.headers[lower]!;
    const type = previewTypeOf(info.contentType, t.key);
    const kind = previewKindOf(type);
    base = {
      key: t.key,
      size: info.size,
      contentType: info.contentType ?? '',
      lastModified: info.lastModified && !Number.isNaN(info.lastModified.getTime()) ? info.lastModified.toISOString() : null,
      etag: info.etag,
      crc64: info.crc64 === undefined ? null : info.crc64.toString(),
      storageClass: info.storageClass ?? 'STANDARD',
      metadata: info.metadata,
      headers,
      encryption: encryptionOf(info, headed.sseC?.id ?? null),
      complete: true,
      preview: { kind, tooLarge: kind !== null && kind !== 'text' && info.size > PREVIEW_MAX_BYTES },
    };
  } else {
    // The key is not in this vault: what a listing says, and the fact that it cannot be read here.
    const page = await client.listObjects(t.bucket, { prefix: t.key, maxKeys: 1, region: t.region });
    const row = page.contents.find((o) => o.key === t.key);
    if (!row) throw objectNotFound(t.bucket, t.key);
    const lm = new Date(row.lastModified);
    base = {
      key: t.key,
      size: row.size,
      contentType: '',
      lastModified: Number.isNaN(lm.getTime()) ? null : lm.toISOString(),
      etag: row.etag,
      crc64: null,
      storageClass: row.storageClass ?? 'STANDARD',
      metadata: {},
      headers: {},
      encryption: { mode: 'SSE-C', vaultKeyId: null, keyMd5: null },
      complete: false,
      preview: { kind: null, tooLarge: false },
    };
  }
  const encrypted = base.encryption.mode !== 'none';
  return {
    ...base,
    access: {
      bucketAcl,
      objectAcl,
      publicUrl: isPublic ? publicUrlOf(client, t.bucket, t.key, t.region) : null,
      // COS (and the store) never serve an encrypted object to an anonymous request, public or not.
      publicUrlBlocked: isPublic && encrypted ? 'encrypted' : null,
    },
    localStore: opts.localStore,
  };
}
