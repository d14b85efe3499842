// `coffer vault status|protect`: what keeps the vault in COFFER_HOME, and moving it between the OS keychain and a
// passphrase (or to a new passphrase). Only the vault's data key is re-wrapped; the profiles are not re-encrypted.
import { findKeychain, keychainProtector, passphraseProtector, PASSPHRASE_ENV, Vault, type SecretProtector } from '../../../vault';
import { allowOnly, type ParsedArgs } from '../args';
import { ServiceError } from '../../../services/service-error';
import type { RunContext } from '../connection';
import { EXIT, UsageError, type ExitCode } from '../errors';
import { cofferHome, noVault, openVault } from '../open-vault';
import { canPrompt, promptHidden } from '../prompt';

/** The new passphrase for `coffer vault protect passphrase` when no terminal can ask for it. */
export const NEW_PASSPHRASE_ENV = 'COFFER_VAULT_NEW_PASSPHRASE';
const PROTECT_TO = ['keychain', 'passphrase'] as const;

export function checkVault(args: ParsedArgs): void {
  const [sub, ...rest] = args.positionals;
  allowOnly(`vault ${sub ?? ''}`.trim(), args.flags, []);
  switch (sub) {
    case 'status':
      if (rest.length > 0) throw new UsageError('`coffer vault status` takes no arguments.');
      return;
    case 'protect':
      if (rest.length !== 1 || !(PROTECT_TO as readonly string[]).includes(rest[0]!)) {
        throw new UsageError('`coffer vault protect` takes one of: keychain, passphrase.');
      }
      return;
    case undefined:
      throw new UsageError('`coffer vault` needs a subcommand: status or protect.');
    default:
      throw new UsageError(`Unknown vault subcommand "${sub}"; use status or protect.`);
  }
}

async function newPassphrase(ctx: RunContext): Promise<string> {
  const fromEnv = ctx.env[NEW_PASSPHRASE_ENV];
  if (fromEnv) return fromEnv;
  if (!canPrompt()) throw new UsageError(`Give the new passphrase in ${NEW_PASSPHRASE_ENV} or run in a terminal to be asked for it.`);
  const first = await promptHidden('New vault passphrase: ');
  const again = await promptHidden('The same again: ');
  if (first !== again) throw new UsageError('The two passphrases differ; nothing was changed.');
  return first;
}

export async function vault(ctx: RunContext, args: ParsedArgs): Promise<ExitCode> {
  const [sub, to] = args.positionals;
  const { out } = ctx;
  const home = cofferHome(ctx.env);
  if (sub === 'status') {
    const kind = await Vault.protectorKindAt(home);
    if (kind === undefined) throw noVault();
    const v = await openVault(ctx, { create: false });
    try {
      const status = { home, protector: kind, profiles: v.listProfiles().length, sseCustomerKeys: v.listSseCustomerKeys().length };
      out.document(status);
      const keeper = kind === 'keychain' ? 'the OS keychain' : kind === 'passphrase' ? 'a passphrase' : `the Coffer app (${kind})`;
      out.line(`vault in ${home}: kept by ${keeper}; ${status.profiles} profile(s), ${status.sseCustomerKeys} SSE-C key(s)`);
      return EXIT.OK;
    } finally {
      v.close();
    }
  }

  let next: SecretProtector;
  if (to === 'keychain') {
    const keychain = await findKeychain();
    if (!keychain) throw new ServiceError('access', 'PROTECTOR_UNAVAILABLE', 'No OS keychain answers here (no Secret Service running, or its keyring is locked); the vault was left as it is.');
    next = keychainProtector(keychain);
  } else {
    const pass = await newPassphrase(ctx);
    if (pass === '') throw new UsageError('The new passphrase is empty; nothing was changed.');
    out.addSecrets(pass);
    next = passphraseProtector(pass);
  }
  const v = await openVault(ctx, { create: false });
  try {
    await v.changeProtector(next);
  } finally {
    v.close();
  }
  out.document({ home, protector: next.kind });
  out.line(to === 'keychain' ? 'the vault is now kept by the OS keychain' : `the vault is now kept by a passphrase (give it in ${PASSPHRASE_ENV} or at the prompt)`);
  return EXIT.OK;
}
