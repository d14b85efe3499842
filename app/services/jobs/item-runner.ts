// The part downloads and encrypt-in-place share: a list of items (objects) worked through by a few workers, with
// per-item state and bytes, coalesced progress (rate, ETA), and the same controls as an upload: pause (nothing new
// starts; with `abortOnPause` the items in flight stop too and go back to the queue, e.g. a download keeps its
// partial file and continues from it), resume, cancel (in-flight work aborted) and retry of the failed items.
// Items can be added while the job runs (a prefix is expanded page by page).
import { EventEmitter } from 'node:events';
import { CosAbortError } from '../../cos/client';
import { Coalescer, RateMeter } from '../../engine/transfer-events';
import { toAppError } from '../errors';
import type { EncryptionStateView } from '../status-scheduler';
import { MAX_FAILURES_SHOWN, type ItemCounts, type ItemFailure, type ItemState, type RunnerEvents, type RunnerProgress } from './job-types';

export interface RunnerItem {
  key: string;
  /** Size when known in advance (a listing said it). */
  size?: number;
}

interface Rec<T extends RunnerItem> {
  item: T;
  state: ItemState;
  bytesDone: number;
  bytesTotal: number;
  failure?: ItemFailure;
  controller?: AbortController;
}

export interface ItemWork {
  signal: AbortSignal;
  /** Bytes of this item done so far (a download's bytes on disk, including those kept from an earlier attempt). */
  setBytes(done: number, total?: number): void;
  notice(message: string): void;
}

const PAUSED = Symbol('paused');

export abstract class ItemRunner<T extends RunnerItem> extends EventEmitter<RunnerEvents> {
  private readonly recs: Array<Rec<T>> = [];
  /** Items waiting their turn, in order (a paused item goes back to the front). */
  private queue: Array<Rec<T>> = [];
  private active = 0;
  private paused = false;
  private cancelled = false;
  private finished = false;
  /** More items may still be added (the listing is not complete). */
  private open = true;
  private readonly rate = new RateMeter();
  private readonly coalescer: Coalescer;
  private doneResolve?: () => void;
  private settledPromise: Promise<void>;

  constructor(
    private readonly concurrency: number,
    private readonly abortOnPause: boolean,
    progressIntervalMs = 200,
  ) {
    super();
    this.coalescer = new Coalescer(() => this.emit('progress', this.progress()), progressIntervalMs);
    this.settledPromise = new Promise((resolve) => (this.doneResolve = resolve));
  }

  /** Settles when the current run has finished (again after a retry). */
  get settled(): Promise<void> {
    return this.settledPromise;
  }

  protected abstract work(item: T, w: ItemWork): Promise<{ etag?: string; state?: EncryptionStateView; movedTo?: string } | void>;

  /** Called when the job is cancelled, for each item that did not complete (e.g. to delete a partial file). */
  protected async discard(_item: T): Promise<void> {}

  add(items: T[]): void {
    for (const item of items) {
      const rec: Rec<T> = { item, state: 'queued', bytesDone: 0, bytesTotal: item.size ?? 0 };
      this.recs.push(rec);
      this.queue.push(rec);
    }
    this.coalescer.mark();
    this.pump();
  }

  /** No more items will be added. */
  close(): void {
    this.open = false;
    this.pump();
  }

  /** The listing failed: the job ends with this failure beside whatever items it had. */
  failListing(key: string, err: unknown): void {
    this.recs.push({ item: { key } as T, state: 'failed', bytesDone: 0, bytesTotal: 0, failure: { key, error: toAppError(err) } });
    this.close();
  }

  get isPaused(): boolean {
    return this.paused;
  }

  get isFinished(): boolean {
    return this.finished;
  }

  pause(): void {
    if (this.finished || this.cancelled || this.paused) return;
    this.paused = true;
    if (this.abortOnPause) for (const r of this.recs) if (r.state === 'running') r.controller?.abort(PAUSED);
    this.coalescer.mark();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.rate.reset();
    this.coalescer.mark();
    this.pump();
  }

  async cancel(): Promise<void> {
    if (this.finished) return;
    this.cancelled = true;
    this.open = false;
    for (const r of this.recs) {
      if (r.state === 'running') r.controller?.abort();
      else if (r.state === 'queued') r.state = 'cancelled';
    }
    this.queue = [];
    this.pump();
    await this.settled;
  }

