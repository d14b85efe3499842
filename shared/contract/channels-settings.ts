// Settings and SSE-C key management (issue 14 §3): declared with channel() from channel-kit.ts and merged into
// `channels` by channels.ts.
//
// Settings live in COFFER_HOME/settings.json (app/services/settings.ts): the default encryption and concurrency of
// uploads (the `coffer cp` command line reads the same file), the theme and the language. SSE-C keys live in the
// vault; the page sees them only by id, name and MD5 fingerprint. Key bytes cross the boundary in one direction
// only: inward, when the user imports a key (`ssec.import`, like the vault passphrase of `vault.unlock`). They
// never come back over a channel: an export is written by the core to a file the user picked in the OS's Save
// dialog (Electron), or (browser mode) offered once as an attachment on the host's token-checked download route
// (wire.ts DOWNLOAD_PATH), so they never travel in a WebSocket frame either.
import { z } from 'zod';
import { channel, none } from './channel-kit';
import { BucketName, ConnectionId, Count, IsoDate, ObjectKey, SseChoice, VaultKeyId } from './common';

export const Theme = z.enum(['system', 'light', 'dark']);
export type Theme = z.infer<typeof Theme>;

export const UiLanguage = z.enum(['en', 'zh-CN']);
export type UiLanguage = z.infer<typeof UiLanguage>;

/** Parts of one object sent at once (`coffer cp --parallel`), and objects at once. */
export const InFlight = z.number().int().min(1).max(64);

export const Settings = z.strictObject({
  /** What an upload gets unless the user picks otherwise for it; 'none' only after the UI asked once. */
  defaultEncryption: SseChoice,
  partsInFlight: InFlight,
  filesInFlight: InFlight,
  theme: Theme,
  /** null: the language the window started in (the system's on first run). */
  language: UiLanguage.nullable(),
});
export type Settings = z.infer<typeof Settings>;

export { SETTINGS_DEFAULTS } from './settings-defaults';

/** An SSE-C key as the page may see it: never its bytes. */
export const SseCKeyView = z.strictObject({
  id: VaultKeyId,
  name: z.string().min(1).max(64),
  /** base64(MD5(key)), what COS echoes as x-cos-server-side-encryption-customer-key-MD5. */
  fingerprint: z.string().max(64),
  created: IsoDate,
});
export type SseCKeyView = z.infer<typeof SseCKeyView>;

/** A key name as the vault takes it: 1–64 characters, no control characters. */
export const SseCKeyName = z
  .string()
  .trim()
  .min(1, 'give the key a name')
  .max(64, 'a key name has at most 64 characters')
  // eslint-disable-next-line no-control-regex
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'a key name must not contain control characters');

const HEX_KEY = /^[0-9a-fA-F]{64}$/;
// 32 bytes in base64: 43 characters and one "=", the last character carrying only 4 bits (canonical form).
const BASE64_KEY = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

/** Whether `text` (trimmed) is a 32-byte key written as hex (64 characters) or base64 (44 characters). */
export function isSseCKeyText(text: string): boolean {
  const t = text.trim();
  return HEX_KEY.test(t) || BASE64_KEY.test(t);
}

/** The text of a key being imported. Checked here and again by the core, which decodes it. */
export const SseCKeyText = z
  .string()
  .max(200)
  .trim()
  .refine(isSseCKeyText, 'an SSE-C key is 32 bytes written as base64 (44 characters) or hex (64 characters)');

/**
 * A passphrase for a vault that does not exist yet: adding the first key creates the vault, and where neither the
 * desktop app's safeStorage nor an OS keychain can protect it (`ssec.list` says so) a passphrase does.
 */
const vaultPassphrase = z.string().min(8, 'a vault passphrase has at least 8 characters').max(1024).optional();

export const SseCKeysVault = z.strictObject({
  state: z.enum(['absent', 'locked', 'unlocked']),
  /** A new vault would need a passphrase here (no safeStorage, no OS keychain answering). */
  newVaultNeedsPassphrase: z.boolean(),
});
export type SseCKeysVault = z.infer<typeof SseCKeysVault>;

const keyRef = z.strictObject({ id: VaultKeyId });

export const settingsChannels = {
  /** The settings, with a sentence when settings.json could not be read (the defaults then apply). */
  'settings.get': channel(none, z.strictObject({ settings: Settings, problem: z.string().max(2000).nullable() })),
  /** Changes some settings; the answer is the whole set as saved. */
  'settings.update': channel(
    z.strictObject({ settings: Settings.partial().refine((s) => Object.keys(s).length > 0, 'change at least one setting') }),
    z.strictObject({ settings: Settings }),
  ),

  /** The vault's SSE-C keys (an empty list while there is no vault or it is locked) and whether one could be added. */
  'ssec.list': channel(none, z.strictObject({ keys: z.array(SseCKeyView), vault: SseCKeysVault })),
  /** A new random key, kept in the vault (created first if there is none). */
  'ssec.generate': channel(z.strictObject({ name: SseCKeyName, vaultPassphrase }), z.strictObject({ key: SseCKeyView })),
  /** The user's own key; its text crosses once, inward, and is never echoed, logged or sent back. */
  'ssec.import': channel(z.strictObject({ name: SseCKeyName, key: SseCKeyText, vaultPassphrase }), z.strictObject({ key: SseCKeyView })),
  /**
   * Writes the key to a file: in the desktop app, where the user chooses in the OS's Save dialog ('saved', or
   * 'cancelled'); in browser mode, as a one-time attachment the page fetches with bridge.openAttachment
   * ('attachment': the id is good once, for a minute). The key itself is never part of the answer.
   */
  'ssec.export': channel(
    keyRef,
    z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('saved'), path: z.string().max(4096) }),
      z.strictObject({ kind: z.literal('cancelled') }),
      z.strictObject({ kind: z.literal('attachment'), downloadId: z.string().min(1).max(200), name: z.string().max(1024) }),
    ]),
  ),
  /**
   * What Coffer knows was encrypted with the key (uploads and encrypt-in-place done in this app): a count and the
   * most recent objects, for the warning before removal. Objects written with it elsewhere are not known.
   */
  'ssec.usage': channel(
    keyRef,
    z.strictObject({
      count: Count,
      recent: z.array(z.strictObject({ connectionId: ConnectionId, bucket: BucketName, key: ObjectKey })).max(20),
      /** Unfinished jobs (uploads, encrypt-in-place) that use the key. */
      activeJobs: Count,
    }),
  ),
  /** Removes the key from the vault. A default encryption that named it becomes SSE-COS (`defaultReset`). */
  'ssec.remove': channel(keyRef, z.strictObject({ removed: VaultKeyId, defaultReset: z.boolean() })),
} as const;
