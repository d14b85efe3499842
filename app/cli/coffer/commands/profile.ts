// `coffer profile add|list|remove`: credential profiles in the vault. The secret key arrives on stdin or at a
// prompt that does not echo; nothing here ever prints more than the masked SecretId.
import { checkProfileInput, findByName, type ProfileView } from '../../../vault';
import { allowOnly, type ParsedArgs } from '../args';
import { ServiceError } from '../../../services/service-error';
import type { RunContext } from '../connection';
import { EXIT, UsageError, type ExitCode } from '../errors';
import { openVault } from '../open-vault';
import { canPrompt, promptHidden, readStdinLines } from '../prompt';

const ADD_FLAGS = ['name', 'kind', 'region', 'appid', 'secret-id', 'secret-key-stdin', 'session-token-stdin', 'endpoint'] as const;

export function checkProfile(args: ParsedArgs): void {
  const [sub, ...rest] = args.positionals;
  switch (sub) {
    case 'add':
      allowOnly('profile add', args.flags, [...ADD_FLAGS]);
      if (rest.length > 0) throw new UsageError('`coffer profile add` takes only flags; give the name with --name.');
      for (const f of ['name', 'region', 'appid', 'secret-id'] as const) {
        if (!args.flags[f]) throw new UsageError(`\`coffer profile add\` needs --${f}.`);
      }
      if (!args.flags['secret-key-stdin'] && !canPrompt()) throw new UsageError('Give the secret key on stdin with --secret-key-stdin (no terminal to prompt in).');
      if (args.flags['session-token-stdin'] && !args.flags['secret-key-stdin']) {
        throw new UsageError('--session-token-stdin goes with --secret-key-stdin: send the secret key on the first line and the token on the second.');
      }
      return;
    case 'list':
      allowOnly('profile list', args.flags, []);
      if (rest.length > 0) throw new UsageError('`coffer profile list` takes no arguments.');
      return;
    case 'remove':
      allowOnly('profile remove', args.flags, ['name']);
      if ((rest.length === 1) === Boolean(args.flags.name) || rest.length > 1) throw new UsageError('`coffer profile remove` takes one profile name (coffer profile remove NAME).');
      return;
    case undefined:
      throw new UsageError('`coffer profile` needs a subcommand: add, list or remove.');
    default:
      throw new UsageError(`Unknown profile subcommand "${sub}"; use add, list or remove.`);
  }
}

function publicProfile(p: ProfileView) {
  return { name: p.name, kind: p.kind, region: p.region, appid: p.appid, endpoint: p.endpoint, secretId: p.secretIdMasked, hasSessionToken: p.hasSessionToken, created: p.created, updated: p.updated };
}

export async function profile(ctx: RunContext, args: ParsedArgs): Promise<ExitCode> {
  const [sub, name] = args.positionals;
  const { flags } = args;
  const { out } = ctx;
  if (sub === 'add') {
    let secretKey: string;
    let sessionToken: string | undefined;
    if (flags['secret-key-stdin']) {
      const lines = await readStdinLines();
      secretKey = (lines[0] ?? '').trim();
      sessionToken = flags['session-token-stdin'] ? (lines[1] ?? '').trim() || undefined : undefined;
      if (flags['session-token-stdin'] && !sessionToken) throw new UsageError('--session-token-stdin: the second line of stdin (the session token) is empty.');
    } else {
      secretKey = (await promptHidden('SecretKey (not shown): ')).trim();
    }
    if (!secretKey) throw new UsageError('The secret key was empty; send it on stdin or type it at the prompt.');
    out.addSecrets(secretKey, sessionToken);
    const input = {
      name: flags.name,
      kind: flags.kind ?? 'cos',
      region: flags.region,
      appid: flags.appid,
      secretId: flags['secret-id'],
      secretKey,
      ...(sessionToken ? { sessionToken } : {}),
      ...(flags.endpoint ? { endpoint: flags.endpoint } : {}),
    };
    // Refused before the vault is opened: bad input must not leave a new, empty vault (or keychain entry) behind.
    checkProfileInput(input);
    const vault = await openVault(ctx, { create: true });
    try {
      const added = await vault.addProfile(input);
      out.document({ added: publicProfile(added) });
      out.line(`added profile ${added.name} (${added.kind}, ${added.region}, SecretId ${added.secretIdMasked})`);
      return EXIT.OK;
    } finally {
      vault.close();
    }
  }
  const vault = await openVault(ctx, { create: false });
  try {
    if (sub === 'list') {
      const profiles = vault.listProfiles();
      out.document({ profiles: profiles.map(publicProfile) });
      if (profiles.length === 0) out.line('no profiles yet; add one with `coffer profile add`');
      for (const p of profiles) {
        out.line(`${p.name.padEnd(20)} ${p.kind.padEnd(12)} ${p.region.padEnd(16)} ${p.appid.padEnd(12)} ${p.secretIdMasked}${p.hasSessionToken ? ' (temporary)' : ''}${p.endpoint ? ` ${p.endpoint}` : ''}`);
      }
      return EXIT.OK;
    }
    const target = name ?? flags.name!;
    const found = findByName(vault.listProfiles(), target);
    if (!found) throw new ServiceError('not-found', 'NoSuchProfile', `There is no profile named "${target}"; see \`coffer profile list\`.`);
    await vault.removeProfile(found.id);
    out.document({ removed: target });
    out.line(`removed profile ${target}`);
    return EXIT.OK;
  } finally {
    vault.close();
  }
}
