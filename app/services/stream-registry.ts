// Files whose bytes come from a web page (browser mode). Each dropped file arrives in an upload request with a stream
// id the page chose; the engine reads it as a stream source. Nothing is sent before the engine asks: its first read
// "pulls" the file (the host tells the page, which answers with `PUT /upload/<id>` and the file as the body). The
// body is fed into the engine's stream with backpressure (the request is paused while the engine sends a part), so a
// file is never held whole in memory. When the item is finished, failed or will never be read (its job ended, or it
// was finished before a restart), the stream is "released" so the page can drop its File.
// Small files are asked for ahead of the engine (PREFETCH_FILES / PREFETCH_BYTES in plan order), so that their
// bytes are already here when the engine gets to them: a drop of thousands of small files then waits on the store,
// not on a round trip to the page per file, and the page sends them in few large batches (upload-batch.ts).
import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import { MAX_BATCH_FILES } from '../../shared/contract';
import type { AppError } from './errors';

/** The pipe between the request and the engine holds at most this much; the engine reads a part at a time. */
const PIPE_BYTES = 1024 * 1024;
/**
 * Files of a job asked for before the engine reads them, and their bytes at most; only files up to PIPE_BYTES.
 * The bytes bound what the host holds. The files bound is ten batch requests (MAX_BATCH_FILES each): the page reads
 * dropped files far slower than the engine uploads small ones to a nearby store, so it must be able to send them
 * well ahead, and each request costs the browser and the host about as much as a small file's bytes. Measured
 * (`npm run bench:ui -- --only drop`, 10,000 files of 128 bytes): 64 files ahead took the drop 10.1 to 11.0 s,
 * 1000 took it 12.3 to 14.0 s, 10,000 (here bounded by the files) 9.0 to 9.9 s.
 */
export const PREFETCH_FILES = 10 * MAX_BATCH_FILES;
export const PREFETCH_BYTES = 32 * 1024 * 1024;

export class PulledStream extends Readable {
  private asked = false;
  private source?: Readable;
  private from = 0;
  /**
   * The bytes of a file that arrived before the engine read it (asked for ahead), and whether all of it did. They
   * are kept here, not pushed: a push into a Readable nobody reads makes Node call _read to fill its buffer, which
   * would look like the engine's first read and ask for the next files, and so on until the page had sent the
   * whole drop into the host's memory (measured: 8,000 of 10,000 files held at once, where 1000 were meant).
   */
  private held: Buffer[] = [];
  private heldEnd = false;

  constructor(private readonly onFirstRead: () => void) {
    super({ highWaterMark: PIPE_BYTES });
    // A stream failed before the engine reads it (its page closed) keeps its error and hands it to the engine's
    // first read; until then nobody listens, and an unheard 'error' event would end the process.
    this.on('error', () => undefined);
  }

  get requested(): boolean {
    return this.asked;
  }

  /** The byte the page is asked to start from: after the parts a resumed upload already holds. */
  get offset(): number {
    return this.from;
  }

  /** Before the first read: the engine resumes an upload whose first `offset` bytes are on the server. */
  startAt(offset: number): void {
    if (this.asked) throw new Error('a stream cannot move once it was asked for');
    this.from = offset;
  }

  override _read(): void {
    if (!this.asked) {
      this.asked = true;
      this.onFirstRead();
      for (const chunk of this.held) this.push(chunk);
      this.held = [];
      if (this.heldEnd) this.push(null);
    }
    this.source?.resume();
  }

  /**
   * All of a small file's bytes at once (a batch request held them whole): no pipe and no backpressure to keep
   * (they are at most a batch file's size). Held aside until the engine reads, as with feed; dropped when the
   * item already failed.
   */
  feedWhole(bytes: Buffer): void {
    if (this.destroyed) return;
    if (!this.asked) {
      this.held.push(bytes);
      this.heldEnd = true;
      return;
    }
    if (bytes.length > 0) this.push(bytes);
    this.push(null);
  }

