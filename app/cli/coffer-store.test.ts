// The `coffer-store` command as users run it: serve (listening line, generated credentials, SIGTERM), TLS,
// admin commands, the local KMS, and clear refusals for bad flags and a data directory already in use.
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { X509Certificate } from 'node:crypto';
import { request } from 'node:https';
import { join } from 'node:path';
import COS from 'cos-nodejs-sdk-v5';
import { newSdkClient } from '../store/test-support/store-fixture';
import { runCli, spawnStore, storeArgs, storeScope, type StoreProcess } from '../store/test-support/store-process';
import { COFFER_STORE_BIN } from './test-support/bins';

const BIN = COFFER_STORE_BIN;
const scope = storeScope('coffer-cli-');
afterEach(() => scope.cleanup());
const dirs = () => scope.dirs();
const procs = { push: (p: StoreProcess) => scope.track(p) };

function serveWithoutCredentials(dataDir: string, keyring: string, extra: string[] = []) {
  const env = { ...process.env };
  delete env.COFFER_SECRET_ID;
  delete env.COFFER_SECRET_KEY;
  const child = spawn(process.execPath, [BIN, 'serve', '--data', dataDir, '--keyring', keyring, '--port', '0', ...extra], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      if (/listening on/.test(out)) resolve(out);
    });
    child.on('exit', () => reject(new Error(`exited: ${out}`)));
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, listening, exited };
}

describe('coffer-store serve', () => {
  it('generates credentials once (0600), prints them on every start, prints the real port, and drains on SIGTERM', async () => {
    const { dataDir, keyring } = await dirs();
    const first = serveWithoutCredentials(dataDir, keyring);
    const out = await first.listening;
    const port = Number(/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out)![1]);
    expect(port).toBeGreaterThan(0);
    const secretId = /SecretId:\s+(\S+)/.exec(out)![1]!;
    const secretKey = /SecretKey:\s+(\S+)/.exec(out)![1]!;
    expect((await stat(join(dataDir, 'credentials.json'))).mode & 0o777).toBe(0o600);
    expect((await stat(keyring)).mode & 0o777).toBe(0o600);
    const cos = newSdkClient(port, { secretId, secretKey });
    await cos.putBucket({ Bucket: 'cli-1250000000', Region: 'ap-guangzhou' });
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const second = serveWithoutCredentials(dataDir, keyring);
    const out2 = await second.listening;
    // Shown again on every start (standard output only), so a new user can always find them.
    expect(out2).toContain(`SecretId:  ${secretId}`);
    expect(out2).toContain(`SecretKey: ${secretKey}`);
    expect(out2).not.toContain('Generated');
    const port2 = Number(/:(\d+)\s*$/m.exec(out2.trim())![1]);
    const list = await newSdkClient(port2, { secretId, secretKey }).getService({});
    expect(list.Buckets.map((b) => b.Name)).toContain('cli-1250000000');
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  it('refuses a second process on the same data directory, and admin commands while it runs', async () => {
    const { dataDir, keyring } = await dirs();
    const p = await spawnStore(dataDir, keyring);
    procs.push(p);
    const again = runCli(['serve', ...storeArgs(dataDir, keyring, ['--port', '0'])]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/in use by process \d+/);
    const fsck = runCli(['fsck', ...storeArgs(dataDir, keyring)]);
    expect(fsck.code).toBe(1);
    expect(fsck.stderr).toMatch(/in use by process/);
  });

  it('explains bad flags with exit code 2', async () => {
    const { dataDir, keyring } = await dirs();
    for (const args of [
      ['serve', '--data', dataDir, '--keyring', keyring, '--port', 'eighty'],
      ['serve', '--data', dataDir, '--keyring', keyring, '--bogus'],
      ['serve', '--keyring', keyring],
      ['serve', '--data', dataDir, '--keyring', keyring, '--secret-id', 'only-id'],
      ['launch'],
    ]) {
      const r = runCli(args, { COFFER_SECRET_ID: '', COFFER_SECRET_KEY: '' });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/coffer-store: /);
    }
  });

  it('--help lists every command with its options, --json included', () => {
    const help = runCli(['--help']);
    expect(help.code).toBe(0);
    for (const line of [
      /coffer-store serve --data DIR \[--port N\|0\]/,
      /--port: 9000 unless given/,
      /coffer-store credentials --data DIR \[--json\]/,
      /coffer-store keys --data DIR \[--keyring PATH\] \[--json\]/,
      /coffer-store fsck --data DIR \[--keyring PATH\] \[--json\]/,
      /coffer-store kms create-key --data DIR \[--alias NAME\] \[--json\]/,
      /coffer-store kms list --data DIR \[--json\]/,
    ]) {
      expect(help.stdout).toMatch(line);
    }
  });

  it('refuses a keyring inside the data directory', async () => {
    const { dataDir } = await dirs();
    const r = runCli(['serve', ...storeArgs(dataDir, join(dataDir, 'keyring.json'), ['--port', '0'])]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/keyring \S+ is inside the data directory/);
    await expect(stat(dataDir)).rejects.toThrow(); // refused before anything was created
  });

  it('serves HTTPS with a kept self-signed certificate', async () => {
    const { root, dataDir, keyring } = await dirs();
    const p = await spawnStore(dataDir, keyring, { extra: ['--tls', 'self-signed'] });
    procs.push(p);
    expect(p.stdout()).toContain('listening on https://');
    const ca = await readFile(join(root, 'keys', 'tls-self-signed.crt'));
    // The fingerprint a person compares with the one the account dialog shows before trusting this certificate.
    await expect.poll(() => p.stdout()).toContain(`TLS certificate SHA-256 fingerprint: ${new X509Certificate(ca).fingerprint256}\n`);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: p.port, path: '/', ca, servername: 'localhost' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403); // anonymous GET Service, over verified TLS
    const cos = new COS({ SecretId: 'AKIDcofferTestSecretId000000000000000', SecretKey: 'cofferTestSecretKey0000000000000', Ip: `127.0.0.1:${p.port}`, Protocol: 'https:', StrictSsl: false } as never);
    await cos.putBucket({ Bucket: 'tls-1250000000', Region: 'ap-guangzhou' });
    const put = await cos.putObject({ Bucket: 'tls-1250000000', Region: 'ap-guangzhou', Key: 'k', Body: 'over tls', ServerSideEncryption: 'AES256' });
    expect(put.headers?.['x-cos-server-side-encryption']).toBe('AES256');
  });
});

