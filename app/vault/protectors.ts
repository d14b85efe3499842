// What keeps the vault's data key at rest. The vault never stores its data key in the clear: a protector wraps
// it. Implementations:
//  - safeStorageProtector: Electron's safeStorage (OS keychain / DPAPI / libsecret), injected, never imported.
//  - keychainProtector (keychain-protector.ts): the OS keychain outside Electron, where one can be reached
//    without putting a secret on a command line (the Freedesktop Secret Service).
//  - passphraseProtector: scrypt (random salt in the vault header, key check value) + AES-256-GCM; the fallback.
// A protector instance serves one vault.

import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { VaultError } from './errors';

export interface SecretProtector {
  readonly kind: string;
  encrypt(plain: Buffer): Promise<Buffer>;
  decrypt(blob: Buffer): Promise<Buffer>;
  /** Drops what the protector keeps outside the vault for `blob` (a keychain entry), once nothing needs it. */
  forget?(blob: Buffer): Promise<void>;
}

/** Parameters a protector keeps in the vault header (salt, cost, key check value). JSON-safe. */
export type ProtectorParams = Record<string, string | number>;

/** A protector whose key depends on parameters stored in the vault header (the passphrase protector). */
export interface ParameterizedProtector extends SecretProtector {
  /** New vault: choose fresh parameters (salt), derive the key and return what the header must keep. */
  initialize(): Promise<ProtectorParams>;
  /** Existing vault: derive the key from the header's parameters; throws WRONG_PASSPHRASE on a mismatch. */
  unlock(params: ProtectorParams): Promise<void>;
}

export function isParameterized(p: SecretProtector): p is ParameterizedProtector {
  const q = p as Partial<ParameterizedProtector>;
  return typeof q.initialize === 'function' && typeof q.unlock === 'function';
}

const WRAP_NONCE = 12;
const WRAP_TAG = 16;

/** nonce ‖ AES-256-GCM ciphertext ‖ tag, bound to `aad`. */
export function gcmWrap(key: Buffer, plain: Buffer, aad: string): Buffer {
  const nonce = randomBytes(WRAP_NONCE);
  const c = createCipheriv('aes-256-gcm', key, nonce);
  c.setAAD(Buffer.from(aad));
  const ct = Buffer.concat([c.update(plain), c.final()]);
  return Buffer.concat([nonce, ct, c.getAuthTag()]);
}

export function gcmUnwrap(key: Buffer, blob: Buffer, aad: string): Buffer {
  if (blob.length < WRAP_NONCE + WRAP_TAG) throw new VaultError('TAMPERED', 'The wrapped vault key is truncated.');
  const d = createDecipheriv('aes-256-gcm', key, blob.subarray(0, WRAP_NONCE));
  d.setAAD(Buffer.from(aad));
  d.setAuthTag(blob.subarray(blob.length - WRAP_TAG));
  try {
    return Buffer.concat([d.update(blob.subarray(WRAP_NONCE, blob.length - WRAP_TAG)), d.final()]);
  } catch (cause) {
    throw new VaultError('TAMPERED', 'The wrapped vault key failed authentication; the vault header was altered.', { cause });
  }
}

// ---------------------------------------------------------------------------------------------------------
// Passphrase

/** scrypt cost bounds: below 2^15 is too cheap to guess against; above 2^20 would take GiBs of memory. */
export const MIN_SCRYPT_N = 2 ** 15;
export const MAX_SCRYPT_N = 2 ** 20;
/** Default cost: OWASP's scrypt recommendation (N=2^17, r=8, p=1; 128 MiB, a few hundred ms once per unlock). */
export const DEFAULT_SCRYPT_N = 2 ** 17;
const SCRYPT_R = 8;
const SCRYPT_P = 1;
const SALT_BYTES = 16;

export interface PassphraseOptions {
  /** scrypt N for new vaults (power of two, 2^15 … 2^20). Existing vaults use the N in their header. */
  cost?: number;
}

