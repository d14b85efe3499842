// Crash safety: a real store process is killed with SIGKILL at injected points (and at a random moment under
// load); after a restart every committed object is intact, nothing is half-visible, temp data is swept, and
// `coffer-store fsck` finds nothing wrong.
import { afterEach, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { newSdkClient } from './test-support/store-fixture';
import { runCli, spawnStore, storeArgs, storeScope } from './test-support/store-process';

const Region = 'ap-guangzhou';
const Bucket = 'crash-1250000000';
const scope = storeScope('coffer-crash-');
afterEach(() => scope.cleanup());
const setup = () => scope.dirs();

async function start(dataDir: string, keyring: string, crashAt?: string) {
  const p = await spawnStore(dataDir, keyring, { env: crashAt ? { COFFER_STORE_CRASH_AT: crashAt } : {} });
  scope.track(p);
  return { p, cos: newSdkClient(p.port, undefined, { Timeout: 20_000 }) };
}

async function countFiles(dir: string): Promise<number> {
  let n = 0;
  try {
    for (const e of await readdir(dir, { withFileTypes: true })) n += e.isDirectory() ? await countFiles(join(dir, e.name)) : 1;
  } catch {
    return 0;
  }
  return n;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe.each(['put:mid-body', 'put:after-data-commit', 'put:after-meta-commit'])('SIGKILL at %s', (point) => {
  it('keeps committed objects intact and the interrupted one all-or-nothing', async () => {
    const { dataDir, keyring } = await setup();
    const committed = new Map<string, Buffer>();
    {
      const { p, cos } = await start(dataDir, keyring);
      await cos.putBucket({ Bucket, Region });
      for (let i = 0; i < 5; i++) {
        const body = randomBytes(100_000 + i * 70_000);
        await cos.putObject({ Bucket, Region, Key: `keep/${i}`, Body: body, ServerSideEncryption: i % 2 ? 'AES256' : undefined });
        committed.set(`keep/${i}`, body);
      }
      await cos.putObject({ Bucket, Region, Key: 'victim', Body: Buffer.from('old version'), ServerSideEncryption: 'AES256' });
      p.child.kill('SIGTERM');
      expect((await p.exited).code).toBe(0);
    }
    const { p, cos } = await start(dataDir, keyring, point);
    const big = randomBytes(3 * 1024 * 1024);
    await cos.putObject({ Bucket, Region, Key: 'victim', Body: big, ServerSideEncryption: 'AES256' }).catch(() => undefined);
    const exit = await p.exited;
    expect(exit.signal).toBe('SIGKILL');

    const again = await start(dataDir, keyring);
    for (const [Key, body] of committed) {
      const got = await again.cos.getObject({ Bucket, Region, Key });
      expect(sha(got.Body as Buffer)).toBe(sha(body));
    }
    const victim = (await again.cos.getObject({ Bucket, Region, Key: 'victim' })).Body as Buffer;
    // Old or new, never a mixture or a torn object.
    if (point === 'put:after-meta-commit') expect(sha(victim)).toBe(sha(big));
    else expect(victim.toString()).toBe('old version');
    expect(again.p.stderr()).toContain('unclean shutdown');
    expect(await countFiles(join(dataDir, 'tmp'))).toBe(0);
    // Every data file left is referenced: one per object with a file (the 11-byte old victim lives in meta.db).
    expect(await countFiles(join(dataDir, 'objects'))).toBe(committed.size + (point === 'put:after-meta-commit' ? 1 : 0));
    again.p.child.kill('SIGTERM');
    await again.p.exited;

    const fsck = runCli(['fsck', ...storeArgs(dataDir, keyring)]);
    expect(fsck.stdout).toContain('0 damaged');
    expect(fsck.code).toBe(0);
  });
});

describe('SIGKILL at a random moment under concurrent load', () => {
  it('leaves only whole objects and a clean fsck', async () => {
    const { dataDir, keyring } = await setup();
    const { p, cos } = await start(dataDir, keyring);
    await cos.putBucket({ Bucket, Region });
    const contents = new Map<string, string>();
    const acknowledged = new Set<string>();
    let stop = false;
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const Key = `load/${w}/${i}`;
        const body = randomBytes(20_000 + ((i * 7919) % 400_000));
        contents.set(Key, sha(body));
        try {
          await cos.putObject({ Bucket, Region, Key, Body: body, ServerSideEncryption: i % 3 ? 'AES256' : undefined });
          acknowledged.add(Key);
        } catch {
          return;
        }
      }
    };
    const writers = [0, 1, 2, 3].map(writer);
    await new Promise((r) => setTimeout(r, 1500 + Math.random() * 1500));
    p.child.kill('SIGKILL');
    stop = true;
    await Promise.all(writers);
    await p.exited;
    expect(acknowledged.size).toBeGreaterThan(0);

    const again = await start(dataDir, keyring);
    const list = await again.cos.getBucket({ Bucket, Region, Prefix: 'load/', MaxKeys: 1000 });
    const listed = new Set(list.Contents.map((c) => c.Key));
    for (const key of acknowledged) expect(listed.has(key)).toBe(true);
    for (const Key of listed) {
      const got = await again.cos.getObject({ Bucket, Region, Key });
      expect(sha(got.Body as Buffer)).toBe(contents.get(Key));
    }
    again.p.child.kill('SIGTERM');
    await again.p.exited;
    const fsck = runCli(['fsck', ...storeArgs(dataDir, keyring)]);
    expect(fsck.code).toBe(0);
  });
});

