// Object data on disk: one file per single-PUT body or multipart part, named by a random id and never by an
// object key, so no key can become a path. Layout under the data directory:
//   tmp/<id>                 being written (opened 'wx', 0600)
//   objects/<id[0..2]>/<id>  committed; the 2-hex-digit fan-out keeps directories near 4,000 entries at 1M files
// Commit protocol of a write: write tmp/<id>, fsync and close it (the caller), commit(id) = rename into objects/
// and fsync the directory, THEN commit the metadata transaction. A crash therefore leaves at worst an orphan data
// file, which sweep() removes: tmp/ on every start, unreferenced committed files after an unclean shutdown.

import { randomBytesPooled } from '../sse/random-pool';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { syncDir } from '../../platform/durable-fs';
import { assertDataId, isDataId } from './data-id';

export interface SweepResult {
  tmpRemoved: number;
  orphansRemoved: number;
}

const FAN_OUT = /^[0-9a-f]{2}$/;

export class DataFiles {
  readonly tmpDir: string;
  readonly objectsDir: string;
  /** Directories known to exist (and to be durable in their parent). */
  private readonly ready = new Set<string>();

  constructor(readonly dataDir: string) {
    this.tmpDir = path.join(dataDir, 'tmp');
    this.objectsDir = path.join(dataDir, 'objects');
  }

  /** 128 random bits as 32 lowercase hex digits. */
  newId(): string {
    return randomBytesPooled(16).toString('hex');
  }

  /**
   * An id for bytes kept inside meta.db (never a file): the time in milliseconds (48 bits) then 80 random bits,
   * still 32 lowercase hex digits. Ids in time order append to the b-tree keyed by them (inline_data's index)
   * instead of landing on a random leaf each: the PUTs of one group commit then share leaf pages (measured when
   * data_refs still had rows for them too: 11.6 → 8.7 WAL writes, 25 → 19 KiB per small object, groups of 5).
   * Files keep fully random ids: their directory shard is the id's first two digits.
   */
  newInlineId(): string {
    return Date.now().toString(16).padStart(12, '0').slice(-12) + randomBytesPooled(10).toString('hex');
  }

  tmpPath(id: string): string {
    assertDataId(id);
    return path.join(this.tmpDir, id);
  }

  pathOf(id: string): string {
    assertDataId(id);
    return path.join(this.objectsDir, id.slice(0, 2), id);
  }

  /** A new file in tmp/ for writing. Sync and close it before commit(). */
  async openTmp(id: string): Promise<fsp.FileHandle> {
    const file = this.tmpPath(id);
    await this.ensureDir(this.tmpDir);
    return fsp.open(file, 'wx', 0o600);
  }

  /** Moves tmp/<id> to its final place and makes the rename durable. */
  async commit(id: string): Promise<void> {
    const from = this.tmpPath(id);
    const to = this.pathOf(id);
    const dir = path.dirname(to);
    await this.ensureDir(dir);
    await fsp.rename(from, to);
    await syncDir(dir);
  }

  /** Deletes a committed data file; a missing one is not an error (deletes are retried after crashes). */
  async remove(id: string): Promise<void> {
    await unlinkIfPresent(this.pathOf(id));
  }

  async removeTmp(id: string): Promise<void> {
    await unlinkIfPresent(this.tmpPath(id));
  }

  /**
   * Empties tmp/ and, with `full`, deletes committed files `referenced` says nothing points at (after an unclean
   * shutdown). Run it before the store accepts writes: a write in flight has files that are not referenced yet.
   * Names that are not data ids are left alone — they are not ours to judge.
   */
  async sweep(referenced: (id: string) => boolean, opts: { full: boolean }): Promise<SweepResult> {
    const result: SweepResult = { tmpRemoved: 0, orphansRemoved: 0 };
    for (const name of await listDir(this.tmpDir)) {
      await fsp.rm(path.join(this.tmpDir, name), { recursive: true, force: true });
      result.tmpRemoved++;
    }
    if (!opts.full) return result;
    for await (const file of this.unreferencedFiles(referenced)) {
      await unlinkIfPresent(file);
      result.orphansRemoved++;
    }
    return result;
  }

  /**
   * Committed files `referenced` says nothing points at, with their sizes, without deleting them (what a full
   * sweep would remove). Left behind by a write whose metadata sync failed, or by a crash that no sweep followed.
   * Only while no write is in flight (an admin command on a stopped store): a write's file is unreferenced until
   * its commit.
   */
  async unreferenced(referenced: (id: string) => boolean): Promise<Array<{ id: string; size: number }>> {
    const out: Array<{ id: string; size: number }> = [];
    for await (const file of this.unreferencedFiles(referenced)) {
      const st = await fsp.stat(file).catch(() => null);
      if (st?.isFile()) out.push({ id: path.basename(file), size: st.size });
    }
    return out;
  }

  /** Paths of the committed files nothing references (data ids in their own fan-out directory only). */
  private async *unreferencedFiles(referenced: (id: string) => boolean): AsyncGenerator<string> {
    for (const fan of await listDir(this.objectsDir)) {
      if (!FAN_OUT.test(fan)) continue;
      const dir = path.join(this.objectsDir, fan);
      for (const name of await listDir(dir)) {
        if (isDataId(name) && name.startsWith(fan) && !referenced(name)) yield path.join(dir, name);
      }
    }
  }

  // Creates a directory if needed; a new directory entry is only durable once its parent is fsync'd.
  private async ensureDir(dir: string): Promise<void> {
    if (this.ready.has(dir)) return;
    const first = await fsp.mkdir(dir, { recursive: true });
    if (first !== undefined) {
      // Sync the parent of every directory just created, from the top one down.
      for (let d = dir; d !== path.dirname(d); d = path.dirname(d)) {
        await syncDir(path.dirname(d));
        if (d === first) break;
      }
    }
    this.ready.add(dir);
  }
}

async function unlinkIfPresent(file: string): Promise<void> {
  try {
    await fsp.unlink(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await fsp.readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}
