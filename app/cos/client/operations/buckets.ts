// Service and bucket lifecycle: GET Service, PUT/DELETE/HEAD Bucket (cos-protocol.md §10.2).
import { list, node, str } from '../xml-codec';
import { bucketHost, getXml, meta, type CallOptions, type OpContext, type ResponseMeta } from './op-context';

export interface BucketSummary {
  name: string;
  region: string;
  creationDate: string;
}

export interface ListBucketsResult extends ResponseMeta {
  owner?: { id: string; displayName: string };
  buckets: BucketSummary[];
}

/** GET Service; with `region`, only that region's buckets (host `cos.<region>.myqcloud.com`). */
export async function listBuckets(ctx: OpContext, opts: { region?: string; signal?: AbortSignal } = {}): Promise<ListBucketsResult> {
  const { res, doc } = await getXml(
    ctx,
    {
      host: ctx.endpoints.serviceHost(opts.region),
      context: {},
      signal: opts.signal,
    },
    'ListAllMyBucketsResult',
  );
  const owner = node(doc.Owner);
  return {
    ...meta(res),
    owner: doc.Owner ? { id: str(owner.ID) ?? '', displayName: str(owner.DisplayName) ?? '' } : undefined,
    buckets: list(node(doc.Buckets).Bucket).map((b) => ({
      name: str(b.Name) ?? '',
      region: str(b.Location) ?? '',
      creationDate: str(b.CreationDate) ?? '',
    })),
  };
}

export async function createBucket(ctx: OpContext, bucket: string, opts: CallOptions & { acl?: string } = {}): Promise<ResponseMeta> {
  const res = await ctx.exec.send({
    method: 'PUT',
    host: bucketHost(ctx, bucket, opts),
    headers: { 'x-cos-acl': opts.acl },
    context: { bucket },
    // Creating twice is not harmless to report (BucketAlreadyOwnedByYou), but a retry after a lost answer is
    // exactly that case, so the 409 it may produce is the honest outcome.
    idempotent: true,
    readBody: true,
    signal: opts.signal,
  });
  return meta(res);
}

export async function deleteBucket(ctx: OpContext, bucket: string, opts: CallOptions = {}): Promise<ResponseMeta> {
  const res = await ctx.exec.send({
    method: 'DELETE',
    host: bucketHost(ctx, bucket, opts),
    context: { bucket },
    idempotent: true,
    readBody: true,
    signal: opts.signal,
  });
  return meta(res);
}

export interface HeadBucketResult extends ResponseMeta {
  region?: string;
}

export async function headBucket(ctx: OpContext, bucket: string, opts: CallOptions = {}): Promise<HeadBucketResult> {
  const res = await ctx.exec.send({
    method: 'HEAD',
    host: bucketHost(ctx, bucket, opts),
    context: { bucket },
    idempotent: true,
    readBody: true,
    objectScope: false,
    signal: opts.signal,
  });
  return { ...meta(res), region: res.headers['x-cos-bucket-region'] };
}
