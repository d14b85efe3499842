// Crash recovery of meta.db, which node-sqlite3-wasm 0.8.60 does not do on its own.
//
// After a crash in the middle of a transaction whose pages already reached the database file (a cache spill, or
// the window inside COMMIT), SQLite must roll the file back from the "hot" rollback journal when it next takes a
// lock. It decides whether the journal is hot by asking the VFS whether another connection holds a RESERVED lock
// (xCheckReservedLock). node-sqlite3-wasm implements every lock level with one directory `<db>.lock` and answers
// that question with "does the directory exist?" — and it always does at that moment, because the asking connection
// has just created it for its own SHARED lock. So the journal is never considered hot, the half-written file is read
// as is, and the result is "database disk image is malformed" (crash.test.ts reproduces it).
//
// The truthful answer, for us, is always "no": the data directory belongs to one process (StoreLock) and MetadataDb
// is its only connection. withHotJournalRecovery gives SQLite that answer while the connection takes its first lock
// (with locking_mode=EXCLUSIVE it is the only lock it ever takes), so SQLite's own, well-tested playback runs.
// assertNoHotJournal then checks the outcome from the file itself, so that a change in the driver fails loudly
// instead of serving a corrupt database.

import fs from 'node:fs';

export class HotJournalError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'HotJournalError';
  }
}

/** Bytes 0..7 of every valid rollback-journal header (sqlite.org/fileformat.html, "The Rollback Journal"). */
const JOURNAL_MAGIC = Buffer.from([0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7]);

/**
 * Runs `fn` (which must take the connection's first lock on `dbFile`) with the driver's reserved-lock check
 * answering "not held by anyone else". Synchronous, so nothing else runs while fs.accessSync is wrapped.
 */
export function withHotJournalRecovery<T>(dbFile: string, fn: () => T): T {
  const lockDir = `${dbFile}.lock`;
  const original = fs.accessSync;
  fs.accessSync = function accessSync(p: fs.PathLike, mode?: number): void {
    if (p === lockDir) {
      throw Object.assign(new Error(`ENOENT: no such file or directory, access '${lockDir}'`), { code: 'ENOENT' });
    }
    original.call(fs, p, mode);
  };
  try {
    return fn();
  } finally {
    fs.accessSync = original;
  }
}

/**
 * Throws if `<dbFile>-journal` still holds a valid journal header once the connection is open and idle. After a
 * rollback or commit SQLite deletes the journal or zeroes its header, so a remaining header means a hot journal
 * that was not played back and the database file cannot be trusted.
 */
export function assertNoHotJournal(dbFile: string): void {
  const journal = `${dbFile}-journal`;
  let fd: number;
  try {
    fd = fs.openSync(journal, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  try {
    const head = Buffer.alloc(JOURNAL_MAGIC.length);
    const n = fs.readSync(fd, head, 0, head.length, 0);
    if (n === head.length && head.equals(JOURNAL_MAGIC)) {
      throw new HotJournalError(
        `${journal} holds an interrupted transaction that was not rolled back; refusing to use ${dbFile}. ` +
          `Do not delete the journal: it is needed to restore the database`,
      );
    }
  } finally {
    fs.closeSync(fd);
  }
}
