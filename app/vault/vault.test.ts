import { createHash, randomBytes } from 'node:crypto';
import { readFile, stat, writeFile, readdir, chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isVaultError, Vault, VaultError } from './index';
import { passphraseProtector, safeStorageProtector } from './protectors';
import { fakeSafeStorage, fastPassphrase, SECRET_ID, SECRET_KEY, SESSION_TOKEN, sampleProfile, tempHome } from './test-support';

const isPosix = process.platform !== 'win32';
let t: Awaited<ReturnType<typeof tempHome>>;
beforeEach(async () => {
  t = await tempHome();
});
afterEach(async () => {
  await t.cleanup();
});

async function rejectsWith(p: Promise<unknown>, code: string, message?: RegExp): Promise<VaultError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'expected a rejection').toBeInstanceOf(VaultError);
  expect((err as VaultError).code).toBe(code);
  if (message) expect((err as VaultError).message).toMatch(message);
  return err as VaultError;
}

function forms(secret: string | Buffer): string[] {
  const raw = typeof secret === 'string' ? Buffer.from(secret) : secret;
  return [...(typeof secret === 'string' ? [secret] : []), raw.toString('base64'), raw.toString('base64url'), raw.toString('hex'), raw.toString('hex').toUpperCase()];
}

describe('profiles', () => {
  it('adds, lists, updates and removes profiles; public views carry no secret', async () => {
    const v = await Vault.open(t.home, { protector: fastPassphrase('correct horse') });
    const p = await v.addProfile(sampleProfile());
    expect(p).toMatchObject({ name: 'prod', kind: 'cos', region: 'ap-guangzhou', appid: '1250000000', secretIdMasked: 'AKID****abcd', hasSessionToken: true });
    const local = await v.addProfile(sampleProfile({ name: 'local', kind: 'local-store', endpoint: 'http://127.0.0.1:9000/', sessionToken: undefined }));
    expect(local.endpoint).toBe('http://127.0.0.1:9000');
    expect(v.listProfiles().map((x) => x.name)).toEqual(['prod', 'local']);

    const text = JSON.stringify([v.listProfiles(), v.getProfile(p.id), p, local]);
    for (const s of [SECRET_KEY, SESSION_TOKEN, SECRET_ID]) for (const f of forms(s)) expect(text).not.toContain(f);

    const u = await v.updateProfile(p.id, { region: 'ap-shanghai', secretKey: 'NewSecretKey0123456789abcdefABCD', sessionToken: null });
    expect(u).toMatchObject({ region: 'ap-shanghai', hasSessionToken: false, name: 'prod' });
    expect(await v.getSigningCredentials(p.id)).toEqual({ secretId: SECRET_ID, secretKey: 'NewSecretKey0123456789abcdefABCD' });

    await v.removeProfile(local.id);
    expect(v.listProfiles().map((x) => x.id)).toEqual([p.id]);
    await rejectsWith(v.getSigningCredentials(local.id), 'NOT_FOUND');
    await rejectsWith(v.removeProfile(local.id), 'NOT_FOUND');
  });

  it('refuses duplicate names (case-insensitive), also on rename', async () => {
    const v = await Vault.open(t.home, { protector: fastPassphrase('pw-123456') });
    await v.addProfile(sampleProfile());
    const other = await v.addProfile(sampleProfile({ name: 'staging' }));
    await rejectsWith(v.addProfile(sampleProfile({ name: 'PROD' })), 'DUPLICATE', /"PROD" already exists/);
    await rejectsWith(v.updateProfile(other.id, { name: 'prod' }), 'DUPLICATE');
    expect(await v.updateProfile(other.id, { name: 'Staging' })).toMatchObject({ name: 'Staging' });
  });

  it('validates with messages naming the field, without echoing secret values', async () => {
    const v = await Vault.open(t.home, { protector: fastPassphrase('pw-123456') });
    const err = await rejectsWith(v.addProfile(sampleProfile({ region: 'Guangzhou!', appid: 125, secretKey: 'has space in it, 1234', endpoint: 'http://cos.example.com' })), 'VALIDATION');
    expect(err.message).toContain("region must look like 'ap-guangzhou'");
    expect(err.message).toContain('appid must be a string of digits');
    expect(err.message).toContain('secretKey must not contain spaces');
    expect(err.message).toContain('endpoint must use https unless it is a loopback address');
    expect(err.message).not.toContain('has space in it');

    await rejectsWith(v.addProfile({ name: 'x', kind: 'cos' }), 'VALIDATION', /region is required.*secretId is required.*secretKey is required/);
    await rejectsWith(v.addProfile(sampleProfile({ kind: 'ftp' })), 'VALIDATION', /kind must be 'cos' or 'local-store'/);
    await rejectsWith(v.addProfile(sampleProfile({ kind: 'local-store' })), 'VALIDATION', /endpoint is required for a 'local-store' profile/);
    await rejectsWith(v.addProfile(sampleProfile({ secretKey: SECRET_KEY, password: 'x' })), 'VALIDATION', /unknown field\(s\): password/);
    await rejectsWith(v.addProfile(sampleProfile({ name: '   ' })), 'VALIDATION', /name must not be empty/);
    const p = await v.addProfile(sampleProfile());
    await rejectsWith(v.updateProfile(p.id, { kind: 'local-store' }), 'VALIDATION', /endpoint is required/);
    await rejectsWith(v.updateProfile(p.id, { secretKey: 'short' }), 'VALIDATION', /secretKey must be at least 8 characters/);
    expect(v.listProfiles()).toHaveLength(1);
  });
});

