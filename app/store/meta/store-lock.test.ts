// StoreLock: exclusive ownership of a data directory across processes, stale takeover after a crash, and the
// SQLite lock directory a killed owner leaves behind.

import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MetadataDb } from './metadata-db';
import { spawnStoreChild, tempDataDir, type Child } from './meta-test-kit';
import { StoreBusyError, StoreLock } from './store-lock';

let dir: string;
let child: Child | undefined;

beforeEach(async () => {
  dir = await tempDataDir();
});
afterEach(async () => {
  if (child && child.proc.exitCode === null && child.proc.signalCode === null) {
    child.proc.kill('SIGKILL');
    await child.exited;
  }
  child = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('StoreLock', () => {
  it('takes a free directory cleanly and releases it', async () => {
    const lock = await StoreLock.acquire(dir);
    expect(lock.unclean).toBe(false);
    expect((await readFile(path.join(dir, 'store.lock'), 'utf8')).trim()).toBe(String(process.pid));
    await expect(StoreLock.acquire(dir)).rejects.toThrow(/already open in this process/);
    await lock.release();
    await lock.release();
    expect(existsSync(path.join(dir, 'store.lock'))).toBe(false);
    const again = await StoreLock.acquire(dir);
    expect(again.unclean).toBe(false);
    await again.release();
  });

  it('refuses a directory held by a live process, then takes over once it is killed', async () => {
    child = spawnStoreChild('hold', dir);
    await child.waitFor('ready');
    const busy = await StoreLock.acquire(dir).catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(StoreBusyError);
    expect((busy as StoreBusyError).pid).toBe(child.proc.pid);
    expect((busy as Error).message).toBe(`the store in ${dir} is in use by process ${child.proc.pid}; stop it first`);
    // The child also holds SQLite's lock: opening the database directly fails with an explanation.
    expect(() => MetadataDb.open(dir)).toThrow(/in use by another process/);

    child.proc.kill('SIGKILL');
    await child.exited; // reaped: kill(pid, 0) now fails
    expect(existsSync(path.join(dir, 'store.lock'))).toBe(true);
    expect(existsSync(path.join(dir, 'meta.db.lock'))).toBe(true);
    expect(() => MetadataDb.open(dir)).toThrow(/database is locked|in use by another process/);

    const lock = await StoreLock.acquire(dir);
    expect(lock.unclean).toBe(true);
    expect(existsSync(path.join(dir, 'meta.db.lock'))).toBe(false);
    const db = MetadataDb.open(dir);
    expect(db.integrityCheck()).toEqual([]);
    db.close();
    await lock.release();
  });

  it('is released when the owner exits normally, even without closing the database', async () => {
    child = spawnStoreChild('exit', dir);
    await child.waitFor('ready');
    expect(await child.exited).toEqual({ code: 0, signal: null });
    expect(existsSync(path.join(dir, 'store.lock'))).toBe(false);
    expect(existsSync(path.join(dir, 'meta.db.lock'))).toBe(false);
    const lock = await StoreLock.acquire(dir);
    expect(lock.unclean).toBe(false);
    MetadataDb.open(dir).close();
    await lock.release();
  });

  it('treats an unreadable lock file as stale', async () => {
    await writeFile(path.join(dir, 'store.lock'), 'garbage');
    await mkdir(path.join(dir, 'meta.db.lock'));
    const lock = await StoreLock.acquire(dir);
    expect(lock.unclean).toBe(true);
    expect(existsSync(path.join(dir, 'meta.db.lock'))).toBe(false);
    await lock.release();
  });

  it('lets exactly one of several simultaneous takeovers win', async () => {
    await writeFile(path.join(dir, 'store.lock'), '999999999\n'); // beyond pid_max: certainly dead
    const results = await Promise.allSettled([1, 2, 3, 4].map(() => StoreLock.acquire(dir)));
    const won = results.filter((r): r is PromiseFulfilledResult<StoreLock> => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    expect(won[0].value.unclean).toBe(true);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(StoreBusyError);
    await won[0].value.release();
  });
});
