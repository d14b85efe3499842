// Where the vault passphrase comes from outside Electron (CLI, browser-mode host): COFFER_VAULT_PASSPHRASE,
// else the caller's prompt. Inside Electron the app uses safeStorageProtector instead.

import { VaultError } from './errors';
import { passphraseProtector, type ParameterizedProtector, type PassphraseOptions } from './protectors';

export const PASSPHRASE_ENV = 'COFFER_VAULT_PASSPHRASE';

export interface PassphraseSourceOptions extends PassphraseOptions {
  env?: NodeJS.ProcessEnv;
  /** Asks the user (the CLI prompts without echo). Called only when the environment has no passphrase. */
  prompt?: () => Promise<string>;
}

export async function passphraseProtectorFromEnvironment(opts: PassphraseSourceOptions = {}): Promise<ParameterizedProtector> {
  const fromEnv = (opts.env ?? process.env)[PASSPHRASE_ENV];
  const passphrase = fromEnv !== undefined && fromEnv !== '' ? fromEnv : await opts.prompt?.();
  if (passphrase === undefined || passphrase === '') {
    throw new VaultError('VALIDATION', `The vault needs a passphrase: set ${PASSPHRASE_ENV} or enter one when asked.`);
  }
  return passphraseProtector(passphrase, opts.cost !== undefined ? { cost: opts.cost } : {});
}
