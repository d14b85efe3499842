// Crash-safe owner-only file writes for the vault: tmp file (0600) → fsync → rename over the target → fsync the
// directory. A reader sees the old or the new file, never a torn one. (app/store has its own copy; the vault
// keeps this one so it does not depend on the store.)

import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

export const OWNER_ONLY_FILE = 0o600;
const IS_WINDOWS = process.platform === 'win32';

export async function writeFileAtomic(path: string, data: string | Buffer, mode = OWNER_ONLY_FILE): Promise<void> {
  const tmp = `${path}.tmp-${randomBytes(6).toString('hex')}`;
  const fh = await open(tmp, 'wx', mode);
  try {
    await fh.writeFile(data);
    // The umask can only narrow the mode; be explicit in case the file system ignored it.
    if (!IS_WINDOWS) await fh.chmod(mode);
    await fh.sync();
    await fh.close();
    await rename(tmp, path);
  } catch (err) {
    await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await syncDir(dirname(path));
}

/** Makes a rename durable. Windows cannot open a directory for fsync, so there it is skipped. */
async function syncDir(dir: string): Promise<void> {
  if (IS_WINDOWS) return;
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
