// What one object's upload needs from the transfer running it: the client, the journal, the options, the
// cancel signal and pause gate, and the ways to report bytes, notices and a started multipart upload. Also the
// engine's own retry layer for parts: the client already repeats transient failures; a part that still fails,
// or whose CRC64 disagrees, is sent a few more times with backoff before the object fails.
import { createReadStream } from 'node:fs';
import { Crc64 } from '../../cos/crc64';
import { CosIntegrityError, type CosClient } from '../../cos/client';
import { backoffDelay, isTransient, sleep } from '../../cos/client';
import type { JournalStore } from '../journal';
import { UploadError } from './upload-encryption';

export interface ResolvedUploadOptions {
  singlePutThreshold: number;
  partSize: number;
  partConcurrency: number;
  fileConcurrency: number;
  /** Extra attempts per part (or single PUT) after the client's own retries. */
  partRetries: number;
  retryBaseDelayMs: number;
  progressIntervalMs: number;
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

/** CRC64 of bytes start..end (inclusive) of a file. */
export async function fileRangeCrc(path: string, start: number, end: number): Promise<bigint> {
  const crc = new Crc64();
  if (end >= start) for await (const chunk of createReadStream(path, { start, end })) crc.update(chunk as Buffer);
  return crc.digest();
}

/** Runs `fn` over `items` with at most `n` at once; stops taking new items after the first failure. */
export async function boundedAll<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { err: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      const item = items[next++];
      try {
        await fn(item);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(n, items.length)) }, worker));
  if (failure) throw failure.err;
}
