// `coffer cp` follows the default encryption chosen in Coffer's Settings (COFFER_HOME/settings.json) when no --sse
// flag is given, as users run it (the real bin, a spawned store): the object on the store has that encryption; a flag
// still wins; a damaged settings file is said in one line and SSE-COS applies; a default naming an SSE-C key uses
// that vault key, and one naming a key no longer in the vault fails before anything is sent.
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CosClient } from '../cos/client';
import { APPID, REGION, TEST_CREDENTIALS } from '../store/test-support/store-fixture';
import { spawnStore, storeScope, type StoreProcess } from '../store/test-support/store-process';
import { passphraseProtector, Vault } from '../vault';
import { COFFER_BIN } from './test-support/bins';
import { seedPassphraseVault } from './test-support/cheap-vault';

const PASSPHRASE = 'a passphrase for the settings test vault';
const BUCKET = 'settings-1250000000';

const scope = storeScope('coffer-settings-');
let store: StoreProcess;
let root: string;
let home: string;
let env: Record<string, string>;
let client: CosClient;

function coffer(args: string[]) {
  const r = spawnSync(process.execPath, [COFFER_BIN, ...args], { env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function settings(value: unknown) {
  await writeFile(join(home, 'settings.json'), typeof value === 'string' ? value : JSON.stringify(value));
}

async function upload(name: string, extra: string[] = []) {
  const file = join(root, name);
  await writeFile(file, `contents of ${name}`);
  const r = coffer(['cp', file, `cos://${BUCKET}/${name}`, ...extra]);
  expect(r.code, r.stderr).toBe(0);
  return r;
}

beforeAll(async () => {
  const dirs = await scope.dirs();
  root = dirs.root;
  home = join(root, 'home');
  await mkdir(home, { recursive: true, mode: 0o700 });
  await seedPassphraseVault(home, PASSPHRASE);
  store = scope.track(await spawnStore(dirs.dataDir, dirs.keyring));
  env = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('COFFER_')) env[k] = v;
  Object.assign(env, {
    COFFER_HOME: home,
    COFFER_ENDPOINT: `http://127.0.0.1:${store.port}`,
    COFFER_SECRET_ID: TEST_CREDENTIALS.secretId,
    COFFER_SECRET_KEY: TEST_CREDENTIALS.secretKey,
    COFFER_VAULT_PASSPHRASE: PASSPHRASE,
  });
  client = new CosClient({ endpoint: `http://127.0.0.1:${store.port}`, appid: APPID, region: REGION, credentials: async () => TEST_CREDENTIALS });
  expect(coffer(['mb', `cos://${BUCKET}`]).code).toBe(0);
});

afterAll(async () => {
  await client?.close();
  await scope.cleanup();
});

describe('coffer cp and the settings file', () => {
  it('uploads with the default encryption chosen in Settings, and says so; --sse still decides', async () => {
    await settings({ defaultEncryption: { mode: 'sse-kms' }, partsInFlight: 2 });
    const r = await upload('kms.txt');
    expect(r.stderr).toContain("coffer: encrypting with SSE-KMS, the default chosen in Coffer's Settings (--sse chooses another)");
    expect((await client.headObject(BUCKET, 'kms.txt')).encryption.mode).toBe('SSE-KMS');

    await upload('cos.txt', ['--sse', 'cos']);
    expect((await client.headObject(BUCKET, 'cos.txt')).encryption).toEqual({ mode: 'SSE-COS' });

    await settings({ defaultEncryption: { mode: 'none' } });
    expect((await upload('plain.txt')).stderr).toContain('coffer: uploading WITHOUT encryption');
    expect((await client.headObject(BUCKET, 'plain.txt')).encryption).toEqual({ mode: 'none' });
  });

  it('coffer encrypt follows the Settings default too, and a default of "none" means SSE-COS there', async () => {
    await settings({ defaultEncryption: { mode: 'none' } });
    await upload('fix-me.txt');
    await upload('fix-me-too.txt');
    const asCos = coffer(['encrypt', `cos://${BUCKET}/fix-me.txt`]);
    expect(asCos.code, asCos.stderr).toBe(0);
    expect((await client.headObject(BUCKET, 'fix-me.txt')).encryption).toEqual({ mode: 'SSE-COS' });

    await settings({ defaultEncryption: { mode: 'sse-kms' } });
    const asKms = coffer(['encrypt', `cos://${BUCKET}/fix-me-too.txt`]);
    expect(asKms.code, asKms.stderr).toBe(0);
    expect(asKms.stderr).toContain("coffer: encrypting with SSE-KMS, the default chosen in Coffer's Settings (--sse chooses another)");
    expect((await client.headObject(BUCKET, 'fix-me-too.txt')).encryption.mode).toBe('SSE-KMS');
  });

  it('a damaged settings file is said in one line, and SSE-COS applies', async () => {
    await settings('{"defaultEncryption": {"mode": "none"');
    const r = await upload('damaged.txt');
    expect(r.stderr).toMatch(/coffer: .*settings\.json is damaged \(it is not a settings file\); Coffer is using the default settings/);
    expect((await client.headObject(BUCKET, 'damaged.txt')).encryption).toEqual({ mode: 'SSE-COS' });
  });

  it('a default naming an SSE-C key of the vault uses it; a key gone from the vault stops the upload first', async () => {
    expect(coffer(['sse-c-key', 'add', 'family', '--generate']).code).toBe(0);
    const vault = await Vault.open(home, { protector: passphraseProtector(PASSPHRASE), create: false });
    const [key] = vault.listSseCustomerKeys();
    const bytes = await vault.getSseCustomerKey(key!.id);
    vault.close();

    await settings({ defaultEncryption: { mode: 'sse-c', vaultKeyId: key!.id } });
    const r = await upload('private.txt');
    expect(r.stderr).toContain('coffer: encrypting with the SSE-C key "family", the default chosen');
    const head = await client.headObject(BUCKET, 'private.txt', { sseCustomerKey: bytes });
    expect(head.encryption).toEqual({ mode: 'SSE-C', keyMd5: createHash('md5').update(bytes).digest('base64') });

    await settings({ defaultEncryption: { mode: 'sse-c', vaultKeyId: '00000000-0000-4000-8000-000000000000' } });
    await writeFile(join(root, 'never.txt'), 'never sent');
    const gone = coffer(['cp', join(root, 'never.txt'), `cos://${BUCKET}/never.txt`]);
    expect(gone.code).toBe(3);
    expect(gone.stderr).toContain("names an SSE-C key that is no longer in the vault; choose another default in Settings, or give --sse.");
    await expect(client.headObject(BUCKET, 'never.txt')).rejects.toMatchObject({ status: 404 });
  }, 240_000);
});
