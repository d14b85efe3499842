// The job manager's internal shapes: what a job is asked to do (its spec, persisted in COFFER_HOME/jobs.json so it
// can be listed and resumed after a restart) and what a runner reports. What crosses to a front end is the
// contract's JobSummary (shared/contract/jobs.ts), built from these by the manager.
import type { DownloadDestination, ItemFailure, JobState, SseChoice } from '../../../shared/contract';
import type { EncryptionStateView } from '../status-scheduler';

export type { DownloadDestination, ItemFailure, JobState, SseChoice };

export type JobKind = 'upload' | 'download' | 'encrypt' | 'move' | 'delete';

export const FINISHED: ReadonlySet<JobState> = new Set(['completed', 'failed', 'cancelled']);

export type ItemState = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
export type ItemCounts = Record<ItemState, number>;

export const NO_ITEMS: ItemCounts = { queued: 0, running: 0, completed: 0, failed: 0, cancelled: 0 };

/**
 * One upload item: a local file (its object is `key`) or folder (`key` ends with '/': its contents go under it), or
 * a file a page streams (browser mode; only its identity is kept: a stream cannot be read again after a restart).
 */
export type UploadEntry = {
  key: string;
  source: { kind: 'path'; path: string } | { kind: 'stream'; name: string; size: number; lastModified: string };
};

export type JobSpec =
  | { kind: 'upload'; connectionId: string; bucket: string; prefix: string; sse: SseChoice; items: UploadEntry[] }
  | { kind: 'download'; connectionId: string; bucket: string; keys: string[]; prefixes: string[]; destination: DownloadDestination }
  | { kind: 'encrypt'; connectionId: string; bucket: string; keys: string[]; prefixes: string[]; sse: Exclude<SseChoice, { mode: 'none' }> }
  /** `sseCKeyIds`: the vault's SSE-C keys when the move started (tried on objects that need one; ids, never keys). */
  | { kind: 'move'; connectionId: string; bucket: string; moves: Array<{ from: string; to: string }>; onConflict: 'ask' | 'replace' | 'keep-both' | 'skip'; sseCKeyIds: string[] }
  | { kind: 'delete'; connectionId: string; bucket: string; keys: string[]; prefixes: string[] };

/** What a runner reports while it works. */
export interface RunnerProgress {
  bytesDone: number;
  bytesTotal: number;
  rate: number;
  etaSeconds?: number;
  counts: ItemCounts;
  failures: ItemFailure[];
  paused: boolean;
}

/** The events every runner emits, as the manager listens to them. */
export interface RunnerEvents {
  progress: [RunnerProgress];
  notice: [{ key?: string; message: string }];
  /** One item finished well: `size` bytes; `state` is its verified encryption when the work established it. */
  item: [{ key: string; size: number; etag?: string; state?: EncryptionStateView; path?: string; movedTo?: string }];
  done: [RunnerProgress & { state: 'completed' | 'failed' | 'cancelled' }];
}

export const MAX_FAILURES_SHOWN = 100;
