// Crash consistency of the metadata database: a process SIGKILLed in the middle of a large transaction (its
// changes already spilled to disk, as frames in meta.db-wal with no commit record) leaves a database that opens
// after the stale-lock takeover, passes integrity_check, and holds none of that transaction's rows.

import { existsSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { MetadataDb } from './metadata-db';
import { objectRecord, spawnStoreChild, tempDataDir } from './meta-test-kit';
import { StoreLock } from './store-lock';

let dir: string;
beforeEach(async () => {
  dir = await tempDataDir();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Same as fixtures/store-child.ts. */
const crashDataId = (i: number) => i.toString(16).padStart(32, '0');

it('rolls back a transaction interrupted by SIGKILL', async () => {
  const child = spawnStoreChild('crash-write', dir);
  await child.waitFor('committed');
  const walFile = path.join(dir, 'meta.db-wal');
  const committedWal = statSync(walFile).size;
  await child.waitFor('spilled');
  const spilledWal = statSync(walFile).size;
  child.proc.kill('SIGKILL');
  expect((await child.exited).signal).toBe('SIGKILL');
  // The interrupted transaction really reached the disk: the WAL grew by far more than the page cache.
  expect(spilledWal - committedWal).toBeGreaterThan(8 << 20);
  expect(existsSync(path.join(dir, 'meta.db.lock'))).toBe(true);

  const lock = await StoreLock.acquire(dir);
  expect(lock.unclean).toBe(true);
  const db = MetadataDb.open(dir);
  try {
    expect(db.integrityCheck()).toEqual([]);
    const keys: string[] = [];
    for (let after: { bucket: string; key: string } | null = null; ; ) {
      const batch = db.iterateObjects(after, 5000);
      if (batch.length === 0) break;
      keys.push(...batch.map((r) => r.key));
      after = batch[batch.length - 1];
    }
    expect(keys).toHaveLength(1000);
    expect(keys[999]).toBe('k/000000999');
    expect(db.isDataReferenced(crashDataId(999))).toBe(true);
    expect(db.isDataReferenced(crashDataId(1000))).toBe(false);
    expect(db.isDataReferenced(crashDataId(100_000))).toBe(false);
    expect(db.countObjectsByKid()).toEqual(new Map([[1, 1000]]));
    // And it takes writes again.
    db.putObject(objectRecord('crash', 'after'));
    expect(db.getObject('crash', 'after')?.key).toBe('after');
  } finally {
    db.close();
    await lock.release();
  }
});
