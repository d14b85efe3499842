// Share links: a pre-signed GET URL for one object, signed here with the connection's credentials (the page never
// holds them), valid for at most 7 days as COS allows. A link works without any login for a plain or an SSE-COS /
// SSE-KMS object (the signature is the permission; the service decrypts); an SSE-C object needs its key sent in
// headers besides, which a browser opening the link cannot do, and the answer says so.
import { MAX_SHARE_SECONDS } from '../../shared/contract/channels-details';
import type { CosClient } from '../cos/client';
import { ServiceError } from './errors';
import { headObjectWithKeys, NO_SSE_C_KEYS, type ObjectTarget } from './object-details';

export interface ShareLink {
  url: string;
  expiresAt: string;
  needsSseCKey: boolean;
}

export async function shareLink(client: CosClient, t: ObjectTarget & { region: string; expiresSeconds: number }, opts: { origin?: string } = {}): Promise<ShareLink> {
  if (!Number.isInteger(t.expiresSeconds) || t.expiresSeconds < 1) {
    throw new ServiceError('usage', 'BadExpiry', 'A share link must stay valid for at least one minute; choose a longer time.');
  }
  if (t.expiresSeconds > MAX_SHARE_SECONDS) {
    throw new ServiceError('usage', 'ExpiryTooLong', 'A share link can stay valid for at most 7 days (COS limits pre-signed links to 7 days); choose a shorter time.', { bucket: t.bucket, key: t.key });
  }
  // The object must be there (a 404 says so); a HEAD that needs a customer key means the link alone opens nothing.
  const headed = await headObjectWithKeys(client, t, NO_SSE_C_KEYS);
  const url = await client.presignGetUrl(t.bucket, t.key, t.expiresSeconds, { region: t.region, origin: opts.origin });
  return { url, expiresAt: new Date(Date.now() + t.expiresSeconds * 1000).toISOString(), needsSseCKey: headed.info === undefined };
}
