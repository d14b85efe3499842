// Ownership of a data directory by one process: `<dataDir>/store.lock`, created exclusively and holding the
// owner's pid. Everything else in the directory (meta.db and its SQLite lock, data files) may only be touched
// while holding it. It is also what makes a crash recoverable: node-sqlite3-wasm locks with a directory
// `meta.db.lock` that a killed process leaves behind (and that would make every later open fail with "database is
// locked"); only the process that holds store.lock, having seen its previous owner dead, may remove it.
//
// The lock file's pid is checked with kill(pid, 0), so the lock is for one machine: a data directory on a network
// share used from two hosts is not protected.

import { mkdirSync, readFileSync, rmdirSync, unlinkSync } from 'node:fs';
import { promises as fsp } from 'node:fs';
import path from 'node:path';

const LOCK_FILE = 'store.lock';
// Serialises the inspect-and-take-over step between processes starting at the same moment (two of them seeing the
// same dead owner must not both take over). Held for a few milliseconds; one older than MUTEX_STALE_MS was left by
// a process that died inside that window.
const MUTEX_DIR = 'store.lock.mutex';
const MUTEX_STALE_MS = 10_000;
const MUTEX_WAIT_MS = 5_000;
const SQLITE_LOCK_DIR = 'meta.db.lock';

/** Lock files held by this process, so a second acquire in the same process fails instead of taking over. */
const heldHere = new Set<string>();

export class StoreBusyError extends Error {
  readonly pid: number;
  readonly dataDir: string;
  constructor(dataDir: string, pid: number) {
    super(
      pid === process.pid
        ? `the store in ${dataDir} is already open in this process`
        : `the store in ${dataDir} is in use by process ${pid}; stop it first`,
    );
    this.name = 'StoreBusyError';
    this.pid = pid;
    this.dataDir = dataDir;
  }
}

export class StoreLock {
  private released = false;
  private readonly onExit = () => this.releaseSync();

  private constructor(
    readonly dataDir: string,
    private readonly lockPath: string,
    /** A previous owner died without releasing: the store may hold orphan data files (run a full sweep). */
    readonly unclean: boolean,
  ) {
    heldHere.add(lockPath);
    // On a normal exit (including process.exit) the lock goes with the process. Death by a signal skips this;
    // the next start then sees a dead owner and takes over as unclean.
    process.on('exit', this.onExit);
  }

  /** Takes the data directory or throws StoreBusyError naming the live owner. Creates the directory if needed. */
  static async acquire(dataDir: string): Promise<StoreLock> {
    const dir = path.resolve(dataDir);
    await fsp.mkdir(dir, { recursive: true });
    const lockPath = path.join(dir, LOCK_FILE);
    if (heldHere.has(lockPath)) throw new StoreBusyError(dir, process.pid);
    await takeMutex(dir);
    try {
      // Again under the mutex: another acquire in this process may have won while we waited for it.
      if (heldHere.has(lockPath)) throw new StoreBusyError(dir, process.pid);
      if (await createLockFile(lockPath)) return new StoreLock(dir, lockPath, false);
      const owner = await readOwner(lockPath);
      // Our own pid in the file, but not held here: a previous process that had the same pid (pid reuse, e.g.
      // pid 1 in a container) and died. Unparseable content: a writer died between create and write.
      if (owner !== null && owner !== process.pid && isAlive(owner)) throw new StoreBusyError(dir, owner);
      await fsp.rm(lockPath, { force: true });
      // The dead owner may have died holding SQLite's lock; we own the directory now, so nobody else can hold it.
      // The rollback journal (meta.db-journal) is left alone: the next open rolls an interrupted transaction back.
      await fsp.rm(path.join(dir, SQLITE_LOCK_DIR), { recursive: true, force: true });
      if (!(await createLockFile(lockPath))) {
        throw new Error(`could not create ${lockPath} after removing a stale lock; is another program writing there?`);
      }
      return new StoreLock(dir, lockPath, true);
    } finally {
      await fsp.rm(path.join(dir, MUTEX_DIR), { recursive: true, force: true });
    }
  }

  /**
   * Throws StoreBusyError when a live process holds the data directory; reads only. Lets a command say so before
   * it does anything else (e.g. before `serve` checks its port, which the holder may be listening on).
   */
  static async assertFree(dataDir: string): Promise<void> {
    const dir = path.resolve(dataDir);
    const owner = await readOwner(path.join(dir, LOCK_FILE)).catch(() => null);
    if (owner !== null && (owner !== process.pid || heldHere.has(path.join(dir, LOCK_FILE))) && isAlive(owner)) {
      throw new StoreBusyError(dir, owner);
    }
  }

  /** Removes the lock file. Close the MetadataDb first. Idempotent. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    process.off('exit', this.onExit);
    heldHere.delete(this.lockPath);
    if ((await readOwner(this.lockPath).catch(() => null)) === process.pid) await fsp.rm(this.lockPath, { force: true });
  }

  private releaseSync(): void {
    if (this.released) return;
    this.released = true;
    heldHere.delete(this.lockPath);
    try {
      // The process is ending, so a SQLite connection left open dies with it; drop its lock directory while we
      // still own the store, or the next start (which will see a clean release) could not open meta.db. An
      // interrupted transaction's journal stays and is rolled back on that open.
      rmdirSync(path.join(this.dataDir, SQLITE_LOCK_DIR));
    } catch {
      // ENOENT: the database was closed properly.
    }
    try {
      if (parsePid(readFileSync(this.lockPath, 'utf8')) === process.pid) unlinkSync(this.lockPath);
    } catch {
      // Nothing more can be done while exiting; the next start treats the leftover lock as stale.
    }
  }
}

/** Creates the lock file holding our pid; false if one exists. */
async function createLockFile(lockPath: string): Promise<boolean> {
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(lockPath, 'wx', 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    await fh.writeFile(`${process.pid}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
  return true;
}

async function readOwner(lockPath: string): Promise<number | null> {
  return parsePid(await fsp.readFile(lockPath, 'utf8'));
}

function parsePid(text: string): number | null {
  const pid = Number(text.split('\n')[0].trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user — alive.
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

async function takeMutex(dir: string): Promise<void> {
  const mutex = path.join(dir, MUTEX_DIR);
  const deadline = Date.now() + MUTEX_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(mutex);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const stat = await fsp.stat(mutex).catch(() => null);
    if (stat && Date.now() - stat.mtimeMs > MUTEX_STALE_MS) {
      await fsp.rm(mutex, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${mutex}; another Coffer store is starting on ${dir}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
