// CosClient: the one object the rest of Coffer uses to talk to COS or a coffer-store. It owns the connection
// pool and the learned clock offset; secrets come from the credentials provider on every request and are never
// kept. Each method is a thin, typed door onto one module under operations/.
import { Endpoints, parseEndpoint, type CosEndpoint } from './endpoint';
import { HttpTransport, type TransportOptions } from './http-transport';
import { RequestExecutor, type CredentialsProvider } from './request-executor';
import { DEFAULT_RETRY, type RetryPolicy } from './retry';
import { presignedGetUrl } from './presign';
import type { BodyInput } from './request-body';
import type { OpContext, CallOptions, ResponseMeta } from './operations/op-context';
import * as buckets from './operations/buckets';
import * as listing from './operations/listing';
import * as objects from './operations/objects';
import * as copy from './operations/copy';
import * as multipart from './operations/multipart';
import * as config from './operations/bucket-config';

export interface CosClientOptions {
  /** `'cos'` / `{kind:'cos'}` for Tencent Cloud, or a coffer-store URL such as `http://127.0.0.1:9000`. */
  endpoint: CosEndpoint | string;
  appid: string;
  /** Default region for bucket requests (e.g. `ap-guangzhou`). */
  region: string;
  credentials: CredentialsProvider;
  retry?: Partial<RetryPolicy>;
  transport?: TransportOptions;
  /** Local clock in ms (default Date.now); tests inject a skewed one. */
  now?: () => number;
  /** Lifetime of request signatures in seconds (default 900). */
  signExpirySeconds?: number;
}

export class CosClient {
  private readonly ctx: OpContext;
  private readonly transport: HttpTransport;
  private readonly exec: RequestExecutor;
  private readonly credentials: CredentialsProvider;
  readonly endpoints: Endpoints;
  readonly region: string;

  constructor(opts: CosClientOptions) {
    this.endpoints = new Endpoints(parseEndpoint(opts.endpoint), opts.appid);
    this.transport = new HttpTransport(opts.transport);
    this.credentials = opts.credentials;
    this.region = opts.region;
    this.exec = new RequestExecutor({
      endpoints: this.endpoints,
      transport: this.transport,
      credentials: opts.credentials,
      retry: { ...DEFAULT_RETRY, ...opts.retry },
      now: opts.now ?? Date.now,
      signExpirySeconds: opts.signExpirySeconds ?? 900,
    });
    this.ctx = { exec: this.exec, endpoints: this.endpoints, region: opts.region };
  }

  /** Server time minus local time in ms, as learned from a clock-skew error (0 until then). */
  get clockOffsetMs(): number {
    return this.exec.clockOffset;
  }

  /** Closes pooled connections; in-flight requests finish first. */
  close(): Promise<void> {
    return this.transport.close();
  }

  // ---- service and buckets
  listBuckets(opts?: { region?: string; signal?: AbortSignal }) {
    return buckets.listBuckets(this.ctx, opts);
  }
  createBucket(bucket: string, opts?: CallOptions & { acl?: string }) {
    return buckets.createBucket(this.ctx, bucket, opts);
  }
  deleteBucket(bucket: string, opts?: CallOptions) {
    return buckets.deleteBucket(this.ctx, bucket, opts);
  }
  headBucket(bucket: string, opts?: CallOptions) {
    return buckets.headBucket(this.ctx, bucket, opts);
  }

  // ---- listing
  listObjects(bucket: string, input?: listing.ListObjectsInput) {
    return listing.listObjects(this.ctx, bucket, input);
  }
  /** All pages, lazily: `for await (const page of client.listObjectPages(b, { prefix }))`. */
  listObjectPages(bucket: string, input?: listing.ListObjectsInput) {
    return listing.listObjectPages(this.ctx, bucket, input);
  }
  listParts(bucket: string, key: string, uploadId: string, input?: listing.ListPartsInput) {
    return listing.listParts(this.ctx, bucket, key, uploadId, input);
  }
  listMultipartUploads(bucket: string, input?: listing.ListUploadsInput) {
    return listing.listMultipartUploads(this.ctx, bucket, input);
  }

