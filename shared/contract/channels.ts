// Every channel, declared once: its name ('domain.action'), the request the renderer sends and the response the
// core answers. Requests are strict (unknown fields are refused) because they come from the less trusted side;
// handlers parse them with these schemas before anything else runs (serve.ts).
import { z } from 'zod';
import {
  BucketName,
  ConnectionId,
  Count,
  DefaultEncryption,
  FolderRow,
  IsoDate,
  JobId,
  ObjectKey,
  ObjectRow,
  Prefix,
  Region,
  SseChoice,
} from './common';
import { DownloadDestination, ItemFailure, JobSummary, UploadItem } from './jobs';
import { channel, none, target } from './channel-kit';
import { accountChannels } from './channels-accounts';
import { detailChannels } from './channels-details';
import { settingsChannels } from './channels-settings';

const jobRef = z.strictObject({ jobId: JobId });
/** The longest search within a folder (characters): longer than any object key. */
export const NAME_FILTER_MAX = 1024;
const jobAnswer = z.strictObject({ job: JobSummary });

export const Connection = z.strictObject({
  id: ConnectionId,
  /** The account's name as the user gave it. For kind 'embedded' the UI shows its own words ("This computer"). */
  label: z.string().max(200),
  /** 'store': a coffer-store elsewhere (a local store URL), which speaks COS but is not Tencent Cloud. */
  kind: z.enum(['embedded', 'cos', 'store']),
  /** The APPID bucket names end with; null when not known yet. */
  appId: z.string().max(20).nullable(),
  /** 'locked': a COS account whose credentials wait for the vault to be unlocked. */
  state: z.enum(['ready', 'locked', 'unavailable']),
});
export type Connection = z.infer<typeof Connection>;

export const Bucket = z.strictObject({
  name: BucketName,
  region: Region,
  /** Whether the region offers server-side encryption (SSE-COS/KMS/C). */
  sseOffered: z.boolean(),
  /** null: no default encryption; 'unknown': the credentials may not read the setting. */
  defaultEncryption: z.union([DefaultEncryption, z.null(), z.literal('unknown')]),
  created: IsoDate.nullable(),
});
export type Bucket = z.infer<typeof Bucket>;

export const VaultStatus = z.strictObject({
  /** 'absent': no vault yet (nothing to unlock); 'locked': a passphrase is needed ("Unlock Coffer"). */
  state: z.enum(['absent', 'locked', 'unlocked']),
  protector: z.enum(['keychain', 'safe-storage', 'passphrase']).nullable(),
});
export type VaultStatus = z.infer<typeof VaultStatus>;

export const IncompleteUpload = z.strictObject({
  key: ObjectKey,
  uploadId: z.string().min(1).max(500),
  initiated: IsoDate,
  /** Whether a job of this app owns it (it will continue it); false for uploads left by other tools. */
  ownedByJob: z.boolean(),
});
export type IncompleteUpload = z.infer<typeof IncompleteUpload>;

