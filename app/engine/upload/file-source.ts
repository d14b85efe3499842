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
 * Whether a transfer may read its planned small files synchronously. Each asynchronous step (open, read, close) is
 * a hop to the thread pool whose wake-up preempts this thread on a small machine; synchronous reads of 4 KiB files
 * took ~12% less client CPU per file and sent ~6% more files per second (5 alternating pairs, engine against the
 * bundled store, 2 cores). A synchronous read blocks the event loop, though, which is only acceptable while reads
 * are as fast as the page cache or a local SSD makes them (tens of microseconds): one read slower than
 * SLOW_SYNC_READ_MS, or reads slower than SLOW_AVERAGE_READ_MS on average (a network share, a spinning disk), turn
 * it off for the rest of the transfer. The average smooths over a thread that was merely preempted or paused for
 * garbage collection mid-read.
 */
export class SmallFileReads {
  sync = true;
  private reads = 0;
  private averageMs = 0;

  /** `now` is injectable so the policy can be tested without depending on how busy the machine is. */
  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Runs a synchronous read, timed against the limits above. */
  timed<T>(read: () => T): T {
    const started = this.now();
    try {
      return read();
    } finally {
      const ms = this.now() - started;
      this.reads++;
      this.averageMs += (ms - this.averageMs) / Math.min(this.reads, AVERAGE_OVER_READS);
      if (ms > SLOW_SYNC_READ_MS || (this.reads >= AVERAGE_OVER_READS && this.averageMs > SLOW_AVERAGE_READ_MS)) this.sync = false;
    }
  }
}

export const SLOW_SYNC_READ_MS = 20;
export const SLOW_AVERAGE_READ_MS = 1;
/** The average is over about this many of the latest reads (and judged only once that many were timed). */
export const AVERAGE_OVER_READS = 16;

/**
 * Read-only, and O_NONBLOCK so that a path that became a FIFO since it was planned does not block open() until a
 * writer appears (a thread-pool thread, or this thread for a synchronous read); regular files ignore the flag.
 * (Windows has no O_NONBLOCK.)
 */
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

/**
 * openFileSource's answer, read synchronously; undefined in the unlikely case that the file grows while it is read
 * (the asynchronous path then reads it as it is). A synchronous fstat costs a microsecond or two, unlike a
 * thread-pool hop, so this one checks what the path is first.
 */
function readSync(path: string, maxInMemory: number): FileSourceInfo | undefined {
  const fd = fs.openSync(path, OPEN_FLAGS);
  try {
    const st = fs.fstatSync(fd);
    const info = { isFile: st.isFile(), size: st.size, mtimeMs: st.mtimeMs };
    if (!info.isFile || st.size > maxInMemory) return info;
    const buf = Buffer.allocUnsafe(st.size + 1);
    let got = 0;
    while (got < buf.length) {
      const n = fs.readSync(fd, buf, got, buf.length - got, got);
      if (n === 0) break;
      got += n;
    }
    return got > st.size ? undefined : { ...info, size: got, data: buf.subarray(0, got) };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Opens a file once and returns what the upload needs: its bytes when it is small, else its size and mtime.
 * A small file whose planned size is known is read without a stat (one more than the planned size is asked for,
 * so growth is noticed and falls back to the stat). Callback fs rather than fs/promises: a FileHandle and a promise
 * per step cost twice the CPU per small file (~59 vs ~30 µs measured here), the engine's largest cost with many
 * small files. Cheaper still, while `reads` allows it, a planned small file is read synchronously (SmallFileReads).
 */
export function openFileSource(path: string, maxInMemory: number, plannedSize?: number, reads?: SmallFileReads): Promise<FileSourceInfo> {
  if (reads?.sync && plannedSize !== undefined && plannedSize <= maxInMemory) {
    try {
      const info = reads.timed(() => readSync(path, maxInMemory));
      if (info) return Promise.resolve(info);
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }
  return new Promise((resolve, reject) => {
    fs.open(path, OPEN_FLAGS, (err, fd) => {
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
        const code = (readErr as NodeJS.ErrnoException | null)?.code;
        if (readErr) return code === 'EISDIR' || code === 'ESPIPE' || code === 'EAGAIN' ? viaStat() : finish(readErr);
        // Grown or shrunk since it was planned, or no regular file any more (a FIFO reads as empty): look first.
        if (data!.length !== plannedSize) return viaStat();
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
