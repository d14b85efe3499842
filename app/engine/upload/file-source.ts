// Opening a file source for upload: one descriptor, and the bytes themselves when the file is small (they are then
// sent from memory, replayable and with their CRC64 computed once).
import fs from 'node:fs';

/**
 * Files up to this size are read into memory once and sent from there: one open, fstat, read and close, instead
 * of a stat and two streams (the PUT's and the CRC's), which dominated the engine's CPU per object with many small
 * files. File concurrency bounds the memory (16 × 256 KiB by default).
 */
export const IN_MEMORY_MAX_BYTES = 256 * 1024;

export interface FileSourceInfo {
  isFile: boolean;
  size: number;
  /** Known when the file was stat'ed (always for files that are not read into memory). */
  mtimeMs?: number;
  /** The bytes, for a regular file of at most `maxInMemory` bytes. */
  data?: Buffer;
}

/**
 * Opens a file once and returns what the upload needs: its bytes when it is small, else its size and mtime.
 * A small file whose planned size is known is read without a stat (one more than the planned size is asked for,
 * so growth is noticed and falls back to the stat). Callback fs rather than fs/promises: a FileHandle and a promise
 * per step cost twice the CPU per small file (~59 vs ~30 µs measured here), the engine's largest cost with many
 * small files.
 */
export function openFileSource(path: string, maxInMemory: number, plannedSize?: number): Promise<FileSourceInfo> {
  return new Promise((resolve, reject) => {
    fs.open(path, 'r', (err, fd) => {
      if (err) return reject(err);
      // Answered without waiting for the close: nothing uses the descriptor afterwards, and a failed close of a
      // read-only descriptor loses nothing.
      const finish = (error: Error | null, value?: FileSourceInfo) => {
        fs.close(fd, () => undefined);
        if (error) reject(error);
        else resolve(value!);
      };
      const viaStat = () =>
        fs.fstat(fd, (statErr, st) => {
          if (statErr) return finish(statErr);
          const info = { isFile: st.isFile(), size: st.size, mtimeMs: st.mtimeMs };
          if (!info.isFile || st.size > maxInMemory) return finish(null, info);
          readUpTo(fd, st.size, undefined, (readErr, data) => (readErr ? finish(readErr) : finish(null, { ...info, size: data!.length, data })));
        });
      if (plannedSize === undefined || plannedSize > maxInMemory) return viaStat();
      readUpTo(fd, plannedSize + 1, plannedSize, (readErr, data) => {
        if (readErr) return (readErr as NodeJS.ErrnoException).code === 'EISDIR' ? viaStat() : finish(readErr);
        if (data!.length > plannedSize) return viaStat(); // grew since it was planned
        finish(null, { isFile: true, size: data!.length, data });
      });
    });
  });
}

/**
 * Reads from the start of `fd` until `max` bytes or the end of the file. A read that stops short exactly at
 * `expected` bytes is taken as the end (a regular file's read only stops short at its end), which saves the one
 * more read that would return 0 — a thread-pool round trip per small file.
 */
function readUpTo(fd: number, max: number, expected: number | undefined, done: (err: Error | null, data?: Buffer) => void): void {
  const buf = Buffer.allocUnsafe(max);
  const from = (got: number): void => {
    if (got === max) return done(null, buf);
    fs.read(fd, buf, got, max - got, got, (err, n) => {
      if (err) return done(err);
      if (n === 0 || got + n === expected) return done(null, buf.subarray(0, got + n));
      from(got + n);
    });
  };
  from(0);
}

/**
 * Whether a file still has the size and modification time its upload started from. Parts and larger single PUTs
 * read the file while they send it, so a file written to meanwhile would become an object that matches no version of
 * it, though every byte's CRC64 checks out (the CRC is of what was read). A file that is gone counts as changed.
 */
export async function unchangedSince(path: string, size: number, mtimeMs: number): Promise<boolean> {
  try {
    const st = await fs.promises.stat(path);
    return st.size === size && st.mtimeMs === mtimeMs;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}
