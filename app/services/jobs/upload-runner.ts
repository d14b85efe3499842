// An upload job on the engine's UploadTransfer (single PUT or multipart, SSE verified by echo and CRC64, journalled
// multipart from files), reporting in the job manager's terms. The transfer already pauses, resumes, cancels and
// retries; this adapter turns its events into RunnerProgress, keeps each failed item's sentence with its code,
// and says when an item finished so its row can show the verified encryption at once. An open runner takes more
// planned items (a page still reading the sizes of a big drop) until it is sealed.
import { EventEmitter } from 'node:events';
import type { AppliedEncryption, UploadEngine, UploadPlan, UploadTransfer } from '../../engine/upload';
import type { ProgressEvent } from '../../engine/transfer-events';
import { itemFailure } from '../errors';
import { MAX_FAILURES_SHOWN, NO_ITEMS, type ItemFailure, type RunnerEvents, type RunnerProgress } from './job-types';
import type { EncryptionStateView } from '../status-scheduler';

export class UploadRunner extends EventEmitter<RunnerEvents> {
  private transfer?: UploadTransfer;
  private last: ProgressEvent | undefined;
  private readonly failures = new Map<number, ItemFailure>();
  private finished = false;
  /** Each item's size and path by its index in the transfer (items appended to an open runner follow on). */
  private readonly sizes: number[] = [];
  private readonly paths: Array<string | undefined> = [];
  private totalBytes = 0;

  constructor(
    private readonly engine: UploadEngine,
    private readonly plan: UploadPlan,
    private readonly opts: { open?: boolean } = {},
  ) {
    super();
    this.note(plan.items);
  }

  private note(items: UploadPlan['items']): void {
    for (const it of items) {
      this.sizes.push(it.source.size ?? 0);
      this.paths.push(it.source.kind === 'file' ? it.source.path : undefined);
      this.totalBytes += it.source.size ?? 0;
    }
  }

  /** More planned items for an open runner (after start()). */
  append(items: UploadPlan['items']): void {
    if (items.length === 0) return;
    this.note(items);
    this.transfer!.append(items);
    // The windows are told of the new files now (jobs.addUploadItems answers with the summary), not at the
    // transfer's next progress event: until then its last one would say "40 of 200 files" of a job given 1,200.
    if (this.last) this.last = { ...this.last, counts: { ...this.last.counts, queued: this.last.counts.queued + items.length } };
  }

  /** No more items: the job finishes once these are done. */
  seal(): void {
    this.transfer?.seal();
  }

  start(): void {
    const t = this.engine.start(this.plan, { open: this.opts.open });
    this.transfer = t;
    const { sizes, paths } = this;
    t.onProgress((e) => {
      this.last = e;
      for (const it of e.items) {
        if (it.state === 'completed') {
          this.failures.delete(it.index);
          this.emit('item', { key: it.key, size: Math.max(it.bytesTotal, sizes[it.index] ?? 0), state: appliedState(it.appliedEncryption), path: paths[it.index] });
        } else if (it.state === 'failed') {
          const path = paths[it.index];
          this.failures.set(it.index, { key: it.key, ...(path ? { path } : {}), error: itemFailure('failed', it.error ?? 'the upload failed', { bucket: this.plan.bucket, key: it.key, path }) });
        } else this.failures.delete(it.index);
      }
      this.emit('progress', this.progress());
    });
    t.events.on('notice', (n) => this.emit('notice', { key: n.key, message: n.message }));
    t.events.on('done', (d) => {
      // The done event names each failure's code: the taxonomy can now say what kind it was.
      const byKey = new Map(d.failed.map((f) => [f.key, f]));
      for (const [i, f] of this.failures) {
        const coded = byKey.get(f.key);
        if (coded) this.failures.set(i, { ...f, error: itemFailure(coded.code, coded.error, { bucket: this.plan.bucket, key: f.key, path: f.path }) });
      }
      this.finished = true;
      const state = d.state === 'completed' ? 'completed' : d.state === 'cancelled' ? 'cancelled' : 'failed';
      this.emit('done', { ...this.progress(), state });
    });
  }

  get isFinished(): boolean {
    return this.finished;
  }

  pause(): void {
    this.transfer?.pause();
  }

  resume(): void {
    this.transfer?.resume();
  }

  async cancel(): Promise<void> {
    await this.transfer?.cancel();
  }

  retry(): boolean {
    // A failed file a page sent cannot be read again (the page must give it again): with only such failures there
    // is nothing to run, and saying "running" would leave the job running for ever.
    if (!this.transfer || !this.finished || !this.transfer.retryable) return false;
    this.finished = false;
    void this.transfer.retry();
    return true;
  }

  progress(): RunnerProgress {
    const e = this.last ?? this.transfer?.snapshot();
    if (!e) return { bytesDone: 0, bytesTotal: this.totalBytes, rate: 0, counts: { ...NO_ITEMS, queued: this.sizes.length }, failures: [], paused: false };
    return {
      bytesDone: e.bytesDone,
      bytesTotal: Math.max(e.bytesTotal, this.totalBytes),
      rate: e.state === 'running' ? e.rate : 0,
      etaSeconds: e.etaSeconds,
      counts: e.counts,
      failures: [...this.failures.values()].slice(0, MAX_FAILURES_SHOWN),
      paused: e.state === 'paused',
    };
  }
}

/** The Encryption cell of an uploaded object, from what the server's answer said it applied. */
function appliedState(a: AppliedEncryption | undefined): EncryptionStateView | undefined {
  if (!a) return undefined;
  switch (a.mode) {
    case 'SSE-COS':
    case 'SSE-C':
      return { state: 'encrypted', mode: a.mode };
    case 'SSE-KMS':
      return a.keyId ? { state: 'encrypted', mode: 'SSE-KMS', kmsKeyId: a.keyId } : { state: 'encrypted', mode: 'SSE-KMS' };
    case 'none':
      return { state: 'not-encrypted' };
    case 'unrecognized':
      // Not "not encrypted": the row's HEAD explains it.
      return undefined;
  }
}