  /**
   * Feeds `body` in; resolves with the bytes received once all of it was handed to the reader's buffer, rejects
   * when it broke off or held more than `expected`. Once this stream is destroyed (its item failed, or the body
   * was too long) the rest of the body is read and dropped, so that the files after it in a batch still arrive.
   */
  feed(body: Readable, expected: number): Promise<number> {
    this.source = body;
    let received = 0;
    return new Promise((resolve, reject) => {
      let ended = false;
      let failed: Error | undefined;
      body.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (failed || this.destroyed) return;
        if (received > expected) {
          failed = new Error(`the page sent more than the ${expected} bytes announced for this file`);
          this.destroy(failed);
          body.resume();
          return;
        }
        if (!this.asked) {
          // Asked for ahead of the engine: a small file waits here whole (PIPE_BYTES at most) until it is read.
          this.held.push(chunk);
          if (received > PIPE_BYTES) body.pause();
          return;
        }
        if (!this.push(chunk)) body.pause();
      });
      body.on('end', () => {
        ended = true;
        if (failed) return reject(failed);
        if (this.destroyed) this.held = [];
        else if (this.asked) this.push(null);
        else this.heldEnd = true;
        resolve(received);
      });
      const broke = (err?: Error) => {
        if (ended) return;
        const e = failed ?? new Error(`the page stopped sending this file after ${received} of ${expected} bytes${err ? ` (${err.message})` : ''}; give it again`);
        if (!this.destroyed) this.destroy(e);
        reject(e);
      };
      body.on('error', broke);
      body.on('close', () => broke());
      // Destroyed while the body waited for room (its item failed): let the rest of the body flow, to be dropped.
      this.once('close', () => {
        if (!ended) body.resume();
      });
    });
  }
}

export type StreamOutcome = { ok: true } | { ok: false; error: AppError };

export interface PendingStream {
  id: string;
  jobId: string;
  key: string;
  size: number;
  /** The page (session) that announced the file; only it may send the bytes. */
  owner: string;
  stream: PulledStream;
  attached: boolean;
  outcome: Promise<StreamOutcome>;
}

export interface StreamRegistryEvents {
  /** The engine wants the file: ask the owner page to send it from `offset`. */
  pull: [{ owner: string; streamId: string; offset: number }];
  /** The stream will not be read (again): the page may drop the file. */
  release: [{ owner: string; streamId: string }];
}

type Entry = PendingStream & { settle(o: StreamOutcome): void; index: number; ahead: boolean };

/** A job's streams in plan order (the order the engine reads them) and how far ahead of it the page was asked. */
interface Window {
  order: Entry[];
  next: number;
  files: number;
  bytes: number;
}

export class StreamRegistry extends EventEmitter<StreamRegistryEvents> {
  private readonly streams = new Map<string, Entry>();
  /** The same streams by job and key: a job of 10,000 files settles each in constant time. */
  private readonly byItem = new Map<string, Entry[]>();
  private readonly windows = new Map<string, Window>();
  /** By owning page: a page closing fails its own streams without looking at everyone else's. */
  private readonly byOwner = new Map<string, Set<Entry>>();

  has(id: string): boolean {
    return this.streams.has(id);
  }

