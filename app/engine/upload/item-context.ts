// What one object's upload needs from the transfer running it: the client, the journal, the options, the
// cancel signal and pause gate, and the ways to report bytes, notices and a started multipart upload. Also the
// engine's own retry layer for parts: the client already repeats transient failures; a part that still fails,
// or whose CRC64 disagrees, is sent a few more times with backoff before the object fails.
import { Crc64 } from '../../cos/crc64';
import { CosIntegrityError, type BodyObserver, type CosClient } from '../../cos/client';
import { backoffDelay, isTransient, sleep } from '../../cos/client';
import type { JournalStore } from '../journal';
import { UploadError } from './upload-encryption';

export interface ResolvedUploadOptions {
  singlePutThreshold: number;
  partSize: number;
  partConcurrency: number;
  /** Objects uploading at once. */
  fileConcurrency: number;
  /**
   * Of those, objects above the single-PUT threshold at once (each runs `partConcurrency` parts): many small files
   * go up in parallel while large ones do not multiply into hundreds of parts in flight.
   */
  multipartConcurrency: number;
  /** Extra attempts per part (or single PUT) after the client's own retries. */
  partRetries: number;
  retryBaseDelayMs: number;
  progressIntervalMs: number;
  /**
   * Regions where server-side encryption may be asked for (default: COS's rule, app/cos/sse-regions.ts); a store
   * started with other `--sse-regions` is described by its own list.
   */
  sseRegions: readonly string[];
}

export interface ItemContext {
  client: CosClient;
  journal: JournalStore;
  options: ResolvedUploadOptions;
  signal: AbortSignal;
  /** Resolves when the transfer is not paused; rejects when it is cancelled. */
  waitIfPaused(): Promise<void>;
  addBytes(n: number): void;
  notice(message: string): void;
  /** A multipart upload exists on the server for this item (cancel aborts it). */
  uploadStarted(info: { bucket: string; key: string; uploadId: string; journalId?: string }): void;
}

function retryable(err: unknown): boolean {
  return isTransient(err) || err instanceof CosIntegrityError || (err instanceof UploadError && err.code === 'crc-mismatch');
}

/** Runs `attempt` until it succeeds, a non-retryable error occurs, or the extra attempts are used up. */
export async function withRetries<T>(ctx: ItemContext, attempt: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    await ctx.waitIfPaused();
    try {
      return await attempt();
    } catch (err) {
      if (ctx.signal.aborted || !retryable(err) || i >= ctx.options.partRetries) throw err;
      await sleep(Math.max(ctx.options.retryBaseDelayMs, backoffDelay({ attempts: 0, baseDelayMs: ctx.options.retryBaseDelayMs, maxDelayMs: 5_000 }, i + 1)), ctx.signal);
    }
  }
}

/**
 * One attempt at sending a body: reports bytes to the transfer's progress as the client reads them for sending,
 * and computes the CRC64 of what the last (client-level) attempt sent. A failed attempt takes its bytes back, so
 * progress never counts a byte twice; a body the client cannot observe (a Buffer) is counted whole on success.
 */
export class SendTap implements BodyObserver {
  private crc = new Crc64();
  private reported = 0;

  constructor(private readonly ctx: ItemContext) {}

  attempt(): void {
    this.unreport();
    this.crc = new Crc64();
  }

  chunk(data: Buffer): void {
    this.crc.update(data);
    this.reported += data.length;
    this.ctx.addBytes(data.length);
  }

  /** CRC64 of the bytes the last attempt read. */
  digest(): bigint {
    return this.crc.digest();
  }

  /** The body went through: counts whatever the tap did not see, up to `size`. */
  settle(size: number): void {
    if (this.reported < size) this.ctx.addBytes(size - this.reported);
    this.reported = size;
  }

  unreport(): void {
    if (this.reported) this.ctx.addBytes(-this.reported);
    this.reported = 0;
  }
}

/**
 * Runs one engine-level attempt with a fresh SendTap; its bytes are taken back from the progress if the attempt
 * fails (including a verification that throws after the upload).
 */
export async function withTap<T>(ctx: ItemContext, size: number, attempt: (tap: SendTap) => Promise<T>): Promise<T> {
  const tap = new SendTap(ctx);
  try {
    const result = await attempt(tap);
    tap.settle(size);
    return result;
  } catch (err) {
    tap.unreport();
    throw err;
  }
}
