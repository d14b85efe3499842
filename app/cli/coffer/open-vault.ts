// The vault in COFFER_HOME as the command line opens it: for the commands that manage it (`profile`, `sse-c-key`,
// `vault`), for `--profile NAME` and for `--sse-c-key NAME`. Which protector opens it, and asking for a passphrase
// on the terminal, are the command line's own: the app unlocks the vault on its Unlock screen (app/services/
// vault-access.ts).
import type { SecretProtector, Vault } from '../../vault';
import { resolveCofferHome } from '../../vault/coffer-home';
import { ServiceError } from '../../services/service-error';
import type { RunContext } from './connection';
import { UsageError } from './errors';

export function cofferHome(env: NodeJS.ProcessEnv): string {
  return resolveCofferHome({ env });
}

/**
 * The vault's code (and zod, which checks its records), loaded by the commands that open the vault, as is the
 * prompt (node:readline): a command that reaches COS from the environment or the embedded store does not pay for
 * compiling them at each start.
 */
const loadVault = () => import('../../vault');

/** Set to `passphrase` to create a new vault under a passphrase even where an OS keychain is available. */
export const VAULT_PROTECTOR_ENV = 'COFFER_VAULT_PROTECTOR';

/** A command that needs the vault, in a COFFER_HOME that has none yet. */
export const noVault = () => new ServiceError('not-found', 'NoVault', 'There is no vault yet; add a profile first with `coffer profile add`.');

/**
 * The protector for the vault in `home`: the one its header names; for a new vault the OS keychain when one
 * answers (and neither a passphrase nor COFFER_VAULT_PROTECTOR=passphrase is given), else the passphrase from the
 * environment or a prompt.
 */
async function vaultProtector(ctx: RunContext, home: string, create: boolean): Promise<SecretProtector> {
  const [{ findKeychain, keychainBackend, keychainProtector, passphraseProtectorFromEnvironment, PASSPHRASE_ENV, Vault, VaultError }, { canPrompt, promptHidden }] = await Promise.all([loadVault(), import('./prompt')]);
  const kind = await Vault.protectorKindAt(home);
  const choice = ctx.env[VAULT_PROTECTOR_ENV];
  if (choice !== undefined && choice !== '' && choice !== 'passphrase' && choice !== 'keychain') {
    throw new UsageError(`${VAULT_PROTECTOR_ENV} must be "passphrase" or "keychain" (got "${choice}").`);
  }
  const wantsKeychain = kind === 'keychain' || (kind === undefined && create && choice !== 'passphrase' && !ctx.env[PASSPHRASE_ENV]);
  if (wantsKeychain) {
    // An existing keychain vault just asks the keychain (a failure says so); a new one needs a keychain that answers.
    const keychain = kind === 'keychain' ? await keychainBackend() : await findKeychain();
    if (keychain) return keychainProtector(keychain);
    if (kind === 'keychain' || choice === 'keychain') {
      throw new ServiceError('access', 'PROTECTOR_UNAVAILABLE', 'The vault is kept in the OS keychain, which does not answer here (no Secret Service running, or its keyring is locked).');
    }
  }
  if (kind === 'safeStorage') {
    throw new ServiceError('access', 'PROTECTOR_UNAVAILABLE', 'This vault belongs to the Coffer app (protected by its safeStorage); the command line cannot open it. Use another COFFER_HOME.');
  }
  return passphraseProtectorFromEnvironment({
    env: ctx.env,
    prompt: canPrompt() ? () => promptHidden('Vault passphrase: ') : undefined,
  }).catch((err: unknown) => {
    if (err instanceof VaultError && err.code === 'VALIDATION') {
      if (kind === undefined) {
        throw new ServiceError('access', 'VaultLocked', `A new vault needs a passphrase here (no OS keychain answers): set ${PASSPHRASE_ENV} or run in a terminal to be asked for one.`);
      }
      throw new ServiceError('access', 'VaultLocked', `The vault is locked: set ${PASSPHRASE_ENV} or run in a terminal to be asked for the passphrase.`);
    }
    throw err;
  });
}

/** Opens the vault in COFFER_HOME with its protector (see vaultProtector). */
export async function openVault(ctx: RunContext, opts: { create: boolean }): Promise<Vault> {
  const home = cofferHome(ctx.env);
  const protector = await vaultProtector(ctx, home, opts.create);
  const { Vault, VaultError } = await loadVault();
  try {
    return await Vault.open(home, { protector, create: opts.create });
  } catch (err) {
    if (err instanceof VaultError && err.code === 'NOT_FOUND') throw noVault();
    throw err;
  }
}
