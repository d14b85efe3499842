// Creates, opens and re-wraps the per-object key (OEK) of an encrypted object or multipart upload. The OEK is
// always held wrapped: by the active master key (SSE-COS), by a local KMS key (SSE-KMS) or by the customer's key
// (SSE-C, of which the store keeps only a salted HMAC to recognise it).
import { CosError } from '../http/cos-error';
import { customerKeyFingerprint, customerKeyMatches, type CustomerKey } from '../sse/customer-key';
import { newObjectId, newObjectKey, unwrapKey, wrapKey, type WrapContext } from '../sse/key-wrap';
import type { Keyring } from '../sse/keyring';
import type { LocalKms } from '../sse/local-kms';
import type { SseRecord, SseRequest } from './sse-request';

export interface KeyServices {
  keyring: Keyring;
  kms: LocalKms;
}

export interface SealedObjectKey {
  oek: Buffer;
  objectId: Buffer;
  record: SseRecord;
  /** Master-key version for SSE-COS (indexed, to count what each version protects). */
  sseKid: number | null;
}

/** A fresh object key and id; wrapped once the size is known (the wrap binds it). */
export function newObjectKeys(): { oek: Buffer; objectId: Buffer } {
  return { oek: newObjectKey(), objectId: newObjectId() };
}

/** Fails early (before any data is written) when a named KMS key does not exist. */
export function checkKmsKey(req: SseRequest, keys: KeyServices): void {
  if (req.mode === 'cos/kms' && req.kmsKeyId !== undefined && !keys.kms.material(req.kmsKeyId)) {
    throw new CosError('KmsKeyNotExist', `The KMS key "${req.kmsKeyId}" does not exist.`);
  }
}

/** Wraps an object key for the requested mode. */
export async function sealObjectKey(
  req: Exclude<SseRequest, { mode: 'none' }>,
  oek: Buffer,
  objectId: Buffer,
  ctx: Omit<WrapContext, 'objectId' | 'extra'>,
  keys: KeyServices,
): Promise<SealedObjectKey> {
  const base = { objectId: objectId.toString('base64') };
  switch (req.mode) {
    case 'AES256': {
      const kid = keys.keyring.activeKid;
      const label = `master:${kid}`;
      const w = wrapKey(keys.keyring.material(kid), label, oek, { ...ctx, objectId });
      return { oek, objectId, sseKid: kid, record: { mode: 'AES256', ...base, label, ...w } };
    }
    case 'cos/kms': {
      const keyId = req.kmsKeyId ?? (await keys.kms.defaultKeyId());
      const material = keys.kms.material(keyId);
      if (!material) throw new CosError('KmsKeyNotExist', `The KMS key "${keyId}" does not exist.`);
      const label = `kms:${keyId}`;
      const w = wrapKey(material, label, oek, { ...ctx, objectId, extra: req.context });
      return { oek, objectId, sseKid: null, record: { mode: 'cos/kms', ...base, label, ...w, kmsKeyId: keyId, kmsContext: req.context } };
    }
    case 'SSE-C': {
      const w = wrapKey(req.customer.key, 'ssec', oek, { ...ctx, objectId });
      return {
        oek,
        objectId,
        sseKid: null,
        record: { mode: 'SSE-C', ...base, label: 'ssec', ...w, customerKeyMd5: req.customer.keyMd5, customerFp: customerKeyFingerprint(req.customer.key) },
      };
    }
    default: {
      const never: never = req;
      throw new Error(`unknown SSE request ${JSON.stringify(never)}`);
    }
  }
}

/** The secret that wrapped a record, checked against what the caller supplied (SSE-C). HEAD uses it alone. */
export function kekSourceFor(record: SseRecord, keys: KeyServices, customer: CustomerKey | null): Buffer {
  if (record.mode === 'SSE-C') {
    if (!customer) {
      throw new CosError(
        'InvalidRequest',
        'The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.',
      );
    }
    if (!record.customerFp || !customerKeyMatches(customer.key, record.customerFp)) {
      throw new CosError('AccessDenied', 'The provided customer encryption key does not match the key used to encrypt this object.');
    }
    return customer.key;
  }
  if (customer) {
    throw new CosError('InvalidRequest', 'The encryption parameters are not applicable to this object: it is not encrypted with a customer-provided key.');
  }
  if (record.mode === 'cos/kms') {
    const m = keys.kms.material(record.kmsKeyId ?? '');
    if (!m) throw new CosError('KmsKeyNotExist', `The KMS key "${record.kmsKeyId}" protecting this object does not exist.`);
    return m;
  }
  const kid = masterKid(record);
  return keys.keyring.material(kid);
}

export function masterKid(record: SseRecord): number {
  const m = /^master:(\d+)$/.exec(record.label);
  if (!m) throw new Error(`SSE record has no master-key label (${record.label})`);
  return Number(m[1]);
}

/** Unwraps the OEK of a stored object or upload. Throws CosError for a missing/wrong SSE-C key. */
export function openObjectKey(
  record: SseRecord,
  ctx: Omit<WrapContext, 'objectId' | 'extra'>,
  keys: KeyServices,
  customer: CustomerKey | null,
): Buffer {
  const source = kekSourceFor(record, keys, customer);
  // An SSE-C multipart object completed without the customer key keeps its upload's wrap (multipart-complete.ts).
  const bound = record.mode === 'SSE-C' && record.uploadId ? { ...ctx, size: null, partsDigest: '', uploadId: record.uploadId } : ctx;
  return unwrapKey(source, record.label, { salt: record.salt, wrapped: record.wrapped }, {
    ...bound,
    objectId: Buffer.from(record.objectId, 'base64'),
    extra: record.kmsContext,
  });
}

/**
 * Wraps an already-open OEK again for a new context (Complete binds the final size and part table) or under the
 * active master key (rotation). The data files are untouched.
 */
export function rewrapObjectKey(
  record: SseRecord,
  oek: Buffer,
  ctx: Omit<WrapContext, 'objectId' | 'extra'>,
  keys: KeyServices,
  customer: CustomerKey | null,
): { record: SseRecord; sseKid: number | null } {
  const objectId = Buffer.from(record.objectId, 'base64');
  const full = { ...ctx, objectId, extra: record.kmsContext };
  if (record.mode === 'AES256') {
    const kid = keys.keyring.activeKid;
    const label = `master:${kid}`;
    return { record: { ...record, label, ...wrapKey(keys.keyring.material(kid), label, oek, full) }, sseKid: kid };
  }
  const source = kekSourceFor(record, keys, customer);
  return { record: { ...record, ...wrapKey(source, record.label, oek, full) }, sseKid: null };
}
