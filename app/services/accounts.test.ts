// Adding an account as the account dialog does, against a real store on loopback: each way keys can fail has its own
// sentence (a wrong SecretKey, an unknown SecretId, a clock the service refuses, nothing answering, a name not
// found, plain http to another machine); keys that work go to the vault, created for the first account under the
// best protector (safeStorage, else a passphrase asked for), and never come back out; edit, rename and remove.
import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CosClient } from '../cos/client';
import { FaultProxy } from '../cos/client/test-support/fault-proxy';
import { APPID, startFixture, TEST_CREDENTIALS, type StoreFixture } from '../store/test-support/store-fixture';
import { Vault } from '../vault';
import { fakeSafeStorage, fastPassphrase, TEST_COST, tempHome } from '../vault/test-support';
import { loadTls } from '../store/tls';
import { addAccount, listAccounts, removeAccount, testAccount, updateAccount, type AccountsDeps } from './accounts';
import { profileConnection } from './connection-sources';
import { toAppError } from './errors';
import { VaultAccess } from './vault-access';
import { VaultSetup } from './vault-setup';

let store: StoreFixture;
const right = { ...TEST_CREDENTIALS };
const wrongKey = { secretId: TEST_CREDENTIALS.secretId, secretKey: 'notTheRightSecretKey000000000000' };
const unknownId = { secretId: 'AKIDnobodyHasThisSecretId0000000000000', secretKey: TEST_CREDENTIALS.secretKey };
const storePlace = () => ({ kind: 'store' as const, region: 'ap-guangzhou', endpoint: store.url });

beforeAll(async () => {
  store = await startFixture();
  await store.call('putBucket', { Bucket: store.bucket('photos'), Region: 'ap-guangzhou' });
});
afterAll(async () => {
  await store?.close();
});

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function failure(p: Promise<unknown>) {
  const err = await p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );
  return toAppError(err);
}

describe('testing an account\'s keys', () => {
  it('lists the buckets with keys that work, and finds the APPID from their names', async () => {
    expect(await testAccount(storePlace(), right)).toEqual({ appId: APPID, buckets: 1, clockOffsetSeconds: 0 });
  });

  it('says a wrong SecretKey, an unknown SecretId and a refused clock each in a sentence of its own', async () => {
    const wrong = await failure(testAccount(storePlace(), wrongKey));
    expect(wrong).toMatchObject({ kind: 'access', code: 'AccountSecretKeyWrong', details: { code: 'SignatureDoesNotMatch', httpStatus: 403 } });
    expect(wrong.message).toBe(`The store at ${store.url} refused the SecretKey: it does not belong to this SecretId. Copy the SecretKey again (all of it, without spaces) and try again.`);

    const unknown = await failure(testAccount(storePlace(), unknownId));
    expect(unknown).toMatchObject({ kind: 'access', code: 'AccountSecretIdUnknown', details: { code: 'InvalidAccessKeyId' } });
    expect(unknown.message).toContain('does not know this SecretId');

    // A service that refuses our time although its Date agrees with ours (nothing for the client to correct).
    const proxy = await FaultProxy.start(store.port);
    cleanups.push(() => proxy.close());
    proxy.inject({ fault: { kind: 'status', status: 403, code: 'RequestTimeTooSkewed', message: 'The difference between the request time and the server time is too large.' }, times: 5 });
    const clock = await failure(testAccount({ ...storePlace(), endpoint: `http://127.0.0.1:${proxy.port}` }, right));
    expect(clock).toMatchObject({ kind: 'access', code: 'AccountClockSkewed' });
    expect(clock.message).toContain("this computer's clock is too far off (more than 15 minutes). Set the date and time right");
  });

  it('works with a clock two hours behind, and says how far off it is', async () => {
    const behind = await testAccount(storePlace(), right, { now: () => Date.now() - 2 * 3600_000 });
    expect(behind.buckets).toBe(1);
    expect(Math.abs(behind.clockOffsetSeconds - 7200)).toBeLessThan(60);
  });

  it('says when nothing answers, when the name is not found, and refuses plain http to another machine', async () => {
    const closed = await FaultProxy.start(store.port);
    const port = closed.port;
    await closed.close();
    const refused = await failure(testAccount({ ...storePlace(), endpoint: `http://127.0.0.1:${port}` }, right));
    expect(refused).toMatchObject({ kind: 'failed', code: 'AccountUnreachable', details: { code: 'ECONNREFUSED' } });
    expect(refused.message).toBe(`Nothing answered at the store at http://127.0.0.1:${port} (ECONNREFUSED). Check the address and that the service is running there, then try again.`);

    const dns = await failure(testAccount({ ...storePlace(), endpoint: 'https://no-such-store.invalid:9000' }, right));
    expect(dns.code).toBe('AccountHostNotFound');
    expect(dns.message).toContain('could not be found');

    const plain = await failure(testAccount({ ...storePlace(), endpoint: 'http://192.0.2.10:9000' }, right));
    expect(plain).toMatchObject({ kind: 'usage', code: 'StoreUrlNotHttps' });
    expect(plain.message).toContain('must be reached over HTTPS (https://192.0.2.10:9000)');
    expect((await failure(testAccount({ ...storePlace(), endpoint: 'https://store.example.com/bucket' }, right))).code).toBe('StoreUrlInvalid');
  });
});

