// The vault kept by the OS keychain outside Electron, against a real Secret Service (GNOME Keyring on a private
// D-Bus session, see keyring-session.ts): what lands in the keychain and in the vault file, unlocking in a new
// process's way (a fresh protector), a removed entry, a tampered header, moving to a passphrase, and no keyring.
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { keyringToolsMissing, startKeyringSession, type KeyringSession } from '../platform/test-support/keyring-session';
import { findKeychain, KEYCHAIN_SERVICE, keychainBackend, keychainProtector, type KeychainBackend } from './keychain-protector';
import { fastPassphrase, sampleProfile, SECRET_KEY, SESSION_TOKEN, tempHome } from './test-support';
import { Vault } from './vault';

const missing = keyringToolsMissing();
if (missing.length) console.warn(`keychain-protector.test.ts SKIPPED: missing ${missing.join(', ')} (apt-get install dbus gnome-keyring libsecret-tools)`);

let session: KeyringSession;
const savedEnv = { ...process.env };
let cleanups: Array<() => Promise<void>> = [];

async function home(): Promise<string> {
  const h = await tempHome();
  cleanups.push(h.cleanup);
  return h.home;
}

/** The items the keychain holds for Coffer vaults: account → secret. */
function keychainEntries(): Map<string, string> {
  const r = spawnSync('secret-tool', ['search', '--all', '--unlock', 'service', KEYCHAIN_SERVICE], { env: session.env, encoding: 'utf8' });
  const out = new Map<string, string>();
  let secret: string | undefined;
  for (const line of `${r.stdout}\n${r.stderr}`.split('\n')) {
    const s = /^secret = (.*)$/.exec(line);
    if (s) secret = s[1];
    const a = /^attribute\.username = (.*)$/.exec(line);
    if (a && secret !== undefined) out.set(a[1]!, secret);
  }
  return out;
}

describe.skipIf(missing.length > 0)('keychain protector (real Secret Service)', () => {
  let backend: KeychainBackend;

  beforeAll(async () => {
    session = await startKeyringSession();
    // cross-keychain runs secret-tool with this process's environment.
    Object.assign(process.env, session.env);
    backend = (await findKeychain())!;
    expect(backend?.id).toBe('secret-service');
  }, 30_000);
  afterEach(async () => {
    for (const c of cleanups) await c();
    cleanups = [];
  });
  afterAll(async () => {
    for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
    Object.assign(process.env, savedEnv);
    await session?.stop();
  });

  it('keeps a random wrap key in the keychain and only a reference plus the wrapped data key in the file', async () => {
    const h = await home();
    const before = keychainEntries();
    const vault = await Vault.open(h, { protector: keychainProtector(backend) });
    const { id } = await vault.addProfile(sampleProfile());
    const added = [...keychainEntries()].filter(([account]) => !before.has(account));
    expect(added).toHaveLength(1);
    const [account, stored] = added[0]!;
    expect(account).toMatch(/^vault-[0-9a-f-]{36}$/);
    expect(Buffer.from(stored, 'base64')).toHaveLength(32);

    const file = await readFile(join(h, 'vault.json'), 'utf8');
    expect(JSON.parse(file).header.protector).toEqual({ kind: 'keychain' });
    expect(file).not.toContain(stored);
    expect(file).not.toContain(SECRET_KEY);
    expect(file).not.toContain(SESSION_TOKEN);

    // As a later run opens it: a fresh protector, the key fetched from the keychain again.
    const again = await Vault.open(h, { protector: keychainProtector((await keychainBackend())!), create: false });
    const creds = await again.getSigningCredentials(id);
    expect(creds.secretKey).toBe(SECRET_KEY);
    expect(await Vault.protectorKindAt(h)).toBe('keychain');
  });

  it('refuses to open, naming the entry, when the keychain entry is gone; never with a passphrase instead', async () => {
    const h = await home();
    await (await Vault.open(h, { protector: keychainProtector(backend) })).addProfile(sampleProfile());
    const { account } = JSON.parse(Buffer.from(JSON.parse(await readFile(join(h, 'vault.json'), 'utf8')).header.wrappedKey, 'base64').toString()) as { account: string };
    await backend.deletePassword(KEYCHAIN_SERVICE, account);
    await expect(Vault.open(h, { protector: keychainProtector(backend), create: false })).rejects.toMatchObject({
      code: 'UNLOCK_FAILED',
      message: expect.stringContaining(account),
    });
    await expect(Vault.open(h, { protector: fastPassphrase('guess'), create: false })).rejects.toMatchObject({ code: 'PROTECTOR_MISMATCH' });
  });

  it('detects a wrapped key altered in the file', async () => {
    const h = await home();
    await Vault.open(h, { protector: keychainProtector(backend) });
    const path = join(h, 'vault.json');
    const doc = JSON.parse(await readFile(path, 'utf8'));
    const ref = JSON.parse(Buffer.from(doc.header.wrappedKey, 'base64').toString());
    const wrapped = Buffer.from(ref.wrapped, 'base64');
    wrapped[20]! ^= 1;
    ref.wrapped = wrapped.toString('base64');
    doc.header.wrappedKey = Buffer.from(JSON.stringify(ref)).toString('base64');
    await writeFile(path, JSON.stringify(doc));
    await expect(Vault.open(h, { protector: keychainProtector(backend), create: false })).rejects.toMatchObject({ code: 'TAMPERED' });
  });

  it('moves to a passphrase and removes its keychain entry', async () => {
    const h = await home();
    const vault = await Vault.open(h, { protector: keychainProtector(backend) });
    const { id } = await vault.addProfile(sampleProfile());
    const before = keychainEntries().size;
    await vault.changeProtector(fastPassphrase('a long enough passphrase'));
    expect(keychainEntries().size).toBe(before - 1);
    const reopened = await Vault.open(h, { protector: fastPassphrase('a long enough passphrase'), create: false });
    expect((await reopened.getSigningCredentials(id)).secretKey).toBe(SECRET_KEY);
  });

  it('leaves no keychain entry behind when moving into the keychain fails (the file changed underneath)', async () => {
    const h = await home();
    const vault = await Vault.open(h, { protector: fastPassphrase('a long enough passphrase') });
    const path = join(h, 'vault.json');
    await writeFile(path, (await readFile(path, 'utf8')) + '\n'); // another process rewrote it
    const before = keychainEntries().size;
    await expect(vault.changeProtector(keychainProtector(backend))).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(keychainEntries().size).toBe(before);
    expect(await Vault.protectorKindAt(h)).toBe('passphrase');
  });

  it('finds no keychain, and refuses to create a vault in it, when the Secret Service does not answer', async () => {
    const address = process.env.DBUS_SESSION_BUS_ADDRESS;
    process.env.DBUS_SESSION_BUS_ADDRESS = 'unix:path=/nonexistent/coffer-test-bus';
    try {
      expect(await findKeychain()).toBeUndefined();
      await expect(Vault.open(await home(), { protector: keychainProtector(backend) })).rejects.toMatchObject({ code: 'PROTECTOR_UNAVAILABLE' });
    } finally {
      process.env.DBUS_SESSION_BUS_ADDRESS = address;
    }
  });
});
