// Bucket default encryption (cos-protocol.md §5) and canned ACLs on buckets and objects.
import { CosServiceError } from '../errors';
import { xmlRequest, list, node, str } from '../xml-codec';
import { bucketHost, getBucketXml, meta, type CallOptions, type OpContext, type ResponseMeta } from './op-context';

/** Bucket-level algorithm names differ from the object headers: `AES256` (SSE-COS) and `KMS` (SSE-KMS). */
export type BucketEncryption = { algorithm: 'AES256' } | { algorithm: 'KMS'; kmsKeyId?: string };

/** The bucket's default encryption, or `null` when it has none (404 NoSuchEncryptionConfiguration). */
export async function getBucketEncryption(ctx: OpContext, bucket: string, opts: CallOptions = {}): Promise<(BucketEncryption & ResponseMeta) | null> {
  let got;
  try {
    got = await getBucketXml(ctx, { bucket, query: { encryption: undefined } }, opts, 'ServerSideEncryptionConfiguration');
  } catch (err) {
    if (err instanceof CosServiceError && err.code === 'NoSuchEncryptionConfiguration') return null;
    throw err;
  }
  const { res, doc } = got;
  const rule = list(doc.Rule)[0];
  const byDefault = node(rule?.ApplyServerSideEncryptionByDefault ?? rule?.ApplySideEncryptionConfiguration);
  const algorithm = str(byDefault.SSEAlgorithm);
  if (algorithm === 'AES256') return { ...meta(res), algorithm };
  if (algorithm === 'KMS') return { ...meta(res), algorithm, kmsKeyId: str(byDefault.KMSMasterKeyID) || undefined };
  return null;
}

export async function putBucketEncryption(ctx: OpContext, bucket: string, config: BucketEncryption, opts: CallOptions = {}): Promise<ResponseMeta> {
  const byDefault: Record<string, string> = { SSEAlgorithm: config.algorithm };
  if (config.algorithm === 'KMS' && config.kmsKeyId) byDefault.KMSMasterKeyID = config.kmsKeyId;
  const xml = await xmlRequest({ ServerSideEncryptionConfiguration: { Rule: { ApplyServerSideEncryptionByDefault: byDefault } } });
  const res = await ctx.exec.send({
    method: 'PUT',
    host: bucketHost(ctx, bucket, opts),
    query: { encryption: undefined },
    headers: xml.headers,
    body: xml.body,
    context: { bucket },
    idempotent: true,
    readBody: true,
    signal: opts.signal,
  });
  return meta(res);
}

export async function deleteBucketEncryption(ctx: OpContext, bucket: string, opts: CallOptions = {}): Promise<ResponseMeta> {
  const res = await ctx.exec.send({
    method: 'DELETE',
    host: bucketHost(ctx, bucket, opts),
    query: { encryption: undefined },
    context: { bucket },
    idempotent: true,
    readBody: true,
    signal: opts.signal,
  });
  return meta(res);
}

const ALL_USERS = 'http://cam.qcloud.com/groups/global/AllUsers';

export interface AclGrant {
  grantee: { id?: string; uri?: string; displayName?: string };
  permission: string;
}

export interface AclResult extends ResponseMeta {
  owner: { id: string; displayName: string };
  grants: AclGrant[];
  /** The canned ACL the grants amount to (`private` unless AllUsers has READ/WRITE). */
  canned: 'private' | 'public-read' | 'public-read-write';
}

/** GET ?acl of a bucket, or of an object when `key` is given. */
export async function getAcl(ctx: OpContext, bucket: string, key: string | undefined, opts: CallOptions = {}): Promise<AclResult> {
  const { res, doc } = await getBucketXml(ctx, { bucket, key, query: { acl: undefined } }, opts, 'AccessControlPolicy');
  const owner = node(doc.Owner);
  const grants = list(node(doc.AccessControlList).Grant).map((g) => {
    const who = node(g.Grantee);
    return {
      grantee: { id: str(who.ID) || undefined, uri: str(who.URI) || undefined, displayName: str(who.DisplayName) || undefined },
      permission: str(g.Permission) ?? '',
    };
  });
  const publicPerms = grants.filter((g) => g.grantee.uri === ALL_USERS).map((g) => g.permission);
  const read = publicPerms.includes('READ') || publicPerms.includes('FULL_CONTROL');
  const write = publicPerms.includes('WRITE') || publicPerms.includes('FULL_CONTROL');
  return {
    ...meta(res),
    owner: { id: str(owner.ID) ?? '', displayName: str(owner.DisplayName) ?? '' },
    grants,
    canned: read && write ? 'public-read-write' : read ? 'public-read' : 'private',
  };
}

/** PUT ?acl with a canned ACL (`x-cos-acl`); objects also accept `default` (inherit the bucket's). */
export async function putAcl(ctx: OpContext, bucket: string, key: string | undefined, acl: string, opts: CallOptions = {}): Promise<ResponseMeta> {
  const res = await ctx.exec.send({
    method: 'PUT',
    host: bucketHost(ctx, bucket, opts),
    key,
    query: { acl: undefined },
    headers: { 'x-cos-acl': acl },
    body: { kind: 'buffer', data: Buffer.alloc(0) },
    context: { bucket, key },
    idempotent: true,
    readBody: true,
    signal: opts.signal,
  });
  return meta(res);
}