async function deps(opts: { safeStorage?: ReturnType<typeof fakeSafeStorage> } = {}): Promise<AccountsDeps & { home: string }> {
  const h = await tempHome();
  cleanups.push(h.cleanup);
  // A passphrase, never this machine's keychain (the tests must not write to it).
  const env = { COFFER_VAULT_PROTECTOR: 'passphrase' };
  const vault = new VaultAccess({ home: h.home, env, safeStorage: opts.safeStorage });
  cleanups.push(async () => vault.close());
  const setup = new VaultSetup(vault, { home: h.home, env, safeStorage: opts.safeStorage, passphrase: { cost: TEST_COST } });
  return { vault, setup, home: h.home };
}

const newAccount = (over: Record<string, unknown> = {}) => ({ name: 'Lab store', ...storePlace(), credentials: right, ...over });

describe('adding, editing and removing accounts', () => {
  it('asks for a passphrase first where no keychain can keep the vault, and keeps nothing from a failed test', async () => {
    const d = await deps();
    expect(await d.setup.forNewVault()).toBe('passphrase');
    expect(await failure(addAccount(d, newAccount()))).toMatchObject({ kind: 'usage', code: 'VaultPassphraseNeeded' });
    expect((await failure(addAccount(d, newAccount({ credentials: wrongKey, vaultPassphrase: 'a long passphrase' })))).code).toBe('AccountSecretKeyWrong');
    expect(existsSync(join(d.home, 'vault.json'))).toBe(false);
    expect(await listAccounts(d.vault)).toEqual([]);
  });

  it('keeps working keys in a new passphrase vault; only the masked SecretId comes back', async () => {
    const d = await deps();
    const account = await addAccount(d, newAccount({ vaultPassphrase: 'a long passphrase' }));
    expect(account).toEqual({
      id: expect.stringMatching(/^profile:/),
      name: 'Lab store',
      kind: 'store',
      region: 'ap-guangzhou',
      appId: APPID,
      endpoint: store.url,
      secretIdMasked: `${right.secretId.slice(0, 4)}****${right.secretId.slice(-4)}`,
      hasSessionToken: false,
      certificateSha256: null,
    });
    expect(await d.vault.status()).toEqual({ state: 'unlocked', protector: 'passphrase' });
    const listed = await listAccounts(d.vault);
    expect(listed).toEqual([account]);
    expect(JSON.stringify(listed)).not.toContain(right.secretKey);
    expect(JSON.stringify(listed)).not.toContain(right.secretId);
    // The vault opens with that passphrase, and holds the keys.
    const reopened = await Vault.open(d.home, { protector: fastPassphrase('a long passphrase'), create: false });
    expect(await reopened.getSigningCredentials(account.id.slice('profile:'.length))).toEqual(right);
    reopened.close();

    expect(await failure(addAccount(d, newAccount({ name: 'lab STORE' })))).toMatchObject({ kind: 'conflict', code: 'AccountNameTaken' });
  });

  it('uses safeStorage for the first account where the desktop app offers it, asking for nothing', async () => {
    const d = await deps({ safeStorage: fakeSafeStorage() });
    expect(await d.setup.forNewVault()).toBe('safe-storage');
    await addAccount(d, newAccount());
    expect(await d.vault.status()).toEqual({ state: 'unlocked', protector: 'safeStorage' });
    // Linux without a keyring: Electron's constant key is no protection, so a passphrase is asked for instead.
    expect(await (await deps({ safeStorage: fakeSafeStorage({ backend: 'basic_text' }) })).setup.forNewVault()).toBe('passphrase');
  });

  it('renames without a test, tests new keys before keeping them, and removes', async () => {
    const d = await deps();
    const account = await addAccount(d, newAccount({ vaultPassphrase: 'a long passphrase' }));
    expect((await updateAccount(d, account.id, { name: 'Store upstairs' })).name).toBe('Store upstairs');

    const refused = await failure(updateAccount(d, account.id, { credentials: unknownId }));
    expect(refused.code).toBe('AccountSecretIdUnknown');
    // The keys kept are still the ones that work.
    const v = await d.vault.require();
    expect(await v.getSigningCredentials(account.id.slice('profile:'.length))).toEqual(right);
    // A new region alone is tested with the keys kept.
    expect((await updateAccount(d, account.id, { region: 'ap-shanghai' })).region).toBe('ap-shanghai');

    await removeAccount(d.vault, account.id);
    expect(await listAccounts(d.vault)).toEqual([]);
    expect((await failure(removeAccount(d.vault, account.id))).code).toBe('NoSuchAccount');
  });

  it('changes the passphrase only after the current one is typed right', async () => {
    const d = await deps();
    await addAccount(d, newAccount({ vaultPassphrase: 'the first passphrase' }));
    expect(await failure(d.setup.changePassphrase('not it at all', 'the second passphrase'))).toMatchObject({ kind: 'access', code: 'CurrentPassphraseWrong' });
    await d.setup.changePassphrase('the first passphrase', 'the second passphrase');
    expect(toAppError(await Vault.open(d.home, { protector: fastPassphrase('the first passphrase'), create: false }).catch((e: unknown) => e)).code).toBe('WRONG_PASSPHRASE');
    (await Vault.open(d.home, { protector: fastPassphrase('the second passphrase'), create: false })).close();
    // Still usable in this process after the change.
    expect(await listAccounts(d.vault)).toHaveLength(1);
  });
});

