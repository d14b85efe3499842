// The events a transfer emits, typed once so the IPC layer and the renderer store can rely on their shape, and
// the coalescer that keeps byte progress to at most one event per interval (a 10,000-file drop must not flood
// the renderer; style.md "Renderer state"). Every field is public: paths, keys, counts and messages; never a
// credential or an SSE-C key.
import { EventEmitter } from 'node:events';
import type { AppliedEncryption } from './upload/upload-encryption';

export type ItemState = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
export type TransferState = 'running' | 'paused' | 'completed' | 'failed' | 'cancelled';

export interface ItemProgress {
  /** Index of the item in the transfer (stable across events). */
  index: number;
  key: string;
  state: ItemState;
  bytesDone: number;
  bytesTotal: number;
  /** A sentence the user can act on when state is 'failed'. */
  error?: string;
  /** Once 'completed': the encryption the server reports it applied (not the one asked for). */
  appliedEncryption?: AppliedEncryption;
}

export interface ProgressEvent {
  transferId: string;
  state: TransferState;
  bytesDone: number;
  bytesTotal: number;
  /** Bytes per second over the last few seconds. */
  rate: number;
  /** Seconds left at the current rate; undefined while the rate is unknown. */
  etaSeconds?: number;
  counts: Record<ItemState, number>;
  /** Items whose state or bytes changed since the previous progress event. */
  items: ItemProgress[];
}

export interface NoticeEvent {
  transferId: string;
  key: string;
  message: string;
}

export interface DoneEvent {
  transferId: string;
  state: TransferState;
  counts: Record<ItemState, number>;
  /**
   * `code` says what kind of failure it was, for programs: an UploadError code ('not-encrypted', 'crc-mismatch',
   * …), a COS error code ('NoSuchBucket', 'AccessDenied', …), a file-system code ('ENOENT', …), or 'failed'.
   */
  failed: Array<{ key: string; error: string; code: string }>;
  /** Every object written, with the encryption the server reports it applied (the bucket's default may have). */
  completed: Array<{ key: string; bytes: number; appliedEncryption: AppliedEncryption }>;
}

export interface TransferEventMap {
  progress: [ProgressEvent];
  notice: [NoticeEvent];
  done: [DoneEvent];
}

/** An EventEmitter whose event names and payloads are checked by the compiler. */
export class TransferEvents extends EventEmitter<TransferEventMap> {}

/**
 * Calls `emit` at most once per `intervalMs`: the first change after a quiet period is delivered on the next
 * tick, later ones are folded into one delivery at the end of the interval. `flush()` delivers now (used for the
 * final state so the last event always shows the truth).
 */
export class Coalescer {
  private last = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly emit: () => void,
    private readonly intervalMs = 100,
    private readonly now: () => number = Date.now,
  ) {}

  mark(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.last + this.intervalMs - this.now());
    this.timer = setTimeout(() => this.fire(), wait);
    this.timer.unref?.();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.fire();
  }

  private fire(): void {
    this.timer = undefined;
    this.last = this.now();
    this.emit();
  }
}

/** Bytes per second over a sliding window of samples. */
export class RateMeter {
  private samples: Array<{ t: number; bytes: number }> = [];

  constructor(
    private readonly windowMs = 3_000,
    private readonly now: () => number = Date.now,
  ) {}

  sample(bytesDone: number): number {
    const t = this.now();
    this.samples.push({ t, bytes: bytesDone });
    while (this.samples.length > 2 && t - this.samples[0].t > this.windowMs) this.samples.shift();
    const first = this.samples[0];
    const dt = (t - first.t) / 1000;
    return dt > 0 ? Math.max(0, (bytesDone - first.bytes) / dt) : 0;
  }

  reset(): void {
    this.samples = [];
  }
}
