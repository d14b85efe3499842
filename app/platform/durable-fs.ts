// Crash-safe file writes shared by the store (key material, data files) and the vault: a tmp file written and
// fsynced, renamed over the target, then the directory fsynced, so a reader sees the old or the new file, never a
// torn one, and a completed write survives power loss. Plain Node, no dependencies: every layer may use it.
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

const IS_WINDOWS = process.platform === 'win32';

/**
 * Makes a directory's entries (a rename, a create) durable. Windows cannot open a directory for fsync (and its
 * file systems journal metadata themselves), so it is a no-op there.
 */
export async function syncDir(dir: string): Promise<void> {
  if (IS_WINDOWS) return;
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Writes `data` to a new `<path>.tmp-<random>` with `mode`, fsynced and closed; returns its name. */
export async function writeSyncedTmp(path: string, data: string | Buffer, mode: number): Promise<string> {
  const tmp = `${path}.tmp-${randomBytes(6).toString('hex')}`;
  const fh = await open(tmp, 'wx', mode);
  try {
    await fh.writeFile(data);
    // The umask can only narrow the mode; be explicit in case the file system ignored it.
    if (!IS_WINDOWS) await fh.chmod(mode);
    await fh.sync();
  } catch (err) {
    await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fh.close();
  return tmp;
}

/** tmp → fsync → rename over `path` → fsync the directory. */
export async function writeFileAtomic(path: string, data: string | Buffer, mode: number): Promise<void> {
  const tmp = await writeSyncedTmp(path, data, mode);
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await syncDir(dirname(path));
}
