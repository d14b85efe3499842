// SSE-C request parsing and key checks (cos-protocol §4.1/§4.5). The customer's key is never stored: the store
// keeps a salted HMAC fingerprint to tell "wrong key" from "damaged data", and uses the key itself as the
// kekSource of the wrap (label "ssec"). No error message ever includes the key.

import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { CosError } from '../http/cos-error';
import { decodeBase64Strict } from './sse-encoding';

export interface CustomerKey {
  key: Buffer;
  /** base64 of MD5(key), echoed as x-cos-server-side-encryption-customer-key-MD5. */
  keyMd5: string;
}

export const SSEC_PREFIX = 'x-cos-server-side-encryption-customer-';
export const SSEC_COPY_SOURCE_PREFIX = 'x-cos-copy-source-server-side-encryption-customer-';

const FP_LABEL = 'cos-sse/v1/ssec-fingerprint';

/**
 * Reads the three SSE-C headers under `prefix` (header names lowercase, as Node delivers them). Returns null when
 * none is present; throws CosError InvalidArgument when the set is incomplete or any value is wrong.
 */
export function parseCustomerKey(
  headers: Record<string, string | string[] | undefined>,
  prefix: string,
): CustomerKey | null {
  const names = { algorithm: `${prefix}algorithm`, key: `${prefix}key`, md5: `${prefix}key-md5` };
  const alg = single(headers, names.algorithm);
  const keyB64 = single(headers, names.key);
  const md5B64 = single(headers, names.md5);
  if (alg === undefined && keyB64 === undefined && md5B64 === undefined) return null;

  const missing = Object.entries({ [names.algorithm]: alg, [names.key]: keyB64, [`${prefix}key-MD5`]: md5B64 })
    .filter(([, v]) => v === undefined)
    .map(([n]) => n);
  if (missing.length) {
    throw new CosError('InvalidArgument', `SSE-C requires all three ${prefix}* headers; missing: ${missing.join(', ')}`);
  }
  if (alg !== 'AES256') {
    throw new CosError('InvalidArgument', `${names.algorithm} must be AES256`);
  }
  const key = decodeBase64Strict(keyB64 as string);
  if (!key || key.length !== 32) {
    throw new CosError('InvalidArgument', `${names.key} must be the base64 encoding of exactly 32 bytes`);
  }
  const want = createHash('md5').update(key).digest();
  const given = decodeBase64Strict(md5B64 as string);
  if (!given || given.length !== 16 || !timingSafeEqual(given, want)) {
    key.fill(0);
    throw new CosError('InvalidArgument', `${prefix}key-MD5 does not match the MD5 of the supplied customer key`);
  }
  return { key, keyMd5: want.toString('base64') };
}

/** A salted HMAC of the customer key, stored with the object so later requests can be checked without it. */
export function customerKeyFingerprint(key: Buffer): { salt: string; hmac: string } {
  const salt = randomBytes(16);
  return { salt: salt.toString('base64'), hmac: fingerprint(key, salt).toString('base64') };
}

export function customerKeyMatches(key: Buffer, fp: { salt: string; hmac: string }): boolean {
  const salt = typeof fp?.salt === 'string' ? decodeBase64Strict(fp.salt) : undefined;
  const want = typeof fp?.hmac === 'string' ? decodeBase64Strict(fp.hmac) : undefined;
  if (!salt || !want || want.length !== 32) return false;
  return timingSafeEqual(fingerprint(key, salt), want);
}

function fingerprint(key: Buffer, salt: Buffer): Buffer {
  return createHmac('sha256', key).update(FP_LABEL).update(salt).digest();
}

/** A header value, trimmed; a repeated header is ambiguous and rejected. Empty counts as present (and invalid). */
function single(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  if (v === undefined) return undefined;
  if (Array.isArray(v)) {
    if (v.length === 1) return v[0].trim();
    throw new CosError('InvalidArgument', `${name} was sent more than once`);
  }
  return v.trim();
}
