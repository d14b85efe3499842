// The `coffer` command as scripts run it: the real bin as a child process against a real store (a spawned
// coffer-store for env-configured runs, or the embedded store in a fresh COFFER_HOME), checking output, exit
// codes, encryption as reported by `head`, byte-identical round trips, and that no secret is ever printed.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { get as httpGet } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APPID, REGION, TEST_CREDENTIALS } from '../store/test-support/store-fixture';
import { CosClient } from '../cos/client';
import { spawnStore, storeScope, type StoreProcess } from '../store/test-support/store-process';
import { TamperProxy } from '../engine/upload/test-support/tamper-proxy';
import { tempPathsFor } from '../engine/download';
import { DEFAULT_UPLOAD_OPTIONS } from '../engine/upload';
import { keyringToolsMissing, startKeyringSession } from '../platform/test-support/keyring-session';
import { COFFER_BIN, COFFER_START_BIN } from './test-support/bins';
import { seedPassphraseVault } from './test-support/cheap-vault';

const BIN = COFFER_BIN;
const PASSPHRASE = 'correct horse battery staple for tests';
const NEW_PASSPHRASE = 'a different passphrase after the change';
const PROFILE_SECRET = 'profileSecretKeyValue0123456789ab';
const SESSION_TOKEN = 'sessionTokenValueThatMustNeverShow0123';

/** Every byte any child wrote, scanned for secrets at the end. */
const transcript: string[] = [];
/** Secrets made during the runs (SSE-C keys), scanned for as well. */
const secretsSeen: string[] = [];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function baseEnv(home: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('COFFER_')) env[k] = v;
  env.COFFER_HOME = home;
  return env;
}

function coffer(args: string[], env: Record<string, string>, input?: string): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], { env, input: input ?? '', encoding: 'utf8', timeout: 120_000 });
  transcript.push(r.stdout, r.stderr);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** For runs that talk to a server living in this process (a spawnSync would block it). */
function cofferAsync(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      transcript.push(stdout, stderr);
      resolve({ code, stdout, stderr });
    });
  });
}

function json<T = Record<string, unknown>>(r: Run): T {
  return JSON.parse(r.stdout) as T;
}

const scope = storeScope('coffer-cmd-');
let store: StoreProcess;
let root: string;
let env: Record<string, string>;

beforeAll(async () => {
  const dirs = await scope.dirs();
  root = dirs.root;
  store = scope.track(await spawnStore(dirs.dataDir, dirs.keyring));
  env = {
    ...baseEnv(join(root, 'home')),
    COFFER_ENDPOINT: `http://127.0.0.1:${store.port}`,
    COFFER_SECRET_ID: TEST_CREDENTIALS.secretId,
    COFFER_SECRET_KEY: TEST_CREDENTIALS.secretKey,
  };
  expect(coffer(['mb', 'cos://cli'], env).code).toBe(0);
});
afterAll(() => scope.cleanup());