describe('coffer-store admin commands', () => {
  it('creates and lists KMS keys, rotates the master key and lists key versions with object counts', async () => {
    const { dataDir, keyring } = await dirs();
    const made = await spawnStore(dataDir, keyring);
    made.child.kill('SIGTERM');
    await made.exited;
    const created = runCli(['kms', 'create-key', '--alias', 'finance', '--json', ...storeArgs(dataDir, keyring)]);
    expect(created.code).toBe(0);
    const keyId = JSON.parse(created.stdout).keyId as string;
    const list = runCli(['kms', 'list', ...storeArgs(dataDir, keyring)]);
    expect(list.stdout).toContain(keyId);
    expect(list.stdout).toContain('finance');

    const p = await spawnStore(dataDir, keyring);
    const cos = newSdkClient(p.port);
    await cos.putBucket({ Bucket: 'adm-1250000000', Region: 'ap-guangzhou' });
    await cos.putObject({ Bucket: 'adm-1250000000', Region: 'ap-guangzhou', Key: 'a', Body: 'a', ServerSideEncryption: 'AES256' });
    const kms = await cos.putObject({ Bucket: 'adm-1250000000', Region: 'ap-guangzhou', Key: 'b', Body: 'b', ServerSideEncryption: 'cos/kms', SSEKMSKeyId: keyId });
    expect(kms.headers?.['x-cos-server-side-encryption-cos-kms-key-id']).toBe(keyId);
    p.child.kill('SIGTERM');
    await p.exited;

    const before = JSON.parse(runCli(['keys', '--json', ...storeArgs(dataDir, keyring)]).stdout);
    expect(before).toEqual([expect.objectContaining({ id: 1, state: 'active', objects: 1 })]);
    const rotated = runCli(['rotate-key', ...storeArgs(dataDir, keyring)]);
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toMatch(/Master key 2 is now active; 1 object keys re-wrapped/);
    const after = JSON.parse(runCli(['keys', '--json', ...storeArgs(dataDir, keyring)]).stdout);
    expect(after).toEqual([expect.objectContaining({ id: 1, state: 'retired', objects: 0 }), expect.objectContaining({ id: 2, state: 'active', objects: 1 })]);
    const fsck = runCli(['fsck', ...storeArgs(dataDir, keyring)]);
    expect(fsck.code).toBe(0);
    expect(fsck.stdout).toContain('2 objects checked (2 encrypted), 0 damaged');
  });

  it('rotates the master key automatically once it is older than --rotation-days', async () => {
    const { dataDir, keyring } = await dirs();
    const p = await spawnStore(dataDir, keyring);
    const cos = newSdkClient(p.port);
    await cos.putBucket({ Bucket: 'auto-1250000000', Region: 'ap-guangzhou' });
    await cos.putObject({ Bucket: 'auto-1250000000', Region: 'ap-guangzhou', Key: 'a', Body: 'aged', ServerSideEncryption: 'AES256' });
    p.child.kill('SIGTERM');
    await p.exited;
    // Age the active key: its creation date is plain metadata in the keyring file.
    const ring = JSON.parse(await readFile(keyring, 'utf8'));
    for (const k of ring.keys) k.created = new Date(Date.now() - 40 * 86400_000).toISOString();
    const { writeFile } = await import('node:fs/promises');
    await writeFile(keyring, JSON.stringify(ring), { mode: 0o600 });

    const again = await spawnStore(dataDir, keyring, { extra: ['--rotation-days', '30'] });
    procs.push(again);
    for (let t = 0; t < 100 && !again.stderr().includes('master key 1 retired'); t++) await new Promise((r) => setTimeout(r, 100));
    expect(again.stderr()).toContain('rotating');
    const got = await newSdkClient(again.port).getObject({ Bucket: 'auto-1250000000', Region: 'ap-guangzhou', Key: 'a' });
    expect((got.Body as Buffer).toString()).toBe('aged');
    again.child.kill('SIGTERM');
    await again.exited;
    const keys = JSON.parse(runCli(['keys', '--json', ...storeArgs(dataDir, keyring)]).stdout);
    expect(keys).toEqual([expect.objectContaining({ id: 1, state: 'retired' }), expect.objectContaining({ id: 2, state: 'active', objects: 1 })]);
  });

  it('fsck reports a damaged object and exits 1', async () => {
    const { dataDir, keyring } = await dirs();
    const p = await spawnStore(dataDir, keyring);
    const cos = newSdkClient(p.port);
    await cos.putBucket({ Bucket: 'fsck-1250000000', Region: 'ap-guangzhou' });
    // Two objects with data files (above the inline limit) and one small enough to live in meta.db.
    await cos.putObject({ Bucket: 'fsck-1250000000', Region: 'ap-guangzhou', Key: 'plain', Body: 'plain text object '.repeat(5000) });
    await cos.putObject({ Bucket: 'fsck-1250000000', Region: 'ap-guangzhou', Key: 'enc', Body: 'encrypted object '.repeat(5000), ServerSideEncryption: 'AES256' });
    await cos.putObject({ Bucket: 'fsck-1250000000', Region: 'ap-guangzhou', Key: 'tiny', Body: 'small encrypted object', ServerSideEncryption: 'AES256' });
    await cos.putObject({ Bucket: 'fsck-1250000000', Region: 'ap-guangzhou', Key: 'tiny-intact', Body: 'untouched', ServerSideEncryption: 'AES256' });
    p.child.kill('SIGTERM');
    await p.exited;
    const clean = runCli(['fsck', ...storeArgs(dataDir, keyring)]);
    expect(clean.stdout).toContain('0 damaged');
    expect(clean.code).toBe(0);
    // Damage the small object's bytes inside meta.db.
    const { Database } = await import('../store/meta/sqlite-driver');
    const db = new Database(join(dataDir, 'meta.db'));
    db.exec('PRAGMA locking_mode = EXCLUSIVE');
    const row = db.get(`SELECT i.data_id AS id, i.bytes AS bytes FROM inline_data i JOIN objects o ON i.data_id = json_extract(o.parts, '$[0].dataId') WHERE o.key = 'tiny'`)!;
    const bytes = Buffer.from(row.bytes as unknown as Uint8Array);
    bytes[bytes.length - 3] ^= 0xff;
    db.run('UPDATE inline_data SET bytes = ? WHERE data_id = ?', [bytes, row.id as string]);
    db.close();
    const { readdir, writeFile } = await import('node:fs/promises');
    // Damage every data file: flip one byte near the end of each.
    const objectsDir = join(dataDir, 'objects');
    for (const fan of await readdir(objectsDir)) {
      for (const name of await readdir(join(objectsDir, fan))) {
        const path = join(objectsDir, fan, name);
        const data = await readFile(path);
        data[data.length - 3] ^= 0xff;
        await writeFile(path, data);
      }
    }
    const fsck = runCli(['fsck', ...storeArgs(dataDir, keyring)]);
    expect(fsck.code).toBe(1);
    expect(fsck.stdout).toContain('DAMAGED fsck-1250000000/plain');
    expect(fsck.stdout).toContain('DAMAGED fsck-1250000000/enc');
    expect(fsck.stdout).toContain('DAMAGED fsck-1250000000/tiny');
    expect(fsck.stdout).not.toContain('DAMAGED fsck-1250000000/tiny-intact');
    expect(fsck.stdout).toContain('3 damaged');
  });
});
