// downloadPrefix against the real store: nested keys land at their relative paths, a name is a folder (never a
// raw prefix) and the object and folder of one name do not clash on disk, folder markers become folders,
// concurrency stays bounded (counted at a proxy), and hostile keys — `..` segments (served by a hostile listing,
// since the store itself refuses such names), absolute keys, backslashes, a symlink planted in the destination —
// are refused with nothing written outside the destination folder.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CosClient } from '../../cos/client';
import { testClient } from '../../cos/client/test-support/client-fixture';
import { startFixture, type StoreFixture } from '../../store/test-support/store-fixture';
import { downloadPrefix, type PrefixProgress } from './download-prefix';
import { resolveTarget } from '../object-target';
import { safeJoin } from './safe-path';
import { EngineProxy } from '../test-support/engine-proxy';
import { findSecrets } from '../test-support/secret-scan';

const B = 'prefixes';
let f: StoreFixture;
let proxy: EngineProxy;
let client: CosClient;
let root: string;

beforeAll(async () => {
  f = await startFixture();
  proxy = await EngineProxy.start(f.port);
  client = testClient(proxy.port);
  await client.createBucket(B);
  root = await mkdtemp(join(tmpdir(), 'coffer-prefix-'));
});

afterAll(async () => {
  await client?.close();
  await proxy?.close();
  await f?.close();
  await rm(root, { recursive: true, force: true });
});

beforeEach(() => proxy.reset());