/** The bucket browser's channels (part 1); the other areas live in channels-*.ts, merged below. */
const browserChannels = {
  /** What the window needs to know about where it runs. */
  'app.info': channel(
    none,
    z.strictObject({
      version: z.string(),
      transport: z.enum(['electron', 'browser']),
      platform: z.string(),
      /** Native "Upload files…/folder…" and "Save as…" dialogs exist (Electron); else the page uses <input type=file>. */
      nativeDialogs: z.boolean(),
      /** Dropped files are read from their paths (Electron) rather than streamed by the page (browser mode). */
      filePaths: z.boolean(),
      storeRunning: z.boolean(),
      /** COFFER_HOME, shown in About and error details. */
      dataLocation: z.string(),
    }),
  ),

  'connections.list': channel(none, z.strictObject({ connections: z.array(Connection) })),

  'buckets.list': channel(z.strictObject({ connectionId: ConnectionId }), z.strictObject({ buckets: z.array(Bucket) })),
  'buckets.create': channel(
    z.strictObject({
      ...target,
      region: Region,
      defaultEncryption: z.boolean().default(true),
      /** 'public-read': anyone may read its unencrypted objects by URL (an encrypted object is never served so). */
      access: z.enum(['private', 'public-read']).default('private'),
    }),
    z.strictObject({ bucket: Bucket }),
  ),

  /** One page of a prefix: folders (common prefixes) and objects. Ask again with `marker` = `nextMarker`. */
  'objects.list': channel(
    z.strictObject({
      ...target,
      prefix: Prefix.default(''),
      delimiter: z.literal('/').default('/'),
      marker: z.string().max(2048).optional(),
      pageSize: z.number().int().min(1).max(1000).default(1000),
      /** Part of the name within the prefix, case and accents aside; a filtered page may be empty yet truncated. */
      nameFilter: z.string().min(1).max(NAME_FILTER_MAX).optional(),
    }),
    z.strictObject({
      folders: z.array(FolderRow),
      objects: z.array(ObjectRow),
      nextMarker: z.string().max(2048).nullable(),
      truncated: z.boolean(),
    }),
  ),
  /**
   * The subfolders of a prefix without its files, for a folder of more than one page: the server lists folders
   * among the files in name order, and the table shows them first. At most 5 pages are read (`complete` false
   * beyond).
   */
  'objects.folders': channel(
    z.strictObject({
      ...target,
      prefix: Prefix.default(''),
      nameFilter: z.string().min(1).max(NAME_FILTER_MAX).optional(),
    }),
    z.strictObject({ folders: z.array(FolderRow), complete: z.boolean() }),
  ),
  /**
   * Encryption statuses for the rows on screen; answers arrive as 'object.status' events. A request replaces
   * the earlier one with the same `view`: rows no longer asked for are dropped from the queue (they scrolled
   * away); `rows: []` cancels all. `force` skips the cache (the "Retry" of "Couldn't check").
   */
  'objects.status': channel(
    z.strictObject({
      ...target,
      view: z.string().min(1).max(100),
      rows: z.array(z.strictObject({ key: ObjectKey, etag: z.string().max(200) })).max(500),
      force: z.boolean().default(false),
    }),
    z.strictObject({ queued: Count }),
  ),
  'objects.createFolder': channel(
    z.strictObject({ ...target, key: ObjectKey.refine((k) => k.endsWith('/'), 'a folder key ends with "/"') }),
    z.strictObject({ key: ObjectKey }),
  ),
  /** Deletes exactly these keys (the UI asked first). A folder is deleted by listing and naming its objects. */
  'objects.delete': channel(
    z.strictObject({ ...target, keys: z.array(ObjectKey).min(1).max(1000) }),
    z.strictObject({ deleted: z.array(ObjectKey), failures: z.array(ItemFailure) }),
  ),

  'jobs.list': channel(none, z.strictObject({ jobs: z.array(JobSummary) })),
  /** Uploads under one job; SSE 'none' only after the UI asked "Upload without encryption?". */
  'jobs.startUpload': channel(
    z.strictObject({
      ...target,
      /** The prefix the user dropped onto (the job's `prefix`); each item's key already includes it. */
      prefix: Prefix,
      items: z.array(UploadItem).min(1).max(100_000),
      sse: SseChoice,
      /**
       * More items follow with 'jobs.addUploadItems' (a page that starts uploading a big drop while it still reads
       * its files' sizes); the job finishes only after the call that says there are no more.
       */
      more: z.boolean().default(false),
    }),
    jobAnswer,
  ),
  /** The next items of an upload started with `more`, from the page that started it; `more: false` closes it. */
  'jobs.addUploadItems': channel(z.strictObject({ jobId: JobId, items: z.array(UploadItem).max(100_000), more: z.boolean() }), jobAnswer),
  'jobs.startDownload': channel(
    z
      .strictObject({
        ...target,
        keys: z.array(ObjectKey).max(100_000).default([]),
        /** Folders: everything under them, keeping the structure. */
        prefixes: z.array(Prefix).max(1000).default([]),
        destination: DownloadDestination,
      })
      .refine((r) => r.keys.length + r.prefixes.length > 0, 'name at least one key or folder to download'),
    jobAnswer,
  ),
  /** Encrypts in place (copy onto itself, metadata kept, guarded by ETag) what is not encrypted with `sse` yet. */
  'jobs.startEncrypt': channel(
    z
      .strictObject({
        ...target,
        keys: z.array(ObjectKey).max(100_000).default([]),
        prefixes: z.array(Prefix).max(1000).default([]),
        sse: SseChoice.refine((s) => s.mode !== 'none', 'encrypt-in-place needs an encryption mode'),
      })
      .refine((r) => r.keys.length + r.prefixes.length > 0, 'name at least one key or folder to encrypt'),
    jobAnswer,
  ),
  /** Deletes objects and whole folders (everything under them) as one job; never a whole bucket by an empty prefix. */
  'jobs.startDelete': channel(
    z
      .strictObject({
        ...target,
        keys: z.array(ObjectKey).max(100_000).default([]),
        prefixes: z.array(Prefix.refine((p) => p !== '', 'a folder to delete is named; the empty prefix would be the whole bucket')).max(1000).default([]),
      })
      .refine((r) => r.keys.length + r.prefixes.length > 0, 'name at least one key or folder to delete'),
    jobAnswer,
  ),
  'jobs.pause': channel(jobRef, jobAnswer),
  'jobs.resume': channel(jobRef, jobAnswer),
  'jobs.cancel': channel(jobRef, jobAnswer),
  /** Runs a finished job's failed items again, as the same job. */
  'jobs.retry': channel(jobRef, jobAnswer),
  /** Removes a finished job from the list (and from the persisted queue). */
  'jobs.dismiss': channel(jobRef, z.strictObject({ jobId: JobId })),

  /** Multipart uploads the server holds that were never completed (they cost storage until aborted). */
  'multipart.list': channel(
    z.strictObject({ ...target, prefix: Prefix.default('') }),
    z.strictObject({ uploads: z.array(IncompleteUpload), truncated: z.boolean() }),
  ),
  'multipart.abort': channel(
    z.strictObject({ ...target, key: ObjectKey, uploadId: z.string().min(1).max(500) }),
    z.strictObject({ aborted: z.literal(true) }),
  ),

  /** Native dialogs (Electron); in browser mode they answer kind 'unavailable' (see app.info nativeDialogs). */
  'dialogs.pickFiles': channel(none, z.strictObject({ paths: z.array(z.string().max(4096)) })),
  'dialogs.pickFolder': channel(none, z.strictObject({ path: z.string().max(4096).nullable() })),
  'dialogs.saveAs': channel(
    z.strictObject({ suggestedName: z.string().min(1).max(1024) }),
    z.strictObject({ path: z.string().max(4096).nullable() }),
  ),

  'vault.status': channel(none, VaultStatus),
  /** The passphrase crosses once, inward; it is never echoed, logged or sent back. */
  'vault.unlock': channel(z.strictObject({ passphrase: z.string().min(1).max(1024) }), VaultStatus),
} as const;

export const channels = { ...browserChannels, ...accountChannels, ...detailChannels, ...settingsChannels } as const;

export type Channels = typeof channels;
export type ChannelName = keyof Channels;
/** What a caller passes (defaults may be left out). */
export type Request<C extends ChannelName> = z.input<Channels[C]['request']>;
/** What a handler receives after parsing (defaults filled in). */
export type ParsedRequest<C extends ChannelName> = z.output<Channels[C]['request']>;
export type Response<C extends ChannelName> = z.output<Channels[C]['response']>;

export const channelNames = Object.keys(channels) as ChannelName[];

export function isChannelName(name: unknown): name is ChannelName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(channels, name);
}

/** 'objects.list' → ['objects', 'list']: the preload's namespace and function name. */
export function splitChannel<C extends ChannelName>(name: C): [DomainOf<C>, ActionOf<C>] {
  const dot = name.indexOf('.');
  return [name.slice(0, dot), name.slice(dot + 1)] as [DomainOf<C>, ActionOf<C>];
}

export type DomainOf<C extends string> = C extends `${infer D}.${string}` ? D : never;
export type ActionOf<C extends string> = C extends `${string}.${infer A}` ? A : never;
