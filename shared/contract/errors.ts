// The one error shape that crosses the boundary, and the envelope every channel answers with. Handlers never
// throw across: they answer `{ ok: false, error }`, so the renderer branches on `kind` and shows `message` (a
// sentence the user can act on); `details` feed the "Details" disclosure (code, request id). Never a stack
// trace, never a secret.
import { z } from 'zod';
import { ERROR_PHRASE_IDS } from './error-phrases';

/**
 * What went wrong, for the UI to choose its reaction:
 * usage (bad input: fix the request), not-found, access (credentials, permissions, a locked vault),
 * integrity (verification or encryption check failed), conflict (exists already, changed meanwhile),
 * unavailable (not offered here: a native dialog in browser mode, SSE outside its regions, the store down),
 * failed (anything else; may be retried), cancelled (the user or a superseding request stopped it).
 */
export const ErrorKind = z.enum(['usage', 'not-found', 'access', 'integrity', 'conflict', 'unavailable', 'failed', 'cancelled']);
export type ErrorKind = z.infer<typeof ErrorKind>;

/** A certificate's SHA-256 fingerprint as Node and `coffer-store serve` write it: upper-case hex pairs joined by ':'. */
export const CertificateSha256 = z.string().regex(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/, 'a SHA-256 fingerprint, as AB:CD:…');

/** Facts for the Details disclosure and for logs; every field optional, all public (no credentials, no keys). */
export const ErrorDetails = z.strictObject({
  /** The underlying code: a COS code ('NoSuchBucket'), an engine code ('crc-mismatch'), an errno ('ENOENT'). */
  code: z.string().max(200).optional(),
  requestId: z.string().max(200).optional(),
  httpStatus: z.number().int().optional(),
  connectionId: z.string().max(200).optional(),
  bucket: z.string().max(200).optional(),
  key: z.string().max(2048).optional(),
  uploadId: z.string().max(500).optional(),
  region: z.string().max(100).optional(),
  /** A local file or folder the failure is about. */
  path: z.string().max(4096).optional(),
  /** Whether trying the same thing again may succeed (network, throttling, a server 5xx). */
  retryable: z.boolean().optional(),
  /** The SHA-256 fingerprint of a certificate a store presented that no trusted authority signed. */
  certificateSha256: CertificateSha256.optional(),
});
export type ErrorDetails = z.infer<typeof ErrorDetails>;

export const AppError = z.strictObject({
  kind: ErrorKind,
  /** Stable identifier for programs and tests, e.g. 'NoSuchBucket', 'not-encrypted', 'VaultLocked'. */
  code: z.string().min(1).max(200),
  /** A sentence the user can act on ("… Check it in Settings → Accounts."). */
  message: z.string().min(1).max(4000),
  details: ErrorDetails,
  /** The message as a phrase of error-phrases.ts and its values, for a window to say in its user's language. */
  phrase: z.strictObject({ id: z.enum(ERROR_PHRASE_IDS), values: z.record(z.string().max(100), z.string().max(4096)) }).optional(),
});
export type AppError = z.infer<typeof AppError>;

/** `{ ok: true, value } | { ok: false, error }` around a channel's response schema. */
export function envelope<T extends z.ZodType>(value: T) {
  return z.discriminatedUnion('ok', [z.strictObject({ ok: z.literal(true), value }), z.strictObject({ ok: z.literal(false), error: AppError })]);
}

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: AppError };

export function ok<T>(value: T): Envelope<T> {
  return { ok: true, value };
}

export function fail(kind: ErrorKind, code: string, message: string, details: ErrorDetails = {}): { ok: false; error: AppError } {
  return { ok: false, error: { kind, code, message, details } };
}
