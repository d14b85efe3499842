// The Encryption column's HEADs, scheduled for what is on screen (architecture.md, journey 2). Each window (a
// "view") says which rows it shows; only those are looked up, the ones that appeared last first, and rows that
// scrolled away before their turn are dropped from the queue, never HEADed. Answers are cached by version
// (bucket, key, ETag, Last-Modified); the engine's EncryptionStatusService does the HEAD and its interpretation
// (an SSE-C object answers 400 without its key). Jobs that know an object's encryption tell the scheduler, so a
// finished upload or encrypt-in-place shows its verified mode without another HEAD.
import type { SseInfo } from '../cos/client';
import type { EncryptionStatus, EncryptionStatusService } from '../engine/encryption-status';
import { LruCache } from '../engine/encryption-status-lru';
import type { AppError } from './errors';
import { listingActivity, type ListingActivity } from './listing';

/** The Encryption cell, as the contract carries it. */
export type EncryptionStateView =
  | { state: 'checking' }
  | { state: 'encrypted'; mode: 'SSE-COS' | 'SSE-KMS' | 'SSE-C'; kmsKeyId?: string }
  | { state: 'not-encrypted' }
  | { state: 'error'; error: AppError };

export interface StatusRow {
  key: string;
  etag: string;
  /** When given, a fresh upload's answer is taken only for a row of the size uploaded. */
  size?: number;
}

export interface StatusChange {
  bucket: string;
  key: string;
  /** Absent when a job reported the object before its version was known (a fresh upload). */
  etag?: string;
  state: EncryptionStateView;
}

export function stateOf(s: EncryptionStatus): EncryptionStateView {
  switch (s.mode) {
    case 'SSE-COS':
      return { state: 'encrypted', mode: 'SSE-COS' };
    case 'SSE-KMS':
      return s.keyId ? { state: 'encrypted', mode: 'SSE-KMS', kmsKeyId: s.keyId } : { state: 'encrypted', mode: 'SSE-KMS' };
    case 'SSE-C':
      return { state: 'encrypted', mode: 'SSE-C' };
    case 'none':
      return { state: 'not-encrypted' };
    case 'unknown': {
      const forbidden = s.error.status === 403;
      const gone = s.error.status === 404;
      const message = forbidden
        ? "Coffer couldn't check this object's encryption: these credentials may not read its details."
        : gone
          ? 'This object is no longer there; refresh the list.'
          : s.error.code === 'UnrecognizedEncryption'
            ? `The server reports an encryption Coffer does not recognize (${s.error.message}).`
            : `Coffer couldn't check this object's encryption (${s.error.code}); retry.`;
      const kind = forbidden ? 'access' : gone ? 'not-found' : 'failed';
      return { state: 'error', error: { kind, code: s.error.code, message, details: { code: s.error.code, ...(s.error.status ? { httpStatus: s.error.status } : {}) } } };
    }
    default: {
      const never: never = s;
      throw new TypeError(`unknown encryption status ${JSON.stringify(never)}`);
    }
  }
}

/** What an answer's SSE echo says (an algorithm this client does not know is never "not encrypted"). */
export function stateOfEcho(info: SseInfo): EncryptionStateView {
  if (info.mode === 'none' && info.unrecognized) {
    return stateOf({ mode: 'unknown', error: { code: 'UnrecognizedEncryption', message: `the server reports encryption "${info.unrecognized}"` } });
  }
  return stateOf(info.mode === 'none' ? { mode: 'none' } : info);
}

interface Pending extends StatusRow {
  bucket: string;
  id: string;
  /** Skip the service's cache too. */
  force?: boolean;
}

/**
 * A version is (bucket, key, ETag). Encrypt-in-place keeps an object's ETag (the MD5 of the same bytes), so what
 * this process encrypts is recorded over the old answer; a change made by another tool needs "Retry" (force).
 */
function versionId(bucket: string, key: string, etag: string): string {
  return JSON.stringify([bucket, key, etag]);
}

export interface StatusSchedulerOptions {
  /** The status service (HEAD + interpretation) for a bucket's region. */
  serviceFor: (bucket: string) => Promise<EncryptionStatusService>;
  /** HEADs in flight at most (default 8). */
  concurrency?: number;
  cacheSize?: number;
  emit: (change: StatusChange) => void;
  /** List pages in flight (default: this process's): no new HEAD starts while one is, so the page comes first. */
  listing?: ListingActivity;
}

/** The longest a HEAD waits for list pages: a list that hangs must not leave every cell "Checking…". */
const LISTING_HOLD_MS = 2_000;

export class StatusScheduler {
  private readonly cache: LruCache<string, EncryptionStateView>;
  /** Per view: the bucket it shows and the versions on its screen. */
  private readonly views = new Map<string, { bucket: string; ids: Set<string> }>();
  private queue: Pending[] = [];
  private readonly inFlight = new Set<string>();
  /** Objects a job just wrote, whose version the listing will show: bucket\0key → what they are. */
  private readonly fresh = new Map<string, { state: EncryptionStateView; size: number; at: number }>();
  private readonly concurrency: number;
  private readonly listing: ListingActivity;
  /** The pump waits for a list page to arrive (or LISTING_HOLD_MS) before starting more HEADs. */
  private holding = false;
  /** HEADs started, for tests and diagnostics. */
  readonly stats = { started: 0, dropped: 0 };

  constructor(private readonly opts: StatusSchedulerOptions) {
    this.concurrency = Math.max(1, opts.concurrency ?? 8);
    this.listing = opts.listing ?? listingActivity;
    this.cache = new LruCache(opts.cacheSize ?? 50_000);
  }

