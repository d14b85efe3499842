// COS accounts (and coffer-stores elsewhere) as the app adds, edits and removes them. Keys are tested against the
// service before anything is kept (GET Service: the list of buckets, which also tells the APPID), so a wrong key is
// said while the dialog is still open; then they go to the vault, created for the first account (vault-setup.ts).
// What leaves here is an AccountView: the SecretId masked, never a key.
import { X509Certificate } from 'node:crypto';
import { CosClient, type Credentials } from '../cos/client';
import { checkProfileInput, findByName, isVaultError, type ProfileView, type Vault } from '../vault';
import { accountTestFailure, serviceName } from './account-errors';
import { ServiceError } from './service-error';
import { presentedCertificate } from './store-certificate';
import type { VaultAccess } from './vault-access';
import type { VaultSetup } from './vault-setup';

export type AccountKind = 'cos' | 'store';

/** An account as the window sees it (the contract's Account). */
export interface AccountView {
  /** Its connection's id. */
  id: string;
  name: string;
  kind: AccountKind;
  region: string;
  appId: string;
  endpoint: string | null;
  secretIdMasked: string;
  hasSessionToken: boolean;
  /** The fingerprint of the store certificate the user chose to trust; null when an authority vouches for it. */
  certificateSha256: string | null;
}

/** Where an account's requests go. */
export interface AccountPlace {
  kind: AccountKind;
  region: string;
  /** A store's URL (kind 'store'). */
  endpoint?: string;
  /** Found from the buckets when left out. */
  appId?: string;
  /** The fingerprint of a store certificate no trusted authority signed, which the user chose to trust. */
  trustCertificateSha256?: string;
  /** That certificate itself, when already kept with the account (an edit that changes only the region). */
  trustedCertificate?: string;
}

export interface AccountTestResult {
  appId: string | null;
  buckets: number;
  /** Seconds this computer's clock is off, when the service refused our time and the client corrected it; else 0. */
  clockOffsetSeconds: number;
  /** The certificate the keys were tested through, when the user chose to trust it: to keep with the account. */
  trustedCertificate?: string;
}

export interface AccountTestOptions {
  /** The local clock (tests skew it). */
  now?: () => number;
  /** How long the service may take to answer (default 20 s). */
  timeoutMs?: number;
}

const PROFILE_PREFIX = 'profile:';
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
/** The client re-signs after a skew error only past this offset (request-executor.ts): below it, no correction. */
const CORRECTED_SKEW_MS = 30_000;

export const accountId = (profileId: string) => `${PROFILE_PREFIX}${profileId}`;

const noSuchAccount = (id: string) => new ServiceError('not-found', 'NoSuchAccount', 'This account is not in the vault (any more); pick one from the sidebar.', { connectionId: id });

function profileIdOf(id: string): string {
  if (!id.startsWith(PROFILE_PREFIX)) throw noSuchAccount(id);
  return id.slice(PROFILE_PREFIX.length);
}

/** The profile behind account `id`, or the NoSuchAccount sentence. */
function profileOf(vault: Vault, id: string): ProfileView {
  try {
    return vault.getProfile(profileIdOf(id));
  } catch (err) {
    if (isVaultError(err, 'NOT_FOUND')) throw noSuchAccount(id);
    throw err;
  }
}

export function accountView(p: ProfileView): AccountView {
  return {
    id: accountId(p.id),
    name: p.name,
    kind: p.kind === 'local-store' ? 'store' : 'cos',
    region: p.region,
    appId: p.appid,
    endpoint: p.endpoint ?? null,
    secretIdMasked: p.secretIdMasked,
    hasSessionToken: p.hasSessionToken,
    certificateSha256: p.tlsCertificate ? new X509Certificate(p.tlsCertificate).fingerprint256 : null,
  };
}

/** A store's URL as the vault keeps it (its origin): https, or plain http on this computer only. */
export function storeOrigin(endpoint: string | undefined): string {
  const typed = (endpoint ?? '').trim();
  let url: URL | undefined;
  try {
    url = new URL(typed);
  } catch {
    // said below
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
    throw new ServiceError('usage', 'StoreUrlInvalid', `"${typed}" is not a store address: type it as https://host:port (for example https://store.example.com:9000), without a path.`);
  }
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname)) {
    throw new ServiceError('usage', 'StoreUrlNotHttps', `A store elsewhere on the network must be reached over HTTPS (https://${url.host}): plain http:// would send every file unprotected. Only an address on this computer (127.0.0.1, ::1, localhost) may use http://.`);
  }
  return url.origin;
}

/**
 * Lists the buckets with these keys and nothing else: whether they work, the APPID their names end with, and whether
 * this computer's clock had to be corrected. A failure is one of account-errors.ts's sentences.
 */