describe('a store over HTTPS whose certificate no authority signed', () => {
  let https: StoreFixture;
  let tlsDir: string;
  beforeAll(async () => {
    tlsDir = await mkdtemp(join(tmpdir(), 'coffer-tls-'));
    // The certificate `coffer-store serve --tls self-signed` makes (for 127.0.0.1), signed by no authority.
    const tls = await loadTls({ tls: 'self-signed' }, tlsDir, tlsDir);
    https = await startFixture({ tls });
    const setup = new CosClient({ endpoint: https.url, appid: APPID, region: 'ap-guangzhou', credentials: async () => right, transport: { pinnedCertificate: tls.cert.toString() } });
    await setup.createBucket(https.bucket('secure'));
    await setup.close();
  });
  afterAll(async () => {
    await https?.close();
    if (tlsDir) await rm(tlsDir, { recursive: true, force: true });
  });

  it('names the certificate\'s fingerprint; trusted by that fingerprint, the account works and accepts only that certificate', async () => {
    const place = { kind: 'store' as const, region: 'ap-guangzhou', endpoint: https.url };
    const fingerprint = new X509Certificate(await readFile(join(tlsDir, 'tls-self-signed.crt'))).fingerprint256;
    expect(https.url).toMatch(/^https:/);

    const untrusted = await failure(testAccount(place, right));
    expect(untrusted).toMatchObject({ kind: 'access', code: 'AccountCertificate', details: { certificateSha256: fingerprint } });
    expect(untrusted.message).toContain(`Its SHA-256 fingerprint is ${fingerprint}: if that is the fingerprint \`coffer-store serve\` printed`);

    // Another fingerprint than the one presented: refused, nothing kept.
    const other = fingerprint.replace(/^../, fingerprint.startsWith('00') ? '11' : '00');
    const changed = await failure(testAccount({ ...place, trustCertificateSha256: other }, right));
    expect(changed).toMatchObject({ kind: 'access', code: 'AccountCertificateChanged', details: { certificateSha256: fingerprint } });

    const d = await deps();
    const account = await addAccount(d, { ...place, name: 'Secure store', credentials: right, vaultPassphrase: 'a long passphrase', trustCertificateSha256: fingerprint });
    expect(account).toMatchObject({ kind: 'store', endpoint: https.url, certificateSha256: fingerprint });

    // Its connection accepts that certificate (and lists the bucket), and an edit keeps trusting it.
    const vault = await d.vault.require();
    const profile = vault.listProfiles()[0]!;
    const conn = await profileConnection(vault, profile);
    try {
      expect((await conn.client().listBuckets()).buckets.map((b) => b.name)).toEqual([https.bucket('secure')]);
    } finally {
      await conn.close();
    }
    expect(await updateAccount(d, account.id, { region: 'ap-shanghai' })).toMatchObject({ region: 'ap-shanghai', certificateSha256: fingerprint });

    // The same keys through another certificate (the plain-HTTP store's address has none; a second HTTPS store has
    // its own): a connection pinned to this one refuses it.
    const otherDir = await mkdtemp(join(tmpdir(), 'coffer-tls-other-'));
    const impostor = await startFixture({ tls: await loadTls({ tls: 'self-signed' }, otherDir, otherDir) });
    try {
      const pinnedElsewhere = await profileConnection(vault, { ...profile, endpoint: impostor.url });
      try {
        // Refused by the certificate check (another self-signed certificate is not the trusted one), nothing sent.
        const refused: unknown = await pinnedElsewhere.client().listBuckets().catch((e: unknown) => e);
        expect(refused).toMatchObject({ code: expect.stringMatching(/^(DEPTH_ZERO_SELF_SIGNED_CERT|ERR_TLS_CERT_PINNED|UNABLE_TO_VERIFY_LEAF_SIGNATURE)$/) });
        // What the window then says while browsing: the certificate, and what to do about it, not "try again".
        expect(toAppError(refused)).toMatchObject({ kind: 'access', message: expect.stringContaining('edit the account and trust the new one') });
      } finally {
        await pinnedElsewhere.close();
      }
    } finally {
      await impostor.close();
      await rm(otherDir, { recursive: true, force: true });
    }
  });
});