describe('at rest', () => {
  it('reopens with the right passphrase; a wrong one is a clear error', async () => {
    const v = await Vault.open(t.home, { protector: fastPassphrase('right passphrase') });
    const p = await v.addProfile(sampleProfile());
    const k = await v.generateSseCustomerKey('backups');
    const raw = await v.getSseCustomerKey(k.id);
    v.close();
    await rejectsWith(Promise.resolve().then(() => v.listProfiles()), 'CLOSED');

    const again = await Vault.open(t.home, { protector: fastPassphrase('right passphrase') });
    expect(await again.getSigningCredentials(p.id)).toEqual({ secretId: SECRET_ID, secretKey: SECRET_KEY, sessionToken: SESSION_TOKEN });
    expect((await again.getSseCustomerKey(k.id)).equals(raw)).toBe(true);

    const before = await readFile(join(t.home, 'vault.json'));
    await rejectsWith(Vault.open(t.home, { protector: fastPassphrase('wrong passphrase') }), 'WRONG_PASSPHRASE', /^Wrong passphrase/);
    await rejectsWith(Vault.open(t.home, { protector: safeStorageProtector(fakeSafeStorage()) }), 'PROTECTOR_MISMATCH', /protected by "passphrase"/);
    expect((await readFile(join(t.home, 'vault.json'))).equals(before)).toBe(true);
  });

  it('the header keeps format, protector kind, salt, scrypt cost ≥ 2^15 and a key check value', async () => {
    await Vault.open(t.home, { protector: fastPassphrase('pw-123456') });
    const doc = JSON.parse(await readFile(join(t.home, 'vault.json'), 'utf8'));
    expect(doc.header.format).toBe('coffer-vault/1');
    expect(doc.header.protector.kind).toBe('passphrase');
    expect(Buffer.from(doc.header.protector.params.salt, 'base64').length).toBe(16);
    expect(doc.header.protector.params.N).toBeGreaterThanOrEqual(2 ** 15);
    expect(Buffer.from(doc.header.protector.params.kcv, 'base64').length).toBe(16);
    expect(() => passphraseProtector('x', { cost: 2 ** 14 })).toThrow(/power of two between 2\^15 and 2\^20/);
    expect(() => passphraseProtector('')).toThrow(/must not be empty/);
  });

  it('two vaults with the same passphrase get different salts and keys', async () => {
    const a = await Vault.open(join(t.root, 'a'), { protector: fastPassphrase('same') });
    const b = await Vault.open(join(t.root, 'b'), { protector: fastPassphrase('same') });
    await a.addProfile(sampleProfile());
    await b.addProfile(sampleProfile());
    const da = JSON.parse(await readFile(a.path, 'utf8'));
    const db = JSON.parse(await readFile(b.path, 'utf8'));
    expect(da.header.protector.params.salt).not.toBe(db.header.protector.params.salt);
    expect(da.profiles[0].secrets.secretKey).not.toBe(db.profiles[0].secrets.secretKey);
  });

  it('the file holds no secret in raw, base64 or hex form', async () => {
    const v = await Vault.open(t.home, { protector: fastPassphrase('pw-123456') });
    await v.addProfile(sampleProfile());
    const sse = randomBytes(32);
    await v.addSseCustomerKey('manual', sse);
    const g = await v.generateSseCustomerKey('generated');
    const generated = await v.getSseCustomerKey(g.id);
    const bytes = await readFile(v.path);
    const text = bytes.toString('utf8');
    for (const s of [SECRET_KEY, SESSION_TOKEN, SECRET_ID, sse, generated]) {
      for (const f of forms(s)) expect(text, `found a form of a secret: ${f.slice(0, 6)}…`).not.toContain(f);
      const raw = typeof s === 'string' ? Buffer.from(s) : s;
      expect(bytes.includes(raw)).toBe(false);
    }
    // Nothing else was left in COFFER_HOME (no temp files with plaintext).
    expect(await readdir(t.home)).toEqual(['vault.json']);
  });

  it.runIf(isPosix)('vault.json is 0600 and COFFER_HOME is 0700 (an existing wider folder is narrowed)', async () => {
    await mkdir(t.home, { mode: 0o755 });
    await chmod(t.home, 0o755);
    const v = await Vault.open(t.home, { protector: fastPassphrase('pw-123456') });
    await v.addProfile(sampleProfile());
    expect((await stat(v.path)).mode & 0o777).toBe(0o600);
    expect((await stat(t.home)).mode & 0o777).toBe(0o700);
    const fresh = join(t.root, 'fresh', 'nested');
    await Vault.open(fresh, { protector: fastPassphrase('pw-123456') });
    expect((await stat(fresh)).mode & 0o777).toBe(0o700);
  });

  it('a flipped ciphertext byte is an error, never a wrong secret', async () => {
    const v = await Vault.open(t.home, { protector: fastPassphrase('pw-123456') });
    const p = await v.addProfile(sampleProfile());
    const doc = JSON.parse(await readFile(v.path, 'utf8'));
    const ct = Buffer.from(doc.profiles[0].secrets.secretKey, 'base64');
    ct[14] ^= 0x01;
    doc.profiles[0].secrets.secretKey = ct.toString('base64');
    const tampered = JSON.stringify(doc);
    await writeFile(v.path, tampered);
    await rejectsWith(Vault.open(t.home, { protector: fastPassphrase('pw-123456') }), 'TAMPERED', /altered/);
    expect(await readFile(v.path, 'utf8')).toBe(tampered); // nothing overwritten
    // The running instance notices the file changed under it and refuses to overwrite it.
    await rejectsWith(v.updateProfile(p.id, { region: 'ap-beijing' }), 'CONFLICT', /changed or removed by another process/);
    expect(await readFile(v.path, 'utf8')).toBe(tampered);
  });

  it('altering a public field (endpoint, name) or the header is detected', async () => {
    const v = await Vault.open(t.home, { protector: fastPassphrase('pw-123456') });
    await v.addProfile(sampleProfile({ endpoint: 'https://cos.ap-guangzhou.myqcloud.com' }));
    const original = await readFile(v.path, 'utf8');
    const alter = async (fn: (d: any) => void) => { // eslint-disable-line @typescript-eslint/no-explicit-any
      const d = JSON.parse(original);
      fn(d);
      await writeFile(v.path, JSON.stringify(d));
      return Vault.open(t.home, { protector: fastPassphrase('pw-123456') });
    };
    await rejectsWith(alter((d) => (d.profiles[0].endpoint = 'https://evil.example.com')), 'TAMPERED');
    await rejectsWith(alter((d) => (d.profiles = [])), 'TAMPERED');
    await rejectsWith(alter((d) => (d.header.kcv = Buffer.alloc(16, 1).toString('base64'))), 'UNLOCK_FAILED');
    const wk = Buffer.from(JSON.parse(original).header.wrappedKey, 'base64');
    wk[20] ^= 0x80;
    await rejectsWith(alter((d) => (d.header.wrappedKey = wk.toString('base64'))), 'TAMPERED');
  });

  it('swapping two profiles\' encrypted fields fails authentication (AAD binds record and field)', async () => {
    const v = await Vault.open(t.home, { protector: fastPassphrase('pw-123456') });
    const a = await v.addProfile(sampleProfile({ name: 'a' }));
    await v.addProfile(sampleProfile({ name: 'b', secretKey: 'OtherSecretKey_abcdefghijklmnop12' }));
    const d = JSON.parse(await readFile(v.path, 'utf8'));
    [d.profiles[0].secrets.secretKey, d.profiles[1].secrets.secretKey] = [d.profiles[1].secrets.secretKey, d.profiles[0].secrets.secretKey];
    await writeFile(v.path, JSON.stringify(d));
    await rejectsWith(Vault.open(t.home, { protector: fastPassphrase('pw-123456') }), 'TAMPERED');

    // Even an attacker who could recompute the file MAC cannot move a sealed field: the AAD check alone
    // rejects it. Simulate by swapping inside a live vault's memory (the MAC is not consulted on read).
    const live = await Vault.open(join(t.root, 'other'), { protector: fastPassphrase('pw-123456') });
    const x = await live.addProfile(sampleProfile({ name: 'x' }));
    await live.addProfile(sampleProfile({ name: 'y', secretKey: 'OtherSecretKey_abcdefghijklmnop12' }));
    const body = (live as unknown as { body: { profiles: Array<{ secrets: Record<string, string> }> } }).body;
    const [px, py] = body.profiles;
    [px.secrets.secretKey, py.secrets.secretKey] = [py.secrets.secretKey, px.secrets.secretKey];
    await rejectsWith(live.getSigningCredentials(x.id), 'TAMPERED', /profile secretKey failed authentication/);
    // Moving the sessionToken ciphertext into the secretKey slot of the same profile fails too.
    px.secrets.secretKey = px.secrets.sessionToken;
    await rejectsWith(live.getSigningCredentials(x.id), 'TAMPERED');
    expect(a.id).not.toBe(x.id);
  });

  it('a corrupt file is reported clearly and left untouched', async () => {
    const v = await Vault.open(t.home, { protector: fastPassphrase('pw-123456') });
    await v.addProfile(sampleProfile());
    const good = await readFile(v.path, 'utf8');
    for (const bad of [good.slice(0, good.length / 2), '{"header":{"format":"coffer-vault/9"}}', '{"header":{}}', '']) {
      await writeFile(v.path, bad);
      const err = await rejectsWith(Vault.open(t.home, { protector: fastPassphrase('pw-123456') }), 'CORRUPT');
      expect(err.message).toMatch(/vault\.json/);
      expect(await readFile(v.path, 'utf8')).toBe(bad);
    }
  });

  it('serializes concurrent changes; all land on disk', async () => {
    const v = await Vault.open(t.home, { protector: fastPassphrase('pw-123456') });
    await Promise.all(Array.from({ length: 8 }, (_, i) => v.addProfile(sampleProfile({ name: `p${i}` }))));
    const again = await Vault.open(t.home, { protector: fastPassphrase('pw-123456') });
    expect(again.listProfiles().map((p) => p.name).sort()).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7']);
  });

  it('changes the passphrase without losing secrets', async () => {
    const v = await Vault.open(t.home, { protector: fastPassphrase('old-pass') });
    const p = await v.addProfile(sampleProfile());
    await v.changeProtector(fastPassphrase('new-pass'));
    await rejectsWith(Vault.open(t.home, { protector: fastPassphrase('old-pass') }), 'WRONG_PASSPHRASE');
    const again = await Vault.open(t.home, { protector: fastPassphrase('new-pass') });
    expect((await again.getSigningCredentials(p.id)).secretKey).toBe(SECRET_KEY);
  });
});

