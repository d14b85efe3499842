// COS accounts, local store URLs, bucket management and vault protection (issue 14 §1): declared with channel() from
// channel-kit.ts and merged into `channels` by channels.ts. Secrets cross once, inward (SecretId, SecretKey, session
// token, a passphrase); nothing answers with one: an account comes back with its SecretId masked (AKID****3f9c).
import { z } from 'zod';
import { channel, none, target } from './channel-kit';
import { ByteCount, ConnectionId, Count, DefaultEncryption, Region } from './common';
import { CertificateSha256 } from './errors';
import { ItemFailure } from './jobs';

/** 'cos': Tencent Cloud COS; 'store': a coffer-store elsewhere, reached at its URL. */
export const AccountKind = z.enum(['cos', 'store']);
export type AccountKind = z.infer<typeof AccountKind>;

/** An account as the window may see it: never a secret. `id` is its connection's id ('profile:…'). */
export const Account = z.strictObject({
  id: ConnectionId,
  name: z.string().min(1).max(64),
  kind: AccountKind,
  /** Where new buckets go and where the account's requests start. */
  region: Region,
  appId: z.string().max(20),
  /** The store's URL (kind 'store'); null for COS. */
  endpoint: z.string().max(2048).nullable(),
  /** e.g. 'AKID****3f9c': enough to tell keys apart, not to use one. */
  secretIdMasked: z.string().max(64),
  hasSessionToken: z.boolean(),
  /** The fingerprint of the store's certificate the user chose to trust (no authority signed it); else null. */
  certificateSha256: CertificateSha256.nullable(),
});
export type Account = z.infer<typeof Account>;

/** The keys, typed by the user; they cross once, inward, and are kept only in the vault. */
export const AccountCredentials = z.strictObject({
  secretId: z.string().min(1).max(128),
  secretKey: z.string().min(1).max(256),
  /** Temporary (STS) keys come with a session token. */
  sessionToken: z.string().min(1).max(8192).optional(),
});
export type AccountCredentials = z.infer<typeof AccountCredentials>;

/** Where an account's requests go: COS in a region, or a store's URL (https unless on this computer). */
const place = {
  kind: AccountKind,
  region: Region,
  endpoint: z.string().min(1).max(2048).optional(),
  /** Found from the account's buckets when left out; needed when it has none. */
  appId: z.string().regex(/^\d{1,20}$/, 'an APPID is digits, e.g. 1250000000').optional(),
  /**
   * A store whose certificate no trusted authority signed: the SHA-256 fingerprint of the certificate the user
   * compared with the store's own (an 'AccountCertificate' refusal names it) and chose to trust.
   */
  trustCertificateSha256: CertificateSha256.optional(),
};

const needsEndpoint = (r: { kind?: AccountKind; endpoint?: string }) => r.kind !== 'store' || r.endpoint !== undefined;
const endpointMessage = { message: "a store account needs the store's URL (endpoint)", path: ['endpoint'] };

/** A new vault's passphrase (asked only where no OS keychain can keep the vault's key). */
export const NewPassphrase = z.string().min(8, 'a passphrase has at least 8 characters').max(1024);

/** What protects the vault, and what a new one would use. */
export const VaultProtection = z.strictObject({
  state: z.enum(['absent', 'locked', 'unlocked']),
  protector: z.enum(['keychain', 'safe-storage', 'passphrase']).nullable(),
  /** The best protector available here: the one a first account's vault gets ('passphrase': the dialog asks for one). */
  forNewVault: z.enum(['keychain', 'safe-storage', 'passphrase']),
});
export type VaultProtection = z.infer<typeof VaultProtection>;