  /** Runs the failed items again (the job must have finished). Returns false when there was nothing to retry. */
  retry(): boolean {
    if (!this.finished) return false;
    const failed = this.recs.filter((r) => r.state === 'failed' && r.item.key !== '');
    if (failed.length === 0) return false;
    for (const r of failed) {
      r.state = 'queued';
      r.bytesDone = 0;
      r.failure = undefined;
      this.queue.push(r);
    }
    this.settledPromise = new Promise((resolve) => (this.doneResolve = resolve));
    this.finished = false;
    this.cancelled = false;
    this.paused = false;
    this.rate.reset();
    this.pump();
    return true;
  }

  progress(): RunnerProgress {
    const counts: ItemCounts = { queued: 0, running: 0, completed: 0, failed: 0, cancelled: 0 };
    let bytesDone = 0;
    let bytesTotal = 0;
    const failures: ItemFailure[] = [];
    for (const r of this.recs) {
      counts[r.state]++;
      bytesDone += r.bytesDone;
      bytesTotal += Math.max(r.bytesTotal, r.bytesDone);
      if (r.failure && failures.length < MAX_FAILURES_SHOWN) failures.push(r.failure);
    }
    const rate = this.paused || this.finished ? 0 : this.rate.sample(bytesDone);
    const left = bytesTotal - bytesDone;
    return { bytesDone, bytesTotal, rate, etaSeconds: rate > 0 ? left / rate : left === 0 ? 0 : undefined, counts, failures, paused: this.paused };
  }

  private pump(): void {
    if (this.finished) return;
    while (this.active < this.concurrency && !this.paused && !this.cancelled) {
      const rec = this.takeNext();
      if (!rec) break;
      this.active++;
      void this.runOne(rec).finally(() => {
        this.active--;
        this.pump();
      });
    }
    if (this.active === 0 && !this.open && (this.cancelled || !this.recs.some((r) => r.state === 'queued'))) this.finish();
  }

  private takeNext(): Rec<T> | undefined {
    for (let r = this.queue.shift(); r; r = this.queue.shift()) if (r.state === 'queued') return r;
    return undefined;
  }

  private async runOne(rec: Rec<T>): Promise<void> {
    rec.state = 'running';
    rec.controller = new AbortController();
    this.coalescer.mark();
    try {
      const res = await this.work(rec.item, {
        signal: rec.controller.signal,
        setBytes: (done, total) => {
          rec.bytesDone = done;
          if (total !== undefined) rec.bytesTotal = total;
          this.coalescer.mark();
        },
        notice: (message) => this.emit('notice', { key: rec.item.key, message }),
      });
      rec.state = 'completed';
      rec.bytesTotal = Math.max(rec.bytesTotal, rec.bytesDone);
      this.emit('item', { key: rec.item.key, size: rec.bytesTotal, etag: res ? res.etag : undefined, state: res ? res.state : undefined, ...(res?.movedTo ? { movedTo: res.movedTo } : {}) });
    } catch (err) {
      if (rec.controller.signal.reason === PAUSED && !this.cancelled) {
        // Back to the queue; the work continues from what it kept (a download's partial file) on resume.
        rec.state = 'queued';
        this.queue.unshift(rec);
      } else if (this.cancelled || err instanceof CosAbortError) {
        rec.state = 'cancelled';
      } else {
        rec.state = 'failed';
        rec.failure = { key: rec.item.key, error: toAppError(err, { key: rec.item.key }) };
      }
    } finally {
      rec.controller = undefined;
      this.coalescer.mark();
    }
  }

  private finish(): void {
    void (async () => {
      this.finished = true;
      if (this.cancelled) {
        for (const r of this.recs) {
          if (r.state !== 'completed') {
            if (r.state === 'queued' || r.state === 'running') r.state = 'cancelled';
            await this.discard(r.item).catch(() => undefined);
          }
        }
      }
      this.coalescer.flush();
      const p = this.progress();
      const state = this.cancelled ? 'cancelled' : p.counts.failed > 0 ? 'failed' : 'completed';
      this.emit('done', { ...p, state });
      this.doneResolve?.();
    })();
  }
}
