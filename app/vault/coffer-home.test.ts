import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cofferPaths, ensureCofferHome, resolveCofferHome } from './coffer-home';
import { passphraseProtectorFromEnvironment, PASSPHRASE_ENV } from './passphrase-source';
import { DEFAULT_SCRYPT_N } from './protectors';
import { Vault } from './vault';
import { TEST_COST } from './test-support';

describe('resolveCofferHome', () => {
  it('COFFER_HOME wins, resolved against the working directory', () => {
    expect(resolveCofferHome({ env: { COFFER_HOME: '/srv/coffer-a' }, platform: 'linux', homedir: '/home/u' })).toBe('/srv/coffer-a');
    expect(resolveCofferHome({ env: { COFFER_HOME: 'rel/dir' }, platform: 'linux', homedir: '/home/u', cwd: '/work' })).toBe('/work/rel/dir');
    expect(resolveCofferHome({ env: { COFFER_HOME: '  ' }, platform: 'linux', homedir: '/home/u' })).toBe('/home/u/.config/coffer');
  });

  it('uses the platform app-data folder otherwise', () => {
    expect(resolveCofferHome({ env: {}, platform: 'linux', homedir: '/home/u' })).toBe('/home/u/.config/coffer');
    expect(resolveCofferHome({ env: { XDG_CONFIG_HOME: '/xdg' }, platform: 'linux', homedir: '/home/u' })).toBe('/xdg/coffer');
    expect(resolveCofferHome({ env: { XDG_CONFIG_HOME: 'relative' }, platform: 'linux', homedir: '/home/u' })).toBe('/home/u/.config/coffer');
    expect(resolveCofferHome({ env: {}, platform: 'darwin', homedir: '/Users/u' })).toBe('/Users/u/Library/Application Support/Coffer');
    expect(resolveCofferHome({ env: { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, platform: 'win32', homedir: 'C:\\Users\\u' })).toBe('C:\\Users\\u\\AppData\\Roaming\\Coffer');
    expect(resolveCofferHome({ env: {}, platform: 'win32', homedir: 'C:\\Users\\u' })).toBe('C:\\Users\\u\\AppData\\Roaming\\Coffer');
  });

  it('names the well-known paths inside it', () => {
    expect(cofferPaths('/h')).toEqual({
      home: '/h',
      settings: '/h/settings.json',
      vault: '/h/vault.json',
      journals: '/h/journals',
      store: '/h/store',
      storeKeyring: '/h/keyring.json',
      storeRecord: '/h/store.json',
    });
  });

  it.runIf(process.platform !== 'win32')('creates it 0700 and refuses a file in its place', async () => {
    const root = await mkdtemp(join(tmpdir(), 'coffer-home-'));
    try {
      const home = join(root, 'a', 'b');
      await ensureCofferHome(home);
      expect((await stat(home)).mode & 0o777).toBe(0o700);
      await writeFile(join(root, 'file'), 'x');
      await expect(ensureCofferHome(join(root, 'file'))).rejects.toThrow(/not a directory/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('passphrase source', () => {
  it('takes COFFER_VAULT_PASSPHRASE first, else prompts, else explains what to do', async () => {
    const root = await mkdtemp(join(tmpdir(), 'coffer-pass-'));
    try {
      let prompted = 0;
      const prompt = async () => {
        prompted++;
        return 'typed-pass';
      };
      const v = await Vault.open(root, { protector: await passphraseProtectorFromEnvironment({ env: { [PASSPHRASE_ENV]: 'env-pass' }, prompt, cost: TEST_COST }) });
      await v.generateSseCustomerKey('k');
      expect(prompted).toBe(0);
      await expect(Vault.open(root, { protector: await passphraseProtectorFromEnvironment({ env: {}, prompt, cost: TEST_COST }) })).rejects.toThrow(/Wrong passphrase/);
      expect(prompted).toBe(1);
      const again = await Vault.open(root, { protector: await passphraseProtectorFromEnvironment({ env: { [PASSPHRASE_ENV]: 'env-pass' } }) });
      expect(again.listSseCustomerKeys()).toHaveLength(1);
      await expect(passphraseProtectorFromEnvironment({ env: {} })).rejects.toThrow(/set COFFER_VAULT_PASSPHRASE/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('new vaults default to scrypt N = 2^17', async () => {
    const root = await mkdtemp(join(tmpdir(), 'coffer-cost-'));
    try {
      expect(DEFAULT_SCRYPT_N).toBe(2 ** 17);
      const v = await Vault.open(root, { protector: await passphraseProtectorFromEnvironment({ env: { [PASSPHRASE_ENV]: 'p' } }) });
      const { readFile } = await import('node:fs/promises');
      expect(JSON.parse(await readFile(v.path, 'utf8')).header.protector.params.N).toBe(2 ** 17);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