describe('safeStorage protector', () => {
  it('round-trips through an injected safeStorage and migrates to/from a passphrase', async () => {
    const ss = fakeSafeStorage();
    const v = await Vault.open(t.home, { protector: safeStorageProtector(ss) });
    const p = await v.addProfile(sampleProfile());
    expect(ss.calls).toBeGreaterThan(0);
    const again = await Vault.open(t.home, { protector: safeStorageProtector(ss) });
    expect(await again.getSigningCredentials(p.id)).toEqual({ secretId: SECRET_ID, secretKey: SECRET_KEY, sessionToken: SESSION_TOKEN });
    const text = await readFile(v.path, 'utf8');
    for (const f of forms(SECRET_KEY)) expect(text).not.toContain(f);
    expect(JSON.parse(text).header.protector).toEqual({ kind: 'safeStorage' });

    // Another machine's keychain cannot open it.
    await rejectsWith(Vault.open(t.home, { protector: safeStorageProtector(fakeSafeStorage()) }), 'UNLOCK_FAILED');

    await again.changeProtector(fastPassphrase('export-pass'));
    const viaPass = await Vault.open(t.home, { protector: fastPassphrase('export-pass') });
    expect((await viaPass.getSigningCredentials(p.id)).secretKey).toBe(SECRET_KEY);
  });

  it('refuses safeStorage without a real keyring (basic_text would be a constant key) or when unavailable', async () => {
    await rejectsWith(Vault.open(t.home, { protector: safeStorageProtector(fakeSafeStorage({ backend: 'basic_text' })) }), 'PROTECTOR_UNAVAILABLE', /constant key/);
    await rejectsWith(Vault.open(t.home, { protector: safeStorageProtector(fakeSafeStorage({ available: false })) }), 'PROTECTOR_UNAVAILABLE');
    // Nothing was written by the failed attempts.
    expect(await readdir(t.home)).toEqual([]);
  });
});

