// Which COS (or store) a command talks to, and with which credentials: `--profile NAME` from the vault; else
// COFFER_ENDPOINT + COFFER_SECRET_ID/KEY (+ COFFER_APPID, COFFER_SESSION_TOKEN, COFFER_REGION) like other cloud
// CLIs; else the embedded store in COFFER_HOME. Secrets met here are registered with the output's redactor.
import { CosClient, type Credentials } from '../../cos/client';
import { DEFAULT_APPID, DEFAULT_REGION, DEFAULT_STORE_PORT } from '../../store/config';
import type { SecretProtector, Vault } from '../../vault';
import { resolveCofferHome } from '../../vault/coffer-home';
import { openEmbeddedStore } from './embedded-store';
import { CliError, EXIT, UsageError } from './errors';
import type { Output } from './output';

export interface Connection {
  client: CosClient;
  /** Where the commands go, for people: "profile prod (COS ap-guangzhou)", "embedded store http://…". */
  source: string;
  home: string;
  /**
   * Where share links must point when that is not where this command talks: a store started only for this command
   * listens on a random port, and its links name the address `npm start` serves the same store at.
   */
  shareOrigin?: string;
  release(): Promise<void>;
}

export interface RunContext {
  env: NodeJS.ProcessEnv;
  out: Output;
  profile?: string;
}

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
      throw new CliError(EXIT.ACCESS, 'The vault is kept in the OS keychain, which does not answer here (no Secret Service running, or its keyring is locked).');
    }
  }
  if (kind === 'safeStorage') {
    throw new CliError(EXIT.ACCESS, 'This vault belongs to the Coffer app (protected by its safeStorage); the command line cannot open it. Use another COFFER_HOME.');
  }
  return passphraseProtectorFromEnvironment({
    env: ctx.env,
    prompt: canPrompt() ? () => promptHidden('Vault passphrase: ') : undefined,
  }).catch((err: unknown) => {
    if (err instanceof VaultError && err.code === 'VALIDATION') {
      if (kind === undefined) {
        throw new CliError(EXIT.ACCESS, `A new vault needs a passphrase here (no OS keychain answers): set ${PASSPHRASE_ENV} or run in a terminal to be asked for one.`);
      }
      throw new CliError(EXIT.ACCESS, `The vault is locked: set ${PASSPHRASE_ENV} or run in a terminal to be asked for the passphrase.`);
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
    if (err instanceof VaultError && err.code === 'NOT_FOUND') {
      throw new CliError(EXIT.NOT_FOUND, 'There is no vault yet; add a profile first with `coffer profile add`.');
    }
    throw err;
  }
}

const REGION = /^[a-z0-9]+(-[a-z0-9]+)*$/;

function fromEnvironment(ctx: RunContext): Connection | undefined {
  const env = ctx.env;
  const endpoint = env.COFFER_ENDPOINT?.trim();
  const secretId = env.COFFER_SECRET_ID;
  const secretKey = env.COFFER_SECRET_KEY;
  if (!endpoint && !secretId && !secretKey) return undefined;
  if (!endpoint) throw new CliError(EXIT.ACCESS, 'COFFER_SECRET_ID/COFFER_SECRET_KEY are set but COFFER_ENDPOINT is not; set it to a region (ap-guangzhou) or a store URL (http://127.0.0.1:9000).');
  if (!secretId || !secretKey) throw new CliError(EXIT.ACCESS, 'COFFER_ENDPOINT is set, so COFFER_SECRET_ID and COFFER_SECRET_KEY are needed too; set both.');
  const sessionToken = env.COFFER_SESSION_TOKEN || undefined;
  ctx.out.addSecrets(secretKey, sessionToken);

  const isUrl = /^https?:\/\//i.test(endpoint);
  let region: string;
  let target: string;
  if (isUrl) {
    try {
      target = new URL(endpoint).origin;
    } catch {
      throw new UsageError(`COFFER_ENDPOINT "${endpoint}" is not a valid URL; use e.g. http://127.0.0.1:9000.`);
    }
    region = env.COFFER_REGION?.trim() || DEFAULT_REGION;
  } else {
    if (!REGION.test(endpoint)) throw new UsageError(`COFFER_ENDPOINT "${endpoint}" is neither a COS region (ap-guangzhou) nor a URL (http://127.0.0.1:9000).`);
    target = 'cos';
    region = endpoint;
  }
  if (!REGION.test(region)) throw new UsageError(`COFFER_REGION "${region}" must look like ap-guangzhou.`);
  const appid = env.COFFER_APPID?.trim() || (isUrl ? DEFAULT_APPID : undefined);
  if (!appid) throw new UsageError('COFFER_APPID is needed with a COS region endpoint: the numeric APPID of your account, e.g. 1250000000.');
  if (!/^\d{1,20}$/.test(appid)) throw new UsageError(`COFFER_APPID must be digits (got "${appid}").`);
  const creds: Credentials = { secretId, secretKey, sessionToken };
  const client = new CosClient({ endpoint: target, appid, region, credentials: async () => creds });
  return {
    client,
    source: isUrl ? `store ${target} (from COFFER_ENDPOINT)` : `COS ${region} (from COFFER_ENDPOINT)`,
    home: cofferHome(env),
    release: () => client.close(),
  };
}

async function fromProfile(ctx: RunContext, name: string): Promise<Connection> {
  const vault = await openVault(ctx, { create: false });
  try {
    const { findByName } = await loadVault();
    const profile = findByName(vault.listProfiles(), name);
    if (!profile) {
      const known = vault.listProfiles().map((p) => p.name);
      throw new CliError(EXIT.NOT_FOUND, `There is no profile named "${name}"${known.length ? ` (known: ${known.join(', ')})` : ''}; see \`coffer profile list\`.`);
    }
    const creds = await vault.getSigningCredentials(profile.id);
    ctx.out.addSecrets(creds.secretKey, creds.sessionToken);
    const endpoint = profile.kind === 'local-store' ? profile.endpoint! : 'cos';
    const client = new CosClient({ endpoint, appid: profile.appid, region: profile.region, credentials: async () => creds });
    return {
      client,
      source: `profile ${profile.name} (${profile.kind === 'local-store' ? `store ${profile.endpoint}` : `COS ${profile.region}`})`,
      home: cofferHome(ctx.env),
      release: () => client.close(),
    };
  } finally {
    vault.close();
  }
}

async function fromEmbeddedStore(ctx: RunContext): Promise<Connection> {
  const home = cofferHome(ctx.env);
  const store = await openEmbeddedStore(home);
  ctx.out.addSecrets(store.credentials.secretKey);
  const client = new CosClient({ endpoint: store.url, appid: store.appid, region: store.region, credentials: async () => store.credentials });
  return {
    client,
    source: `embedded store ${store.url}${store.started ? ' (started for this command)' : ''}`,
    home,
    shareOrigin: store.started ? `http://127.0.0.1:${DEFAULT_STORE_PORT}` : undefined,
    release: async () => {
      await client.close();
      await store.release();
    },
  };
}

export async function connect(ctx: RunContext): Promise<Connection> {
  if (ctx.profile !== undefined) return fromProfile(ctx, ctx.profile);
  return fromEnvironment(ctx) ?? fromEmbeddedStore(ctx);
}