  /**
   * The rows `viewId` shows now (replacing what it showed). Rows already known are answered at once (through
   * `emit`, and returned); the others are queued ahead of everything queued before. Queued rows no longer on any
   * screen are dropped. `force` looks the rows up again even when an answer is cached ("Retry").
   */
  watch(viewId: string, bucket: string, rows: readonly StatusRow[], force = false): { known: Array<{ key: string; etag: string; state: EncryptionStateView }>; queued: number } {
    const known: Array<{ key: string; etag: string; state: EncryptionStateView }> = [];
    const ids = new Set<string>();
    const wanted: Pending[] = [];
    for (const r of rows) {
      const id = versionId(bucket, r.key, r.etag);
      ids.add(id);
      if (force) this.cache.deleteWhere((k) => k === id);
      const state = force ? undefined : (this.cache.get(id) ?? this.adoptFresh(bucket, r, id));
      if (state) known.push({ key: r.key, etag: r.etag, state });
      else if (!this.inFlight.has(id)) wanted.push({ ...r, bucket, id, force });
    }
    this.views.set(viewId, { bucket, ids });
    const onScreen = this.onScreen();
    const before = this.queue.length;
    const queuedIds = new Set(wanted.map((w) => w.id));
    // What appeared last is what the user looks at now: it goes first.
    this.queue = [...wanted, ...this.queue.filter((p) => onScreen.has(p.id) && !queuedIds.has(p.id))];
    this.stats.dropped += Math.max(0, before + wanted.length - this.queue.length);
    for (const k of known) this.opts.emit({ bucket, key: k.key, etag: k.etag, state: k.state });
    this.pump();
    return { known, queued: wanted.length };
  }

  /** Views went away (a window closed, a page reloaded: every view whose id starts with `prefix`). */
  forgetViews(prefix: string): void {
    for (const id of [...this.views.keys()]) if (id.startsWith(prefix)) this.views.delete(id);
    const onScreen = this.onScreen();
    this.queue = this.queue.filter((p) => onScreen.has(p.id));
  }

  /** A job verified this version's encryption (encrypt-in-place's final HEAD): no HEAD is needed for it. */
  record(bucket: string, row: StatusRow, state: EncryptionStateView): void {
    this.cache.set(versionId(bucket, row.key, row.etag), state);
    this.opts.emit({ bucket, key: row.key, etag: row.etag, state });
  }

  /**
   * An upload just wrote `key` with a verified encryption, before its ETag is known here: the next status request
   * for that key (of the size uploaded, within ten minutes) takes that answer without a HEAD.
   */
  recordFresh(bucket: string, key: string, size: number, state: EncryptionStateView): void {
    this.fresh.delete(`${bucket}\0${key}`);
    this.fresh.set(`${bucket}\0${key}`, { state, size, at: Date.now() });
    if (this.fresh.size > 20_000) this.fresh.delete(this.fresh.keys().next().value as string);
    this.invalidate(bucket, key);
  }

  /** Forgets what is known about a bucket (or one key): it changed outside what this process saw. */
  invalidate(bucket: string, key?: string): void {
    const prefix = key === undefined ? JSON.stringify([bucket]).slice(0, -1) + ',' : JSON.stringify([bucket, key]).slice(0, -1) + ',';
    this.cache.deleteWhere((k) => k.startsWith(prefix));
  }

  private adoptFresh(bucket: string, row: StatusRow, id: string): EncryptionStateView | undefined {
    const f = this.fresh.get(`${bucket}\0${row.key}`);
    if (!f) return undefined;
    if (Date.now() - f.at > 10 * 60_000 || (row.size !== undefined && row.size !== f.size)) {
      this.fresh.delete(`${bucket}\0${row.key}`);
      return undefined;
    }
    this.fresh.delete(`${bucket}\0${row.key}`);
    this.cache.set(id, f.state);
    return f.state;
  }

  private onScreen(): Set<string> {
    const all = new Set<string>();
    for (const v of this.views.values()) for (const id of v.ids) all.add(id);
    return all;
  }

  /** `held`: this round follows a wait for the listing, and starts HEADs even if a (hung) list is still running. */
  private pump(held = false): void {
    if (this.holding) return;
    if (!held && this.queue.length > 0 && this.listing.busy) {
      this.holding = true;
      const resume = () => {
        if (!this.holding) return;
        this.holding = false;
        clearTimeout(timer);
        this.pump(true);
      };
      const timer = setTimeout(resume, LISTING_HOLD_MS);
      timer.unref?.();
      this.listing.whenIdle(resume);
      return;
    }
    while (this.inFlight.size < this.concurrency && this.queue.length > 0) {
      const next = this.queue.shift()!;
      if (this.inFlight.has(next.id)) continue;
      this.inFlight.add(next.id);
      this.stats.started++;
      void this.lookUp(next);
    }
  }

  private async lookUp(p: Pending): Promise<void> {
    let state: EncryptionStateView;
    try {
      const service = await this.opts.serviceFor(p.bucket);
      if (p.force) service.invalidate(p.bucket, p.key);
      state = stateOf(await service.get(p.bucket, p.key, { etag: p.etag }));
    } catch (err) {
      state = { state: 'error', error: { kind: 'failed', code: 'Failed', message: `Coffer couldn't check this object's encryption: ${(err as Error).message}`, details: {} } };
    }
    this.inFlight.delete(p.id);
    if (state.state !== 'error') this.cache.set(p.id, state);
    this.opts.emit({ bucket: p.bucket, key: p.key, etag: p.etag, state });
    this.pump();
  }
}
