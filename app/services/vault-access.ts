// The vault as a long-running front end (the app, the browser host) holds it: closed until needed, opened without
// asking where its protector can answer by itself (Electron's safeStorage, injected; the OS keychain; a passphrase
// in COFFER_VAULT_PASSPHRASE), otherwise "locked" until the user types the passphrase on the Unlock screen. The
// passphrase is used once to derive the key and is not kept. First run needs no vault at all: it is needed only
// once a COS account is added.
import { keychainBackend, keychainProtector, passphraseProtector, PASSPHRASE_ENV, safeStorageProtector, Vault, VaultError, type SafeStorageLike, type SecretProtector } from '../vault';
import { ServiceError } from './errors';

export type VaultState = 'none' | 'locked' | 'unlocked';
export type ProtectorKind = 'passphrase' | 'keychain' | 'safeStorage';

export interface VaultStatus {
  state: VaultState;
  protector: ProtectorKind | null;
}

export interface VaultAccessOptions {
  home: string;
  env?: NodeJS.ProcessEnv;
  /** Electron's safeStorage (the app injects it; app/vault never imports electron). */
  safeStorage?: SafeStorageLike;
}

function asKind(kind: string | undefined): ProtectorKind | null {
  return kind === 'passphrase' || kind === 'keychain' || kind === 'safeStorage' ? kind : null;
}

export class VaultAccess {
  private vault?: Vault;
  private readonly changeListeners = new Set<() => void>();

  constructor(private readonly opts: VaultAccessOptions) {}

  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  async status(): Promise<VaultStatus> {
    const kind = asKind(await Vault.protectorKindAt(this.opts.home));
    if (this.vault) return { state: 'unlocked', protector: kind };
    return { state: kind === null ? 'none' : 'locked', protector: kind };
  }

  /** The open vault, opening it if that needs nobody (safeStorage, keychain, passphrase from the environment). */
  async tryOpen(): Promise<Vault | undefined> {
    if (this.vault) return this.vault;
    const kind = await Vault.protectorKindAt(this.opts.home);
    if (kind === undefined) return undefined;
    const protector = await this.silentProtector(kind);
    if (!protector) return undefined;
    return this.open(protector);
  }

  /** Unlocks a passphrase vault. A wrong passphrase is an 'access' error with the vault's own sentence. */
  async unlock(passphrase: string): Promise<VaultStatus> {
    const kind = await Vault.protectorKindAt(this.opts.home);
    if (kind === undefined) throw new ServiceError('not-found', 'NoVault', 'There is no vault yet: it is created when you add a COS account.');
    if (kind !== 'passphrase') {
      throw new ServiceError('usage', 'NotAPassphraseVault', `This vault is kept by ${kind === 'safeStorage' ? 'the Coffer app (the OS keychain through Electron)' : 'the OS keychain'}, not a passphrase; it opens without one.`);
    }
    if (!this.vault) await this.open(passphraseProtector(passphrase));
    return this.status();
  }

  /** The open vault, or a 'locked' error the UI answers with the Unlock screen. */
  async require(): Promise<Vault> {
    const v = await this.tryOpen();
    if (v) return v;
    const kind = await Vault.protectorKindAt(this.opts.home);
    if (kind === undefined) throw new ServiceError('not-found', 'NoVault', 'There is no vault yet: add a COS account first.');
    throw ServiceError.phrased('access', 'VaultLocked', 'vaultLocked', {});
  }

  /**
   * Creates the vault under `protector` and opens it: for the first COS account (vault-setup.ts chooses the
   * protector). A vault that exists already is opened instead, if `protector` is of its kind.
   */
  async create(protector: SecretProtector): Promise<Vault> {
    if (this.vault) return this.vault;
    return this.open(protector, true);
  }

  close(): void {
    this.vault?.close();
    this.vault = undefined;
  }

  private async open(protector: SecretProtector, create = false): Promise<Vault> {
    this.vault = await Vault.open(this.opts.home, { protector, create });
    for (const l of this.changeListeners) l();
    return this.vault;
  }

  private async silentProtector(kind: string): Promise<SecretProtector | undefined> {
    if (kind === 'safeStorage') {
      if (!this.opts.safeStorage) throw new VaultError('PROTECTOR_UNAVAILABLE', 'This vault belongs to the Coffer desktop app (kept by its OS keychain access); open it there, or use another COFFER_HOME.');
      return safeStorageProtector(this.opts.safeStorage);
    }
    if (kind === 'keychain') {
      const backend = await keychainBackend();
      return backend ? keychainProtector(backend) : undefined;
    }
    const fromEnv = (this.opts.env ?? process.env)[PASSPHRASE_ENV];
    return fromEnv ? passphraseProtector(fromEnv) : undefined;
  }
}
