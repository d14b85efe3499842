// Authorization: who may do what. A signed request with the store's credentials may do everything; an
// anonymous one only what a public ACL grants — and never read an encrypted object, even in a public bucket
// (COS: encrypted objects can only be read with a valid signature).
import type { BucketRecord, ObjectRecord } from '../meta/metadata-db';
import type { Principal } from './auth';
import { CosError } from './cos-error';

const DENIED = 'Access Denied.';

function bucketPublicRead(b: BucketRecord): boolean {
  return b.acl === 'public-read' || b.acl === 'public-read-write';
}

export function requireSigned(p: Principal): void {
  if (p.kind !== 'signed') throw new CosError('AccessDenied', DENIED);
}

export function authorizeList(p: Principal, bucket: BucketRecord): void {
  if (p.kind === 'signed' || bucketPublicRead(bucket)) return;
  throw new CosError('AccessDenied', DENIED);
}

export function authorizeWrite(p: Principal, bucket: BucketRecord): void {
  if (p.kind === 'signed' || bucket.acl === 'public-read-write') return;
  throw new CosError('AccessDenied', DENIED);
}

/** For a missing object: anonymous callers of a non-public bucket learn nothing (AccessDenied, not NoSuchKey). */
export function missingObjectError(p: Principal, bucket: BucketRecord): CosError {
  if (p.kind !== 'signed' && !bucketPublicRead(bucket)) return new CosError('AccessDenied', DENIED);
  return new CosError('NoSuchKey', 'The specified key does not exist.');
}

export function authorizeReadObject(p: Principal, bucket: BucketRecord, obj: ObjectRecord): void {
  if (p.kind === 'signed') return;
  const publicByAcl = obj.acl === 'public-read' || obj.acl === 'public-read-write' || ((obj.acl === 'default' || !obj.acl) && bucketPublicRead(bucket));
  if (!publicByAcl) throw new CosError('AccessDenied', DENIED);
  if (obj.sse) throw new CosError('AccessDenied', 'Access Denied: encrypted objects can only be read with a valid signature.');
}