  // ---- objects
  headObject(bucket: string, key: string, input?: objects.HeadObjectInput) {
    return objects.headObject(this.ctx, bucket, key, input);
  }
  getObject(bucket: string, key: string, input?: objects.GetObjectInput) {
    return objects.getObject(this.ctx, bucket, key, input);
  }
  getObjectBuffer(bucket: string, key: string, input?: objects.GetObjectInput) {
    return objects.getObjectBuffer(this.ctx, bucket, key, input);
  }
  putObject(bucket: string, key: string, body: BodyInput, input?: objects.PutObjectInput) {
    return objects.putObject(this.ctx, bucket, key, body, input);
  }
  deleteObject(bucket: string, key: string, opts?: CallOptions & { versionId?: string }) {
    return objects.deleteObject(this.ctx, bucket, key, opts);
  }
  deleteObjects(bucket: string, keys: string[], opts?: CallOptions & { quiet?: boolean }) {
    return objects.deleteObjects(this.ctx, bucket, keys, opts);
  }
  copyObject(source: copy.CopySource, bucket: string, key: string, input?: copy.CopyObjectInput) {
    return copy.copyObject(this.ctx, source, bucket, key, input);
  }

  // ---- multipart
  initiateMultipartUpload(bucket: string, key: string, input?: multipart.InitiateInput) {
    return multipart.initiateMultipartUpload(this.ctx, bucket, key, input);
  }
  uploadPart(bucket: string, key: string, uploadId: string, partNumber: number, body: BodyInput, input?: multipart.UploadPartInput) {
    return multipart.uploadPart(this.ctx, bucket, key, uploadId, partNumber, body, input);
  }
  uploadPartCopy(source: copy.CopySource, bucket: string, key: string, uploadId: string, partNumber: number, input?: copy.UploadPartCopyInput) {
    return copy.uploadPartCopy(this.ctx, source, bucket, key, uploadId, partNumber, input);
  }
  completeMultipartUpload(bucket: string, key: string, uploadId: string, parts: multipart.CompletedPart[], opts?: multipart.CompleteInput) {
    return multipart.completeMultipartUpload(this.ctx, bucket, key, uploadId, parts, opts);
  }
  abortMultipartUpload(bucket: string, key: string, uploadId: string, opts?: CallOptions): Promise<ResponseMeta> {
    return multipart.abortMultipartUpload(this.ctx, bucket, key, uploadId, opts);
  }

  // ---- bucket configuration
  getBucketEncryption(bucket: string, opts?: CallOptions) {
    return config.getBucketEncryption(this.ctx, bucket, opts);
  }
  putBucketEncryption(bucket: string, encryption: config.BucketEncryption, opts?: CallOptions) {
    return config.putBucketEncryption(this.ctx, bucket, encryption, opts);
  }
  deleteBucketEncryption(bucket: string, opts?: CallOptions) {
    return config.deleteBucketEncryption(this.ctx, bucket, opts);
  }
  getBucketAcl(bucket: string, opts?: CallOptions) {
    return config.getAcl(this.ctx, bucket, undefined, opts);
  }
  putBucketAcl(bucket: string, acl: 'private' | 'public-read' | 'public-read-write', opts?: CallOptions) {
    return config.putAcl(this.ctx, bucket, undefined, acl, opts);
  }
  getObjectAcl(bucket: string, key: string, opts?: CallOptions) {
    return config.getAcl(this.ctx, bucket, key, opts);
  }
  putObjectAcl(bucket: string, key: string, acl: 'default' | 'private' | 'public-read' | 'public-read-write', opts?: CallOptions) {
    return config.putAcl(this.ctx, bucket, key, acl, opts);
  }

  // ---- pre-signed URLs
  /** A GET URL valid for `expiresSeconds`, signed with the credentials current now. */
  /** `origin` (store endpoints only) names another address of the same store, e.g. where it is served for good. */
  async presignGetUrl(bucket: string, key: string, expiresSeconds: number, opts: { region?: string; origin?: string } = {}): Promise<string> {
    const creds = await this.credentials();
    return presignedGetUrl(this.exec, this.endpoints, creds, bucket, opts.region ?? this.region, key, expiresSeconds, opts.origin);
  }
}
