// Where a front end's requests go, as ready COS clients: the embedded store of COFFER_HOME ("This computer", id
// 'local'), a connection from the environment (COFFER_ENDPOINT + COFFER_SECRET_ID/KEY, id 'env'), and the
// vault's profiles (id 'profile:<id>', once the vault is open). A connection keeps one client per region (COS
// answers a bucket only in its own region). Secrets stay here and in app/cos: what leaves is a ConnectionView.
import { CosClient, type Credentials } from '../cos/client';
import { DEFAULT_APPID, DEFAULT_REGION } from '../store/config';
import type { ProfileView, Vault } from '../vault';
import type { EmbeddedStore } from './embedded-store';
import { ServiceError, toAppError, type AppError } from './errors';
import type { VaultAccess } from './vault-access';

export const LOCAL_CONNECTION = 'local';
export const ENV_CONNECTION = 'env';

export type ConnectionKind = 'embedded' | 'cos' | 'store';

/** A connection as the sidebar shows it (the contract's Connection): never a secret. */
export interface ConnectionView {
  id: string;
  /** '' for the embedded store: the UI says "This computer" in its own language. */
  label: string;
  /** A coffer-store elsewhere speaks COS and is shown as such. */
  kind: 'embedded' | 'cos';
  appId: string | null;
  state: 'ready' | 'locked' | 'unavailable';
}

export interface Connection {
  id: string;
  label: string;
  kind: ConnectionKind;
  appId: string;
  /** Where requests go, for people and logs: "embedded store http://127.0.0.1:…", "COS ap-guangzhou". */
  source: string;
  defaultRegion: string;
  /** The client for buckets in `region` (the connection's default region when omitted). */
  client(region?: string): CosClient;
  close(): Promise<void>;
}

/** Called with each secret a connection holds, so a front end can redact it from anything it prints. */
export type SecretSink = (...secrets: Array<string | undefined>) => void;

function clientsPerRegion(make: (region: string) => CosClient, defaultRegion: string): Pick<Connection, 'client' | 'close'> {
  const clients = new Map<string, CosClient>();
  return {
    client(region = defaultRegion) {
      let c = clients.get(region);
      if (!c) clients.set(region, (c = make(region)));
      return c;
    },
    async close() {
      await Promise.all([...clients.values()].map((c) => c.close()));
      clients.clear();
    },
  };
}

const REGION = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * COFFER_ENDPOINT (a region such as ap-guangzhou, or a store URL) with COFFER_SECRET_ID/KEY, COFFER_APPID,
 * COFFER_SESSION_TOKEN and COFFER_REGION, as other cloud tools read theirs; undefined when none is set.
 */
export function environmentConnection(env: NodeJS.ProcessEnv, secrets: SecretSink = () => {}): Connection | undefined {
  const endpoint = env.COFFER_ENDPOINT?.trim();
  const secretId = env.COFFER_SECRET_ID;
  const secretKey = env.COFFER_SECRET_KEY;
  if (!endpoint && !secretId && !secretKey) return undefined;
  if (!endpoint) throw new ServiceError('access', 'EnvEndpointMissing', 'COFFER_SECRET_ID/COFFER_SECRET_KEY are set but COFFER_ENDPOINT is not; set it to a region (ap-guangzhou) or a store URL (http://127.0.0.1:9000).');
  if (!secretId || !secretKey) throw new ServiceError('access', 'EnvSecretMissing', 'COFFER_ENDPOINT is set, so COFFER_SECRET_ID and COFFER_SECRET_KEY are needed too; set both.');
  const sessionToken = env.COFFER_SESSION_TOKEN || undefined;
  secrets(secretKey, sessionToken);
  const isUrl = /^https?:\/\//i.test(endpoint);
  let region: string;
  let target: string;
  if (isUrl) {
    try {
      target = new URL(endpoint).origin;
    } catch {
      throw new ServiceError('usage', 'EnvEndpointInvalid', `COFFER_ENDPOINT "${endpoint}" is not a valid URL; use e.g. http://127.0.0.1:9000.`);
    }
    region = env.COFFER_REGION?.trim() || DEFAULT_REGION;
  } else {
    if (!REGION.test(endpoint)) throw new ServiceError('usage', 'EnvEndpointInvalid', `COFFER_ENDPOINT "${endpoint}" is neither a COS region (ap-guangzhou) nor a URL (http://127.0.0.1:9000).`);
    target = 'cos';
    region = endpoint;
  }
  if (!REGION.test(region)) throw new ServiceError('usage', 'EnvRegionInvalid', `COFFER_REGION "${region}" must look like ap-guangzhou.`);
  const appid = env.COFFER_APPID?.trim() || (isUrl ? DEFAULT_APPID : undefined);
  if (!appid) throw new ServiceError('usage', 'EnvAppidMissing', 'COFFER_APPID is needed with a COS region endpoint: the numeric APPID of your account, e.g. 1250000000.');
  if (!/^\d{1,20}$/.test(appid)) throw new ServiceError('usage', 'EnvAppidInvalid', `COFFER_APPID must be digits (got "${appid}").`);
  const creds: Credentials = { secretId, secretKey, sessionToken };
  const source = isUrl ? `store ${target} (from COFFER_ENDPOINT)` : `COS ${region} (from COFFER_ENDPOINT)`;
  return {
    id: ENV_CONNECTION,
    label: isUrl ? `${target} (COFFER_ENDPOINT)` : `COS ${region} (COFFER_ENDPOINT)`,
    kind: isUrl ? 'store' : 'cos',
    appId: appid,
    source,
    defaultRegion: region,
    ...clientsPerRegion((r) => new CosClient({ endpoint: target, appid, region: r, credentials: async () => creds }), region),
  };
}

