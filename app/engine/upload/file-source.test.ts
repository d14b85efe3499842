// openFileSource: small files come back with their bytes (with or without a planned size), a file that grew or
// shrank since planning is read as it is now, large files and directories come back without bytes. The same with
// the thread pool and with synchronous reads (SmallFileReads), which a slow read turns off.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AVERAGE_OVER_READS, openFileSource as openAsync, SLOW_AVERAGE_READ_MS, SLOW_SYNC_READ_MS, SmallFileReads } from './file-source';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'engine-file-source-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.each([
  ['through the thread pool', () => undefined],
  ['synchronously', () => new SmallFileReads()],
])('%s', (_mode, reads) => {
  const openFileSource = (path: string, max: number, planned?: number) => openAsync(path, max, planned, reads());

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
    await mkdir(join(dir, 'sub'), { recursive: true });
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

  it('reports a FIFO as not a file without waiting for a writer', async () => {
    const fifo = join(dir, `fifo-${reads() ? 'sync' : 'async'}`);
    execFileSync('mkfifo', [fifo]);
    // Planned as a 10-byte file (it was replaced since): no hang, and no bytes.
    expect(await openFileSource(fifo, 1024, 10)).toMatchObject({ isFile: false });
    expect(await openFileSource(fifo, 1024)).toMatchObject({ isFile: false });
  });
});

it('stops reading synchronously after one read slower than SLOW_SYNC_READ_MS, or slow reads on average', () => {
  // A fake clock that each read advances by the time it "took": the policy is judged on the times it is given, not on
  // how busy this machine happens to be.
  let clock = 0;
  const reads = () => new SmallFileReads(() => clock);
  const taking = (ms: number) => () => {
    clock += ms;
    return ms;
  };
  // A preempted or GC-paused read now and then is smoothed over.
  const fast = reads();
  for (let i = 0; i < 3 * AVERAGE_OVER_READS; i++) fast.timed(i % AVERAGE_OVER_READS === 5 ? taking(4) : taking(0.05));
  expect(fast.sync).toBe(true);
  // One very slow read (a disk spinning up) turns it off at once.
  const spinUp = reads();
  expect(spinUp.timed(taking(SLOW_SYNC_READ_MS + 1))).toBe(SLOW_SYNC_READ_MS + 1);
  expect(spinUp.sync).toBe(false);
  // So do reads that are each tolerable but slow on average (a network share), once enough were timed.
  const share = reads();
  for (let i = 0; i < AVERAGE_OVER_READS - 1; i++) share.timed(taking(SLOW_AVERAGE_READ_MS * 1.5));
  expect(share.sync).toBe(true);
  share.timed(taking(SLOW_AVERAGE_READ_MS * 1.5));
  expect(share.sync).toBe(false);
  // A read that throws is timed too.
  const failing = reads();
  expect(() =>
    failing.timed(() => {
      taking(SLOW_SYNC_READ_MS + 1)();
      throw new Error('EIO');
    }),
  ).toThrow('EIO');
  expect(failing.sync).toBe(false);
});
