// Building blocks the channels and events share. Everything here is JSON-safe: sizes and counts are numbers
// (safe integers: 2^53 bytes is far beyond any object), CRC64 values are decimal strings, dates are ISO 8601
// strings, SSE-C keys are named by their vault id and never carried as bytes.
import { z } from 'zod';
import { AppError } from './errors';

/** A connection's id as `connections.list` gives it ('local' for the embedded store). */
export const ConnectionId = z.string().min(1).max(200);

/** A bucket's full name, `<name>-<APPID>` as COS spells it. */
export const BucketName = z
  .string()
  .min(3)
  .max(80)
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?-\d+$/, 'a bucket name is <name>-<APPID>: lowercase letters, digits and "-"');

/** An object key: non-empty, at most 850 UTF-8 bytes on COS; no NUL. Checked again by the server. */
export const ObjectKey = z
  .string()
  .min(1)
  .max(1024)
  .refine((k) => !k.includes('\0'), 'an object key must not contain NUL');

/** A prefix inside a bucket: '' for the top, else ending with '/'. */
export const Prefix = z
  .string()
  .max(1024)
  .refine((p) => p === '' || p.endsWith('/'), 'a prefix is empty or ends with "/"')
  .refine((p) => !p.includes('\0'), 'a prefix must not contain NUL');

export const Region = z.string().regex(/^[a-z0-9-]{2,64}$/, 'a region looks like ap-guangzhou');

/** An ISO 8601 timestamp with offset, e.g. '2026-12-02T10:04:00.000Z'. */
export const IsoDate = z.iso.datetime({ offset: true });

export const ByteCount = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
export const Count = z.number().int().nonnegative();

/** A job's id as the job manager gives it. */
export const JobId = z.string().min(1).max(200);

/** An SSE-C key is named by its id in the vault; its bytes never leave the main side. */
export const VaultKeyId = z.string().min(1).max(200);

/** The server-side encryption an object or an upload has, as COS names the modes. */
export const SseMode = z.enum(['SSE-COS', 'SSE-KMS', 'SSE-C']);
export type SseMode = z.infer<typeof SseMode>;

/** What the user chose for an upload or an encrypt-in-place. 'none' is allowed only after the UI asked. */
export const SseChoice = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('sse-cos') }),
  z.strictObject({ mode: z.literal('sse-kms'), keyId: z.string().min(1).max(200).optional() }),
  z.strictObject({ mode: z.literal('sse-c'), vaultKeyId: VaultKeyId }),
  z.strictObject({ mode: z.literal('none') }),
]);
export type SseChoice = z.infer<typeof SseChoice>;

/** A bucket's default encryption: what objects uploaded without SSE headers get. */
export const DefaultEncryption = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('SSE-COS') }),
  z.strictObject({ mode: z.literal('SSE-KMS'), kmsKeyId: z.string().max(200).optional() }),
]);
export type DefaultEncryption = z.infer<typeof DefaultEncryption>;

/**
 * One row's Encryption cell. 'checking' while a HEAD is queued or in flight; 'error' carries a sentence
 * ("Couldn't check — Retry"). An SSE-C object HEADed without its key is 'encrypted' with mode 'SSE-C'.
 */
export const EncryptionState = z.discriminatedUnion('state', [
  z.strictObject({ state: z.literal('checking') }),
  z.strictObject({ state: z.literal('encrypted'), mode: SseMode, kmsKeyId: z.string().max(200).optional() }),
  z.strictObject({ state: z.literal('not-encrypted') }),
  z.strictObject({ state: z.literal('error'), error: AppError }),
]);
export type EncryptionState = z.infer<typeof EncryptionState>;

/** One object of a listing page. `name` is the key without the listed prefix. */
export const ObjectRow = z.strictObject({
  key: ObjectKey,
  name: z.string().max(1024),
  size: ByteCount,
  lastModified: IsoDate,
  etag: z.string().max(200),
  storageClass: z.string().max(64),
});
export type ObjectRow = z.infer<typeof ObjectRow>;

/** One common prefix of a listing page ("folder"). `name` is the last segment without its '/'. */
export const FolderRow = z.strictObject({
  prefix: Prefix,
  name: z.string().max(1024),
});
export type FolderRow = z.infer<typeof FolderRow>;
