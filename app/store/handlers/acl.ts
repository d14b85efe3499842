// GET / PUT ?acl on buckets and objects, limited to the canned ACLs the store enforces: private, public-read,
// public-read-write (and "default" for objects: inherit the bucket's).
import { requireSigned } from '../http/access';
import { CosError } from '../http/cos-error';
import { sendEmpty, sendXml } from '../http/respond';
import { parseXmlBody, xmlText } from '../http/xml';
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

/** Reduces an AccessControlPolicy body to the canned ACL it expresses. */
function cannedFromBody(doc: Record<string, unknown>): CannedAcl {
  const list = doc.AccessControlList as Record<string, unknown> | undefined;
  const grants = Array.isArray(list?.Grant) ? (list!.Grant as Array<Record<string, unknown>>) : [];
  let read = false;
  let write = false;
  for (const g of grants) {
    const grantee = g.Grantee as Record<string, unknown> | undefined;
    if (xmlText(grantee?.URI) !== ALL_USERS) continue;
    const p = xmlText(g.Permission);
    if (p === 'READ' || p === 'FULL_CONTROL') read = true;
    if (p === 'WRITE' || p === 'FULL_CONTROL') write = true;
  }
  if (read && write) return 'public-read-write';
  if (read) return 'public-read';
  if (write) throw new CosError('InvalidArgument', 'A public WRITE grant without READ is not supported.');
  return 'private';
}

async function requestedAcl(ctx: HandlerContext, forBucket: boolean): Promise<CannedAcl> {
  const canned = parseCannedAcl(header(ctx, 'x-cos-acl'), forBucket);
  if (canned) {
    ctx.req.resume();
    return canned;
  }
  const raw = await readSmallBody(ctx.req);
  return cannedFromBody(parseXmlBody(raw.toString('utf8'), 'AccessControlPolicy'));
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
