// Crash-safe, owner-only JSON files for key material (keyring, escrow, local KMS): write a tmp file (0600),
// fsync it, rename it over the target, fsync the directory (sse-design §6). A reader therefore sees the old or
// the new file, never a torn one, and a completed write survives power loss.

import { randomBytes } from 'node:crypto';
import { constants as fsc } from 'node:fs';
import { copyFile, chmod, link, open, rename, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { syncDir, writeSyncedTmp } from '../../platform/durable-fs';

export const SECRET_FILE_MODE = 0o600;
const IS_WINDOWS = process.platform === 'win32';

export interface WriteSecretOptions {
  /** Keep the replaced file as `<path>.bak` (itself written atomically). */
  backup?: boolean;
  /** Fail with EEXIST instead of replacing an existing file (used to create a file exactly once). */
  exclusive?: boolean;
}

export async function writeSecretFile(path: string, data: string, opts: WriteSecretOptions = {}): Promise<void> {
  const tmp = await writeSyncedTmp(path, data, SECRET_FILE_MODE);
  try {
    if (opts.exclusive) {
      // link() refuses to replace, so two processes creating the same file cannot overwrite each other.
      await link(tmp, path);
      await unlink(tmp);
    } else {
      if (opts.backup) await backupFile(path);
      await rename(tmp, path);
    }
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await syncDir(dirname(path));
}

/** Copies the current file to `<path>.bak` atomically; nothing to do when it does not exist yet. */
async function backupFile(path: string): Promise<void> {
  const tmp = `${path}.bak.tmp-${randomBytes(6).toString('hex')}`;
  try {
    await copyFile(path, tmp, fsc.COPYFILE_EXCL);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  try {
    await chmod(tmp, SECRET_FILE_MODE);
    const fh = await open(tmp, 'r+');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, `${path}.bak`);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

/**
 * Narrows a secret file's permissions to 0600 if group/other had any access. Returns true when it had to.
 * POSIX only: Windows has no mode bits to check.
 */
export async function enforceSecretMode(path: string): Promise<{ fixed: boolean; was: number }> {
  const st = await stat(path);
  const was = st.mode & 0o777;
  if (IS_WINDOWS || (was & 0o077) === 0) return { fixed: false, was };
  await chmod(path, SECRET_FILE_MODE);
  return { fixed: true, was };
}
