// openFileSource: small files come back with their bytes (with or without a planned size), a file that grew or
// shrank since planning is read as it is now, large files and directories come back without bytes.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openFileSource } from './file-source';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'engine-file-source-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('reads a small file whole, whether its planned size is known, stale or absent', async () => {
  const p = join(dir, 'small.bin');
  const bytes = Buffer.from('x'.repeat(5000));
  await writeFile(p, bytes);
  for (const planned of [5000, undefined, 10, 4999, 6000, 0]) {
    const src = await openFileSource(p, 64 * 1024, planned);
    expect(src.isFile).toBe(true);
    expect(src.size).toBe(5000);
    expect(src.data?.equals(bytes)).toBe(true);
  }
  await writeFile(join(dir, 'empty'), '');
  expect((await openFileSource(join(dir, 'empty'), 1024, 0)).data?.length).toBe(0);
});

it('returns no bytes for a file above the limit (also one that grew past it since planning), with size and mtime', async () => {
  const p = join(dir, 'large.bin');
  await writeFile(p, Buffer.alloc(100_000, 1));
  for (const planned of [100, undefined]) {
    const src = await openFileSource(p, 64 * 1024, planned);
    expect(src).toMatchObject({ isFile: true, size: 100_000 });
    expect(src.data).toBeUndefined();
    expect(src.mtimeMs).toBeGreaterThan(0);
  }
});

it('reports a directory as not a file, and a missing file as its error', async () => {
  await mkdir(join(dir, 'sub'));
  expect((await openFileSource(join(dir, 'sub'), 1024, 10)).isFile).toBe(false);
  await expect(openFileSource(join(dir, 'nope'), 1024, 10)).rejects.toMatchObject({ code: 'ENOENT' });
});

it('closes every descriptor it opened, also for failed and larger files (Linux: counted in /proc/self/fd)', async () => {
  if (process.platform !== 'linux') return;
  const { readdir } = await import('node:fs/promises');
  const open = async () => (await readdir('/proc/self/fd')).length;
  await writeFile(join(dir, 'fd-small'), 'abc');
  await writeFile(join(dir, 'fd-large'), Buffer.alloc(70_000));
  const before = await open();
  for (let i = 0; i < 200; i++) {
    await openFileSource(join(dir, 'fd-small'), 64 * 1024, 3);
    await openFileSource(join(dir, 'fd-large'), 64 * 1024, 70_000);
    await openFileSource(join(dir, 'fd-small'), 64 * 1024, 2); // grew since planned: read again after a stat
    await openFileSource(dir, 64 * 1024, 10).catch(() => undefined); // a directory
  }
  await new Promise((r) => setTimeout(r, 100)); // closes finish in the background
  expect(await open()).toBeLessThanOrEqual(before);
});
