// Dispatch: (service | bucket | object) × method × sub-resource → handler. Unknown sub-resources are refused
// explicitly (501) instead of falling through to a listing or a write.
import { CosError } from './http/cos-error';
import type { HandlerContext } from './handlers/context';
import { getAcl, putAcl } from './handlers/acl';
import { deleteBucketEncryption, getBucketEncryption, putBucketEncryption } from './handlers/bucket-encryption';
import { copyObject } from './handlers/object-copy';
import { getObject } from './handlers/object-read';
import { deleteMultipleObjects, deleteObject, putObject } from './handlers/object-write';
import { abortMultipartUpload, completeMultipartUpload, initiateMultipartUpload, listMultipartUploads, listParts, uploadPart, uploadPartCopy } from './handlers/multipart';
import { postObject } from './handlers/post-object';
import { deleteBucket, headBucket, listBuckets, listObjects, putBucket } from './handlers/service-and-bucket';

type Handler = (ctx: HandlerContext) => Promise<void>;

/** Query parameters that select a COS sub-resource (the ones this store does not serve get 501). */
const KNOWN_UNSUPPORTED = [
  'versioning', 'versions', 'cors', 'lifecycle', 'tagging', 'policy', 'website', 'referer', 'logging', 'replication',
  'inventory', 'domain', 'origin', 'intelligenttiering', 'restore', 'append', 'select', 'object-lock', 'accelerate',
  'location', 'list-type',
];

function methodNotAllowed(method: string): never {
  throw new CosError('MethodNotAllowed', `The ${method} method is not allowed against this resource.`);
}

export function route(ctx: HandlerContext): Handler {
  const { target } = ctx;
  const method = ctx.req.method ?? 'GET';
  const q = target.query;
  for (const sub of KNOWN_UNSUPPORTED) {
    if (q.has(sub)) throw new CosError('NotImplemented', `The ?${sub} sub-resource is not supported by this store.`);
  }

  if (!target.bucket) {
    if (method === 'GET' || method === 'HEAD') return listBuckets;
    methodNotAllowed(method);
  }

  if (target.key === '') {
    switch (method) {
      case 'GET':
        if (q.has('encryption')) return getBucketEncryption;
        if (q.has('acl')) return getAcl;
        if (q.has('uploads')) return listMultipartUploads;
        return listObjects;
      case 'HEAD':
        return headBucket;
      case 'PUT':
        if (q.has('encryption')) return putBucketEncryption;
        if (q.has('acl')) return putAcl;
        return putBucket;
      case 'DELETE':
        if (q.has('encryption')) return deleteBucketEncryption;
        return deleteBucket;
      case 'POST':
        if (q.has('delete')) return deleteMultipleObjects;
        return postObject;
      default:
        methodNotAllowed(method);
    }
  }

  switch (method) {
    case 'GET':
      if (q.has('acl')) return getAcl;
      if (q.has('uploadId')) return listParts;
      return (c) => getObject(c, false);
    case 'HEAD':
      return (c) => getObject(c, true);
    case 'PUT':
      if (q.has('acl')) return putAcl;
      if (q.has('partNumber') || q.has('uploadId')) {
        return ctx.req.headers['x-cos-copy-source'] !== undefined ? uploadPartCopy : uploadPart;
      }
      if (ctx.req.headers['x-cos-copy-source'] !== undefined) return copyObject;
      return putObject;
    case 'DELETE':
      if (q.has('uploadId')) return abortMultipartUpload;
      return deleteObject;
    case 'POST':
      if (q.has('uploads')) return initiateMultipartUpload;
      if (q.has('uploadId')) return completeMultipartUpload;
      methodNotAllowed(method);
      break;
    default:
      methodNotAllowed(method);
  }
  methodNotAllowed(method);
}
