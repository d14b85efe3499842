// The handlers of shared/contract/channels-accounts.ts; createHandlers (handlers.ts) merges them. The work is done by
// app/services/accounts.ts, bucket-admin.ts and vault-setup.ts; what changes the sidebar (an account added, edited or
// removed, a bucket deleted, its default encryption changed) ends with 'connections.changed', so every window lists
// its places again.
import type { Handlers } from '../../../shared/contract';
import type { accountChannels } from '../../../shared/contract/channels-accounts';
import { addAccount, listAccounts, removeAccount, storedCredentials, testAccount, updateAccount, type AccountsDeps, type AccountTestResult } from '../accounts';
import { bucketContents, deleteEmptyBucket, emptyBucketStep, regionChoices, setBucketEncryption } from '../bucket-admin';
import type { CofferCore } from '../core';
import { ServiceError } from '../service-error';
import { VaultSetup } from '../vault-setup';
import type { Session } from './handlers';

const setups = new WeakMap<CofferCore, VaultSetup>();

/** One per core: it remembers whether an OS keychain answered. */
export function vaultSetupOf(core: CofferCore): VaultSetup {
  let s = setups.get(core);
  if (!s) {
    s = new VaultSetup(core.vault, { home: core.home, env: core.opts.env, safeStorage: core.opts.safeStorage });
    setups.set(core, s);
  }
  return s;
}

const wireProtector = (p: 'passphrase' | 'keychain' | 'safeStorage' | null) => (p === 'safeStorage' ? ('safe-storage' as const) : p);

export function accountHandlers(core: CofferCore, session: Session): Pick<Handlers, keyof typeof accountChannels> {
  void session;
  const deps = (): AccountsDeps => ({ vault: core.vault, setup: vaultSetupOf(core) });
  const changed = () => core.emitEvent({ type: 'connections.changed' });
  // A transfer keeps the client it started with: closing it under the transfer would fail it with a closed socket.
  const refuseWhileBusy = (accountId: string) => {
    if (core.jobs.busyOn(accountId)) {
      throw new ServiceError('usage', 'AccountBusy', 'Transfers are still using this account: let them finish, or cancel them in the transfers panel, then try again.');
    }
  };
  const protection = async () => {
    const s = await core.vault.status();
    return { state: s.state === 'none' ? ('absent' as const) : s.state, protector: wireProtector(s.protector), forNewVault: await vaultSetupOf(core).forNewVault() };
  };

  return {
    'accounts.list': async () => ({ accounts: await listAccounts(core.vault) }),

    'accounts.test': async ({ accountId, credentials, ...place }) => {
      // What the window is told: not the certificate a test went through (kept by accounts.add, not shown).
      const answer = ({ appId, buckets, clockOffsetSeconds }: AccountTestResult) => ({ appId, buckets, clockOffsetSeconds });
      if (credentials) return answer(await testAccount(place, credentials));
      const stored = await storedCredentials(core.vault, accountId!);
      const endpoint = place.endpoint ?? stored.place.endpoint;
      // The certificate kept with the account is trusted at its own address only.
      const trustedCertificate = endpoint === stored.place.endpoint ? stored.place.trustedCertificate : undefined;
      return answer(await testAccount({ ...place, kind: stored.place.kind, endpoint, appId: place.appId ?? stored.place.appId, trustedCertificate }, stored.creds));
    },

    'accounts.add': async (req) => {
      const account = await addAccount(deps(), req);
      changed();
      return { account };
    },

    'accounts.update': async ({ accountId, ...changes }) => {
      // A new name changes nothing a connection holds; new keys, region or address replace the connection.
      const renameOnly = Object.entries(changes).every(([k, v]) => k === 'name' || v === undefined);
      if (!renameOnly) refuseWhileBusy(accountId);
      const account = await updateAccount(deps(), accountId, changes);
      if (!renameOnly) await core.forgetConnection(accountId);
      changed();
      return { account };
    },

    'accounts.remove': async ({ accountId }) => {
      refuseWhileBusy(accountId);
      await removeAccount(core.vault, accountId);
      await core.forgetConnection(accountId);
      changed();
      return { accountId };
    },

    'buckets.regions': () => ({ regions: regionChoices() }),

    'buckets.contents': async ({ connectionId, bucket }) => bucketContents(await core.clientFor(connectionId, bucket), bucket),

    'buckets.empty': async ({ connectionId, bucket }) => {
      const step = await emptyBucketStep(await core.clientFor(connectionId, bucket), bucket);
      // The rows on screen and their statuses go with the objects.
      core.scheduler(connectionId).invalidate(bucket);
      return step;
    },

    'buckets.delete': async ({ connectionId, bucket }) => {
      await deleteEmptyBucket(await core.clientFor(connectionId, bucket), bucket);
      core.scheduler(connectionId).invalidate(bucket);
      changed();
      return { bucket };
    },

    'buckets.setEncryption': async ({ connectionId, bucket, defaultEncryption }) => {
      const set = await setBucketEncryption(await core.clientFor(connectionId, bucket), bucket, defaultEncryption);
      changed();
      return { defaultEncryption: set };
    },

    'vault.protection': protection,

    'vault.changePassphrase': async ({ current, next }) => {
      await vaultSetupOf(core).changePassphrase(current, next);
      return protection();
    },
  };
}
