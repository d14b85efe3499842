// Object details, share links, previews, rename and move (issue 14 §2): declared with channel() from channel-kit.ts
// and merged into `channels` by channels.ts. The core answers with facts (modes, ACLs, whether a URL can work);
// the window words them in the user's language.
import { z } from 'zod';
import { channel, target } from './channel-kit';
import { ByteCount, IsoDate, ObjectKey, VaultKeyId } from './common';
import { JobSummary } from './jobs';

/** A pre-signed link lives at most 7 days (COS's limit for pre-signed URLs). */
export const MAX_SHARE_SECONDS = 7 * 24 * 3600;
/** Previews are bounded: images and PDFs up to this size are shown whole… */
export const PREVIEW_MAX_BYTES = 10 * 1024 * 1024;
/** …and text files are shown up to this many bytes (the rest is left out, and said so). */
export const PREVIEW_TEXT_BYTES = 256 * 1024;

/** What an object is encrypted with, as its HEAD says. */
export const ObjectEncryption = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('none') }),
  z.strictObject({ mode: z.literal('SSE-COS') }),
  z.strictObject({ mode: z.literal('SSE-KMS'), kmsKeyId: z.string().max(200).optional() }),
  /**
   * `vaultKeyId`: the key of this vault that opens it (null when none does: its key is elsewhere or lost);
   * `keyMd5`: the fingerprint COS reports, when the key was found.
   */
  z.strictObject({ mode: z.literal('SSE-C'), vaultKeyId: VaultKeyId.nullable(), keyMd5: z.string().max(64).nullable() }),
  /** An algorithm Coffer does not know (never reported as "not encrypted"). */
  z.strictObject({ mode: z.literal('unrecognized'), algorithm: z.string().max(200) }),
]);
export type ObjectEncryption = z.infer<typeof ObjectEncryption>;

export const CannedAcl = z.enum(['private', 'public-read', 'public-read-write', 'unknown']);
export type CannedAcl = z.infer<typeof CannedAcl>;

export const PreviewKind = z.enum(['image', 'pdf', 'text']);
export type PreviewKind = z.infer<typeof PreviewKind>;

export const ObjectDetails = z.strictObject({
  key: ObjectKey,
  size: ByteCount,
  contentType: z.string().max(500),
  lastModified: IsoDate.nullable(),
  etag: z.string().max(200),
  /** CRC-64/ECMA as a decimal string; null when the server gave none. */
  crc64: z.string().max(30).nullable(),
  storageClass: z.string().max(64),
  /** User metadata (x-cos-meta-*), names without the prefix. */
  metadata: z.record(z.string().max(1024), z.string().max(8192)),
  /** Other stored headers worth showing (Cache-Control, Content-Disposition, Content-Encoding, Expires). */
  headers: z.record(z.string().max(100), z.string().max(8192)),
  encryption: ObjectEncryption,
  /** false: an SSE-C object whose key is not in the vault; only what a listing says is known (no type, CRC64, metadata). */
  complete: z.boolean(),
  access: z.strictObject({
    bucketAcl: CannedAcl,
    objectAcl: CannedAcl,
    /** The address anyone may open when the bucket or the object is public; null when neither is. */
    publicUrl: z.string().max(4096).nullable(),
    /** Why the public address answers "Access denied" although it exists: encrypted objects are never served anonymously. */
    publicUrlBlocked: z.enum(['encrypted']).nullable(),
  }),
  /** The embedded store: links work only while Coffer runs on this computer. */
  localStore: z.boolean(),
  preview: z.strictObject({ kind: PreviewKind.nullable(), tooLarge: z.boolean() }),
});
export type ObjectDetails = z.infer<typeof ObjectDetails>;

const objectRef = { ...target, key: ObjectKey };

/** One rename or move: an object to a new key, or a folder (both ending with '/') to a new folder. */
export const MoveSpec = z
  .strictObject({ from: ObjectKey, to: ObjectKey })
  .refine((m) => m.from.endsWith('/') === m.to.endsWith('/'), 'a folder moves to a folder ("…/"), a file to a file name')
  .refine((m) => m.from !== m.to, 'the new place is the same as the old one')
  .refine((m) => !m.from.endsWith('/') || !m.to.startsWith(m.from), 'a folder cannot be moved into itself');
export type MoveSpec = z.infer<typeof MoveSpec>;

/** What to do when the destination exists: 'ask' fails the item with a sentence (the window asked beforehand). */
export const ConflictChoice = z.enum(['ask', 'replace', 'keep-both', 'skip']);
export type ConflictChoice = z.infer<typeof ConflictChoice>;

export const detailChannels = {
  /** Everything the details pane shows about one object (a HEAD, its ACL and the bucket's). */
  'objects.details': channel(z.strictObject(objectRef), z.strictObject({ details: ObjectDetails })),

  /** A pre-signed GET URL made with the connection's credentials (signed in the core, never in the page). */
  'objects.share': channel(
    z.strictObject({ ...objectRef, expiresSeconds: z.number().int().min(60).max(MAX_SHARE_SECONDS, 'a share link lives at most 7 days') }),
    z.strictObject({
      url: z.string().max(8192),
      expiresAt: IsoDate,
      /** SSE-C: the link opens nothing without the key sent in headers (a browser cannot). */
      needsSseCKey: z.boolean(),
    }),
  ),

  /**
   * Prepares a preview (bounded: PREVIEW_MAX_BYTES, text PREVIEW_TEXT_BYTES) and answers a one-time id: browser mode
   * fetches `GET /preview/<id>?token=…` (wire.ts), the desktop app asks 'objects.previewBytes'. Nothing is written to disk.
   */
  'objects.preview': channel(
    z.strictObject(objectRef),
    z.strictObject({
      previewId: z.string().min(1).max(100),
      kind: PreviewKind,
      contentType: z.string().max(200),
      /** Bytes the preview holds; `truncated` when a text file is longer. */
      size: ByteCount,
      truncated: z.boolean(),
    }),
  ),
  'objects.previewBytes': channel(
    z.strictObject({ previewId: z.string().min(1).max(100) }),
    z.strictObject({ contentType: z.string().max(200), base64: z.string().max(Math.ceil(PREVIEW_MAX_BYTES / 3) * 4 + 4) }),
  ),

  /**
   * Renames or moves one object at once (server-side copy keeping its encryption and metadata, verified, then the
   * old one deleted). A taken name answers kind 'conflict', code 'DestinationExists', unless `onConflict` says.
   */
  'objects.rename': channel(
    z.strictObject({ ...target, move: MoveSpec.refine((m) => !m.from.endsWith('/'), 'a folder is renamed with jobs.startMove'), onConflict: ConflictChoice.default('ask') }),
    z.strictObject({
      /** Where it is now (another name with 'keep-both'); null when skipped. */
      key: ObjectKey.nullable(),
    }),
  ),

  /** Which of these moves would land on something that exists (asked before a move starts). */
  'objects.moveConflicts': channel(
    z.strictObject({ ...target, moves: z.array(MoveSpec).min(1).max(1000) }),
    z.strictObject({ conflicts: z.array(z.strictObject({ from: ObjectKey, to: ObjectKey })).max(100), count: z.number().int().nonnegative() }),
  ),

  /** Moves objects and folders as one job with progress (pause, resume after a restart, cancel, retry). */
  'jobs.startMove': channel(
    z.strictObject({ ...target, moves: z.array(MoveSpec).min(1).max(1000), onConflict: ConflictChoice.default('ask') }),
    z.strictObject({ job: JobSummary }),
  ),
} as const;