describe('safeJoin', () => {
  it.each([
    ['a/../../evil', /\.\./],
    ['../evil', /\.\./],
    ['a/..', /\.\./],
    ['/etc/passwd', /absolute/],
    ['a\\..\\..\\evil', /backslash/],
    ['C:/Windows/x', /drive/],
    ['a//b', /empty/],
    ['./a', /"\."/],
    ['a\0b', /NUL/],
    ['', /folder itself/],
  ])('refuses %j', (key, reason) => {
    const r = safeJoin('/tmp/dest', key);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it('accepts plain nested names, dots inside names included', () => {
    expect(safeJoin('/tmp/dest', 'a/b..c/.hidden/d.txt')).toEqual({ ok: true, path: '/tmp/dest/a/b..c/.hidden/d.txt' });
  });
});

describe('downloadPrefix', () => {
  it('keeps relative paths, recreates folder markers, bounds concurrency, refuses hostile keys', async () => {
    const files: Record<string, Buffer> = {
      'tree/a.txt': Buffer.from('a'),
      'tree/sub/b.txt': Buffer.from('bee'),
      'tree/sub/deep/c.bin': randomBytes(200_000),
      'tree/sub/deep/d.bin': randomBytes(10),
      'tree/e.bin': randomBytes(0),
      'tree/f.bin': randomBytes(5000),
    };
    for (const [k, v] of Object.entries(files)) await client.putObject(B, k, v);
    await client.putObject(B, 'tree/empty-folder/', Buffer.alloc(0));
    // Stored under harmless names; the proxy's hostile listing turns DOTDOT into "..".
    await client.putObject(B, 'tree/x/DOTDOT/DOTDOT/evil', Buffer.from('evil'));
    await client.putObject(B, 'tree/y\\..\\..\\evil2', Buffer.from('evil'));
    await client.putObject(B, 'other/not-included.txt', Buffer.from('no'));
    proxy.reset();
    proxy.use({ match: (r) => r.method === 'GET' && (r.url ?? '').startsWith('/?'), rewriteBody: (b) => Buffer.from(b.toString('utf8').replaceAll('DOTDOT', '..')) });
    proxy.use({ match: (r) => r.method === 'GET' && !(r.url ?? '').startsWith('/?'), delayMs: 30 });

    const dest = join(root, 'run1', 'dest');
    const events: PrefixProgress[] = [];
    const res = await downloadPrefix(client, { bucket: B, target: { prefix: 'tree/' }, destDir: dest, concurrency: 2, onProgress: (p) => events.push(p) });

    for (const [k, v] of Object.entries(files)) expect((await readFile(join(dest, k.slice('tree/'.length)))).equals(v)).toBe(true);
    expect(res.downloaded).toHaveLength(Object.keys(files).length);
    expect(res.folders).toEqual([join(dest, 'empty-folder')]);
    expect(existsSync(join(dest, 'empty-folder'))).toBe(true);
    expect(res.refused.map((r) => [r.key, r.code])).toEqual(
      expect.arrayContaining([
        ['tree/x/../../evil', 'UnsafeKey'],
        ['tree/y\\..\\..\\evil2', 'UnsafeKey'],
      ]),
    );
    expect(res.refused).toHaveLength(2);
    expect(res.failed).toEqual([]);
    // Nothing outside dest: run1 holds only dest, and no request ever asked for the hostile keys.
    expect(await readdir(join(root, 'run1'))).toEqual(['dest']);
    expect(existsSync(join(root, 'evil'))).toBe(false);
    expect(proxy.requests.filter((r) => r.url.includes('evil'))).toEqual([]);
    expect(proxy.maxInFlight).toBeLessThanOrEqual(2);
    expect(proxy.maxInFlight).toBe(2);
    expect(events.at(-1)).toMatchObject({ filesDone: 7, filesRefused: 2, filesFailed: 0 });
    expect(findSecrets([res, ...events])).toEqual([]);
  });

  it('reads a name as a folder: `docs/2024` is the object and docs/2024/…, never docs/2024-01/…; the folder keeps its name', async () => {
    await client.putObject(B, 'docs/2024/a.txt', Buffer.from('a'));
    await client.putObject(B, 'docs/2024/sub/b.txt', Buffer.from('b'));
    await client.putObject(B, 'docs/2024-01/jan.txt', Buffer.from('jan'));
    await client.putObject(B, 'docs/2024x.txt', Buffer.from('x'));
    await client.putObject(B, 'docs/2024', Buffer.from('the object docs/2024'));
    const dest = join(root, 'run2');
    const res = await downloadPrefix(client, { bucket: B, target: resolveTarget('docs/2024', true), destDir: dest });
    expect(res.downloaded.map((d) => d.key).sort()).toEqual(['docs/2024/a.txt', 'docs/2024/sub/b.txt']);
    expect(await readFile(join(dest, '2024', 'a.txt'), 'utf8')).toBe('a');
    expect(await readFile(join(dest, '2024', 'sub', 'b.txt'), 'utf8')).toBe('b');
    expect((await readdir(dest)).sort()).toEqual(['2024']);
    // The object `docs/2024` would be the file <dest>/2024, which is the folder: reported, not written.
    expect(res.failed.map((x) => [x.key, x.error.name])).toEqual([['docs/2024', 'PathConflictError']]);
    expect(res.failed[0]!.error.message).toBe(
      `${join(dest, '2024')} is where the objects under ${B}/docs/2024/ go (a folder), and a file cannot have the same name as a folder; nothing was written for it: download it on its own, to another name`,
    );

    // With a trailing slash only the folder's contents, directly in the destination.
    const contents = join(root, 'run2-contents');
    const inside = await downloadPrefix(client, { bucket: B, target: resolveTarget('docs/2024/', true), destDir: contents });
    expect(inside.failed).toEqual([]);
    expect((await readdir(contents)).sort()).toEqual(['a.txt', 'sub']);

    // A name that is only an object is that object; a folder already in its place is not replaced.
    const single = join(root, 'run2-single');
    const one = await downloadPrefix(client, { bucket: B, target: resolveTarget('docs/2024x.txt', true), destDir: single });
    expect(one.downloaded.map((d) => d.dest)).toEqual([join(single, '2024x.txt')]);
    await mkdir(join(single, 'taken', '2024x.txt'), { recursive: true });
    const blocked = await downloadPrefix(client, { bucket: B, target: resolveTarget('docs/2024x.txt', true), destDir: join(single, 'taken') });
    expect(blocked.failed.map((x) => x.error.message)).toEqual([`${join(single, 'taken', '2024x.txt')} is a folder, and a file cannot replace it; nothing was written for it: move the folder away or download the object elsewhere`]);
  });

  it('refuses an absolute key and a key whose folder is a symlink leading outside', async () => {
    await client.createBucket('hostile');
    await client.putObject('hostile', '/abs', Buffer.from('absolute'));
    await client.putObject('hostile', 'link/escape.txt', Buffer.from('through a link'));
    await client.putObject('hostile', 'fine.txt', Buffer.from('fine'));
    const outside = join(root, 'run3-outside');
    await mkdir(outside, { recursive: true });
    const dest = join(root, 'run3');
    await mkdir(dest, { recursive: true });
    await symlink(outside, join(dest, 'link'));
    const res = await downloadPrefix(client, { bucket: 'hostile', target: { prefix: '' }, destDir: dest });
    expect(res.refused.map((r) => r.key).sort()).toEqual(['/abs', 'link/escape.txt']);
    expect(res.refused.find((r) => r.key === '/abs')?.reason).toMatch(/absolute/);
    expect(await readdir(outside)).toEqual([]);
    expect(await readFile(join(dest, 'fine.txt'), 'utf8')).toBe('fine');
  });

  it('a failing object is reported and the others still download', async () => {
    await client.createBucket('partial');
    await client.putObject('partial', 'ok.txt', Buffer.from('ok'));
    await client.putObject('partial', 'broken.txt', Buffer.from('broken'));
    proxy.use({ match: (r) => r.method === 'GET' && (r.url ?? '').startsWith('/broken.txt'), flipByteAt: 0 });
    const dest = join(root, 'run4');
    const res = await downloadPrefix(client, { bucket: 'partial', target: { prefix: '' }, destDir: dest });
    expect(res.downloaded.map((d) => d.key)).toEqual(['ok.txt']);
    expect(res.failed.map((x) => [x.key, x.error.name])).toEqual([['broken.txt', 'DownloadIntegrityError']]);
    expect(existsSync(join(dest, 'broken.txt'))).toBe(false);
  });
});
