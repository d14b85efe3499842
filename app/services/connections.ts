// Every connection a long-running front end (the app, the browser host) offers, as the sidebar lists them: the
// embedded store of COFFER_HOME, a connection from the environment, and the vault's profiles (once the vault is
// open), each opened on first use (connection-sources.ts) and kept until close. Secrets stay in the connections and
// in app/cos: what leaves is a ConnectionView.
import { DEFAULT_APPID } from '../store/config';
import { ENV_CONNECTION, environmentConnection, LOCAL_CONNECTION, embeddedConnection, profileConnection, type Connection, type SecretSink } from './connection-sources';
import type { EmbeddedStore } from './embedded-store';
import { ServiceError, toAppError, type AppError } from './errors';
import type { VaultAccess } from './vault-access';

export * from './connection-sources';

/** A connection as the sidebar shows it (the contract's Connection): never a secret. */
export interface ConnectionView {
  id: string;
  /** '' for the embedded store: the UI says "This computer" in its own language. */
  label: string;
  kind: 'embedded' | 'cos' | 'store';
  appId: string | null;
  state: 'ready' | 'locked' | 'unavailable';
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
      views.push({ id: ENV_CONNECTION, label: env.label, kind: env.kind === 'store' ? 'store' : 'cos', appId: env.appId, state: this.errors.has(ENV_CONNECTION) ? 'unavailable' : 'ready' });
    }
    const vault = await this.opts.vault?.tryOpen().catch(() => undefined);
    for (const p of vault?.listProfiles() ?? []) {
      const id = `profile:${p.id}`;
      views.push({ id, label: p.name, kind: p.kind === 'local-store' ? 'store' : 'cos', appId: p.appid, state: this.errors.has(id) ? 'unavailable' : 'ready' });
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

  /** Closes and forgets connection `id` (its account was edited or removed); the next get() opens it anew. */
  async forget(id: string): Promise<void> {
    const p = this.open.get(id);
    this.open.delete(id);
    this.errors.delete(id);
    await p?.then((c) => c.close()).catch(() => undefined);
  }

  async close(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.all(all.map((p) => p.then((c) => c.close()).catch(() => undefined)));
  }

  private async connect(id: string): Promise<Connection> {
    if (id === LOCAL_CONNECTION) return embeddedConnection(this.opts.store, this.opts.secrets);
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
