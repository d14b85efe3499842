// Where a front end's requests go, as ready COS clients, one kind of connection at a time: the embedded store of
// COFFER_HOME ("This computer", id 'local'), a connection from the environment (COFFER_ENDPOINT +
// COFFER_SECRET_ID/KEY, id 'env'), and a vault profile (id 'profile:<id>'). A connection keeps one client per region
// (COS answers a bucket only in its own region). Secrets stay here and in app/cos. The `coffer` command line opens
// one of these for a command; a long-running front end keeps them all in Connections (connections.ts).
import { CosClient, type Credentials } from '../cos/client';
import { DEFAULT_APPID, DEFAULT_REGION } from '../store/config';
import type { ProfileView, Vault } from '../vault';
import type { EmbeddedStore } from './embedded-store';
import { ServiceError } from './service-error';

export const LOCAL_CONNECTION = 'local';
export const ENV_CONNECTION = 'env';

export type ConnectionKind = 'embedded' | 'cos' | 'store';

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
    ...clientsPerRegion(
      (r) =>
        new CosClient({
          endpoint,
          appid: profile.appid,
          region: r,
          credentials: async () => creds,
          // A store certificate the user chose to trust is the only one this account's connections accept.
          ...(profile.tlsCertificate ? { transport: { pinnedCertificate: profile.tlsCertificate } } : {}),
        }),
      profile.region,
    ),
  };
}

/** The embedded store, started or found by `store`. */
export async function embeddedConnection(store: EmbeddedStore, secrets: SecretSink = () => {}): Promise<Connection> {
  const info = await store.ensure();
  const creds = info.credentials;
  secrets(creds.secretKey);
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