describe('coffer against a store configured from the environment', () => {
  it('uploads with SSE-COS by default, head says so, and downloads byte-identical', async () => {
    const src = join(root, 'report.bin');
    const data = randomBytes(300_000);
    await writeFile(src, data);
    const up = coffer(['cp', src, 'cos://cli/docs/report.bin'], env);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/uploaded cos:\/\/cli\/docs\/report\.bin .*SSE-COS/);

    const head = coffer(['head', 'cos://cli/docs/report.bin'], env);
    expect(head.code).toBe(0);
    expect(head.stdout).toMatch(/Encryption:\s+SSE-COS/);
    expect(head.stdout).toMatch(/Size:\s+300000 bytes/);
    const headJson = json<{ encryption: { mode: string }; encrypted: boolean; size: number; etag: string }>(coffer(['head', 'cos://cli/docs/report.bin', '--json'], env));
    expect(headJson).toMatchObject({ encryption: { mode: 'SSE-COS' }, encrypted: true, size: 300_000 });

    const dest = join(root, 'down', 'copy.bin');
    const down = coffer(['cp', 'cos://cli/docs/report.bin', dest], env);
    expect(down.code, down.stderr).toBe(0);
    expect((await readFile(dest)).equals(data)).toBe(true);
    // A folder as the destination keeps the object's name.
    await mkdir(join(root, 'into'), { recursive: true });
    expect(coffer(['cp', 'cos://cli/docs/report.bin', join(root, 'into')], env).code).toBe(0);
    expect((await readFile(join(root, 'into', 'report.bin'))).equals(data)).toBe(true);
  });

  it('uploads unencrypted only when asked with --sse none, and head shows it plainly', async () => {
    const src = join(root, 'plain.txt');
    await writeFile(src, 'not secret');
    const up = coffer(['cp', src, 'cos://cli/plain/', '--sse', 'none', '--json'], env);
    expect(up.code, up.stderr).toBe(0);
    expect(json(up)).toMatchObject({ operation: 'upload', encryption: { mode: 'none' }, objects: [{ key: 'plain/plain.txt', state: 'completed' }] });
    const head = coffer(['head', 'cos://cli/plain/plain.txt'], env);
    expect(head.stdout).toMatch(/Encryption:\s+none \(NOT encrypted at rest\)/);
  });

  it('uploads in the part size and parallelism asked for (--part-size, --parallel), and refuses values COS would not take', async () => {
    const src = join(root, 'tuned.bin');
    const data = randomBytes(17 * 1024 * 1024 + 4321); // above the single-PUT threshold: 4 parts of 5 MiB
    await writeFile(src, data);
    const up = await cofferAsync(['cp', src, 'cos://cli/tuned.bin', '--part-size', '5MiB', '--parallel', '2'], env);
    expect(up.code, up.stderr).toBe(0);
    // A multipart ETag ends in the number of parts.
    const head = json<{ etag: string; size: number; encryption: { mode: string } }>(coffer(['head', 'cos://cli/tuned.bin', '--json'], env));
    expect(head).toMatchObject({ size: data.length, encryption: { mode: 'SSE-COS' } });
    expect(head.etag).toMatch(/-4"?$/);
    // The default (16 MiB parts) makes two of the same file.
    expect(coffer(['cp', src, 'cos://cli/default.bin'], env).code).toBe(0);
    expect(json<{ etag: string }>(coffer(['head', 'cos://cli/default.bin', '--json'], env)).etag).toMatch(/-2"?$/);
    const back = join(root, 'tuned.back');
    expect(coffer(['cp', 'cos://cli/tuned.bin', back], env).code).toBe(0);
    expect((await readFile(back)).equals(data)).toBe(true);

    for (const [flags, message] of [
      [['--part-size', '512K'], /--part-size must be at least 1M/],
      [['--part-size', '6G'], /--part-size can be at most 5G/],
      [['--part-size', 'big'], /--part-size takes a size such as 8M/],
      [['--parallel', '0'], /--parallel takes a whole number of parts in flight from 1 to 64, not "0"/],
      [['--parallel', '2.5'], /--parallel takes a whole number/],
    ] as const) {
      const bad = coffer(['cp', src, 'cos://cli/refused.bin', ...flags], env);
      expect(bad.code, flags.join(' ')).toBe(2);
      expect(bad.stderr).toMatch(message);
    }
    expect(coffer(['head', 'cos://cli/refused.bin'], env).code).toBe(3); // nothing was uploaded
    // Upload tuning is for uploads only.
    expect(coffer(['cp', 'cos://cli/tuned.bin', back, '--part-size', '8M'], env).code).toBe(2);
  });

  it('ls --encryption shows every object\'s encryption and counts them per mode', async () => {
    const src = join(root, 'audit.txt');
    await writeFile(src, 'audit me');
    expect(coffer(['cp', src, 'cos://cli/audit/cos.txt'], env).code).toBe(0);
    expect(coffer(['cp', src, 'cos://cli/audit/plain.txt', '--sse', 'none'], env).code).toBe(0);
    // SSE-KMS and SSE-C objects written by another client: ls must tell them apart without the SSE-C key.
    const other = new CosClient({ endpoint: `http://127.0.0.1:${store.port}`, appid: APPID, region: REGION, credentials: async () => ({ ...TEST_CREDENTIALS }) });
    try {
      await other.putObject(`cli-${APPID}`, 'audit/kms.bin', Buffer.from('kms'), { sse: { mode: 'SSE-KMS' } });
      await other.putObject(`cli-${APPID}`, 'audit/sub/ssec.bin', Buffer.from('ssec'), { sse: { mode: 'SSE-C', key: randomBytes(32) } });
    } finally {
      await other.close();
    }

    const text = coffer(['ls', 'cos://cli/audit/', '--encryption'], env);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/ SSE-COS {2}audit\/cos\.txt$/m);
    expect(text.stdout).toMatch(/ NONE {5}audit\/plain\.txt$/m);
    expect(text.stdout).toMatch(/ SSE-KMS {2}audit\/kms\.bin$/m);
    expect(text.stdout).toMatch(/^ {42}PRE audit\/sub\/$/m); // folders line up with the keys
    expect(text.stdout).toMatch(/^3 objects: 2 encrypted \(1 SSE-COS, 1 SSE-KMS, 0 SSE-C\), 1 NOT encrypted$/m);

    const all = coffer(['ls', '-r', '-e', 'cos://cli/audit/', '--json'], env);
    expect(all.code, all.stderr).toBe(0);
    const doc = json<{ objects: Array<{ key: string; encryption: { mode: string } }>; encryption: Record<string, number> }>(all);
    expect(Object.fromEntries(doc.objects.map((o) => [o.key, o.encryption.mode]))).toEqual({
      'audit/cos.txt': 'SSE-COS',
      'audit/kms.bin': 'SSE-KMS',
      'audit/plain.txt': 'none',
      'audit/sub/ssec.bin': 'SSE-C',
    });
    expect(doc.encryption).toEqual({ 'SSE-COS': 1, 'SSE-KMS': 1, 'SSE-C': 1, none: 1, unknown: 0 });

    // Without the flag: no HEADs and no column.
    const plain = coffer(['ls', 'cos://cli/audit/'], env);
    expect(plain.stdout).toMatch(/ \d+ audit\/cos\.txt$/m);
    expect(plain.stdout).not.toMatch(/SSE-COS|objects:/);
  });

  it('never reports an object whose encryption algorithm it does not know as unencrypted', async () => {
    // The objects of the test above, seen through a proxy that answers one HEAD with an algorithm this client
    // does not know (as a new COS algorithm would look).
    const proxy = await TamperProxy.start(store.port);
    try {
      const viaProxy = { ...env, COFFER_ENDPOINT: `http://127.0.0.1:${proxy.port}` };
      proxy.add({ match: (m, u) => m === 'HEAD' && u.includes('audit/plain.txt'), rewriteResponse: (h) => void (h['x-cos-server-side-encryption'] = 'SM4') });
      const audit = await cofferAsync(['ls', '-r', '-e', 'cos://cli/audit/'], viaProxy);
      expect(audit.code).toBe(1);
      expect(audit.stdout).toMatch(/ unknown {2}audit\/plain\.txt$/m);
      expect(audit.stdout).toMatch(/^4 objects: 3 encrypted \(1 SSE-COS, 1 SSE-KMS, 1 SSE-C\), 0 NOT encrypted, 1 unknown$/m);
      expect(audit.stderr).toMatch(/the encryption of 1 object\(s\) could not be read/);
      const sm4 = await cofferAsync(['head', 'cos://cli/audit/plain.txt', '--json'], viaProxy);
      expect(json(sm4)).toMatchObject({ encryption: { mode: 'unrecognized', algorithm: 'SM4' }, encrypted: true });
      expect((await cofferAsync(['head', 'cos://cli/audit/plain.txt'], viaProxy)).stdout).toMatch(/Encryption:\s+"SM4" \(server-side, an algorithm Coffer does not recognize\)/);
    } finally {
      await proxy.close();
    }
  });

  it('encrypt fixes what an audit found: unencrypted objects get SSE in place, keeping bytes and metadata', async () => {
    const plainData = randomBytes(5000);
    const src = join(root, 'fix-plain.bin');
    await writeFile(src, plainData);
    expect(coffer(['cp', src, 'cos://cli/fix/a.bin', '--sse', 'none'], env).code).toBe(0);
    expect(coffer(['cp', src, 'cos://cli/fix/deep/b.bin', '--sse', 'none'], env).code).toBe(0);
    expect(coffer(['cp', src, 'cos://cli/fix/c.bin'], env).code).toBe(0); // already SSE-COS
    const typeBefore = json<{ contentType: string }>(coffer(['head', 'cos://cli/fix/a.bin', '--json'], env)).contentType;

    const run = coffer(['encrypt', '-r', 'cos://cli/fix/'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^encrypted cos:\/\/cli\/fix\/a\.bin \(SSE-COS/m);
    expect(run.stdout).toMatch(/^encrypted cos:\/\/cli\/fix\/deep\/b\.bin \(SSE-COS/m);
    expect(run.stdout).not.toMatch(/encrypted cos:\/\/cli\/fix\/c\.bin/);
    expect(run.stdout).toMatch(/^3 objects: 2 encrypted now, 1 already encrypted, 0 failed$/m);

    const audit = json<{ encryption: Record<string, number> }>(coffer(['ls', '-r', '-e', 'cos://cli/fix/', '--json'], env));
    expect(audit.encryption).toMatchObject({ 'SSE-COS': 3, none: 0 });
    expect(json<{ contentType: string }>(coffer(['head', 'cos://cli/fix/a.bin', '--json'], env)).contentType).toBe(typeBefore);
    const back = join(root, 'fix-back.bin');
    expect(coffer(['cp', 'cos://cli/fix/deep/b.bin', back], env).code).toBe(0);
    expect((await readFile(back)).equals(plainData)).toBe(true);

    // One object, another mode, as JSON; an object already encrypted is left alone; nothing there is exit 3.
    expect(coffer(['cp', src, 'cos://cli/fix/kms.bin', '--sse', 'none'], env).code).toBe(0);
    const kms = coffer(['encrypt', 'cos://cli/fix/kms.bin', '--sse', 'kms', '--json'], env);
    expect(kms.code, kms.stderr).toBe(0);
    expect(json(kms)).toMatchObject({ operation: 'encrypt', encryption: { mode: 'SSE-KMS' }, counts: { encrypted: 1, alreadyEncrypted: 0, failed: 0 }, objects: [{ key: 'fix/kms.bin', state: 'encrypted', aclKept: true }] });
    expect(coffer(['head', 'cos://cli/fix/kms.bin'], env).stdout).toMatch(/Encryption:\s+SSE-KMS/);
    const again = coffer(['encrypt', 'cos://cli/fix/kms.bin'], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already encrypted; nothing to do/);
    expect(coffer(['encrypt', 'cos://cli/fix/none-here.bin'], env).code).toBe(3);

    // --rekey moves what is encrypted otherwise: here everything under fix/ to SSE-KMS, except what already is.
    const moved = coffer(['encrypt', '-r', 'cos://cli/fix/', '--sse', 'kms', '--rekey', '--json'], env);
    expect(moved.code, moved.stderr).toBe(0);
    expect(json(moved)).toMatchObject({ counts: { encrypted: 0, reencrypted: 3, alreadyEncrypted: 1, failed: 0 } });
    expect(json<{ objects: Array<{ key: string; from?: { mode: string } }> }>(moved).objects.find((o) => o.key === 'fix/a.bin')?.from).toEqual({ mode: 'SSE-COS' });
    const movedAudit = json<{ encryption: Record<string, number> }>(coffer(['ls', '-r', '-e', 'cos://cli/fix/', '--json'], env));
    expect(movedAudit.encryption).toMatchObject({ 'SSE-KMS': 4, 'SSE-COS': 0, none: 0 });
    expect(coffer(['cp', 'cos://cli/fix/deep/b.bin', back], env).code).toBe(0);
    expect((await readFile(back)).equals(plainData)).toBe(true);
    expect(coffer(['encrypt', 'cos://cli/fix/a.bin', '--from-sse-c-key', 'x'], env).code).toBe(2); // needs --rekey
  });

  it('copies folders recursively keeping relative paths, lists like ls, and removes recursively', async () => {
    const dir = join(root, 'album');
    await mkdir(join(dir, '2024', 'summer'), { recursive: true });
    await writeFile(join(dir, 'cover.jpg'), 'cover');
    await writeFile(join(dir, '2024', 'summer', 'beach.jpg'), 'beach');
    expect(coffer(['cp', dir, 'cos://cli/photos/'], env).code).toBe(2); // a folder needs --recursive
    const up = coffer(['cp', '--recursive', dir, 'cos://cli/photos/'], env);
    expect(up.code, up.stderr).toBe(0);
    // The plan comes first: how many files, how much, the encryption asked for, and the bucket's default.
    expect(up.stderr).toMatch(/^uploading 2 files \(10 B\) to cos:\/\/cli\/photos\/ with SSE-COS .*; the bucket's default encryption: none$/m);
    // With a default set on the bucket, the plan shows it (and --json carries it).
    const direct = new CosClient({ endpoint: env.COFFER_ENDPOINT!, appid: APPID, region: REGION, credentials: async () => ({ ...TEST_CREDENTIALS }) });
    try {
      await direct.createBucket(`defaults-${APPID}`);
      await direct.putBucketEncryption(`defaults-${APPID}`, { algorithm: 'AES256' });
      await direct.putBucketAcl(`defaults-${APPID}`, 'public-read');
    } finally {
      await direct.close();
    }
    const withDefault = coffer(['cp', '--recursive', dir, 'cos://defaults/', '--sse', 'kms', '--json'], env);
    expect(withDefault.code, withDefault.stderr).toBe(0);
    expect(withDefault.stderr).toMatch(/with SSE-KMS .*; the bucket's default encryption: SSE-COS$/m);
    expect(json(withDefault)).toMatchObject({ plan: { count: 2, bytes: 10, bucketDefaultEncryption: { mode: 'SSE-COS' } } });
    // What cannot be uploaded is named before the upload (and in --json); a folder of nothing uploadable fails.
    await symlink(join(root, 'gone'), join(dir, 'broken-link'));
    const skipping = coffer(['cp', '-r', dir, 'cos://cli/skips/', '--json'], env);
    expect(skipping.code, skipping.stderr).toBe(0);
    expect(skipping.stderr).toContain(`coffer: skipping ${join(dir, 'broken-link')}: a link to something that does not exist`);
    expect(json(skipping)).toMatchObject({ plan: { count: 2, skipped: [{ path: join(dir, 'broken-link'), reason: 'a link to something that does not exist' }] } });
    const onlyLinks = join(root, 'only-links');
    await mkdir(onlyLinks);
    await symlink(dir, join(onlyLinks, 'album-link'));
    const nothing = coffer(['cp', '-r', onlyLinks, 'cos://cli/skips/'], env);
    expect(nothing.code).toBe(3);
    expect(nothing.stderr).toContain(`coffer: skipping ${join(onlyLinks, 'album-link')}: a link to a folder (not followed)`);
    expect(nothing.stderr).toMatch(/only-links holds no files that can be uploaded \(1 skipped, see above\); nothing was uploaded/);
    await rm(join(dir, 'broken-link'));
    // `head` of a bucket: region, default encryption, access.
    const plainBucket = coffer(['head', 'cos://cli'], env);
    expect(plainBucket.code, plainBucket.stderr).toBe(0);
    expect(plainBucket.stdout).toMatch(/Region:\s+ap-guangzhou\n\s+Default encryption: none \(objects are stored as uploaded.*\n\s+Access:\s+private/);
    expect(json(coffer(['head', 'cos://defaults', '--json'], env))).toEqual({ bucket: 'defaults', region: REGION, defaultEncryption: { mode: 'SSE-COS' }, acl: 'public-read' });
    expect(coffer(['head', 'cos://defaults'], env).stdout).toMatch(/Access:\s+public-read: anyone may list it/);
    expect(coffer(['head', 'cos://no-such-bucket'], env).code).toBe(3);

    // A bucket made to encrypt by default; one whose default cannot be set is not left behind unencrypted.
    const made = coffer(['mb', 'cos://made-encrypted', '--default-encryption', 'kms'], env);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toContain('created cos://made-encrypted (default encryption: SSE-KMS)');
    const badKey = coffer(['mb', 'cos://made-badkey', '--default-encryption', 'kms', '--kms-key-id', 'no-such-kms-key'], env);
    expect(badKey.code).toBe(1);
    expect(badKey.stderr).toMatch(/cos:\/\/made-badkey was not created: its default encryption could not be set: .*KmsKeyNotExist/);
    expect(coffer(['head', 'cos://made-badkey'], env).code).toBe(3);
    expect(coffer(['mb', 'cos://x', '--default-encryption', 'rot13'], env).code).toBe(2);
    expect(coffer(['mb', 'cos://x', '--kms-key-id', 'k'], env).code).toBe(2);
    // `ls -e` without a bucket: each bucket's default encryption, and a count.
    const buckets = coffer(['ls', '-e'], env);
    expect(buckets.code, buckets.stderr).toBe(0);
    expect(buckets.stdout).toMatch(/ SSE-KMS\s+cos:\/\/made-encrypted-\d+$/m);
    expect(buckets.stdout).toMatch(/ SSE-COS\s+cos:\/\/defaults-\d+$/m);
    expect(buckets.stdout).toMatch(/ none\s+cos:\/\/cli-\d+$/m);
    expect(buckets.stdout).toMatch(/^\d+ buckets: \d+ encrypt new objects by default, \d+ do not/m);
    const bucketsJson = json<{ buckets: Array<{ name: string; defaultEncryption: unknown }> }>(coffer(['ls', '-e', '--json'], env));
    expect(bucketsJson.buckets.find((b) => b.name === `made-encrypted-${APPID}`)?.defaultEncryption).toEqual({ mode: 'SSE-KMS' });

    // With a trailing slash, the folder's contents go directly under the prefix (rsync's reading).
    const contents = coffer(['cp', '--recursive', `${dir}/`, 'cos://cli/contents/', '--json'], env);
    expect(contents.code, contents.stderr).toBe(0);
    expect(json<{ objects: Array<{ key: string }> }>(contents).objects.map((o) => o.key).sort()).toEqual(['contents/2024/summer/beach.jpg', 'contents/cover.jpg']);

    const top = coffer(['ls', 'cos://cli/photos/album/'], env);
    expect(top.stdout).toMatch(/PRE photos\/album\/2024\//);
    expect(top.stdout).toMatch(/photos\/album\/cover\.jpg/);
    expect(top.stdout).not.toMatch(/beach/);
    const all = json<{ objects: Array<{ key: string }> }>(coffer(['ls', '-r', 'cos://cli/photos/', '--json'], env));
    expect(all.objects.map((o) => o.key).sort()).toEqual(['photos/album/2024/summer/beach.jpg', 'photos/album/cover.jpg']);

    const back = join(root, 'restored');
    const down = coffer(['cp', '--recursive', 'cos://cli/photos/album', back], env);
    expect(down.code, down.stderr).toBe(0);
    expect(await readFile(join(back, 'album', '2024', 'summer', 'beach.jpg'), 'utf8')).toBe('beach');
    expect(await readFile(join(back, 'album', 'cover.jpg'), 'utf8')).toBe('cover');

    const rmOne = coffer(['rm', 'cos://cli/photos/album/cover.jpg'], env);
    expect(rmOne.code).toBe(0);
    expect(coffer(['rm', 'cos://cli/photos/album/cover.jpg'], env).code).toBe(3);
    const rmAll = coffer(['rm', '--recursive', 'cos://cli/photos/', '--yes', '--json'], env);
    expect(rmAll.code).toBe(0);
    expect(json(rmAll)).toMatchObject({ deleted: ['photos/album/2024/summer/beach.jpg'], errors: [] });
    expect(json<{ objects: unknown[] }>(coffer(['ls', '-r', 'cos://cli/photos/', '--json'], env)).objects).toEqual([]);
  });

  it('shares a URL that plain fetch can download, signed for the asked duration only', async () => {
    await writeFile(join(root, 'shared.txt'), 'shared bytes');
    expect(coffer(['cp', join(root, 'shared.txt'), 'cos://cli/shared.txt'], env).code).toBe(0);
    const r = coffer(['share', 'cos://cli/shared.txt', '--expires', '15m', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const doc = json<{ url: string; expiresSeconds: number }>(r);
    expect(doc.expiresSeconds).toBe(900);
    const res = await fetch(doc.url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('shared bytes');
    const [start, end] = new URL(doc.url).searchParams.get('q-sign-time')!.split(';').map(Number);
    expect(end! - start!).toBe(900);
    // The expiry is part of the signature: stretching it breaks the URL.
    const stretched = new URL(doc.url);
    stretched.searchParams.set('q-sign-time', `${start};${end! + 86_400}`);
    stretched.searchParams.set('q-key-time', `${start};${end! + 86_400}`);
    expect((await fetch(stretched)).status).toBe(403);

    for (const bad of ['8d', '0s', '10', '1w']) expect(coffer(['share', 'cos://cli/shared.txt', '--expires', bad], env).code).toBe(2);
    expect(coffer(['share', 'cos://cli/missing.txt'], env).code).toBe(3);
  });

  it('exits 3 for a missing object or bucket, 2 for bad usage, 4 for a wrong secret', async () => {
    const missing = coffer(['head', 'cos://cli/no/such/key'], env);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toBe('coffer: Nothing was found at cos://cli/no/such/key: check the name; it may have been deleted or renamed.\n');
    expect(coffer(['cp', 'cos://cli/no/such/key', join(root, 'x')], env).code).toBe(3);
    expect(coffer(['ls', 'cos://nobucket/'], env).code).toBe(3);
    expect(coffer(['cp', join(root, 'does-not-exist'), 'cos://cli/x'], env).code).toBe(3);

    for (const args of [['frobnicate'], ['cp', 'a'], ['cp', 'a', 'b'], ['head', 'cos://'], ['head', 'cos://cli', '--sse-c-key', 'k'], ['ls', '--bogus'], ['ls', '--encryption', '--recursive'], ['encrypt', 'cos://cli/fix/'], ['encrypt', 'cos://cli/x', '--sse', 'none'], ['encrypt', 'cos://cli/x', '--expires', '1h'], ['cp', join(root, 'plain.txt'), 'cos://cli/x', '--sse', 'rot13'], ['head', 'cos://Bad_Bucket/k'], []]) {
      const r = coffer(args, env);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/coffer|Usage/);
    }
    const err = coffer(['head', 'cos://cli/x', '--bogus', '--json'], env);
    expect(err.code).toBe(2);
    expect(json(err)).toMatchObject({ ok: false, error: { exitCode: 2 } });

    const wrongKey = 'wrongSecretKeyValue00000000000000';
    const wrong = coffer(['ls', 'cos://cli/'], { ...env, COFFER_SECRET_KEY: wrongKey });
    expect(wrong.code).toBe(4);
    expect(wrong.stderr).toMatch(/Access was refused/);
    expect(wrong.stderr + wrong.stdout).not.toContain(wrongKey);
    const wrongJson = coffer(['head', 'cos://cli/shared.txt', '--json'], { ...env, COFFER_SECRET_KEY: wrongKey });
    expect(wrongJson.code).toBe(4);
    expect(json(wrongJson)).toMatchObject({ ok: false, error: { exitCode: 4 } });
    expect(wrongJson.stdout + wrongJson.stderr).not.toContain(wrongKey);
  });

  it('exits 5 when the server does not encrypt what it was asked to, or stores other bytes than were sent', async () => {
    // Between coffer and the store: a proxy that drops the SSE echo from one object's PUT answer, and one that flips
    // a byte of another object's body on every attempt.
    const proxy = await TamperProxy.start(store.port);
    try {
      proxy.add({ match: (m, u) => m === 'PUT' && u.includes('noecho'), rewriteResponse: (h) => void delete h['x-cos-server-side-encryption'] });
      proxy.add({ match: (m, u) => m === 'PUT' && u.includes('flipped'), flipByteAt: 10 });
      const viaProxy = { ...env, COFFER_ENDPOINT: `http://127.0.0.1:${proxy.port}` };
      const src = join(root, 'exit5.bin');
      await writeFile(src, randomBytes(5000));

      const noEcho = await cofferAsync(['cp', src, 'cos://cli/noecho.bin'], viaProxy);
      expect(noEcho.code).toBe(5);
      expect(noEcho.stderr).toMatch(/did not encrypt/);
      const flipped = await cofferAsync(['cp', src, 'cos://cli/flipped.bin', '--json'], viaProxy);
      expect(flipped.code).toBe(5);
      expect(flipped.stdout).toMatch(/CRC64/);
      // Nothing corrupt was left behind under that name.
      expect(coffer(['head', 'cos://cli/flipped.bin'], env).code).toBe(3);
      // The same upload straight to the store succeeds.
      expect((await cofferAsync(['cp', src, 'cos://cli/flipped.bin'], env)).code).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it('uploads from standard input and downloads to standard output with `-`, verified by CRC64', async () => {
    const data = randomBytes(5 * 1024 * 1024 + 333);
    const binary = (args: string[], input?: Buffer) => spawnSync(process.execPath, [BIN, ...args], { env, input: input ?? Buffer.alloc(0), timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
    const up = binary(['cp', '-', 'cos://cli/stdin/data.bin'], data);
    expect(up.status, up.stderr.toString()).toBe(0);
    expect(up.stdout.toString()).toContain(`uploaded cos://cli/stdin/data.bin (${data.length} bytes, SSE-COS`);
    const down = binary(['cp', 'cos://cli/stdin/data.bin', '-']);
    expect(down.status, down.stderr.toString()).toBe(0);
    // Standard output carries the object and nothing else.
    expect(down.stdout.equals(data)).toBe(true);

    // A reader that stops early (`| head -c 1`) ends the download quietly.
    const early = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, 'cp', 'cos://cli/stdin/data.bin', '-'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.stdout.once('data', () => child.stdout.destroy());
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(early.code, early.stderr).toBe(0);
    expect(early.stderr).toBe('');

    // Bytes that do not match the object's CRC64 make the run fail with 5 and say to discard what was written.
    const proxy = await TamperProxy.start(store.port);
    try {
      proxy.add({ match: (m, u) => m === 'GET' && u.includes('stdin/data.bin'), rewriteResponse: (h) => void (h['x-cos-hash-crc64ecma'] = '12345') });
      const bad = await cofferAsync(['cp', 'cos://cli/stdin/data.bin', '-'], { ...env, COFFER_ENDPOINT: `http://127.0.0.1:${proxy.port}` });
      expect(bad.code).toBe(5);
      expect(bad.stderr).toMatch(/bytes written to standard output do not match the CRC64 of cos:\/\/cli\/stdin\/data\.bin; discard them/);
    } finally {
      await proxy.close();
    }

    // A destination that cannot hold folders fails at once (Node's recursive mkdir spins forever under /proc).
    if (process.platform === 'linux') {
      const nowhere = binary(['cp', 'cos://cli/stdin/data.bin', '/proc/coffer-nowhere/data.bin']);
      expect(nowhere.status).toBe(1);
      expect(nowhere.stderr.toString()).toContain('coffer: Could not create the folder /proc/coffer-nowhere: this location cannot hold folders');
    }

    // What `-` cannot mean is refused before anything is sent.
    expect(binary(['cp', '-', 'cos://cli/stdin/'], data).stderr.toString()).toMatch(/Standard input has no file name/);
    expect(binary(['cp', '-r', '-', 'cos://cli/stdin/x'], data).status).toBe(2);
    expect(binary(['cp', 'cos://cli/stdin/data.bin', '-', '--json']).status).toBe(2);
    expect(binary(['cp', 'cos://cli/stdin/missing.bin', '-']).status).toBe(3);
  });

  it('continues an upload interrupted with Ctrl-C, and a cut download, when the same cp runs again, and says so', async () => {
    // Parts 1 and 2 go through at once, the others hang in the proxy; Ctrl-C comes once the journal holds two parts.
    const proxy = await TamperProxy.start(store.port);
    const src = join(root, 'resume.bin');
    const body = randomBytes(5 * 8 * 1024 * 1024 - 1000);
    const partCount = Math.ceil(body.length / DEFAULT_UPLOAD_OPTIONS.partSize);
    await writeFile(src, body);
    try {
      proxy.add({ match: (m, u) => m === 'PUT' && /[?&]partNumber=[3-9]/.test(u), delayMs: 60_000 });
      const child = spawn(process.execPath, [BIN, 'cp', src, 'cos://cli/resume.bin'], { env: { ...env, COFFER_ENDPOINT: `http://127.0.0.1:${proxy.port}` }, stdio: 'ignore' });
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      const journals = join(env.COFFER_HOME!, 'journals');
      const partsJournaled = async () => {
        // Only the journals themselves: a write in progress is a `.tmp` file that may still be empty.
        for (const f of (await readdir(journals).catch(() => [] as string[])).filter((n) => n.endsWith('.json'))) {
          const j = JSON.parse(await readFile(join(journals, f), 'utf8').catch(() => '{}')) as { key?: string; parts?: object };
          if (j.key === 'resume.bin') return Object.keys(j.parts ?? {}).length;
        }
        return 0;
      };
      const deadline = Date.now() + 60_000;
      while ((await partsJournaled()) < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(await partsJournaled()).toBe(2);
      child.kill('SIGINT');
      expect(await exited).not.toBe(0);
      expect(coffer(['head', 'cos://cli/resume.bin'], env).code).toBe(3);

      // Run again with another part size: the parts already sent fix it, and the notice says so.
      const again = await cofferAsync(['cp', src, 'cos://cli/resume.bin', '--part-size', '8M'], env);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).toContain(
        `${src}: resuming the interrupted upload (2 of ${partCount} parts were already uploaded); it keeps its ${DEFAULT_UPLOAD_OPTIONS.partSize / 1024 / 1024} MiB parts (the 8 MiB asked for now applies to new uploads)`,
      );
      expect(await partsJournaled()).toBe(0);

      // A download that stopped part-way (what it leaves beside the destination) continues too, and says so.
      const back = join(root, 'resume.back');
      const { temp, sidecar } = tempPathsFor(back);
      const etag = json<{ etag: string }>(coffer(['head', 'cos://cli/resume.bin', '--json'], env)).etag;
      await writeFile(temp, body.subarray(0, 3 * 1024 * 1024));
      await writeFile(sidecar, JSON.stringify({ version: 1, bucket: 'cli', key: 'resume.bin', etag }));
      const down = coffer(['cp', 'cos://cli/resume.bin', back, '--json'], env);
      expect(down.code, down.stderr).toBe(0);
      expect(down.stderr).toContain('resuming the interrupted download of cos://cli/resume.bin (3.0 MiB were already here)');
      expect(json<{ resumedFrom: number }>(down).resumedFrom).toBe(3 * 1024 * 1024);
      expect((await readFile(back)).equals(body)).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it('ends a crash (an error nothing caught) with one redacted line and exit 1, not a dump of the error', async () => {
    const r = coffer(['ls', 'cos://cli/'], { ...env, COFFER_CRASH_TEST: 'uncaught' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^coffer: internal error \(please report it\): simulated crash near \S+\n$/);
    expect(r.stderr).not.toContain(TEST_CREDENTIALS.secretKey);
    const debug = coffer(['ls', 'cos://cli/'], { ...env, COFFER_CRASH_TEST: 'uncaught', COFFER_DEBUG: '1' });
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/simulated crash near .*\n\s+at /);
    expect(debug.stderr).not.toContain(TEST_CREDENTIALS.secretKey);
  });

  it('refuses a secret given as a flag value without printing it', () => {
    const r = coffer(['profile', 'add', '--name', 'x', '--secret-key', PROFILE_SECRET], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--secret-key-stdin/);
    expect(r.stderr + r.stdout).not.toContain(PROFILE_SECRET);
  });
});

// Each command here opens a passphrase vault: one scrypt derivation per process (at the cost in the vault's header:
// seedPassphraseVault makes it the cheapest, where creating the vault is not what is tested), so these tests get
// room beyond the 60 s default.
const VAULT_TESTS = { timeout: 240_000 };

describe('coffer profiles', VAULT_TESTS, () => {
  it('adds a profile with the secret from stdin, lists it masked, uses it, and removes it', async () => {
    const home = await mkdtemp(join(tmpdir(), 'coffer-profile-'));
    try {
      const penv = { ...baseEnv(home), COFFER_VAULT_PASSPHRASE: PASSPHRASE };
      await seedPassphraseVault(home, PASSPHRASE);
      const add = coffer(
        ['profile', 'add', '--name', 'local', '--kind', 'local-store', '--endpoint', `http://127.0.0.1:${store.port}`, '--region', 'ap-guangzhou', '--appid', '1250000000', '--secret-id', TEST_CREDENTIALS.secretId, '--secret-key-stdin'],
        penv,
        `${TEST_CREDENTIALS.secretKey}\n`,
      );
      expect(add.code, add.stderr).toBe(0);
      const temp = coffer(
        ['profile', 'add', '--name', 'temp', '--region', 'ap-shanghai', '--appid', '1250000001', '--secret-id', 'AKIDtemporary0000000000001', '--secret-key-stdin', '--session-token-stdin'],
        penv,
        `${PROFILE_SECRET}\n${SESSION_TOKEN}\n`,
      );
      expect(temp.code, temp.stderr).toBe(0);

      const list = coffer(['profile', 'list'], penv);
      expect(list.code).toBe(0);
      expect(list.stdout).toMatch(/local\s+local-store\s+ap-guangzhou\s+1250000000\s+AKID\*\*\*\*0000/);
      expect(list.stdout).toMatch(/temp .*\(temporary\)/);
      expect(list.stdout).not.toContain(TEST_CREDENTIALS.secretId);
      const listJson = json<{ profiles: Array<{ name: string; secretId: string }> }>(coffer(['profile', 'list', '--json'], penv));
      expect(listJson.profiles.map((p) => p.name).sort()).toEqual(['local', 'temp']);
      expect(JSON.stringify(listJson)).not.toMatch(/cofferTestSecretKey|profileSecretKeyValue|sessionTokenValue|AKIDcofferTestSecretId/);

      const viaProfile = coffer(['ls', 'cos://cli/', '--profile', 'local'], penv);
      expect(viaProfile.code, viaProfile.stderr).toBe(0);
      expect(viaProfile.stdout).toMatch(/shared\.txt/);
      expect(coffer(['ls', '--profile', 'nope'], penv).code).toBe(3);
      expect(coffer(['ls', 'cos://cli/', '--profile', 'LOCAL'], penv).code).toBe(0); // names ignore case, as duplicates do
      const locked = coffer(['ls', '--profile', 'local'], { ...penv, COFFER_VAULT_PASSPHRASE: 'not the passphrase at all' });
      expect(locked.code).toBe(4);

      expect(coffer(['profile', 'remove', 'temp'], penv).code).toBe(0);
      expect(coffer(['profile', 'remove', 'temp'], penv).code).toBe(3);
      expect(json<{ profiles: Array<{ name: string }> }>(coffer(['profile', 'list', '--json'], penv)).profiles.map((p) => p.name)).toEqual(['local']);
      // The vault file holds the secret only encrypted.
      expect(await readFile(join(home, 'vault.json'), 'utf8')).not.toContain(TEST_CREDENTIALS.secretKey);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});

describe('coffer SSE-C keys in the vault', VAULT_TESTS, () => {
  it('adds (given or generated), lists fingerprints, uploads and reads with them, exports a backup, and removes only when told', async () => {
    const home = await mkdtemp(join(tmpdir(), 'coffer-ssec-'));
    try {
      const kenv = { ...env, ...baseEnv(home), COFFER_ENDPOINT: env.COFFER_ENDPOINT!, COFFER_SECRET_ID: env.COFFER_SECRET_ID!, COFFER_SECRET_KEY: env.COFFER_SECRET_KEY!, COFFER_VAULT_PASSPHRASE: PASSPHRASE };
      const mine = randomBytes(32);
      const md5 = (k: Buffer) => createHash('md5').update(k).digest('base64');
      secretsSeen.push(mine.toString('base64'), mine.toString('hex'));

      // Bad keys are refused before anything is written: no vault appears.
      for (const bad of ['not a key', randomBytes(16).toString('base64'), `${mine.toString('hex')}00`]) {
        const r = coffer(['sse-c-key', 'add', 'bad', '--key-stdin'], kenv, `${bad}\n`);
        expect(r.code, r.stderr).toBe(2);
        expect(r.stderr).toMatch(/not an SSE-C key: a key is 32 bytes, written as base64 \(44 characters\) or hex \(64 characters\)/);
        expect(r.stderr).not.toContain(bad);
      }
      await expect(stat(join(home, 'vault.json'))).rejects.toThrow();
      expect(coffer(['sse-c-key', 'add', 'x', '--generate', '--key-stdin'], kenv).code).toBe(2);
      expect(json<{ sseCustomerKeys: unknown[] }>(coffer(['sse-c-key', 'list', '--json'], kenv)).sseCustomerKeys).toEqual([]);
      await seedPassphraseVault(home, PASSPHRASE);

      const added = coffer(['sse-c-key', 'add', 'mine', '--key-stdin'], kenv, `${mine.toString('base64')}\n`);
      expect(added.code, added.stderr).toBe(0);
      expect(added.stdout).toContain(`added SSE-C key mine (MD5 ${md5(mine)})`);
      const hexToo = coffer(['sse-c-key', 'add', 'same-in-hex', '--key-stdin', '--json'], kenv, `${mine.toString('hex')}\n`);
      expect(json<{ added: { md5Fingerprint: string } }>(hexToo).added.md5Fingerprint).toBe(md5(mine));
      const gen = coffer(['sse-c-key', 'add', 'fresh', '--generate'], kenv);
      expect(gen.code, gen.stderr).toBe(0);
      expect(gen.stderr).toMatch(/exists only in the vault.*coffer sse-c-key export fresh --out FILE/s);
      expect(coffer(['sse-c-key', 'add', 'fresh', '--generate'], kenv).code).not.toBe(0);

      const list = json<{ sseCustomerKeys: Array<{ name: string; md5Fingerprint: string }> }>(coffer(['sse-c-key', 'list', '--json'], kenv));
      expect(list.sseCustomerKeys.map((k) => k.name)).toEqual(['mine', 'same-in-hex', 'fresh']);
      expect(list.sseCustomerKeys[0]!.md5Fingerprint).toBe(md5(mine));
      expect(coffer(['sse-c-key', 'list'], kenv).stdout).toMatch(new RegExp(`^mine\\s+MD5 ${md5(mine).replace(/[+/]/g, '\\$&')}`, 'm'));

      // Upload with the vault's key: the object is readable with exactly that key, by any client.
      const local = join(home, 'secret.bin');
      const body = randomBytes(200_000);
      await writeFile(local, body);
      const up = coffer(['cp', local, 'cos://cli/ssec/secret.bin', '--sse', 'c', '--sse-c-key', 'mine'], kenv);
      expect(up.code, up.stderr).toBe(0);
      expect(up.stdout).toContain(`SSE-C (server-side, customer-provided key MD5 ${md5(mine)})`);
      const direct = new CosClient({ endpoint: env.COFFER_ENDPOINT!, appid: APPID, region: REGION, credentials: async () => ({ ...TEST_CREDENTIALS }) });
      try {
        expect((await direct.headObject('cli', 'ssec/secret.bin', { sseCustomerKey: mine })).encryption).toEqual({ mode: 'SSE-C', keyMd5: md5(mine) });
      } finally {
        await direct.close();
      }

      // Reading it: without a key, or with another, says so (not "BadRequest", not "check the SecretKey").
      const noKey = coffer(['head', 'cos://cli/ssec/secret.bin'], kenv);
      expect(noKey.code).toBe(4);
      expect(noKey.stderr).toMatch(/could not be read without a customer key .*encrypted with SSE-C\. Give its key with --sse-c-key NAME/);
      const wrongKey = coffer(['cp', 'cos://cli/ssec/secret.bin', join(home, 'wrong.bin'), '--sse-c-key', 'fresh'], kenv);
      expect(wrongKey.code).toBe(4);
      expect(wrongKey.stderr).toMatch(/The SSE-C key "fresh" does not open cos:\/\/cli\/ssec\/secret\.bin/);
      await expect(stat(join(home, 'wrong.bin'))).rejects.toThrow();
      expect(coffer(['head', 'cos://cli/ssec/secret.bin', '--sse-c-key', 'nope'], kenv).code).toBe(3);
      // Names are unique regardless of case, so they are found regardless of case.
      const headOk = coffer(['head', 'cos://cli/ssec/secret.bin', '--sse-c-key', 'MINE'], kenv);
      expect(headOk.stdout).toMatch(/Encryption:\s+SSE-C/);
      const down = coffer(['cp', 'cos://cli/ssec/secret.bin', join(home, 'back.bin'), '--sse-c-key', 'same-in-hex'], kenv);
      expect(down.code, down.stderr).toBe(0);
      expect((await readFile(join(home, 'back.bin'))).equals(body)).toBe(true);

      // A share link to it warns that the link alone opens nothing; with the key's headers it does.
      const shared = coffer(['share', 'cos://cli/ssec/secret.bin', '--expires', '5m'], kenv);
      expect(shared.code, shared.stderr).toBe(0);
      expect(shared.stderr).toMatch(/encrypted with a customer key \(SSE-C\): the URL works only together with that key/);
      const url = shared.stdout.trim();
      expect((await fetch(url)).status).toBe(400);
      const withKey = await fetch(url, {
        headers: {
          'x-cos-server-side-encryption-customer-algorithm': 'AES256',
          'x-cos-server-side-encryption-customer-key': mine.toString('base64'),
          'x-cos-server-side-encryption-customer-key-MD5': md5(mine),
        },
      });
      expect(withKey.status).toBe(200);
      expect(Buffer.from(await withKey.arrayBuffer()).equals(body)).toBe(true);

      // Rotating the key: --rekey with the old key re-encrypts under the new one; the old one no longer opens it.
      const noOldKey = coffer(['encrypt', 'cos://cli/ssec/secret.bin', '--sse', 'c', '--sse-c-key', 'fresh', '--rekey'], kenv);
      expect(noOldKey.code).toBe(1);
      expect(noOldKey.stderr).toMatch(/encrypted with a customer key \(SSE-C\).*Name it with --from-sse-c-key NAME\./);
      const rotated = coffer(['encrypt', 'cos://cli/ssec/', '-r', '--sse', 'c', '--sse-c-key', 'fresh', '--rekey', '--from-sse-c-key', 'mine'], kenv);
      expect(rotated.code, rotated.stderr).toBe(0);
      expect(rotated.stdout).toMatch(/^re-encrypted cos:\/\/cli\/ssec\/secret\.bin \(SSE-C → SSE-C \(server-side, customer-provided key MD5 /m);
      expect(rotated.stdout).toMatch(/^1 object: 0 encrypted now, 1 re-encrypted, 0 already encrypted as asked, 0 failed$/m);
      expect(coffer(['head', 'cos://cli/ssec/secret.bin', '--sse-c-key', 'mine'], kenv).code).toBe(4);
      const rotatedBack = join(home, 'rotated.bin');
      expect(coffer(['cp', 'cos://cli/ssec/secret.bin', rotatedBack, '--sse-c-key', 'fresh'], kenv).code).toBe(0);
      expect((await readFile(rotatedBack)).equals(body)).toBe(true);
      const rotateAgain = coffer(['encrypt', 'cos://cli/ssec/secret.bin', '--sse', 'c', '--sse-c-key', 'fresh', '--rekey', '--from-sse-c-key', 'mine'], kenv);
      expect(rotateAgain.stdout).toMatch(/already encrypted as asked; nothing to do/);

      // A backup of the generated key goes to a new file only, readable by its owner only; it restores the same key.
      const backup = join(home, 'fresh.key');
      const exported = coffer(['sse-c-key', 'export', 'fresh', '--out', backup], kenv);
      expect(exported.code, exported.stderr).toBe(0);
      expect((await stat(backup)).mode & 0o777).toBe(0o600);
      const freshText = (await readFile(backup, 'utf8')).trim();
      secretsSeen.push(freshText);
      expect(Buffer.from(freshText, 'base64')).toHaveLength(32);
      expect(coffer(['sse-c-key', 'export', 'fresh', '--out', backup], kenv).code).toBe(1);
      expect(coffer(['sse-c-key', 'export', 'fresh'], kenv).code).toBe(2);

      const refused = coffer(['sse-c-key', 'remove', 'fresh'], kenv);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/unreadable.*Add --yes/s);
      expect(coffer(['sse-c-key', 'remove', 'fresh', '--yes'], kenv).code).toBe(0);
      expect(coffer(['sse-c-key', 'remove', 'fresh', '--yes'], kenv).code).toBe(3);
      const restored = json<{ added: { md5Fingerprint: string } }>(coffer(['sse-c-key', 'add', 'restored', '--key-stdin', '--json'], kenv, `${freshText}\n`));
      expect(restored.added.md5Fingerprint).toBe(list.sseCustomerKeys[2]!.md5Fingerprint);

      // The vault file holds the keys only encrypted.
      const vaultText = await readFile(join(home, 'vault.json'), 'utf8');
      for (const s of [mine.toString('base64'), mine.toString('hex'), freshText]) expect(vaultText).not.toContain(s);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});

describe('coffer vault without keychain or passphrase', VAULT_TESTS, () => {
  it('refuses to create a vault, saying what to set, and writes nothing', async () => {
    const home = await mkdtemp(join(tmpdir(), 'coffer-novault-'));
    try {
      const env = { ...baseEnv(home), DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/coffer-test-bus' };
      const r = coffer(['profile', 'add', '--name', 'x', '--region', 'ap-guangzhou', '--appid', '1250000000', '--secret-id', 'AKIDnovault0000000000001', '--secret-key-stdin'], env, `${PROFILE_SECRET}\n`);
      expect(r.code).toBe(4);
      expect(r.stderr).toMatch(/new vault needs a passphrase.*COFFER_VAULT_PASSPHRASE/);
      await expect(stat(join(home, 'vault.json'))).rejects.toMatchObject({ code: 'ENOENT' });
      // Invalid profile input is refused before any vault is created.
      const bad = coffer(['profile', 'add', '--name', 'x', '--region', 'ap-guangzhou', '--appid', '1250000000', '--secret-id', 'AKIDnovault0000000000001', '--secret-key-stdin'], { ...env, COFFER_VAULT_PASSPHRASE: PASSPHRASE }, 'short\n');
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/secretKey must be at least 8 characters/);
      await expect(stat(join(home, 'vault.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it('changes the passphrase with `vault protect passphrase`, and leaves the vault alone when no keychain answers', async () => {
    const home = await mkdtemp(join(tmpdir(), 'coffer-vault-pass-'));
    try {
      const env = { ...baseEnv(home), DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/coffer-test-bus' };
      const old = { ...env, COFFER_VAULT_PASSPHRASE: PASSPHRASE };
      const add = coffer(['profile', 'add', '--name', 'p', '--region', 'ap-guangzhou', '--appid', '1250000000', '--secret-id', 'AKIDvaultpass00000000001', '--secret-key-stdin'], old, `${PROFILE_SECRET}\n`);
      expect(add.code, add.stderr).toBe(0);
      const status = json<{ protector: string; profiles: number }>(coffer(['vault', 'status', '--json'], old));
      expect(status).toMatchObject({ protector: 'passphrase', profiles: 1 });

      const changed = coffer(['vault', 'protect', 'passphrase'], { ...old, COFFER_VAULT_NEW_PASSPHRASE: NEW_PASSPHRASE });
      expect(changed.code, changed.stderr).toBe(0);
      expect(coffer(['profile', 'list'], old).code).toBe(4);
      const now = { ...env, COFFER_VAULT_PASSPHRASE: NEW_PASSPHRASE };
      expect(coffer(['profile', 'list'], now).stdout).toMatch(/^p\s/m);

      const noKeychain = coffer(['vault', 'protect', 'keychain'], now);
      expect(noKeychain.code).toBe(4);
      expect(noKeychain.stderr).toMatch(/No OS keychain answers/);
      expect(json<{ protector: string }>(coffer(['vault', 'status', '--json'], now)).protector).toBe('passphrase');
      expect(coffer(['vault', 'status'], { ...env, COFFER_HOME: join(home, 'none') }).code).toBe(3);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});

const keyringMissing = keyringToolsMissing();
if (keyringMissing.length) console.warn(`coffer.test.ts: keychain vault test SKIPPED: missing ${keyringMissing.join(', ')}`);

describe.skipIf(keyringMissing.length > 0)('coffer vault in the OS keychain (real Secret Service)', () => {
  it('keeps a new vault in the keychain without a passphrase, unless a passphrase is chosen; says so when the keychain is gone', async () => {
    const session = await startKeyringSession();
    const home = await mkdtemp(join(tmpdir(), 'coffer-keychain-'));
    try {
      const env = { ...baseEnv(join(home, 'kc')), ...pick(session.env, ['DBUS_SESSION_BUS_ADDRESS', 'HOME', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_RUNTIME_DIR']) };
      const addArgs = ['profile', 'add', '--name', 'kc', '--region', 'ap-guangzhou', '--appid', '1250000000', '--secret-id', 'AKIDkeychainProfile000001', '--secret-key-stdin'];
      const add = coffer(addArgs, env, `${PROFILE_SECRET}\n`);
      expect(add.code, add.stderr).toBe(0);
      const vaultFile = await readFile(join(home, 'kc', 'vault.json'), 'utf8');
      expect(JSON.parse(vaultFile).header.protector.kind).toBe('keychain');
      expect(vaultFile).not.toContain(PROFILE_SECRET);
      const list = coffer(['profile', 'list'], env);
      expect(list.code, list.stderr).toBe(0);
      expect(list.stdout).toMatch(/kc\s+cos\s+ap-guangzhou/);

      // Without the keychain the vault cannot be opened, and the message says why.
      const gone = coffer(['profile', 'list'], { ...env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/coffer-test-bus' });
      expect(gone.code).toBe(4);
      expect(gone.stderr).toMatch(/keychain/i);

      // Asking for a passphrase vault gets one; a wrong choice is a usage error.
      const penv = { ...env, COFFER_HOME: join(home, 'pp'), COFFER_VAULT_PROTECTOR: 'passphrase', COFFER_VAULT_PASSPHRASE: PASSPHRASE };
      expect(coffer(addArgs, penv, `${PROFILE_SECRET}\n`).code).toBe(0);
      expect(JSON.parse(await readFile(join(home, 'pp', 'vault.json'), 'utf8')).header.protector.kind).toBe('passphrase');
      expect(coffer(['profile', 'list'], { ...env, COFFER_HOME: join(home, 'bad'), COFFER_VAULT_PROTECTOR: 'plaintext' }).code).toBe(2);

      // Moving the passphrase vault into the keychain, and back out to a passphrase (its entry then goes away).
      const entries = () => spawnSync('secret-tool', ['search', '--all', 'service', 'coffer-vault'], { env: session.env, encoding: 'utf8' }).stdout.split('\n').filter((l) => l.startsWith('[')).length;
      const before = entries();
      const toKeychain = coffer(['vault', 'protect', 'keychain'], penv);
      expect(toKeychain.code, toKeychain.stderr).toBe(0);
      expect(entries()).toBe(before + 1);
      const kcOnly = { ...env, COFFER_HOME: join(home, 'pp') };
      expect(json<{ protector: string }>(coffer(['vault', 'status', '--json'], kcOnly)).protector).toBe('keychain');
      expect(coffer(['profile', 'list'], kcOnly).stdout).toMatch(/^kc\s/m);
      const back = coffer(['vault', 'protect', 'passphrase'], { ...kcOnly, COFFER_VAULT_NEW_PASSPHRASE: NEW_PASSPHRASE });
      expect(back.code, back.stderr).toBe(0);
      expect(entries()).toBe(before);
      expect(coffer(['profile', 'list'], { ...kcOnly, COFFER_VAULT_PASSPHRASE: NEW_PASSPHRASE }).code).toBe(0);
    } finally {
      await session.stop();
      await rm(home, { recursive: true, force: true });
    }
  });
});

function pick(env: Record<string, string>, names: string[]): Record<string, string> {
  return Object.fromEntries(names.filter((n) => env[n] !== undefined).map((n) => [n, env[n]!]));
}

describe('coffer with the embedded store', () => {
  let home: string;
  afterEach(async () => {
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('starts the store in a fresh COFFER_HOME for each command and keeps the data between them', async () => {
    home = await mkdtemp(join(tmpdir(), 'coffer-embedded-'));
    const henv = baseEnv(home);
    expect(coffer(['mb', 'cos://mine'], henv).code).toBe(0);
    await writeFile(join(home, 'note.txt'), 'kept between runs');
    const up = coffer(['cp', join(home, 'note.txt'), 'cos://mine/note.txt', '--json'], henv);
    expect(up.code, up.stderr).toBe(0);
    expect(json(up)).toMatchObject({ encryption: { mode: 'SSE-COS' }, state: 'completed' });
    const buckets = json<{ buckets: Array<{ name: string }> }>(coffer(['ls', '--json'], henv));
    expect(buckets.buckets.map((b) => b.name)).toContain('mine-1250000000');
    expect(coffer(['head', 'cos://mine/note.txt'], henv).stdout).toMatch(/Encryption:\s+SSE-COS/);
    const down = coffer(['cp', 'cos://mine/note.txt', join(home, 'back.txt')], henv);
    expect(down.code, down.stderr).toBe(0);
    expect(await readFile(join(home, 'back.txt'), 'utf8')).toBe('kept between runs');
    // The store's files live in COFFER_HOME; the address record is gone once the command's store stopped.
    expect((await stat(join(home, 'store', 'credentials.json'))).mode & 0o777).toBe(0o600);
    await expect(stat(join(home, 'store.json'))).rejects.toThrow();
    const { secretKey } = JSON.parse(await readFile(join(home, 'store', 'credentials.json'), 'utf8')) as { secretKey: string };
    transcript.push(`\u0000embedded:${secretKey}`);
  });
  it('connects to the embedded store another process is already serving, as recorded in store.json', async () => {
    home = await mkdtemp(join(tmpdir(), 'coffer-embedded-'));
    const dataDir = join(home, 'store');
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    await writeFile(join(dataDir, 'credentials.json'), JSON.stringify(TEST_CREDENTIALS), { mode: 0o600 });
    const running = scope.track(await spawnStore(dataDir, join(home, 'keyring.json')));
    const henv = baseEnv(home);
    // Without the record, the data folder is locked by the other process: a clear refusal, not a hang.
    const refused = coffer(['ls'], henv);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/in use by another process/);

    const record = { url: `http://127.0.0.1:${running.port}`, pid: running.child.pid };
    await writeFile(join(home, 'store.json'), JSON.stringify(record));
    expect(coffer(['mb', 'cos://shared-store'], henv).code).toBe(0);
    const list = coffer(['ls', '--json'], henv);
    expect(list.code, list.stderr).toBe(0);
    expect(json<{ buckets: Array<{ name: string }> }>(list).buckets.map((b) => b.name)).toContain('shared-store-1250000000');
    expect(JSON.parse(await readFile(join(home, 'store.json'), 'utf8'))).toEqual(record); // not ours to remove
    running.child.kill('SIGTERM');
    await running.exited;
  });
});

describe('coffer beside `npm start`', () => {
  let home: string | undefined;
  afterEach(async () => {
    if (home) await rm(home, { recursive: true, force: true });
  });

  /** `npm run store` is `node bin/coffer-start.mjs`; --port 0 keeps the test off the default port. */
  async function npmStart(env: Record<string, string>) {
    const child = spawn(process.execPath, [COFFER_START_BIN, '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.on('close', (code) => reject(new Error(`coffer-start exited ${code}: ${out}`)));
    });
    return { child, url, exited };
  }

  it('uses the store `npm start` serves (recorded in store.json), and share links of a command-only store name where `npm start` serves it', async () => {
    home = await mkdtemp(join(tmpdir(), 'coffer-start-'));
    const henv = baseEnv(home);
    const first = await npmStart(henv);
    try {
      expect(JSON.parse(await readFile(join(home, 'store.json'), 'utf8'))).toEqual({ url: first.url, pid: first.child.pid });
      // Before, the data folder's lock made every coffer command fail while `npm start` ran.
      const made = await cofferAsync(['mb', 'cos://beside-start'], henv);
      expect(made.code, made.stderr).toBe(0);
      await writeFile(join(home, 'shared.txt'), 'shared while npm start runs');
      expect((await cofferAsync(['cp', join(home, 'shared.txt'), 'cos://beside-start/shared.txt'], henv)).code).toBe(0);
      const linked = await cofferAsync(['share', 'cos://beside-start/shared.txt'], henv);
      expect(linked.stdout.startsWith(`${first.url}/beside-start-1250000000/shared.txt?`)).toBe(true);
      expect(linked.stderr).not.toMatch(/npm start/);
      expect(await (await fetch(linked.stdout.trim())).text()).toBe('shared while npm start runs');
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
      await expect(stat(join(home, 'store.json'))).rejects.toThrow(); // removed on the way out
    } finally {
      first.child.kill('SIGKILL');
    }

    // With nothing serving, the command's own store listens on a random port that dies with it: the link names
    // 127.0.0.1:9000, where `npm start` serves this store, and it is signed for that address.
    const later = coffer(['share', 'cos://beside-start/shared.txt', '--expires', '10m'], henv);
    expect(later.code, later.stderr).toBe(0);
    const link = new URL(later.stdout.trim());
    expect(link.host).toBe('127.0.0.1:9000');
    expect(later.stderr).toMatch(/the URL works while `npm run store` serves it at http:\/\/127\.0\.0\.1:9000/);
    const second = await npmStart(henv);
    try {
      const port = new URL(second.url).port;
      const answer = await new Promise<string>((resolve, reject) => {
        // Served at another port here, so asked the way a browser asks 127.0.0.1:9000.
        const req = httpGet({ host: '127.0.0.1', port, path: link.pathname + link.search, headers: { host: '127.0.0.1:9000' } }, (res) => {
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve(`${res.statusCode} ${text}`));
        });
        req.on('error', reject);
      });
      expect(answer).toBe('200 shared while npm start runs');
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });
});

describe('secrets', () => {
  it('never appear in any output of any run above', () => {
    const embedded = transcript.filter((t) => t.startsWith('\u0000embedded:')).map((t) => t.slice('\u0000embedded:'.length));
    const outputs = transcript.filter((t) => !t.startsWith('\u0000embedded:')).join('\n');
    expect(outputs.length).toBeGreaterThan(1000);
    expect(secretsSeen.length).toBeGreaterThan(0);
    for (const secret of [TEST_CREDENTIALS.secretKey, PROFILE_SECRET, SESSION_TOKEN, PASSPHRASE, NEW_PASSPHRASE, ...embedded, ...secretsSeen]) {
      expect(outputs).not.toContain(secret);
      expect(outputs).not.toContain(Buffer.from(secret).toString('base64'));
    }
  });
});