export async function testAccount(place: AccountPlace, creds: Credentials, opts: AccountTestOptions = {}): Promise<AccountTestResult> {
  const endpoint = place.kind === 'store' ? storeOrigin(place.endpoint) : 'cos';
  const timeout = opts.timeoutMs ?? 20_000;
  const service = serviceName(place.kind, endpoint);
  const trusted = place.kind === 'store' && endpoint.startsWith('https:') ? await certificateToTrust(place, endpoint, service) : undefined;
  const client = new CosClient({
    endpoint,
    // GET Service names no bucket, so the APPID is not needed yet.
    appid: place.appId ?? '0',
    region: place.region,
    credentials: async () => creds,
    // One retry for a passing hiccup; a refused connection is said at once rather than after a minute of backoff.
    retry: { attempts: 2, baseDelayMs: 100, maxDelayMs: 500 },
    transport: { connections: 1, headersTimeoutMs: timeout, bodyTimeoutMs: timeout, ...(trusted ? { pinnedCertificate: trusted } : {}) },
    ...(opts.now ? { now: opts.now } : {}),
  });
  try {
    const res = await client.listBuckets().catch(async (err: unknown) => {
      const failure = accountTestFailure(err, service);
      // No trusted authority signed the store's certificate: say which one it is, for the user to compare.
      if (failure.code === 'AccountCertificate' && place.kind === 'store') {
        const presented = await presentedCertificate(endpoint).catch(() => undefined);
        if (presented) {
          throw new ServiceError(
            'access',
            'AccountCertificate',
            `The HTTPS certificate of ${service} is not signed by an authority this computer trusts. Its SHA-256 fingerprint is ${presented.sha256}: if that is the fingerprint \`coffer-store serve\` printed when the store started, you may trust this certificate for this account.`,
            { ...failure.details, certificateSha256: presented.sha256 },
            { cause: err },
          );
        }
      }
      throw failure;
    });
    const fromBuckets = res.buckets.map((b) => /-(\d{1,20})$/.exec(b.name)?.[1]).find((a) => a !== undefined);
    // A coffer-store names itself by its APPID as the owner; COS names the account's UIN there, which is not it.
    const fromOwner = place.kind === 'store' && /^\d{1,20}$/.test(res.owner?.displayName ?? '') ? res.owner!.displayName : undefined;
    const offset = client.clockOffsetMs;
    return {
      appId: place.appId ?? fromBuckets ?? fromOwner ?? null,
      buckets: res.buckets.length,
      clockOffsetSeconds: Math.abs(offset) >= CORRECTED_SKEW_MS ? Math.round(offset / 1000) : 0,
      ...(trusted ? { trustedCertificate: trusted } : {}),
    };
  } finally {
    await client.close();
  }
}

/**
 * The certificate to accept from a store, when the user chose one: the one kept with the account, or the one the
 * store presents now if its fingerprint is the one the user compared and trusted (else 'AccountCertificateChanged').
 */
async function certificateToTrust(place: AccountPlace, endpoint: string, service: string): Promise<string | undefined> {
  if (!place.trustCertificateSha256) return place.trustedCertificate;
  const presented = await presentedCertificate(endpoint).catch((err: unknown) => {
    throw accountTestFailure(err, service);
  });
  if (presented.sha256 !== place.trustCertificateSha256) {
    throw new ServiceError(
      'access',
      'AccountCertificateChanged',
      `${service} now presents another certificate (SHA-256 ${presented.sha256}) than the one you chose to trust; nothing was saved. Compare it with the fingerprint the store printed, and trust it only if they match.`,
      { certificateSha256: presented.sha256 },
    );
  }
  return presented.pem;
}

export interface AccountsDeps {
  vault: VaultAccess;
  setup: VaultSetup;
  test?: AccountTestOptions;
}

export interface NewAccount extends AccountPlace {
  name: string;
  credentials: Credentials;
  /** For a first account where the vault needs a passphrase. */
  vaultPassphrase?: string;
}

export interface AccountChanges {
  name?: string;
  region?: string;
  endpoint?: string;
  appId?: string;
  /** Trust (anew) the certificate with this fingerprint that the store presents. */
  trustCertificateSha256?: string;
  credentials?: Credentials;
}

/** Every account in the vault; none while there is no vault. */
export async function listAccounts(vault: VaultAccess): Promise<AccountView[]> {
  if ((await vault.status()).state === 'none') return [];
  return (await vault.require()).listProfiles().map(accountView);
}

function appIdOrAsk(found: string | null): string {
  if (found) return found;
  throw new ServiceError('usage', 'AccountAppIdUnknown', "These keys work, but Coffer couldn't find the account's APPID: it has no bucket yet. Type the APPID (Tencent Cloud console → Account information), then add the account again.");
}

function refuseTakenName(vault: Vault | undefined, name: string, exceptId?: string): void {
  const taken = vault && findByName(vault.listProfiles().filter((p) => p.id !== exceptId), name.trim());
  if (taken) throw new ServiceError('conflict', 'AccountNameTaken', `An account named "${taken.name}" exists already; choose another name.`);
}

