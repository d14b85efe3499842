// Files whose bytes come from a web page (browser mode). Each dropped file arrives in an upload request with a stream
// id the page chose; the engine reads it as a stream source. Nothing is sent before the engine asks: its first read
// "pulls" the file (the host tells the page, which answers with `PUT /upload/<id>` and the file as the body). The
// body is fed into the engine's stream with backpressure (the request is paused while the engine sends a part), so a
// file is never held whole in memory. When the item is finished, failed or will never be read (its job ended, or it
// was finished before a restart), the stream is "released" so the page can drop its File.
import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import type { AppError } from './errors';

/** The pipe between the request and the engine holds at most this much; the engine reads a part at a time. */
const PIPE_BYTES = 1024 * 1024;

export class PulledStream extends Readable {
  private asked = false;
  private source?: Readable;
  private from = 0;

  constructor(private readonly onFirstRead: () => void) {
    super({ highWaterMark: PIPE_BYTES });
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
    }
    this.source?.resume();
  }

  /** Feeds `body` in; resolves once all of it was handed to the reader's buffer, rejects when it broke off. */
  feed(body: Readable, expected: number): Promise<number> {
    this.source = body;
    let received = 0;
    return new Promise((resolve, reject) => {
      let ended = false;
      body.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > expected) {
          const err = new Error(`the page sent more than the ${expected} bytes announced for this file`);
          this.destroy(err);
          body.destroy();
          reject(err);
          return;
        }
        if (!this.push(chunk)) body.pause();
      });
      body.on('end', () => {
        ended = true;
        this.push(null);
        resolve(received);
      });
      const broke = (err?: Error) => {
        if (ended) return;
        const e = new Error(`the page stopped sending this file after ${received} of ${expected} bytes${err ? ` (${err.message})` : ''}; give it again`);
        this.destroy(e);
        reject(e);
      };
      body.on('error', broke);
      body.on('close', () => broke());
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

export class StreamRegistry extends EventEmitter<StreamRegistryEvents> {
  private readonly streams = new Map<string, PendingStream & { settle(o: StreamOutcome): void }>();

  has(id: string): boolean {
    return this.streams.has(id);
  }

  create(init: { id: string; jobId: string; key: string; size: number; owner: string }): PendingStream {
    let settle!: (o: StreamOutcome) => void;
    const outcome = new Promise<StreamOutcome>((resolve) => (settle = resolve));
    const id = init.id;
    const entry = {
      ...init,
      stream: new PulledStream(() => this.emit('pull', { owner: init.owner, streamId: id, offset: entry.stream.offset })),
      attached: false,
      outcome,
      settle: (o: StreamOutcome) => {
        if (this.streams.get(id) !== entry) return;
        this.streams.delete(id);
        if (!o.ok && !entry.stream.destroyed) entry.stream.destroy(new Error(o.error.message));
        settle(o);
        this.emit('release', { owner: init.owner, streamId: id });
      },
    };
    this.streams.set(id, entry);
    return entry;
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
    for (const s of [...this.streams.values()]) if (s.jobId === jobId && s.key === key) s.settle(outcome);
  }

  /** Streams that will not be read: the job ended, or their files were already uploaded. */
  releaseJob(jobId: string, error: AppError): void {
    for (const s of [...this.streams.values()]) if (s.jobId === jobId) s.settle({ ok: false, error });
  }

  /** The page that owned these streams went away: the ones it never started sending fail their items. */
  failOwner(owner: string, error: AppError): void {
    for (const s of [...this.streams.values()]) if (s.owner === owner && !s.attached) s.settle({ ok: false, error });
  }

  get size(): number {
    return this.streams.size;
  }
}