  create(init: { id: string; jobId: string; key: string; size: number; owner: string }): PendingStream {
    let settle!: (o: StreamOutcome) => void;
    const outcome = new Promise<StreamOutcome>((resolve) => (settle = resolve));
    const id = init.id;
    const itemKey = itemKeyOf(init.jobId, init.key);
    let window = this.windows.get(init.jobId);
    if (!window) this.windows.set(init.jobId, (window = { order: [], next: 0, files: 0, bytes: 0 }));
    // Its fields one by one, not spread from init: a spread made each entry cost about 8 µs (10,000 files: 80 ms
    // of the host's event loop while a page adds them), the named fields about 0.2 µs.
    const entry: Entry = {
      id,
      jobId: init.jobId,
      key: init.key,
      size: init.size,
      owner: init.owner,
      stream: new PulledStream(() => this.firstRead(entry)),
      attached: false,
      outcome,
      index: window.order.length,
      ahead: false,
      settle: (o: StreamOutcome) => {
        if (this.streams.get(id) !== entry) return;
        this.streams.delete(id);
        this.leaveWindow(entry);
        const mine = this.byOwner.get(init.owner);
        mine?.delete(entry);
        if (mine?.size === 0) this.byOwner.delete(init.owner);
        const same = this.byItem.get(itemKey)?.filter((e) => e !== entry) ?? [];
        if (same.length > 0) this.byItem.set(itemKey, same);
        else this.byItem.delete(itemKey);
        if (!o.ok && !entry.stream.destroyed) entry.stream.destroy(new Error(o.error.message));
        settle(o);
        this.emit('release', { owner: init.owner, streamId: id });
      },
    };
    this.streams.set(id, entry);
    this.byItem.set(itemKey, [...(this.byItem.get(itemKey) ?? []), entry]);
    window.order.push(entry);
    let mine = this.byOwner.get(init.owner);
    if (!mine) this.byOwner.set(init.owner, (mine = new Set()));
    mine.add(entry);
    return entry;
  }

  /** The engine reads a stream for the first time: ask for it (unless it was asked for ahead), and for the next ones. */
  private firstRead(entry: Entry): void {
    if (entry.ahead) this.leaveWindow(entry);
    else this.emit('pull', { owner: entry.owner, streamId: entry.id, offset: entry.stream.offset });
    const w = this.windows.get(entry.jobId);
    if (!w) return;
    w.next = Math.max(w.next, entry.index + 1);
    for (; w.next < w.order.length && w.files < PREFETCH_FILES; w.next++) {
      const e = w.order[w.next]!;
      if (this.streams.get(e.id) !== e || e.stream.requested || e.size > PIPE_BYTES || e.stream.offset !== 0) continue;
      if (w.bytes + e.size > PREFETCH_BYTES) break;
      e.ahead = true;
      w.files++;
      w.bytes += e.size;
      this.emit('pull', { owner: e.owner, streamId: e.id, offset: 0 });
    }
  }

  /** A stream asked for ahead is read now, or was settled: it leaves the job's prefetch window. */
  private leaveWindow(entry: Entry): void {
    if (!entry.ahead) return;
    entry.ahead = false;
    const w = this.windows.get(entry.jobId);
    if (!w) return;
    w.files--;
    w.bytes -= entry.size;
  }

  /**
   * The stream `id` if nobody has sent it yet (and, when `owner` is given, it belongs to that page); marks it
   * attached. Stream ids are random per file, so an id and the host's token are what a sender must know.
   */
  attach(id: string, owner?: string): PendingStream | undefined {
    const s = this.streams.get(id);
    if (!s || s.attached || (owner !== undefined && s.owner !== owner)) return undefined;
    s.attached = true;
    return s;
  }

  /** The job finished the item of `key` (uploaded and verified, or failed). */
  settleItem(jobId: string, key: string, outcome: StreamOutcome): void {
    for (const s of [...(this.byItem.get(itemKeyOf(jobId, key)) ?? [])]) s.settle(outcome);
  }

  /** Streams that will not be read: the job ended, or their files were already uploaded. */
  releaseJob(jobId: string, error: AppError): void {
    for (const s of this.windows.get(jobId)?.order ?? []) s.settle({ ok: false, error });
    this.windows.delete(jobId);
  }

  /** The page that owned these streams went away: the ones it never started sending fail their items. */
  failOwner(owner: string, error: AppError): void {
    for (const s of [...(this.byOwner.get(owner) ?? [])]) if (!s.attached) s.settle({ ok: false, error });
  }

  get size(): number {
    return this.streams.size;
  }
}

function itemKeyOf(jobId: string, key: string): string {
  return `${jobId}\n${key}`;
}