/** A vault profile as a connection; its secrets are read once from the vault and kept only in the provider. */
export async function profileConnection(vault: Vault, profile: ProfileView, secrets: SecretSink = () => {}): Promise<Connection> {
  const creds = await vault.getSigningCredentials(profile.id);
  secrets(creds.secretKey, creds.sessionToken);
  const endpoint = profile.kind === 'local-store' ? profile.endpoint! : 'cos';
  return {
    id: `profile:${profile.id}`,
    label: profile.name,
    kind: profile.kind === 'local-store' ? 'store' : 'cos',
    appId: profile.appid,
    source: `profile ${profile.name} (${profile.kind === 'local-store' ? `store ${profile.endpoint}` : `COS ${profile.region}`})`,
    defaultRegion: profile.region,
    ...clientsPerRegion((r) => new CosClient({ endpoint, appid: profile.appid, region: r, credentials: async () => creds }), profile.region),
  };
}

/** The embedded store, started or found by `store`. */
export async function embeddedConnection(store: EmbeddedStore): Promise<Connection> {
  const info = await store.ensure();
  const creds = info.credentials;
  return {
    id: LOCAL_CONNECTION,
    label: 'This computer',
    kind: 'embedded',
    appId: info.appid,
    source: `embedded store ${info.url}`,
    defaultRegion: info.region,
    ...clientsPerRegion((r) => new CosClient({ endpoint: info.url, appid: info.appid, region: r, credentials: async () => creds }), info.region),
  };
}

export interface ConnectionsOptions {
  store: EmbeddedStore;
  vault?: VaultAccess;
  env?: NodeJS.ProcessEnv;
  secrets?: SecretSink;
}

/** Every connection a long-running front end offers, opened on first use and kept until close(). */
export class Connections {
  private readonly open = new Map<string, Promise<Connection>>();
  private readonly errors = new Map<string, AppError>();

  constructor(private readonly opts: ConnectionsOptions) {
    opts.store.onUnexpectedExit((why) => {
      // The next request starts a new store; until then the connection shows the reason.
      const local = this.open.get(LOCAL_CONNECTION);
      this.open.delete(LOCAL_CONNECTION);
      void local?.then((c) => c.close()).catch(() => undefined);
      this.errors.set(LOCAL_CONNECTION, new ServiceError('unavailable', 'StoreStopped', `${why}; Coffer starts it again on the next request.`).toAppError());
    });
  }

  async list(): Promise<ConnectionView[]> {
    const views: ConnectionView[] = [{ id: LOCAL_CONNECTION, label: '', kind: 'embedded', appId: DEFAULT_APPID, state: this.errors.has(LOCAL_CONNECTION) ? 'unavailable' : 'ready' }];
    let env: Connection | undefined;
    try {
      env = this.opts.env && environmentConnection(this.opts.env);
    } catch {
      views.push({ id: ENV_CONNECTION, label: 'COFFER_ENDPOINT', kind: 'cos', appId: null, state: 'unavailable' });
    }
    if (env) {
      void env.close();
      views.push({ id: ENV_CONNECTION, label: env.label, kind: 'cos', appId: env.appId, state: this.errors.has(ENV_CONNECTION) ? 'unavailable' : 'ready' });
    }
    const vault = await this.opts.vault?.tryOpen().catch(() => undefined);
    for (const p of vault?.listProfiles() ?? []) {
      const id = `profile:${p.id}`;
      views.push({ id, label: p.name, kind: 'cos', appId: p.appid, state: this.errors.has(id) ? 'unavailable' : 'ready' });
    }
    return views;
  }

  /** Why a connection could not be opened the last time, if it could not. */
  lastError(id: string): AppError | undefined {
    return this.errors.get(id);
  }

  /** The connection `id`, opened now if needed (the embedded store is started or found). */
  get(id: string): Promise<Connection> {
    let p = this.open.get(id);
    if (!p) {
      p = this.connect(id);
      this.open.set(id, p);
      p.then(
        () => this.errors.delete(id),
        (err: unknown) => {
          this.open.delete(id);
          this.errors.set(id, toAppError(err));
        },
      );
    }
    return p;
  }

  async close(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.all(all.map((p) => p.then((c) => c.close()).catch(() => undefined)));
  }

  private async connect(id: string): Promise<Connection> {
    if (id === LOCAL_CONNECTION) return embeddedConnection(this.opts.store);
    if (id === ENV_CONNECTION) {
      const env = this.opts.env && environmentConnection(this.opts.env, this.opts.secrets);
      if (env) return env;
    }
    if (id.startsWith('profile:') && this.opts.vault) {
      const vault = await this.opts.vault.require();
      const profile = vault.listProfiles().find((p) => `profile:${p.id}` === id);
      if (profile) return profileConnection(vault, profile, this.opts.secrets);
    }
    throw new ServiceError('not-found', 'NoSuchConnection', `There is no connection "${id}"; it may have been removed. Pick one from the sidebar.`, { connectionId: id });
  }
}
