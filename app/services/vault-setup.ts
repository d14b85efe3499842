// The vault as the app creates and re-protects it. No vault exists until the first COS account is added; that account
// creates it under the best protector this computer offers: Electron's safeStorage (the desktop app, with a real OS
// keyring behind it), else the OS keychain (the Secret Service, outside Electron), else a passphrase the account
// dialog asks for. COFFER_VAULT_PROTECTOR=passphrase (as for the CLI) asks for a passphrase even where a keychain
// answers, and COFFER_VAULT_PASSPHRASE gives one without asking. Settings shows which protector keeps the vault and
// lets a passphrase be changed (the current one is checked first; secrets are not re-encrypted, only the vault's
// data key is wrapped again).
import { findKeychain, keychainProtector, passphraseProtector, PASSPHRASE_ENV, safeStorageProtector, Vault, VaultError, type KeychainBackend, type PassphraseOptions, type SafeStorageLike, type SecretProtector } from '../vault';
import { ServiceError } from './service-error';
import type { VaultAccess } from './vault-access';

export type ProtectorChoice = 'safe-storage' | 'keychain' | 'passphrase';

export interface VaultSetupOptions {
  home: string;
  env?: NodeJS.ProcessEnv;
  safeStorage?: SafeStorageLike;
  /** Finds a keychain that answers (default: app/vault's findKeychain, which probes the Secret Service). */
  findKeychain?: () => Promise<KeychainBackend | undefined>;
  /** scrypt cost for a new passphrase (tests use the minimum). */
  passphrase?: PassphraseOptions;
}

const PROTECTOR_ENV = 'COFFER_VAULT_PROTECTOR';

/** Electron's safeStorage with a real keyring behind it (not Linux's 'basic_text', a constant key). */
function safeStorageUsable(s: SafeStorageLike | undefined): s is SafeStorageLike {
  if (!s || !s.isEncryptionAvailable()) return false;
  const backend = s.getSelectedStorageBackend?.();
  return backend !== 'basic_text' && backend !== 'unknown';
}

export class VaultSetup {
  private keychain?: Promise<KeychainBackend | undefined>;

  constructor(
    private readonly access: VaultAccess,
    private readonly opts: VaultSetupOptions,
  ) {}

  private get env(): NodeJS.ProcessEnv {
    return this.opts.env ?? process.env;
  }

  /** The protector a new vault gets here ('passphrase': one must be typed, unless the environment gives it). */
  async forNewVault(): Promise<ProtectorChoice> {
    if (safeStorageUsable(this.opts.safeStorage)) return 'safe-storage';
    if (this.env[PROTECTOR_ENV] !== 'passphrase' && !this.env[PASSPHRASE_ENV] && (await this.findKeychain())) return 'keychain';
    return 'passphrase';
  }

  /** Whether adding an account needs a passphrase typed: no vault yet and none of the silent protectors here. */
  async needsPassphrase(): Promise<boolean> {
    return (await this.access.status()).state === 'none' && (await this.forNewVault()) === 'passphrase' && !this.env[PASSPHRASE_ENV];
  }

  /** The open vault, created first (for the first account) under the best protector available. */
  async openOrCreate(passphrase?: string): Promise<Vault> {
    if ((await this.access.status()).state !== 'none') return this.access.require();
    return this.access.create(await this.newProtector(passphrase));
  }

  /** A passphrase vault gets a new passphrase, once the current one is proven right. */
  async changePassphrase(current: string, next: string): Promise<void> {
    const vault = await this.access.require();
    if (vault.protectorKind !== 'passphrase') {
      throw new ServiceError('usage', 'VaultNotPassphrase', 'This vault is kept by the OS keychain, not a passphrase: there is no passphrase to change.');
    }
    // The open vault does not need the passphrase any more; asking for it again keeps a passer-by at an unlocked
    // window from changing it.
    try {
      (await Vault.open(this.opts.home, { protector: passphraseProtector(current), create: false })).close();
    } catch (err) {
      if (err instanceof VaultError && err.code === 'WRONG_PASSPHRASE') {
        throw new ServiceError('access', 'CurrentPassphraseWrong', 'The current passphrase is not right; nothing was changed. Type it again.');
      }
      throw err;
    }
    await vault.changeProtector(passphraseProtector(next, this.opts.passphrase));
  }

  private async newProtector(passphrase: string | undefined): Promise<SecretProtector> {
    const choice = await this.forNewVault();
    if (choice === 'safe-storage') return safeStorageProtector(this.opts.safeStorage!);
    if (choice === 'keychain') {
      const keychain = await this.findKeychain();
      if (keychain) return keychainProtector(keychain);
    }
    const given = passphrase ?? this.env[PASSPHRASE_ENV];
    if (!given) {
      throw new ServiceError('usage', 'VaultPassphraseNeeded', 'Choose a passphrase for the vault that keeps your keys: no OS keychain is available here to keep it for you.');
    }
    return passphraseProtector(given, this.opts.passphrase);
  }

  private findKeychain(): Promise<KeychainBackend | undefined> {
    // Probed once: it spawns the Secret Service's tool three times.
    this.keychain ??= (this.opts.findKeychain ?? findKeychain)().catch(() => undefined);
    return this.keychain;
  }
}
