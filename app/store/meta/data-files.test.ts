// DataFiles: the tmp → objects/ commit, deletes, id checks, and the sweep after clean and unclean shutdowns.

import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { syncDir } from '../../platform/durable-fs';
import { DataFiles } from './data-files';
import { isDataId } from './data-id';
import { tempDataDir } from './meta-test-kit';

let dir: string;
let files: DataFiles;

beforeEach(async () => {
  dir = await tempDataDir();
  files = new DataFiles(dir);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeCommitted(body: string): Promise<string> {
  const id = files.newId();
  const fh = await files.openTmp(id);
  await fh.writeFile(body);
  await fh.sync();
  await fh.close();
  await files.commit(id);
  return id;
}

describe('DataFiles', () => {
  it('gives inline data ids in time order, in the data-id format, never equal', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 200; i++) {
      ids.push(files.newInlineId());
      if (i % 50 === 0) await new Promise((r) => setTimeout(r, 2));
    }
    for (const id of ids) expect(isDataId(id)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const stamps = ids.map((id) => parseInt(id.slice(0, 12), 16));
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
    expect(Math.abs(stamps.at(-1)! - Date.now())).toBeLessThan(60_000);
  });

  it('writes in tmp/, then commits into a fan-out directory', async () => {
    const id = files.newId();
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(files.newId()).not.toBe(id);
    const fh = await files.openTmp(id);
    await fh.writeFile('hello');
    await fh.sync();
    await fh.close();
    expect(files.tmpPath(id)).toBe(path.join(dir, 'tmp', id));
    expect((await stat(files.tmpPath(id))).mode & 0o777).toBe(0o600);
    await expect(files.openTmp(id)).rejects.toThrow(/EEXIST/); // never reuses a name

    await files.commit(id);
    expect(files.pathOf(id)).toBe(path.join(dir, 'objects', id.slice(0, 2), id));
    expect(await readFile(files.pathOf(id), 'utf8')).toBe('hello');
    expect(existsSync(files.tmpPath(id))).toBe(false);
  });

  it('deletes idempotently', async () => {
    const id = await writeCommitted('x');
    await files.remove(id);
    expect(existsSync(files.pathOf(id))).toBe(false);
    await files.remove(id);
    await files.removeTmp(files.newId());
  });

  it('refuses ids that are not 32 hex digits (no key or path can become a file name)', () => {
    for (const bad of ['../../etc/passwd', 'a/b', '', 'ABCDEF0123456789ABCDEF0123456789', '0'.repeat(31)]) {
      expect(() => files.pathOf(bad)).toThrow(/invalid data id/);
      expect(() => files.tmpPath(bad)).toThrow(/invalid data id/);
    }
  });

  it('sweep empties tmp/ and, when full, removes only unreferenced data files', async () => {
    const kept = await writeCommitted('kept');
    const orphan = await writeCommitted('orphan');
    const pending = files.newId();
    await (await files.openTmp(pending)).close();
    // Not ours to judge: a foreign name in a fan-out directory and a stray directory.
    const foreign = path.join(dir, 'objects', kept.slice(0, 2), 'README');
    await writeFile(foreign, 'x');
    await mkdir(path.join(dir, 'objects', 'zz'), { recursive: true });
    const referenced = (id: string) => id === kept;

    expect(await files.sweep(referenced, { full: false })).toEqual({ tmpRemoved: 1, orphansRemoved: 0 });
    expect(await readdir(path.join(dir, 'tmp'))).toEqual([]);
    expect(existsSync(files.pathOf(orphan))).toBe(true);

    expect(await files.sweep(referenced, { full: true })).toEqual({ tmpRemoved: 0, orphansRemoved: 1 });
    expect(existsSync(files.pathOf(orphan))).toBe(false);
    expect(await readFile(files.pathOf(kept), 'utf8')).toBe('kept');
    expect(existsSync(foreign)).toBe(true);
  });

  it('sweeps a directory that has no data yet', async () => {
    expect(await files.sweep(() => false, { full: true })).toEqual({ tmpRemoved: 0, orphansRemoved: 0 });
  });

  it('syncDir syncs an existing directory and fails on a missing one', async () => {
    await syncDir(dir);
    await expect(syncDir(path.join(dir, 'missing'))).rejects.toThrow(/ENOENT/);
  });
});
