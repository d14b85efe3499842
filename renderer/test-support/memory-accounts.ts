// The memory bridge's answers for shared/contract/channels-accounts.ts (see memory-bridge.ts): no vault yet (a new
// one would need a passphrase), accounts kept in memory with their SecretId masked, every COS region with SSE marked
// as the core marks it, and empty buckets. Tests replace any of them through the bridge's `handlers` option, and
// make one fail with a given code with failWith().
import type { AppError, ErrorKind, Handlers } from '../../shared/contract';
import type { Account, VaultProtection, accountChannels } from '../../shared/contract/channels-accounts';

/** Throw this from a handler to answer `{ ok: false, error }` with exactly this code and sentence. */
export function failWith(kind: ErrorKind, code: string, message: string, details: AppError['details'] = {}): never {
  throw Object.assign(new Error(message), { appError: { kind, code, message, details: { code, ...details } } });
}

export const SSE_REGIONS = ['ap-beijing', 'ap-shanghai', 'ap-guangzhou'];
/** As the core's bucket-admin.ts lists them. */
export const REGIONS = [
  'ap-beijing',
  'ap-nanjing',
  'ap-shanghai',
  'ap-guangzhou',
  'ap-chengdu',
  'ap-chongqing',
  'ap-hongkong',
  'ap-singapore',
  'ap-jakarta',
  'ap-seoul',
  'ap-bangkok',
  'ap-tokyo',
  'na-siliconvalley',
  'na-ashburn',
  'sa-saopaulo',
  'eu-frankfurt',
];

const mask = (id: string) => (id.length >= 12 ? `${id.slice(0, 4)}****${id.slice(-4)}` : '****');

export function accountMemoryHandlers(): Pick<Handlers, keyof typeof accountChannels> {
  const accounts: Account[] = [];
  let vault: VaultProtection = { state: 'absent', protector: null, forNewVault: 'passphrase' };
  return {
    'accounts.list': () => ({ accounts }),
    'accounts.test': (r) => ({ appId: r.appId ?? '1250000000', buckets: 2, clockOffsetSeconds: 0 }),
    'accounts.add': (r) => {
      if (vault.state === 'absent' && vault.forNewVault === 'passphrase' && !r.vaultPassphrase) failWith('usage', 'VaultPassphraseNeeded', 'Choose a passphrase for the vault.');
      vault = { ...vault, state: 'unlocked', protector: vault.forNewVault };
      const account: Account = {
        id: `profile:${accounts.length + 1}`,
        name: r.name,
        kind: r.kind,
        region: r.region,
        appId: r.appId ?? '1250000000',
        endpoint: r.endpoint ?? null,
        secretIdMasked: mask(r.credentials.secretId),
        hasSessionToken: r.credentials.sessionToken !== undefined,
        certificateSha256: r.trustCertificateSha256 ?? null,
      };
      accounts.push(account);
      return { account };
    },
    'accounts.update': (r) => {
      const i = accounts.findIndex((a) => a.id === r.accountId);
      if (i < 0) failWith('not-found', 'NoSuchAccount', 'This account is not in the vault (any more).');
      const a = accounts[i]!;
      const next: Account = {
        ...a,
        ...(r.name !== undefined ? { name: r.name } : {}),
        ...(r.region !== undefined ? { region: r.region } : {}),
        ...(r.endpoint !== undefined ? { endpoint: r.endpoint } : {}),
        ...(r.appId !== undefined ? { appId: r.appId } : {}),
        ...(r.credentials ? { secretIdMasked: mask(r.credentials.secretId), hasSessionToken: r.credentials.sessionToken !== undefined } : {}),
      };
      accounts[i] = next;
      return { account: next };
    },
    'accounts.remove': (r) => {
      const i = accounts.findIndex((a) => a.id === r.accountId);
      if (i >= 0) accounts.splice(i, 1);
      return { accountId: r.accountId };
    },
    'buckets.regions': () => ({ regions: REGIONS.map((id) => ({ id, sseOffered: SSE_REGIONS.includes(id) })) }),
    'buckets.contents': () => ({ objects: 0, bytes: 0, uploads: 0 }),
    'buckets.empty': () => ({ deleted: 0, aborted: 0, done: true, failures: [] }),
    'buckets.delete': (r) => ({ bucket: r.bucket }),
    'buckets.setEncryption': (r) => ({ defaultEncryption: r.defaultEncryption }),
    'vault.protection': () => vault,
    'vault.changePassphrase': () => vault,
  };
}
