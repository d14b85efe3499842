// Per-field sealing under the vault's data key: AES-256-GCM, a fresh random 96-bit nonce per value, and AAD
// naming the vault, the record and the field, so a ciphertext moved to another profile or field fails to open
// instead of yielding the wrong secret. Also the key check value and the whole-file MAC.

import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { VaultError } from './errors';

export const DATA_KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export interface DataKeys {
  /** Seals secret fields. */
  fieldKey: Buffer;
  /** Authenticates the whole file (names, regions, endpoints, which records exist). */
  macKey: Buffer;
  /** Stored in the header: tells "the protector returned the wrong key" apart from tampering. */
  kcv: Buffer;
}

export function deriveDataKeys(dataKey: Buffer): DataKeys {
  const sub = (info: string, len: number) => Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), info, len));
  return {
    fieldKey: sub('coffer-vault/1 field-key', 32),
    macKey: sub('coffer-vault/1 mac-key', 32),
    kcv: sub('coffer-vault/1 key-check', 16),
  };
}

export type RecordType = 'profile' | 'sse-c-key';

export function fieldAad(vaultId: string, recordType: RecordType, recordId: string, field: string): Buffer {
  // NUL-separated: none of the parts may contain NUL (ids are generated, fields are constants).
  return Buffer.from(['coffer-vault/1', vaultId, recordType, recordId, field].join('\0'), 'utf8');
}

/** AES-256-GCM; returns base64(nonce ‖ ciphertext ‖ tag). */
export function sealBytes(key: Buffer, plain: Buffer, aad: Buffer): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(aad);
  const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([nonce, ct, cipher.getAuthTag()]).toString('base64');
}

/** Opens a value sealed by sealBytes; any change to the bytes, the key or the AAD is an error, never garbage. */
export function openBytes(key: Buffer, sealed: string, aad: Buffer, what: string): Buffer {
  const blob = Buffer.from(sealed, 'base64');
  if (blob.length < NONCE_BYTES + TAG_BYTES || blob.toString('base64') !== sealed) {
    throw new VaultError('TAMPERED', `The vault's encrypted ${what} is malformed; the vault file was damaged or altered.`);
  }
  const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(0, NONCE_BYTES));
  decipher.setAAD(aad);
  decipher.setAuthTag(blob.subarray(blob.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(blob.subarray(NONCE_BYTES, blob.length - TAG_BYTES)), decipher.final()]);
  } catch (cause) {
    throw new VaultError('TAMPERED', `The vault's encrypted ${what} failed authentication; the vault file was damaged or altered.`, { cause });
  }
}

/** JSON with object keys sorted at every level: the MAC input must not depend on key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function computeMac(macKey: Buffer, body: unknown): string {
  return createHmac('sha256', macKey).update('coffer-vault/1 file\0').update(canonicalJson(body)).digest('base64');
}

export function equalBase64(a: string, b: string): boolean {
  const x = Buffer.from(a, 'base64');
  const y = Buffer.from(b, 'base64');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