/** What the vault would refuse, refused before anything is sent or created (its sentences name the field). */
function checkFields(name: string, place: AccountPlace, creds: Credentials, endpoint: string | undefined): void {
  checkProfileInput({
    name,
    kind: place.kind === 'store' ? 'local-store' : 'cos',
    region: place.region,
    appid: place.appId ?? '0',
    secretId: creds.secretId,
    secretKey: creds.secretKey,
    ...(creds.sessionToken ? { sessionToken: creds.sessionToken } : {}),
    ...(endpoint ? { endpoint } : {}),
  });
}

/** Tests the keys, then keeps the account in the vault (created now for the first account). */
export async function addAccount(deps: AccountsDeps, input: NewAccount): Promise<AccountView> {
  const endpoint = input.kind === 'store' ? storeOrigin(input.endpoint) : undefined;
  checkFields(input.name, input, input.credentials, endpoint);
  refuseTakenName(await deps.vault.tryOpen().catch(() => undefined), input.name);
  // Asked before the keys are sent, so the dialog shows every field it needs at once.
  if (!input.vaultPassphrase && (await deps.setup.needsPassphrase())) {
    throw new ServiceError('usage', 'VaultPassphraseNeeded', 'Choose a passphrase for the vault that keeps your keys: no OS keychain is available here to keep it for you.');
  }
  const tested = await testAccount({ ...input, endpoint }, input.credentials, deps.test);
  const appid = appIdOrAsk(tested.appId);
  const vault = await deps.setup.openOrCreate(input.vaultPassphrase);
  refuseTakenName(vault, input.name);
  const { secretId, secretKey, sessionToken } = input.credentials;
  const profile = await vault.addProfile({
    name: input.name,
    kind: input.kind === 'store' ? 'local-store' : 'cos',
    region: input.region,
    appid,
    secretId,
    secretKey,
    ...(sessionToken ? { sessionToken } : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(tested.trustedCertificate ? { tlsCertificate: tested.trustedCertificate } : {}),
  });
  return accountView(profile);
}

/** Renames (no test), or changes where the account goes or its keys (tested first, with the new keys if given). */
export async function updateAccount(deps: AccountsDeps, id: string, changes: AccountChanges): Promise<AccountView> {
  const vault = await deps.vault.require();
  const profileId = profileIdOf(id);
  const old = accountView(profileOf(vault, id));
  if (changes.name !== undefined) refuseTakenName(vault, changes.name, profileId);
  const moved = changes.region !== undefined || changes.endpoint !== undefined || changes.appId !== undefined || changes.credentials !== undefined || changes.trustCertificateSha256 !== undefined;
  if (!moved) return accountView(await vault.updateProfile(profileId, changes.name !== undefined ? { name: changes.name } : {}));

  const endpoint = old.kind === 'store' ? storeOrigin(changes.endpoint ?? old.endpoint ?? undefined) : undefined;
  // The certificate kept with the account goes on being trusted at the same address, unless a new one is chosen.
  const keptCertificate = endpoint === (old.endpoint ?? undefined) ? profileOf(vault, id).tlsCertificate : undefined;
  const place: AccountPlace = { kind: old.kind, region: changes.region ?? old.region, endpoint, appId: changes.appId, trustCertificateSha256: changes.trustCertificateSha256, trustedCertificate: keptCertificate };
  const creds = changes.credentials ?? (await vault.getSigningCredentials(profileId));
  if (changes.credentials) checkFields(changes.name ?? old.name, place, creds, endpoint);
  const tested = await testAccount(place, creds, deps.test);
  const appid = changes.appId ?? tested.appId ?? old.appId;
  const profile = await vault.updateProfile(profileId, {
    ...(changes.name !== undefined ? { name: changes.name } : {}),
    region: place.region,
    appid,
    ...(endpoint ? { endpoint } : {}),
    tlsCertificate: tested.trustedCertificate ?? null,
    ...(changes.credentials
      ? { secretId: creds.secretId, secretKey: creds.secretKey, sessionToken: changes.credentials.sessionToken ?? null }
      : {}),
  });
  return accountView(profile);
}

/** Forgets an account and its keys. Its buckets and objects stay on the service. */
export async function removeAccount(vault: VaultAccess, id: string): Promise<void> {
  const v = await vault.require();
  await v.removeProfile(profileOf(v, id).id);
}

/** The stored keys of an account, for a test that changes only where it goes. */
export async function storedCredentials(vault: VaultAccess, id: string): Promise<{ place: AccountPlace; creds: Credentials }> {
  const v = await vault.require();
  const profile = profileOf(v, id);
  const p = accountView(profile);
  return {
    place: { kind: p.kind, region: p.region, endpoint: p.endpoint ?? undefined, appId: p.appId, ...(profile.tlsCertificate ? { trustedCertificate: profile.tlsCertificate } : {}) },
    creds: await v.getSigningCredentials(profile.id),
  };
}
