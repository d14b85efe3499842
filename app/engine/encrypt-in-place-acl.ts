// The ACL an encrypt-in-place copy must re-apply. A copy onto itself (and a multipart upload) gets a fresh ACL,
// the bucket's default, unless the request says otherwise, so grants made on the object (to other accounts, or
// public read) would be lost. The copy carries them in its own `x-cos-acl` / `x-cos-grant-*` headers: part of the
// same guarded request, with no window in which the object has the wrong ACL.
import type { AclResult, ObjectGrants } from '../cos/client';

const ALL_USERS = 'http://cam.qcloud.com/groups/global/AllUsers';

export interface CarriedAcl {
  /** A public canned ACL; absent when the object kept only its owner's grant (it then stays "default"). */
  acl?: 'public-read' | 'public-read-write';
  grants?: ObjectGrants;
  /** Explicit grants carried, besides the owner's and the public ones. */
  grantCount: number;
}

const HEADER_OF: Record<string, keyof ObjectGrants> = {
  READ: 'read',
  READ_ACP: 'readAcp',
  WRITE_ACP: 'writeAcp',
  FULL_CONTROL: 'fullControl',
};

/** What to send with the copy so the object keeps the access it has now. */
export function aclToCarry(current: AclResult): CarriedAcl {
  const grants: ObjectGrants = {};
  let grantCount = 0;
  for (const g of current.grants) {
    if (g.grantee.uri === ALL_USERS) continue; // expressed by the canned ACL below
    if (g.grantee.id === current.owner.id && g.permission === 'FULL_CONTROL') continue; // every object's owner grant
    const header = HEADER_OF[g.permission];
    const who = g.grantee.id ? `id="${g.grantee.id}"` : g.grantee.uri ? `uri="${g.grantee.uri}"` : undefined;
    if (!header || !who) continue; // nothing an object grant header can say (e.g. WRITE, which objects do not have)
    (grants[header] ??= []).push(who);
    grantCount++;
  }
  return {
    acl: current.canned === 'private' ? undefined : current.canned,
    grants: grantCount > 0 ? grants : undefined,
    grantCount,
  };
}
