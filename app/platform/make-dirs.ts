// `mkdir -p` for folders named by the user (a download destination, COFFER_HOME, a store's --data or keyring).
// Node's own `mkdir(dir, { recursive: true })` spins at 100% CPU forever when a folder's mkdir answers ENOENT although
// its parent exists, which is what procfs does (`/proc/x/y`): it takes ENOENT for a missing parent and retries the
// parent, which exists, and so on. Here the missing folders are found first and created one level at a time, so
// such a path fails at once with the folder that could not be made.
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

export async function makeDirs(dir: string, mode?: number): Promise<void> {
  const missing: string[] = [];
  for (let cur = resolve(dir); ; ) {
    const st = await stat(cur).catch((err: NodeJS.ErrnoException) => {
      // ENOTDIR: something above is a file; going up finds it and says so.
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return undefined;
      throw err;
    });
    if (st) {
      if (!st.isDirectory()) throw failed(cur, 'ENOTDIR', 'it is a file, not a folder');
      break;
    }
    const parent = dirname(cur);
    if (parent === cur) throw failed(cur, 'ENOENT', 'the drive or root does not exist');
    missing.push(cur);
    cur = parent;
  }
  for (const folder of missing.reverse()) {
    try {
      await mkdir(folder, mode === undefined ? undefined : { mode });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && (await stat(folder).catch(() => undefined))?.isDirectory()) continue; // made meanwhile
      throw failed(folder, code ?? 'EIO', code === 'ENOENT' ? 'this location cannot hold folders' : (err as Error).message);
    }
  }
}

/** The folder is in the message (not in `path`, which callers read as "this path does not exist"). */
function failed(folder: string, code: string, why: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`could not create the folder ${folder}: ${why}`), { code });
}
