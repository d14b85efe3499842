// Which COS (or store) a command talks to: `--profile NAME` from the vault; else COFFER_ENDPOINT + COFFER_SECRET_ID/KEY
// (+ COFFER_APPID, COFFER_SESSION_TOKEN, COFFER_REGION) like other cloud CLIs; else the embedded store of COFFER_HOME.
// The connections are app/services/connection-sources.ts and embedded-store.ts, as every front end has them;
// this adapts them to one command: their secrets go to the output's redactor, and an embedded store that nothing
// was serving is started for the command (tied to this process: it stops when the command ends, however it ends).
import type { CosClient } from '../../cos/client';
import { embeddedConnection, environmentConnection, profileConnection, type Connection as ServiceConnection } from '../../services/connection-sources';
import { ServiceError } from '../../services/service-error';
import { DEFAULT_STORE_PORT } from '../../store/config';
import { resolveCofferHome } from '../../vault/coffer-home';
import type { Output } from './output';

export interface Connection {
  /** The client of the connection's region; a request for a bucket elsewhere names the bucket's region. */
  client: CosClient;
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

function forCommand(conn: ServiceConnection, home: string, extra: Partial<Connection> = {}): Connection {
  return { client: conn.client(), home, release: () => conn.close(), ...extra };
}

const cofferHome = (env: NodeJS.ProcessEnv) => resolveCofferHome({ env });

async function fromProfile(ctx: RunContext, name: string): Promise<Connection> {
  // The vault (and its prompt) load only for a command with --profile.
  const { openVault } = await import('./open-vault');
  const vault = await openVault(ctx, { create: false });
  try {
    const { findByName } = await import('../../vault');
    const profile = findByName(vault.listProfiles(), name);
    if (!profile) {
      const known = vault.listProfiles().map((p) => p.name);
      throw new ServiceError('not-found', 'NoSuchProfile', `There is no profile named "${name}"${known.length ? ` (known: ${known.join(', ')})` : ''}; see \`coffer profile list\`.`);
    }
    return forCommand(await profileConnection(vault, profile, (...s) => ctx.out.addSecrets(...s)), cofferHome(ctx.env));
  } finally {
    vault.close();
  }
}

async function fromEmbeddedStore(ctx: RunContext): Promise<Connection> {
  const home = cofferHome(ctx.env);
  // Loaded only here: a command with a profile or COFFER_ENDPOINT never loads the store's supervisor.
  const { EmbeddedStore } = await import('../../services/embedded-store');
  const store = new EmbeddedStore({ home, lifeline: true });
  let conn: ServiceConnection;
  try {
    conn = await embeddedConnection(store, (...s) => ctx.out.addSecrets(...s));
  } catch (err) {
    await store.stop();
    throw err;
  }
  return forCommand(conn, home, {
    shareOrigin: store.current?.started ? `http://127.0.0.1:${DEFAULT_STORE_PORT}` : undefined,
    release: async () => {
      await conn.close();
      await store.stop();
    },
  });
}

export async function connect(ctx: RunContext): Promise<Connection> {
  if (ctx.profile !== undefined) return fromProfile(ctx, ctx.profile);
  const env = environmentConnection(ctx.env, (...s) => ctx.out.addSecrets(...s));
  return env ? forCommand(env, cofferHome(ctx.env)) : fromEmbeddedStore(ctx);
}