describe('SIGKILL during the key re-wrap pass', () => {
  it('resumes the pass on restart, keeps every object readable and retires the old key', async () => {
    const { dataDir, keyring } = await setup();
    {
      const { p, cos } = await start(dataDir, keyring);
      await cos.putBucket({ Bucket, Region });
      const puts = [];
      for (let i = 0; i < 620; i++) puts.push(cos.putObject({ Bucket, Region, Key: `r/${String(i).padStart(4, '0')}`, Body: `object ${i}`, ServerSideEncryption: 'AES256' }));
      await Promise.all(puts);
      p.child.kill('SIGTERM');
      await p.exited;
    }
    const rotate = runCli(['rotate-key', ...storeArgs(dataDir, keyring)], { COFFER_STORE_CRASH_AT: 'rewrap:mid-pass' });
    expect(rotate.code).toBe(null); // killed by the injected crash
    const mid = runCli(['keys', '--json', ...storeArgs(dataDir, keyring)]);
    const midKeys = JSON.parse(mid.stdout) as Array<{ id: number; state: string; objects: number }>;
    expect(midKeys.find((k) => k.id === 2)?.state).toBe('active');
    expect(midKeys.find((k) => k.id === 1)?.objects).toBeGreaterThan(0);

    const again = await start(dataDir, keyring);
    for (const i of [0, 499, 500, 619]) {
      const got = await again.cos.getObject({ Bucket, Region, Key: `r/${String(i).padStart(4, '0')}` });
      expect((got.Body as Buffer).toString()).toBe(`object ${i}`);
    }
    // The resumed pass finishes in the background.
    for (let t = 0; t < 100; t++) {
      if (again.p.stderr().includes('master key 1 retired')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    again.p.child.kill('SIGTERM');
    await again.p.exited;
    const after = JSON.parse(runCli(['keys', '--json', ...storeArgs(dataDir, keyring)]).stdout) as Array<{ id: number; state: string; objects: number }>;
    expect(after.find((k) => k.id === 1)).toMatchObject({ state: 'retired', objects: 0 });
    expect(after.find((k) => k.id === 2)).toMatchObject({ state: 'active', objects: 620 });
    expect(runCli(['fsck', ...storeArgs(dataDir, keyring)]).code).toBe(0);
  });
});

describe.each(['complete:before-commit', 'complete:after-commit'])('SIGKILL at %s', (point) => {
  it('either keeps the upload resumable or has the whole object; never a partial one', async () => {
    const { dataDir, keyring } = await setup();
    const parts = [randomBytes(1024 * 1024 + 5), randomBytes(1024 * 1024 + 7), randomBytes(1000)];
    const whole = Buffer.concat(parts);
    const { p, cos } = await start(dataDir, keyring, point);
    await cos.putBucket({ Bucket, Region });
    const Key = 'multi.bin';
    const init = await cos.multipartInit({ Bucket, Region, Key, ServerSideEncryption: 'AES256' } as never);
    const UploadId = init.UploadId;
    const etags: string[] = [];
    for (let i = 0; i < parts.length; i++) {
      const r = await cos.multipartUpload({ Bucket, Region, Key, UploadId, PartNumber: i + 1, Body: parts[i] } as never);
      etags.push(r.ETag);
    }
    const Parts = etags.map((ETag, i) => ({ PartNumber: i + 1, ETag }));
    await cos.multipartComplete({ Bucket, Region, Key, UploadId, Parts }).catch(() => undefined);
    expect((await p.exited).signal).toBe('SIGKILL');

    const again = await start(dataDir, keyring);
    if (point === 'complete:before-commit') {
      await expect(again.cos.headObject({ Bucket, Region, Key })).rejects.toMatchObject({ statusCode: 404 });
      const listed = await again.cos.multipartListPart({ Bucket, Region, Key, UploadId });
      expect(listed.Part.map((x) => Number(x.PartNumber))).toEqual([1, 2, 3]);
      await again.cos.multipartComplete({ Bucket, Region, Key, UploadId, Parts });
    } else {
      await expect(again.cos.multipartListPart({ Bucket, Region, Key, UploadId })).rejects.toMatchObject({ statusCode: 404 });
    }
    const got = await again.cos.getObject({ Bucket, Region, Key });
    expect(sha(got.Body as Buffer)).toBe(sha(whole));
    expect(got.headers?.['x-cos-server-side-encryption']).toBe('AES256');
    expect(await countFiles(join(dataDir, 'objects'))).toBe(3);
    again.p.child.kill('SIGTERM');
    await again.p.exited;
    expect(runCli(['fsck', ...storeArgs(dataDir, keyring)]).code).toBe(0);
  });
});

describe('fsck and data files nothing refers to', () => {
  it('counts them apart from damage, removes them only when told, and leaves every object whole', async () => {
    const { dataDir, keyring } = await setup();
    const body = randomBytes(300_000); // above the inline limit: a data file of its own
    {
      const { p, cos } = await start(dataDir, keyring);
      await cos.putBucket({ Bucket, Region });
      await cos.putObject({ Bucket, Region, Key: 'kept.bin', Body: body, ServerSideEncryption: 'AES256' });
      p.child.kill('SIGTERM');
      expect((await p.exited).code).toBe(0);
    }
    // What a write whose metadata sync failed leaves after a clean shutdown: a committed file nothing points at.
    const strayId = `ab${randomBytes(15).toString('hex')}`;
    await mkdir(join(dataDir, 'objects', 'ab'), { recursive: true });
    await writeFile(join(dataDir, 'objects', 'ab', strayId), randomBytes(1234));
    const before = await countFiles(join(dataDir, 'objects'));

    const found = runCli(['fsck', ...storeArgs(dataDir, keyring)]);
    expect(found.code, found.stderr).toBe(0); // wasted space, not damage
    expect(found.stdout).toContain('1 objects checked (1 encrypted), 0 damaged');
    expect(found.stdout).toContain('1 data files nothing refers to (1234 bytes');
    expect(await countFiles(join(dataDir, 'objects'))).toBe(before);

    const removed = runCli(['fsck', ...storeArgs(dataDir, keyring), '--remove-unreferenced', '--json']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(JSON.parse(removed.stdout)).toMatchObject({ checked: 1, problems: [], unreferenced: { files: 1, bytes: 1234, removed: true } });
    expect(await countFiles(join(dataDir, 'objects'))).toBe(before - 1);

    const clean = runCli(['fsck', ...storeArgs(dataDir, keyring)]);
    expect(clean.stdout).not.toContain('nothing refers to');
    const { p, cos } = await start(dataDir, keyring);
    const got = await cos.getObject({ Bucket, Region, Key: 'kept.bin' });
    expect(sha(got.Body as Buffer)).toBe(sha(body));
    p.child.kill('SIGTERM');
    await p.exited;
  });
});
