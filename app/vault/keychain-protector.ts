// The OS keychain as the vault's protector outside Electron (the CLI, the browser-mode host), through the
// cross-keychain library. Inside Electron the app uses safeStorage, which reaches the same keychains natively.
//
// What is stored where: a random 256-bit wrap key lives in the keychain (service "coffer-vault", one account per
// vault); the vault header keeps only that account name and the data key wrapped with AES-256-GCM under it. The
// vault file alone therefore opens nothing, and the keychain entry alone holds no secret of the user's.
//
// Only backends that never put a secret on a command line are used: the Freedesktop Secret Service (GNOME
// Keyring, KWallet) through libsecret's `secret-tool`, which takes the secret on stdin. cross-keychain's macOS
// CLI backend passes it to `security` on argv and its Windows CLI backend inside a PowerShell command line, both
// readable by other processes; its native backends are a native addon, which this project does not ship. On those
// systems the CLI falls back to the passphrase.

import { randomBytes, randomUUID } from 'node:crypto';
import { VaultError } from './errors';
import { gcmUnwrap, gcmWrap, type SecretProtector } from './protectors';

export const KEYCHAIN_SERVICE = 'coffer-vault';
const SAFE_BACKENDS: readonly string[] = ['secret-service'];
const WRAP_AAD = 'coffer-vault/1 keychain key-wrap';
const ACCOUNT = /^vault-[0-9a-f-]{36}$/;

/** The part of a cross-keychain backend this protector uses. */
export interface KeychainBackend {
  readonly id: string;
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<void>;
}

/** The keychain backend this platform would use, without checking that it answers (see findKeychain). */
export async function keychainBackend(): Promise<KeychainBackend | undefined> {
  const { getAllBackends } = await import('cross-keychain');
  return (await getAllBackends()).find((b) => SAFE_BACKENDS.includes(b.id));
}

/**
 * The OS keychain when one is really there: a supported backend whose store answers a write, read and delete (on a
 * headless Linux machine `secret-tool` exists but every call fails, and a failed lookup looks like a missing entry).
 */
export async function findKeychain(): Promise<KeychainBackend | undefined> {
  const backend = await keychainBackend();
  if (!backend) return undefined;
  const account = `probe-${randomUUID()}`;
  const value = randomBytes(16).toString('hex');
  try {
    await backend.setPassword(KEYCHAIN_SERVICE, account, value);
    const back = await backend.getPassword(KEYCHAIN_SERVICE, account);
    await backend.deletePassword(KEYCHAIN_SERVICE, account);
    return back === value ? backend : undefined;
  } catch {
    return undefined;
  }
}

interface KeychainBlob {
  v: 1;
  account: string;
  wrapped: string;
}

function parseBlob(blob: Buffer): KeychainBlob {
  let doc: Partial<KeychainBlob>;
  try {
    doc = JSON.parse(blob.toString('utf8')) as Partial<KeychainBlob>;
  } catch (cause) {
    throw new VaultError('CORRUPT', 'The vault header does not hold a keychain reference.', { cause });
  }
  if (doc?.v !== 1 || typeof doc.account !== 'string' || !ACCOUNT.test(doc.account) || typeof doc.wrapped !== 'string') {
    throw new VaultError('CORRUPT', 'The vault header holds a malformed keychain reference.');
  }
  return doc as KeychainBlob;
}

/** Wraps the vault's data key under a key kept in `backend` (from findKeychain). */
export function keychainProtector(backend: KeychainBackend): Required<SecretProtector> {
  const unavailable = (cause: unknown) =>
    new VaultError('PROTECTOR_UNAVAILABLE', `The OS keychain (${backend.id}) did not answer; is its keyring running and unlocked?`, { cause });
  return {
    kind: 'keychain',
    async encrypt(plain) {
      const account = `vault-${randomUUID()}`;
      const key = randomBytes(32);
      try {
        await backend.setPassword(KEYCHAIN_SERVICE, account, key.toString('base64'));
        // Read back before anything depends on it: a keychain that accepts and loses the entry would lock the vault.
        if ((await backend.getPassword(KEYCHAIN_SERVICE, account)) !== key.toString('base64')) throw new Error('the stored key did not read back');
      } catch (cause) {
        key.fill(0);
        throw unavailable(cause);
      }
      const blob: KeychainBlob = { v: 1, account, wrapped: gcmWrap(key, plain, WRAP_AAD).toString('base64') };
      key.fill(0);
      return Buffer.from(JSON.stringify(blob));
    },
    async decrypt(blob) {
      const { account, wrapped } = parseBlob(blob);
      let stored: string | null;
      try {
        stored = await backend.getPassword(KEYCHAIN_SERVICE, account);
      } catch (cause) {
        throw unavailable(cause);
      }
      const key = stored === null ? undefined : Buffer.from(stored, 'base64');
      if (!key || key.length !== 32) {
        throw new VaultError(
          'UNLOCK_FAILED',
          `The OS keychain has no key for this vault (service "${KEYCHAIN_SERVICE}", account "${account}"): it was removed, the keyring is locked, or this is another user account or machine.`,
        );
      }
      try {
        return gcmUnwrap(key, Buffer.from(wrapped, 'base64'), WRAP_AAD);
      } finally {
        key.fill(0);
      }
    },
    async forget(blob) {
      await backend.deletePassword(KEYCHAIN_SERVICE, parseBlob(blob).account).catch(() => undefined);
    },
  };
}
