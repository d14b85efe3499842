// GET / PUT ?acl on buckets and objects, limited to the canned ACLs the store enforces: private, public-read,
// public-read-write (and "default" for objects: inherit the bucket's). Grants are not supported.
import { requireSigned } from '../http/access';
import { CosError } from '../http/cos-error';
import { sendEmpty, sendXml } from '../http/respond';
import type { CannedAcl } from '../meta/metadata-db';
import { header, parseCannedAcl, readSmallBody, requireBucket, validateObjectKey, type HandlerContext } from './context';

const ALL_USERS = 'http://cam.qcloud.com/groups/global/AllUsers';

function policy(appid: string, acl: CannedAcl) {
  const owner = { ID: `qcs::cam::uin/${appid}:uin/${appid}`, DisplayName: `qcs::cam::uin/${appid}:uin/${appid}` };
  const grants: unknown[] = [{ Grantee: { '@_xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance', '@_xsi:type': 'CanonicalUser', ...owner }, Permission: 'FULL_CONTROL' }];
  const group = (p: string) => ({ Grantee: { '@_xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance', '@_xsi:type': 'Group', URI: ALL_USERS }, Permission: p });
  if (acl === 'public-read' || acl === 'public-read-write') grants.push(group('READ'));
  if (acl === 'public-read-write') grants.push(group('WRITE'));
  return { Owner: owner, AccessControlList: { Grant: grants } };
}

const GRANT_HEADERS = ['x-cos-grant-read', 'x-cos-grant-write', 'x-cos-grant-read-acp', 'x-cos-grant-write-acp', 'x-cos-grant-full-control'];

function onlyCanned(what: string): CosError {
  return new CosError('NotImplemented', `${what} are not supported by this store: only canned ACLs are, set with the x-cos-acl header (private, public-read, public-read-write).`);
}

/**
 * The canned ACL a PUT ?acl asks for. Grants to other accounts (grant headers, or an AccessControlPolicy body) are
 * refused rather than reduced to the nearest canned ACL: the caller would believe a grant exists that does not.
 */
async function requestedAcl(ctx: HandlerContext, forBucket: boolean): Promise<CannedAcl> {
  const grant = GRANT_HEADERS.find((name) => header(ctx, name) !== undefined);
  if (grant) throw onlyCanned(`Grants (${grant})`);
  const body = await readSmallBody(ctx.req);
  if (body.toString('utf8').trim() !== '') throw onlyCanned('ACL documents (an AccessControlPolicy body)');
  const canned = parseCannedAcl(header(ctx, 'x-cos-acl'), forBucket);
  if (!canned) throw new CosError('InvalidArgument', 'PUT ?acl needs the x-cos-acl header: private, public-read or public-read-write.');
  return canned;
}

export async function getAcl(ctx: HandlerContext): Promise<void> {
  requireSigned(ctx.principal);
  const bucket = requireBucket(ctx);
  let acl: CannedAcl = bucket.acl;
  if (ctx.target.key) {
    validateObjectKey(ctx.target.key);
    const obj = ctx.store.meta.getObject(bucket.name, ctx.target.key);
    if (!obj) throw new CosError('NoSuchKey', 'The specified key does not exist.');
    acl = obj.acl === 'default' ? 'private' : obj.acl;
  }
  sendXml(ctx.res, 200, 'AccessControlPolicy', policy(ctx.store.config.appid, acl), ctx.base);
}

export async function putAcl(ctx: HandlerContext): Promise<void> {
  requireSigned(ctx.principal);
  const bucket = requireBucket(ctx);
  const forBucket = !ctx.target.key;
  const acl = await requestedAcl(ctx, forBucket);
  if (forBucket) {
    if (acl === 'default') throw new CosError('InvalidArgument', 'A bucket ACL cannot be "default".');
    ctx.store.meta.updateBucket(bucket.name, { acl });
  } else {
    validateObjectKey(ctx.target.key);
    const obj = ctx.store.meta.getObject(bucket.name, ctx.target.key);
    if (!obj) throw new CosError('NoSuchKey', 'The specified key does not exist.');
    ctx.store.meta.updateObjectMeta(bucket.name, obj.key, obj.parts.map((p) => p.dataId), { acl });
  }
  sendEmpty(ctx.res, 200, ctx.base);
}
