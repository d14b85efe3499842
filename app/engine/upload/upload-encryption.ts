// What an upload asks the server to encrypt with, and the check that the server did it. The engine never trusts
// a request header to have worked: every object's PUT / Initiate / Complete answer must echo the mode asked for
// (cos-protocol.md §4.3), or the upload fails with a sentence the user can act on. SSE-C keys arrive as Buffers
// from the vault; only their MD5 fingerprint is ever kept or compared.
import { createHash } from 'node:crypto';
import type { SseInfo, SseRequest } from '../../cos/client';
import type { JournalEncryption } from '../journal';

/** SSE-COS is the default; 'none' only when the user chose it explicitly. */
export type UploadEncryption = SseRequest | { mode: 'none' };

export const DEFAULT_ENCRYPTION: UploadEncryption = { mode: 'SSE-COS' };

export type UploadErrorCode = 'not-encrypted' | 'crc-mismatch' | 'size-mismatch' | 'sse-key-mismatch' | 'too-large' | 'bad-source' | 'source-changed' | 'bad-content-type';

/** An upload that failed our own verification; the message is public and names the object. */
export class UploadError extends Error {
  override name = 'UploadError';
  constructor(
    readonly code: UploadErrorCode,
    message: string,
    readonly bucket?: string,
    readonly key?: string,
  ) {
    super(message);
  }
}

export function keyMd5(key: Buffer): string {
  return createHash('md5').update(key).digest('base64');
}

/** The request the COS client sends (undefined for 'none'). */
export function sseRequestOf(enc: UploadEncryption): SseRequest | undefined {
  return enc.mode === 'none' ? undefined : enc;
}

/** What the journal records: the mode and public identifiers, never the SSE-C key. */
export function journalEncryption(enc: UploadEncryption): JournalEncryption {
  switch (enc.mode) {
    case 'SSE-COS':
    case 'none':
      return { mode: enc.mode };
    case 'SSE-KMS':
      return enc.keyId ? { mode: 'SSE-KMS', keyId: enc.keyId } : { mode: 'SSE-KMS' };
    case 'SSE-C':
      return { mode: 'SSE-C', keyMd5: keyMd5(enc.key) };
    default: {
      const never: never = enc;
      throw new TypeError(`unknown encryption mode ${JSON.stringify(never)}`);
    }
  }
}

export function sameJournalEncryption(a: JournalEncryption, b: JournalEncryption): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function describe(info: SseInfo): string {
  switch (info.mode) {
    case 'none':
      return info.unrecognized ? `an encryption this client does not recognize ("${info.unrecognized}")` : 'no encryption';
    case 'SSE-COS':
      return 'SSE-COS';
    case 'SSE-KMS':
      return `SSE-KMS${info.keyId ? ` (key ${info.keyId})` : ''}`;
    case 'SSE-C':
      return 'SSE-C with a different key';
  }
}

/**
 * The encryption an object got, as the server's answer says (never as asked), in a JSON-safe shape for results and
 * events. `byBucketDefault`: nothing was asked for and the bucket's default encryption applied it.
 */
export interface AppliedEncryption {
  mode: 'none' | 'SSE-COS' | 'SSE-KMS' | 'SSE-C' | 'unrecognized';
  /** SSE-KMS: the key the server names. */
  keyId?: string;
  /** SSE-C: the MD5 fingerprint of the customer key (never the key). */
  keyMd5?: string;
  /** 'unrecognized': the algorithm the server named. */
  algorithm?: string;
  byBucketDefault: boolean;
}

/** What the echo of an answer says was applied to an upload that asked for `requested`. */
export function appliedEncryption(requested: UploadEncryption | SseRequest, echo: SseInfo): AppliedEncryption {
  const byBucketDefault = requested.mode === 'none' && (echo.mode !== 'none' || echo.unrecognized !== undefined);
  switch (echo.mode) {
    case 'none':
      return echo.unrecognized ? { mode: 'unrecognized', algorithm: echo.unrecognized, byBucketDefault } : { mode: 'none', byBucketDefault: false };
    case 'SSE-COS':
      return { mode: 'SSE-COS', byBucketDefault };
    case 'SSE-KMS':
      return echo.keyId ? { mode: 'SSE-KMS', keyId: echo.keyId, byBucketDefault } : { mode: 'SSE-KMS', byBucketDefault };
    case 'SSE-C':
      return { mode: 'SSE-C', keyMd5: echo.keyMd5, byBucketDefault };
    default: {
      const never: never = echo;
      throw new TypeError(`unknown encryption echo ${JSON.stringify(never)}`);
    }
  }
}

/**
 * Throws unless `echo` shows the encryption asked for; returns what was applied. `step` names the answer checked
 * (PUT, Initiate, Complete) so a log can tell which one lied. Asking for none accepts any answer: the bucket's
 * default encryption may apply, and the result says so.
 */
export function verifyEcho(requested: UploadEncryption, echo: SseInfo, where: { bucket: string; key: string; step: string }): AppliedEncryption {
  let ok: boolean;
  switch (requested.mode) {
    case 'none':
      return appliedEncryption(requested, echo);
    case 'SSE-COS':
      ok = echo.mode === 'SSE-COS';
      break;
    case 'SSE-KMS':
      ok = echo.mode === 'SSE-KMS' && (!requested.keyId || echo.keyId === requested.keyId);
      break;
    case 'SSE-C':
      ok = echo.mode === 'SSE-C' && echo.keyMd5 === keyMd5(requested.key);
      break;
    default: {
      const never: never = requested;
      throw new TypeError(`unknown encryption mode ${JSON.stringify(never)}`);
    }
  }
  if (!ok) {
    throw new UploadError(
      'not-encrypted',
      `the server did not encrypt this object${echo.mode === 'none' && !echo.unrecognized ? '' : ' as asked'}: ${where.bucket}/${where.key} was uploaded asking for ${requested.mode}, ` +
        `but the ${where.step} answer reports ${describe(echo)}`,
      where.bucket,
      where.key,
    );
  }
  return appliedEncryption(requested, echo);
}

export function crcMismatch(bucket: string, key: string, detail: string): UploadError {
  return new UploadError('crc-mismatch', `data corrupted in transit: CRC64 mismatch for ${bucket}/${key} (${detail})`, bucket, key);
}
