// Envelope wrap of the 32-byte object key (sse-design §8.2/§8.4). One function serves all three modes: the
// `label` names where kekSource came from ("master:<kid>", "kms:<keyId>", "ssec"), and the AAD binds the OEK
// to the object's identity, size and part table, so editing that plaintext metadata makes unwrapping fail.

import { createCipheriv, createDecipheriv, createHash, createHmac } from 'node:crypto';
import { randomBytesPooled } from './random-pool';
import { SseIntegrityError } from './sse-data-format';
import { decodeBase64Strict, lp, lpJoin, u32be, wipe } from './sse-encoding';

export interface WrapContext {
  bucket: string;
  key: string;
  objectId: Buffer;
  /** Plaintext size; null while a multipart upload is open (bound as "open"). */
  size: number | null;
  partsDigest: string;
  uploadId?: string;
  /** Anything else to bind, e.g. the canonical SSE-KMS encryption context. */
  extra?: string;
}

export interface WrappedKey {
  /** base64 of the 32-byte HKDF salt. */
  salt: string;
  /** base64 of GCM(KEK, 0^12, OEK) ‖ tag: 48 bytes. */
  wrapped: string;
}

const KEK_INFO_PREFIX = 'cos-sse/v1/kek/';
const PARTS_DOMAIN = Buffer.from('cos-sse/v1/parts', 'latin1');
const ZERO_NONCE = Buffer.alloc(12);

export function newObjectKey(): Buffer {
  return randomBytesPooled(32);
}

export function newObjectId(): Buffer {
  return randomBytesPooled(16);
}

export function wrapKey(kekSource: Buffer, label: string, oek: Buffer, ctx: WrapContext): WrappedKey {
  if (!Buffer.isBuffer(oek) || oek.length !== 32) throw new TypeError('object key must be 32 bytes');
  const aad = wrapAad(label, ctx);
  const salt = randomBytesPooled(32);
  const kek = deriveKek(kekSource, salt, label);
  try {
    // A fresh KEK per wrap (random salt) is what makes the fixed zero nonce safe.
    const c = createCipheriv('aes-256-gcm', kek, ZERO_NONCE, { authTagLength: 16 });
    c.setAAD(aad);
    const ct = Buffer.concat([c.update(oek), c.final(), c.getAuthTag()]);
    return { salt: salt.toString('base64'), wrapped: ct.toString('base64') };
  } finally {
    wipe(kek);
  }
}

/** Returns the OEK (the caller should wipe it after use). Throws SseIntegrityError if anything does not match. */
export function unwrapKey(kekSource: Buffer, label: string, w: WrappedKey, ctx: WrapContext): Buffer {
  const aad = wrapAad(label, ctx);
  const salt = typeof w?.salt === 'string' ? decodeBase64Strict(w.salt) : undefined;
  const wrapped = typeof w?.wrapped === 'string' ? decodeBase64Strict(w.wrapped) : undefined;
  if (!salt || salt.length !== 32 || !wrapped || wrapped.length !== 48) {
    throw new SseIntegrityError('SSE wrapped key record is malformed (salt must be 32 bytes, wrapped 48 bytes, base64)');
  }
  const kek = deriveKek(kekSource, salt, label);
  try {
    const d = createDecipheriv('aes-256-gcm', kek, ZERO_NONCE, { authTagLength: 16 });
    d.setAAD(aad);
    d.setAuthTag(wrapped.subarray(32));
    const oek = d.update(wrapped.subarray(0, 32));
    try {
      d.final();
    } catch {
      oek.fill(0);
      throw new SseIntegrityError(
        `SSE key unwrap failed for ${ctx.bucket}/${ctx.key} (${label}): wrong key, or the object's ` +
          'metadata (name, size, parts, upload, context) does not match what was sealed',
      );
    }
    return oek;
  } finally {
    wipe(kek);
  }
}

/** Hex SHA-256 over the part table sorted by part number: u32be(n) ‖ u64be(size) ‖ lp(partSalt) per part. */
export function partsDigest(parts: Array<{ partNumber: number; size: number; partSalt: string }>): string {
  const sorted = [...parts].sort((a, b) => a.partNumber - b.partNumber);
  const h = createHash('sha256').update(PARTS_DOMAIN).update(u32be(sorted.length));
  let prev = -1;
  for (const p of sorted) {
    if (!Number.isInteger(p.partNumber) || p.partNumber < 0 || p.partNumber > 0xffffffff) {
      throw new TypeError(`invalid part number ${p.partNumber}`);
    }
    if (p.partNumber === prev) throw new TypeError(`duplicate part number ${p.partNumber} in the part table`);
    if (!Number.isSafeInteger(p.size) || p.size < 0) throw new TypeError(`invalid size for part ${p.partNumber}`);
    if (typeof p.partSalt !== 'string') throw new TypeError(`missing partSalt for part ${p.partNumber}`);
    prev = p.partNumber;
    const size = Buffer.allocUnsafe(8);
    size.writeBigUInt64BE(BigInt(p.size));
    h.update(u32be(p.partNumber)).update(size).update(lp(p.partSalt));
  }
  return h.digest('hex');
}

function deriveKek(kekSource: Buffer, salt: Buffer, label: string): Buffer {
  if (!Buffer.isBuffer(kekSource) || kekSource.length < 32) throw new TypeError('key-encryption source must be ≥ 32 bytes');
  return hkdfSha256Block(kekSource, salt, KEK_INFO_PREFIX + label);
}

const BLOCK_ONE = Buffer.from([1]);

/**
 * HKDF-SHA256 (RFC 5869) with a 32-byte output: PRK = HMAC(salt, ikm), OKM = HMAC(PRK, info ‖ 0x01). The same bytes
 * as crypto.hkdfSync('sha256', ikm, salt, info, 32) (key-wrap.test.ts compares them), at about half its cost per
 * call — hkdfSync's setup dominates a single block, and every object write derives one key.
 */
export function hkdfSha256Block(ikm: Buffer, salt: Buffer, info: string): Buffer {
  const prk = createHmac('sha256', salt).update(ikm).digest();
  try {
    return createHmac('sha256', prk).update(info, 'utf8').update(BLOCK_ONE).digest();
  } finally {
    prk.fill(0);
  }
}

function wrapAad(label: string, ctx: WrapContext): Buffer {
  if (typeof label !== 'string' || label === '') throw new TypeError('wrap label must be a non-empty string');
  if (!Buffer.isBuffer(ctx.objectId) || ctx.objectId.length !== 16) throw new TypeError('objectId must be 16 bytes');
  if (ctx.size !== null && (!Number.isSafeInteger(ctx.size) || ctx.size < 0)) throw new TypeError(`invalid size ${ctx.size}`);
  return lpJoin(
    label,
    ctx.bucket,
    ctx.key,
    ctx.uploadId ?? '',
    ctx.objectId,
    ctx.size === null ? 'open' : String(ctx.size),
    ctx.partsDigest,
    ctx.extra ?? '',
  );
}