describe('SSE-C customer keys', () => {
  it('stores keys, lists fingerprints (base64 MD5 of the raw key) and never the key', async () => {
    const v = await Vault.open(t.home, { protector: fastPassphrase('pw-123456') });
    const key = randomBytes(32);
    const added = await v.addSseCustomerKey('archive', key);
    expect(added.md5Fingerprint).toBe(createHash('md5').update(key).digest('base64'));
    const gen = await v.generateSseCustomerKey('fresh');
    const genKey = await v.getSseCustomerKey(gen.id);
    expect(genKey.length).toBe(32);
    expect(gen.md5Fingerprint).toBe(createHash('md5').update(genKey).digest('base64'));
    expect((await v.getSseCustomerKey(added.id)).equals(key)).toBe(true);

    const listed = v.listSseCustomerKeys();
    expect(listed.map((k) => Object.keys(k).sort())).toEqual([['created', 'id', 'md5Fingerprint', 'name'], ['created', 'id', 'md5Fingerprint', 'name']]);
    const text = JSON.stringify(listed);
    for (const f of [...forms(key), ...forms(genKey)]) expect(text).not.toContain(f);

    await rejectsWith(v.addSseCustomerKey('ARCHIVE', randomBytes(32)), 'DUPLICATE');
    await rejectsWith(v.addSseCustomerKey('short', randomBytes(16)), 'VALIDATION', /exactly 32 bytes/);
    await v.removeSseCustomerKey(added.id);
    await rejectsWith(v.getSseCustomerKey(added.id), 'NOT_FOUND');
    const again = await Vault.open(t.home, { protector: fastPassphrase('pw-123456') });
    expect(again.listSseCustomerKeys().map((k) => k.name)).toEqual(['fresh']);
    expect(isVaultError(await again.getSseCustomerKey('nope').catch((e) => e), 'NOT_FOUND')).toBe(true);
  });
});

describe('redactor from the vault', () => {
  it('hides every secret the vault holds in any form, without returning them', async () => {
    const v = await Vault.open(t.home, { protector: fastPassphrase('pw-123456') });
    await v.addProfile(sampleProfile());
    const k = await v.generateSseCustomerKey('k');
    const key = await v.getSseCustomerKey(k.id);
    const redact = await v.redactor();
    const line = `sign ${SECRET_KEY} tok=${Buffer.from(SESSION_TOKEN).toString('base64')} id=${SECRET_ID} sse=${key.toString('base64')} hex=${key.toString('hex')}`;
    const out = redact(line);
    for (const s of [SECRET_KEY, SESSION_TOKEN, SECRET_ID, key]) for (const f of forms(s)) expect(out).not.toContain(f);
    expect(out).toMatch(/^sign \*\*\*\* tok=\*\*\*\* id=\*\*\*\* sse=\*\*\*\* hex=\*\*\*\*$/);
  });
});
