// GET Service, PUT/HEAD/DELETE Bucket and GET Bucket (list objects v1).
import { LIMITS } from '../config';
import { authorizeList, requireSigned } from '../http/access';
import { CosError } from '../http/cos-error';
import { encodeIf, ownerOf } from '../http/list-format';
import { sendEmpty, sendXml } from '../http/respond';
import { isoDate } from '../http/xml';
import { MetaConflictError } from '../meta/metadata-db';
import { header, parseCannedAcl, quoteEtag, requireBucket, validateBucketName, type HandlerContext } from './context';

export async function listBuckets(ctx: HandlerContext): Promise<void> {
  requireSigned(ctx.principal);
  const region = ctx.target.hostRegion;
  const buckets = ctx.store.meta.listBuckets().filter((b) => !region || b.region === region);
  const appid = ctx.store.config.appid;
  sendXml(
    ctx.res,
    200,
    'ListAllMyBucketsResult',
    {
      Owner: { ID: `qcs::cam::uin/${appid}:uin/${appid}`, DisplayName: appid },
      Buckets: { Bucket: buckets.map((b) => ({ Name: b.name, Location: b.region, CreationDate: new Date(b.created).toISOString().replace(/\.\d{3}Z$/, 'Z'), BucketType: 'cos' })) },
      Marker: '',
      NextMarker: '',
      IsTruncated: 'false',
    },
    ctx.base,
  );
}

export async function putBucket(ctx: HandlerContext): Promise<void> {
  requireSigned(ctx.principal);
  const name = ctx.target.bucket!;
  validateBucketName(name, ctx.store.config.appid);
  const acl = parseCannedAcl(header(ctx, 'x-cos-acl'), true) ?? 'private';
  const region = ctx.target.hostRegion ?? ctx.store.config.region;
  if (ctx.store.meta.getBucket(name)) throw new CosError('BucketAlreadyOwnedByYou', 'The bucket already exists and is owned by you.');
  if (ctx.store.meta.listBuckets().length >= LIMITS.maxBuckets) throw new CosError('TooManyBuckets', `You can have at most ${LIMITS.maxBuckets} buckets.`);
  ctx.req.resume();
  try {
    ctx.store.meta.createBucket({ name, region, created: Date.now(), acl, encryption: null });
  } catch (err) {
    if (err instanceof MetaConflictError) throw new CosError('BucketAlreadyOwnedByYou', 'The bucket already exists and is owned by you.');
    throw err;
  }
  ctx.store.config.log(`bucket ${name} created in ${region}`);
  sendEmpty(ctx.res, 200, { ...ctx.base, Location: `/${name}` });
}

export async function headBucket(ctx: HandlerContext): Promise<void> {
  const bucket = requireBucket(ctx);
  authorizeList(ctx.principal, bucket);
  sendEmpty(ctx.res, 200, { ...ctx.base, 'x-cos-bucket-region': bucket.region });
}

export async function deleteBucket(ctx: HandlerContext): Promise<void> {
  requireSigned(ctx.principal);
  const bucket = requireBucket(ctx);
  if (!ctx.store.meta.bucketIsEmpty(bucket.name)) throw new CosError('BucketNotEmpty', 'The bucket you tried to delete is not empty (objects or unfinished multipart uploads remain).');
  ctx.store.meta.deleteBucket(bucket.name);
  ctx.store.config.log(`bucket ${bucket.name} deleted`);
  sendEmpty(ctx.res, 204, ctx.base);
}

function parseMaxKeys(v: string | undefined, name: string, max: number): number {
  if (v === undefined || v === '') return max;
  if (!/^\d+$/.test(v)) throw new CosError('InvalidArgument', `${name} must be a non-negative integer.`);
  return Math.min(Number(v), max);
}

export async function listObjects(ctx: HandlerContext): Promise<void> {
  const bucket = requireBucket(ctx);
  authorizeList(ctx.principal, bucket);
  const q = ctx.target.query;
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const marker = q.get('marker') ?? '';
  const encodingType = q.get('encoding-type');
  if (encodingType !== undefined && encodingType !== 'url') throw new CosError('InvalidArgument', 'encoding-type must be "url".');
  const url = encodingType === 'url';
  const maxKeys = parseMaxKeys(q.get('max-keys'), 'max-keys', LIMITS.maxKeysPerList);

  const page = ctx.store.meta.listObjects({ bucket: bucket.name, prefix, marker, delimiter, maxKeys });
  const owner = ownerOf(ctx.store.config.appid);
  const body: Record<string, unknown> = { Name: bucket.name };
  if (url) body.EncodingType = 'url';
  Object.assign(body, { Prefix: encodeIf(url, prefix), Marker: encodeIf(url, marker), MaxKeys: maxKeys });
  if (delimiter) body.Delimiter = encodeIf(url, delimiter);
  body.IsTruncated = page.isTruncated ? 'true' : 'false';
  if (page.isTruncated) body.NextMarker = encodeIf(url, page.nextMarker);
  body.CommonPrefixes = page.commonPrefixes.map((p) => ({ Prefix: encodeIf(url, p) }));
  body.Contents = page.contents.map((o) => ({
    Key: encodeIf(url, o.key),
    LastModified: isoDate(o.lastModified),
    ETag: quoteEtag(o.etag),
    Size: o.size,
    Owner: owner,
    StorageClass: o.storageClass || 'STANDARD',
  }));
  sendXml(ctx.res, 200, 'ListBucketResult', body, { ...ctx.base, 'x-cos-bucket-region': bucket.region });
}