function scryptAsync(pass: Buffer, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(pass, salt, 32, { N, r, p, maxmem: 128 * N * r * p + 128 * r * (p + 2) + 16 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

function checkCost(N: unknown): number {
  if (typeof N !== 'number' || !Number.isInteger(N) || N < MIN_SCRYPT_N || N > MAX_SCRYPT_N || (N & (N - 1)) !== 0) {
    throw new VaultError('VALIDATION', `scrypt cost N must be a power of two between 2^15 and 2^20 (got ${String(N)}).`);
  }
  return N;
}

export function passphraseProtector(passphrase: string, opts: PassphraseOptions = {}): ParameterizedProtector {
  if (typeof passphrase !== 'string' || passphrase.length === 0) {
    throw new VaultError('VALIDATION', 'The vault passphrase must not be empty.');
  }
  const cost = checkCost(opts.cost ?? DEFAULT_SCRYPT_N);
  // NFC so the same passphrase typed on macOS (NFD input) and elsewhere derives the same key.
  const pass = Buffer.from(passphrase.normalize('NFC'), 'utf8');
  let wrapKey: Buffer | undefined;

  const derive = async (salt: Buffer, N: number): Promise<{ key: Buffer; kcv: Buffer }> => {
    const master = await scryptAsync(pass, salt, N, SCRYPT_R, SCRYPT_P);
    const sub = (info: string, len: number) => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), info, len));
    const out = { key: sub('coffer-vault/1 passphrase wrap-key', 32), kcv: sub('coffer-vault/1 passphrase check', 16) };
    master.fill(0);
    return out;
  };
  const key = (): Buffer => {
    if (!wrapKey) throw new VaultError('CLOSED', 'The passphrase protector is not unlocked yet.');
    return wrapKey;
  };

  return {
    kind: 'passphrase',
    async initialize() {
      const salt = randomBytes(SALT_BYTES);
      const { key: k, kcv } = await derive(salt, cost);
      wrapKey = k;
      return { kdf: 'scrypt', N: cost, r: SCRYPT_R, p: SCRYPT_P, salt: salt.toString('base64'), kcv: kcv.toString('base64') };
    },
    async unlock(params) {
      if (params.kdf !== 'scrypt' || params.r !== SCRYPT_R || params.p !== SCRYPT_P || typeof params.salt !== 'string' || typeof params.kcv !== 'string') {
        throw new VaultError('CORRUPT', 'The vault header has unsupported passphrase parameters.');
      }
      const salt = Buffer.from(params.salt, 'base64');
      const expected = Buffer.from(params.kcv, 'base64');
      if (salt.length < SALT_BYTES || expected.length !== 16) throw new VaultError('CORRUPT', 'The vault header has a malformed salt or key check value.');
      const { key: k, kcv } = await derive(salt, checkCost(params.N));
      if (!timingSafeEqual(kcv, expected)) {
        k.fill(0);
        throw new VaultError('WRONG_PASSPHRASE', 'Wrong passphrase: the vault could not be unlocked with it.');
      }
      wrapKey = k;
    },
    async encrypt(plain) {
      return gcmWrap(key(), plain, 'coffer-vault/1 passphrase key-wrap');
    },
    async decrypt(blob) {
      return gcmUnwrap(key(), blob, 'coffer-vault/1 passphrase key-wrap');
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Electron safeStorage (typed structurally: app/vault never imports electron)

export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only in Electron: 'basic_text' | 'gnome_libsecret' | 'kwallet' | 'kwallet5' | 'kwallet6' | 'unknown'. */
  getSelectedStorageBackend?(): string;
}

export function safeStorageProtector(safeStorage: SafeStorageLike): SecretProtector {
  const check = () => {
    if (!safeStorage.isEncryptionAvailable()) {
      throw new VaultError('PROTECTOR_UNAVAILABLE', 'The OS keychain (safeStorage) is not available; unlock the vault with a passphrase instead.');
    }
    // On Linux without a keyring Electron falls back to 'basic_text': a key hard-coded in Chromium, i.e. no
    // protection at all. Refuse it rather than pretend.
    const backend = safeStorage.getSelectedStorageBackend?.();
    if (backend === 'basic_text' || backend === 'unknown') {
      throw new VaultError(
        'PROTECTOR_UNAVAILABLE',
        `safeStorage has no OS keyring here (backend "${backend}") and would use a built-in constant key; use a passphrase instead.`,
      );
    }
  };
  return {
    kind: 'safeStorage',
    async encrypt(plain) {
      check();
      return safeStorage.encryptString(plain.toString('base64'));
    },
    async decrypt(blob) {
      check();
      let text: string;
      try {
        text = safeStorage.decryptString(blob);
      } catch (cause) {
        throw new VaultError('UNLOCK_FAILED', 'The OS keychain (safeStorage) could not decrypt the vault key (another user account or machine?).', { cause });
      }
      return Buffer.from(text, 'base64');
    },
  };
}
