// `coffer cp` and `coffer encrypt` as scripts run them (the real bin against a spawned coffer-store): the encryption
// reported is the one the server applied (a bucket's default encryption applies to --sse none, and is said so, in
// text and --json, for a single PUT, multipart, standard input, a folder and encrypt-in-place); SSE asked for in a
// region without it, and a missing bucket, are each said once before anything is sent; uploads carry the
// Content-Type of their extension (or --content-type), and encrypt-in-place keeps it.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CosClient, ObjectInfo } from '../cos/client';
import { testClient } from '../cos/client/test-support/client-fixture';
import { TEST_CREDENTIALS } from '../store/test-support/store-fixture';
import { spawnStore, storeScope, type StoreProcess } from '../store/test-support/store-process';
import { COFFER_BIN } from './test-support/bins';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const scope = storeScope('coffer-sse-report-');
let store: StoreProcess;
let root: string;
let env: Record<string, string>;
/** Reads what is on the server afterwards, straight from the store (no CLI in between). */
let direct: CosClient;

function coffer(args: string[], extraEnv: Record<string, string> = {}, input = ''): Run {
  const r = spawnSync(process.execPath, [COFFER_BIN, ...args], { env: { ...env, ...extraEnv }, input, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json<T = Record<string, unknown>>(r: Run): T {
  return JSON.parse(r.stdout) as T;
}

async function file(name: string, data: string | Buffer): Promise<string> {
  const path = join(root, name);
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, data);
  return path;
}

function headOf(bucket: string, key: string): Promise<ObjectInfo> {
  return direct.headObject(bucket, key);
}

beforeAll(async () => {
  const dirs = await scope.dirs();
  root = dirs.root;
  store = scope.track(await spawnStore(dirs.dataDir, dirs.keyring));
  direct = testClient(store.port);
  env = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('COFFER_')) env[k] = v;
  Object.assign(env, {
    COFFER_HOME: join(root, 'home'),
    COFFER_ENDPOINT: `http://127.0.0.1:${store.port}`,
    COFFER_SECRET_ID: TEST_CREDENTIALS.secretId,
    COFFER_SECRET_KEY: TEST_CREDENTIALS.secretKey,
  });
  expect(coffer(['mb', 'cos://dflt', '--default-encryption', 'cos']).code).toBe(0);
  expect(coffer(['mb', 'cos://plain']).code).toBe(0);
  // The store puts a bucket in the region of the request that created it; later commands use the default region
  // (ap-guangzhou), so the region checked is the bucket's own, as HEAD Bucket reports it.
  expect(coffer(['mb', 'cos://chengdu'], { COFFER_REGION: 'ap-chengdu' }).code).toBe(0);
});
afterAll(async () => {
  await direct?.close();
  await scope.cleanup();
});

const BY_DEFAULT = "encrypted by the bucket's default encryption (SSE-COS)";

describe('the encryption reported is the one the server applied', () => {
  it('--sse none into a bucket with default encryption: a single PUT says the bucket default encrypted it, in text and --json', async () => {
    const src = await file('small.txt', 'small and sensitive');
    const up = coffer(['cp', src, 'cos://dflt/small.txt', '--sse', 'none']);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toBe(`uploaded cos://dflt/small.txt (19 bytes, ${BY_DEFAULT})\n`);
    expect(up.stdout).not.toMatch(/NOT encrypted/);

    const doc = json(coffer(['cp', src, 'cos://dflt/small.txt', '--sse', 'none', '--json']));
    expect(doc).toMatchObject({
      operation: 'upload',
      encryption: { mode: 'SSE-COS', byBucketDefault: true },
      requestedEncryption: { mode: 'none' },
      objects: [{ key: 'small.txt', state: 'completed', encryption: { mode: 'SSE-COS', byBucketDefault: true } }],
    });
    expect((await headOf('dflt', 'small.txt')).encryption).toEqual({ mode: 'SSE-COS' });
  });

  it('the same for a multipart upload, standard input and a folder (whose plan says the bucket default will apply)', async () => {
    const big = await file('big.bin', randomBytes(17 * 1024 * 1024 + 5));
    const mp = coffer(['cp', big, 'cos://dflt/big.bin', '--sse', 'none', '--part-size', '8M', '--json']);
    expect(mp.code, mp.stderr).toBe(0);
    expect(json(mp)).toMatchObject({ encryption: { mode: 'SSE-COS', byBucketDefault: true }, objects: [{ key: 'big.bin', encryption: { mode: 'SSE-COS', byBucketDefault: true } }] });
    expect((await headOf('dflt', 'big.bin')).etag).toMatch(/-3"?$/);

    const piped = coffer(['cp', '-', 'cos://dflt/piped.bin', '--sse', 'none'], {}, 'from a pipe');
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stdout).toBe(`uploaded cos://dflt/piped.bin (11 bytes, ${BY_DEFAULT})\n`);

    await file('album/a.txt', 'a');
    await file('album/b.txt', 'b');
    const dir = coffer(['cp', join(root, 'album'), 'cos://dflt/', '-r', '--sse', 'none']);
    expect(dir.code, dir.stderr).toBe(0);
    expect(dir.stderr).toMatch(/uploading 2 files \(2 B\) to cos:\/\/dflt\/ with no encryption asked \(--sse none\), so the bucket's default encryption \(SSE-COS\) applies/);
    expect(dir.stdout).toBe(`uploaded cos://dflt/album/a.txt (1 bytes, ${BY_DEFAULT})\nuploaded cos://dflt/album/b.txt (1 bytes, ${BY_DEFAULT})\n`);

    // Where nothing encrypts it, that is said as plainly.
    const bare = coffer(['cp', join(root, 'small.txt'), 'cos://plain/bare.txt', '--sse', 'none', '--json']);
    expect(json(bare)).toMatchObject({ encryption: { mode: 'none', byBucketDefault: false }, requestedEncryption: { mode: 'none' } });
  });

  it('encrypt reports the encryption the copy\'s answer names (the KMS key the server chose), text and --json', async () => {
    const src = await file('to-fix.bin', 'fix me');
    expect(coffer(['cp', src, 'cos://plain/fix/one.bin', '--sse', 'none']).code).toBe(0);
    expect(coffer(['cp', src, 'cos://plain/fix/two.bin', '--sse', 'none']).code).toBe(0);
    const text = coffer(['encrypt', 'cos://plain/fix/one.bin', '--sse', 'kms']);
    expect(text.code, text.stderr).toBe(0);
    const stored = (await headOf('plain', 'fix/one.bin')).encryption;
    const keyId = stored.mode === 'SSE-KMS' ? stored.keyId : undefined;
    expect(keyId).toMatch(/.+/);
    // No key was named: the key id printed can only come from the server's answer.
    expect(text.stdout).toBe(`encrypted cos://plain/fix/one.bin (SSE-KMS (server-side, KMS key ${keyId}))\n`);
    const doc = json(coffer(['encrypt', 'cos://plain/fix/two.bin', '--sse', 'kms', '--json']));
    expect(doc).toMatchObject({ objects: [{ key: 'fix/two.bin', state: 'encrypted', encryption: { mode: 'SSE-KMS', keyId: expect.any(String), byBucketDefault: false } }] });
  });
});

describe('said once, before anything is sent', () => {
  const REGION_SENTENCE = 'Server-side encryption is not offered in ap-chengdu (only ap-beijing, ap-shanghai and ap-guangzhou).';

  it('SSE asked for a bucket in ap-chengdu: one sentence, exit 2, nothing uploaded; --sse none works', async () => {
    const src = await file('cd/a.txt', 'a');
    await file('cd/b.txt', 'b');
    const cpAdvice = `coffer: ${REGION_SENTENCE} Upload without it with --sse none, or use a bucket in one of those regions.\n`;
    for (const args of [
      ['cp', join(root, 'cd'), 'cos://chengdu/', '-r'],
      ['cp', src, 'cos://chengdu/a.txt'],
      ['cp', '-', 'cos://chengdu/piped.bin'],
    ]) {
      const r = coffer(args, {}, 'piped bytes');
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toBe(cpAdvice);
      expect(r.stdout).toBe('');
    }
    expect((await direct.listObjects('chengdu')).contents).toEqual([]);
    const doc = json(coffer(['cp', src, 'cos://chengdu/a.txt', '--json']));
    expect(doc).toEqual({ ok: false, error: { code: 'Usage', message: cpAdvice.slice('coffer: '.length, -1), exitCode: 2 } });

    const plain = coffer(['cp', src, 'cos://chengdu/a.txt', '--sse', 'none']);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toBe('uploaded cos://chengdu/a.txt (1 bytes, none (NOT encrypted at rest))\n');
    for (const args of [['encrypt', 'cos://chengdu/a.txt'], ['encrypt', 'cos://chengdu/', '-r']]) {
      const r = coffer(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toBe(`coffer: ${REGION_SENTENCE} Objects in cos://chengdu cannot be encrypted in place; keep data that must be encrypted at rest in a bucket in one of those regions.\n`);
    }
    expect((await headOf('chengdu', 'a.txt')).encryption).toEqual({ mode: 'none' });
  });

  it('a missing bucket: cp (up and down) and encrypt say it once, as ls does, exit 3', async () => {
    const src = await file('nb/a.txt', 'a');
    await file('nb/b.txt', 'b');
    const ls = coffer(['ls', 'cos://nobucket']);
    expect(ls.code).toBe(3);
    expect(ls.stderr).toBe('coffer: The bucket cos://nobucket does not exist; check its name, or pick another bucket.\n');
    for (const args of [
      ['cp', src, 'cos://nobucket/a.txt'],
      ['cp', join(root, 'nb'), 'cos://nobucket/', '-r'],
      ['cp', '-', 'cos://nobucket/piped.bin'],
      ['cp', 'cos://nobucket/a.txt', join(root, 'nb-down.txt')],
      ['cp', 'cos://nobucket/', join(root, 'nb-down'), '-r'],
      ['encrypt', 'cos://nobucket/a.txt'],
      ['encrypt', 'cos://nobucket/', '-r'],
    ]) {
      const r = coffer(args, {}, 'piped bytes');
      expect({ args: args.join(' '), code: r.code, stderr: r.stderr, stdout: r.stdout }).toEqual({ args: args.join(' '), code: 3, stderr: ls.stderr, stdout: '' });
    }
  });
});

describe('Content-Type', () => {
  it('.jpg, .pdf and .txt are stored as image/jpeg, application/pdf and text/plain; --content-type overrides; encrypt keeps it', async () => {
    await file('types/photo.jpg', randomBytes(100));
    await file('types/report.pdf', '%PDF-1.4');
    await file('types/notes.txt', 'notes');
    const up = coffer(['cp', join(root, 'types'), 'cos://plain/', '-r', '--sse', 'none']);
    expect(up.code, up.stderr).toBe(0);
    expect((await headOf('plain', 'types/photo.jpg')).contentType).toBe('image/jpeg');
    expect((await headOf('plain', 'types/report.pdf')).contentType).toBe('application/pdf');
    expect((await headOf('plain', 'types/notes.txt')).contentType).toBe('text/plain');

    expect(coffer(['cp', join(root, 'types', 'notes.txt'), 'cos://plain/page.html', '--content-type', 'text/html; charset=utf-8']).code).toBe(0);
    expect((await headOf('plain', 'page.html')).contentType).toBe('text/html;charset=utf-8');
    expect(coffer(['cp', '-', 'cos://plain/piped.txt'], {}, 'piped text').code).toBe(0);
    expect((await headOf('plain', 'piped.txt')).contentType).toBe('text/plain');

    const bad = coffer(['cp', join(root, 'types', 'photo.jpg'), 'cos://plain/bad.jpg', '--content-type', 'jpeg']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('coffer: --content-type takes a media type written as type/subtype, e.g. image/jpeg or "text/plain; charset=utf-8", not "jpeg".\n');

    const fix = coffer(['encrypt', 'cos://plain/types/', '-r']);
    expect(fix.code, fix.stderr).toBe(0);
    expect(await headOf('plain', 'types/photo.jpg')).toMatchObject({ contentType: 'image/jpeg', encryption: { mode: 'SSE-COS' } });
    expect(await headOf('plain', 'types/report.pdf')).toMatchObject({ contentType: 'application/pdf', encryption: { mode: 'SSE-COS' } });
  });
});
