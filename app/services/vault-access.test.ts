// The vault as the app and the browser host hold it: absent until a COS account is added, opened without asking
// where its protector can answer (Electron's safeStorage, a passphrase in the environment), otherwise locked until
// the Unlock screen's passphrase; once open, its profiles are connections (their secrets stay on this side).
import { afterEach, describe, expect, it } from 'vitest';
import { Vault } from '../vault';
import { fakeSafeStorage, fastPassphrase, sampleProfile, SECRET_KEY, tempHome } from '../vault/test-support';
import { Connections } from './connections';
import { EmbeddedStore } from './embedded-store';
import { toAppError } from './errors';
import { VaultAccess } from './vault-access';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function home() {
  const h = await tempHome();
  cleanups.push(h.cleanup);
  return h.home;
}

describe('VaultAccess', () => {
  it('says there is no vault on a first run, and that one is needed only for COS accounts', async () => {
    const access = new VaultAccess({ home: await home(), env: {} });
    expect(await access.status()).toEqual({ state: 'none', protector: null });
    expect(await access.tryOpen()).toBeUndefined();
    await expect(access.unlock('anything')).rejects.toMatchObject({ kind: 'not-found', code: 'NoVault' });
  });

  it('stays locked until the right passphrase, then lists its profiles as connections with their secrets kept here', async () => {
    const h = await home();
    const v = await Vault.open(h, { protector: fastPassphrase('correct horse battery staple'), create: true });
    const profile = await v.addProfile(sampleProfile());
    const lab = await v.addProfile({ ...sampleProfile(), name: 'lab', kind: 'local-store', endpoint: 'http://127.0.0.1:9000' });
    v.close();

    const access = new VaultAccess({ home: h, env: {} });
    let changes = 0;
    access.onChange(() => changes++);
    expect(await access.status()).toEqual({ state: 'locked', protector: 'passphrase' });
    await expect(access.require()).rejects.toMatchObject({ kind: 'access', code: 'VaultLocked', message: 'The vault is locked: unlock Coffer with its passphrase to use your COS accounts.' });
    const wrong = await access.unlock('not the passphrase').catch((e: unknown) => e);
    expect(toAppError(wrong)).toMatchObject({ kind: 'access', code: 'WRONG_PASSPHRASE' });
    expect(await access.unlock('correct horse battery staple')).toEqual({ state: 'unlocked', protector: 'passphrase' });
    expect(changes).toBe(1);

    const secrets: Array<string | undefined> = [];
    const connections = new Connections({ store: new EmbeddedStore({ home: h }), vault: access, env: {}, secrets: (...s) => secrets.push(...s) });
    const list = await connections.list();
    expect(list).toEqual([
      { id: 'local', label: '', kind: 'embedded', appId: '1250000000', state: 'ready' },
      { id: `profile:${profile.id}`, label: 'prod', kind: 'cos', appId: '1250000000', state: 'ready' },
      // A coffer-store elsewhere is not shown as Tencent Cloud.
      { id: `profile:${lab.id}`, label: 'lab', kind: 'store', appId: '1250000000', state: 'ready' },
    ]);
    expect(JSON.stringify(list)).not.toContain(SECRET_KEY);
    const conn = await connections.get(`profile:${profile.id}`);
    expect(conn.source).toBe('profile prod (COS ap-guangzhou)');
    expect(secrets).toContain(SECRET_KEY);
    await connections.close();
    access.close();
  });

  it('opens without asking with the app\'s safeStorage, or a passphrase given in the environment', async () => {
    const h = await home();
    const safeStorage = fakeSafeStorage();
    const { safeStorageProtector } = await import('../vault');
    (await Vault.open(h, { protector: safeStorageProtector(safeStorage), create: true })).close();
    const app = new VaultAccess({ home: h, safeStorage });
    expect(await app.tryOpen()).toBeDefined();
    expect(await app.status()).toEqual({ state: 'unlocked', protector: 'safeStorage' });
    app.close();
    await expect(new VaultAccess({ home: h, env: {} }).tryOpen()).rejects.toMatchObject({ code: 'PROTECTOR_UNAVAILABLE' });

    const h2 = await home();
    (await Vault.open(h2, { protector: fastPassphrase('from the environment'), create: true })).close();
    const env = new VaultAccess({ home: h2, env: { COFFER_VAULT_PASSPHRASE: 'from the environment' } });
    expect(await env.tryOpen()).toBeDefined();
    env.close();
  });
});