export const accountChannels = {
  /** The accounts in the vault ([] without one; a locked vault answers 'VaultLocked'). */
  'accounts.list': channel(none, z.strictObject({ accounts: z.array(Account) })),

  /**
   * Lists the buckets with these keys, saving nothing. With `accountId` and no `credentials`, the account's own keys
   * are used (an edit that changes only the region or URL). Each failure has its own code and sentence: a wrong
   * SecretKey, an unknown SecretId, a clock too far off, an address that does not answer or is not found.
   */
  'accounts.test': channel(
    z
      .strictObject({ accountId: ConnectionId.optional(), ...place, credentials: AccountCredentials.optional() })
      .refine((r) => r.accountId !== undefined || needsEndpoint(r), endpointMessage)
      .refine((r) => r.accountId !== undefined || r.credentials !== undefined, { message: 'type the SecretId and SecretKey', path: ['credentials'] }),
    z.strictObject({
      /** The APPID the buckets' names end with (or the one given); null when it could not be found. */
      appId: z.string().max(20).nullable(),
      buckets: Count,
      /**
       * How far this computer's clock is from the service's, in seconds, when the service refused our time and Coffer
       * corrected for it (0 otherwise): the window says so, since links shared from here would expire at odd times.
       */
      clockOffsetSeconds: z.number().int(),
    }),
  ),

  /** Tests the keys (as accounts.test), then keeps them in the vault, creating it for the first account. */
  'accounts.add': channel(
    z
      .strictObject({ name: z.string().min(1).max(64), ...place, credentials: AccountCredentials, vaultPassphrase: NewPassphrase.optional() })
      .refine(needsEndpoint, endpointMessage),
    z.strictObject({ account: Account }),
  ),

  /** Renames, or changes where the account goes or its keys (tested first when anything but the name changes). */
  'accounts.update': channel(
    z.strictObject({
      accountId: ConnectionId,
      name: z.string().min(1).max(64).optional(),
      region: Region.optional(),
      endpoint: z.string().min(1).max(2048).optional(),
      appId: place.appId,
      trustCertificateSha256: place.trustCertificateSha256,
      credentials: AccountCredentials.optional(),
    }),
    z.strictObject({ account: Account }),
  ),

  /** Forgets the account and its keys (the window asked first); its buckets stay on the service. */
  'accounts.remove': channel(z.strictObject({ accountId: ConnectionId }), z.strictObject({ accountId: ConnectionId })),

  /** The regions a new bucket may go to, and whether each offers server-side encryption. */
  'buckets.regions': channel(none, z.strictObject({ regions: z.array(z.strictObject({ id: Region, sseOffered: z.boolean() })) })),

  /** What a bucket holds, counted before it is deleted: objects, their bytes, unfinished multipart uploads. */
  'buckets.contents': channel(z.strictObject(target), z.strictObject({ objects: Count, bytes: ByteCount, uploads: Count })),

  /**
   * One bounded step of emptying a bucket before it is deleted (the window asked "Delete all N objects" first and
   * calls again while `done` is false, showing the count): up to 1,000 objects, then the unfinished uploads.
   */
  'buckets.empty': channel(
    z.strictObject(target),
    z.strictObject({ deleted: Count, aborted: Count, done: z.boolean(), failures: z.array(ItemFailure).max(1000) }),
  ),

  /** Deletes an empty bucket; one that still holds objects is refused ('BucketHasObjects'). */
  'buckets.delete': channel(z.strictObject(target), z.strictObject({ bucket: target.bucket })),

  /** Sets (or, with null, removes) the encryption new objects get when an upload asks for none. */
  'buckets.setEncryption': channel(
    z.strictObject({ ...target, defaultEncryption: DefaultEncryption.nullable() }),
    z.strictObject({ defaultEncryption: DefaultEncryption.nullable() }),
  ),

  'vault.protection': channel(none, VaultProtection),

  /** Changes a passphrase vault's passphrase; `current` is checked first. Neither is ever sent back. */
  'vault.changePassphrase': channel(z.strictObject({ current: z.string().min(1).max(1024), next: NewPassphrase }), VaultProtection),
} as const;
