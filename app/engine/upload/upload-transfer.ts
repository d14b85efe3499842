// One running upload transfer (a plan or a single object): schedules items with bounded file concurrency,
// tracks per-item state and bytes, coalesces progress events, and implements pause (no new part or object
// starts; parts in flight finish), resume, cancel (in-flight requests aborted, multipart uploads aborted,
// journals removed) and retry of failed items. A transfer started open takes more items while it runs (a page
// still reading the sizes of a big drop) and finishes only once sealed.
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { CosAbortError, CosIntegrityError, CosServiceError, type CosClient } from '../../cos/client';
import type { JournalStore } from '../journal';
import { Coalescer, RateMeter, TransferEvents, type DoneEvent, type ItemProgress, type ItemState, type ProgressEvent, type TransferState } from '../transfer-events';
import { ChunkReader } from './chunk-reader';
import type { ItemContext, ResolvedUploadOptions } from './item-context';
import { uploadFileMultipart, uploadStreamMultipart } from './multipart-upload';
import { IN_MEMORY_MAX_BYTES, openFileSource, SmallFileReads } from './file-source';
import { putBuffer, putFile } from './single-put';
import { UploadError, type AppliedEncryption } from './upload-encryption';
import type { UploadItem } from './upload-plan';
import { Semaphore } from './semaphore';

export type TransferResult = DoneEvent;

interface ItemRecord {
  index: number;
  item: UploadItem;
  state: ItemState;
  bytesDone: number;
  bytesTotal: number;
  error?: string;
  errorCode?: string;
  upload?: { bucket: string; key: string; uploadId: string; journalId?: string };
  /** What the server's answer says it applied, once completed. */
  applied?: AppliedEncryption;
  /** A stream source that has been read from and cannot be sent again. */
  consumed: boolean;
}

/** The sentence shown for a failed item: public facts only (client errors are already scrubbed of secrets). */
function publicMessage(err: unknown, item: UploadItem): string {
  if (err instanceof CosIntegrityError) return `data corrupted in transit: CRC64 mismatch for ${item.bucket}/${item.key}`;
  if (err instanceof UploadError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

/** The machine-readable kind of a failure (DoneEvent.failed[].code). */
function failureCode(err: unknown): string {
  if (err instanceof CosIntegrityError) return 'crc-mismatch';
  if (err instanceof UploadError || err instanceof CosServiceError) return err.code;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? code : 'failed';
}

export class UploadTransfer {
  readonly id = randomUUID();
  readonly events = new TransferEvents();
  private readonly records: ItemRecord[];
  private readonly changed = new Set<ItemRecord>();
  private readonly smallReads = new SmallFileReads();
  private readonly coalescer: Coalescer;
  private readonly rate = new RateMeter();
  private controller: AbortController;
  private readonly multipartSlots: Semaphore;
  private paused = false;
  private cancelled = false;
  private finished = false;
  private wakers: Array<() => void> = [];
  /** More items may still be appended; the run waits for them (or for seal()) once it has done the others. */
  private open: boolean;
  private waitingForMore: Array<() => void> = [];
  private current: Promise<TransferResult>;

  constructor(
    private readonly client: CosClient,
    private readonly journal: JournalStore,
    private readonly options: ResolvedUploadOptions,
    items: UploadItem[],
    opts: { open?: boolean } = {},
  ) {
    this.open = opts.open ?? false;
    this.records = items.map((item, index) => ({
      index,
      item,
      state: 'queued',
      bytesDone: 0,
      bytesTotal: item.source.size ?? 0,
      consumed: false,
    }));
    this.coalescer = new Coalescer(() => this.emitProgress(), options.progressIntervalMs);
    this.controller = this.newController();
    this.multipartSlots = new Semaphore(options.multipartConcurrency);
    this.current = this.run(this.records);
  }

  /** More items for an open transfer; they run after those before them. */
  append(items: UploadItem[]): void {
    if (!this.open) throw new Error('append() is for an open transfer; this one was sealed');
    for (const item of items) {
      const rec: ItemRecord = { index: this.records.length, item, state: 'queued', bytesDone: 0, bytesTotal: item.source.size ?? 0, consumed: false };
      this.records.push(rec);
      this.changed.add(rec);
    }
    this.coalescer.mark();
    for (const wake of this.waitingForMore.splice(0)) wake();
  }

  /** No more items will come: the transfer finishes once those it has are done. */
  seal(): void {
    if (!this.open) return;
    this.open = false;
    for (const wake of this.waitingForMore.splice(0)) wake();
  }

  /** Settles when every item has completed, failed or been cancelled (the latest run, after a retry). */
  get done(): Promise<TransferResult> {
    return this.current;
  }

  onProgress(listener: (e: ProgressEvent) => void): () => void {
    this.events.on('progress', listener);
    return () => this.events.off('progress', listener);
  }

  pause(): void {
    if (this.finished || this.cancelled) return;
    this.paused = true;
    this.coalescer.mark();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    for (const wake of this.wakers.splice(0)) wake();
    this.coalescer.mark();
  }

  /** Stops everything, aborts this transfer's multipart uploads and removes their journals. */
  async cancel(): Promise<TransferResult> {
    if (!this.finished) {
      this.cancelled = true;
      this.open = false;
      this.controller.abort();
      for (const wake of [...this.wakers.splice(0), ...this.waitingForMore.splice(0)]) wake();
    }
    return this.current;
  }

  /** Whether retry() has anything to run: failed items whose source can be read again (not a consumed stream). */
  get retryable(): boolean {
    return this.finished && this.records.some((r) => r.state === 'failed' && !r.consumed);
  }

  /** Runs the failed items again (a consumed stream cannot be re-read and stays failed). */
  retry(): Promise<TransferResult> {
    if (!this.finished) throw new Error('retry() is for a finished transfer; this one is still running');
    const again = this.records.filter((r) => r.state === 'failed' && !r.consumed);
    if (again.length === 0) return this.current;
    for (const r of again) {
      r.state = 'queued';
      r.bytesDone = 0;
      r.error = undefined;
      r.applied = undefined;
      this.changed.add(r);
    }
    this.finished = false;
    this.cancelled = false;
    this.paused = false;
    this.controller = this.newController();
    this.rate.reset();
    this.current = this.run(again);
    return this.current;
  }

  snapshot(): ProgressEvent {
    return this.progressEvent(this.records.map(itemProgress));
  }

  /** Every request in flight listens on the signal: more than Node's default warning threshold of 10. */
  private newController(): AbortController {
    const c = new AbortController();
    setMaxListeners(Math.max(64, 4 * this.options.fileConcurrency * (this.options.partConcurrency + 1)), c.signal);
    return c;
  }

  private async run(records: ItemRecord[]): Promise<TransferResult> {
    this.coalescer.mark();
    let next = 0;
    const worker = async () => {
      for (;;) {
        if (next >= records.length) {
          // An open transfer's records grow (append pushes to them): wait for more, or for the seal.
          if (!this.open || this.cancelled) return;
          await new Promise<void>((wake) => this.waitingForMore.push(wake));
          continue;
        }
        const rec = records[next++]!;
        if (this.cancelled) {
          this.setState(rec, 'cancelled');
          continue;
        }
        await this.runItem(rec);
      }
    };
    const workers = this.open ? this.options.fileConcurrency : Math.max(1, Math.min(this.options.fileConcurrency, records.length));
    await Promise.all(Array.from({ length: workers }, worker));
    if (this.cancelled) await this.cleanUpCancelled(records);
    this.finished = true;
    this.coalescer.flush();
    const result = this.result();
    this.events.emit('done', result);
    return result;
  }

  private async runItem(rec: ItemRecord): Promise<void> {
    try {
      await this.waitIfPaused();
      this.setState(rec, 'running');
      rec.applied = await this.upload(rec, this.itemContext(rec));
      rec.bytesTotal = Math.max(rec.bytesTotal, rec.bytesDone);
      this.setState(rec, 'completed');
    } catch (err) {
      if (rec.item.source.kind === 'stream') rec.consumed = true;
      if (this.cancelled || err instanceof CosAbortError) {
        this.setState(rec, 'cancelled');
      } else {
        rec.error = publicMessage(err, rec.item);
        rec.errorCode = failureCode(err);
        this.setState(rec, 'failed');
      }
    }
  }

  private async upload(rec: ItemRecord, ctx: ItemContext): Promise<AppliedEncryption> {
    const { item } = rec;
    const threshold = this.options.singlePutThreshold;
    if (item.source.kind === 'file') {
      const path = item.source.path;
      const src = await openFileSource(path, IN_MEMORY_MAX_BYTES, item.source.size, this.smallReads);
      if (!src.isFile) throw new UploadError('bad-source', `${path} is not a file`, item.bucket, item.key);
      rec.bytesTotal = src.size;
      if (src.data) return putBuffer(ctx, item, src.data);
      if (src.size <= threshold) return putFile(ctx, item, path, src.size, src.mtimeMs!);
      return this.multipartSlots.run(() => uploadFileMultipart(ctx, item, path, src.size, src.mtimeMs!));
    }
    const declared = item.source.size;
    rec.consumed = true;
    const reader = new ChunkReader(item.source.stream);
    if (declared === undefined || declared <= threshold) {
      const head = await reader.read(threshold + 1);
      if (head.length <= threshold) {
        if (declared !== undefined && head.length !== declared) {
          throw new UploadError('size-mismatch', `${item.bucket}/${item.key}: the stream held ${head.length} bytes but ${declared} were declared`, item.bucket, item.key);
        }
        rec.bytesTotal = head.length;
        return putBuffer(ctx, item, head);
      }
      reader.unshift(head);
    }
    return this.multipartSlots.run(() => uploadStreamMultipart(ctx, item, reader, declared));
  }

  private itemContext(rec: ItemRecord): ItemContext {
    return {
      client: this.client,
      journal: this.journal,
      options: this.options,
      signal: this.controller.signal,
      waitIfPaused: () => this.waitIfPaused(),
      addBytes: (n) => {
        rec.bytesDone += n;
        this.changed.add(rec);
        this.coalescer.mark();
      },
      notice: (message) => this.events.emit('notice', { transferId: this.id, key: rec.item.key, message }),
      uploadStarted: (info) => {
        rec.upload = info;
      },
    };
  }

  private waitIfPaused(): Promise<void> {
    const aborted = () => new CosAbortError('the transfer was cancelled');
    if (this.cancelled) return Promise.reject(aborted());
    if (!this.paused) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.wakers.push(() => (this.cancelled ? reject(aborted()) : resolve()));
    });
  }

  private async cleanUpCancelled(records: ItemRecord[]): Promise<void> {
    for (const rec of records) {
      if (rec.state === 'completed' || !rec.upload) continue;
      const { bucket, key, uploadId, journalId } = rec.upload;
      await this.client.abortMultipartUpload(bucket, key, uploadId).catch(() => undefined);
      if (journalId) await this.journal.remove(journalId);
      rec.upload = undefined;
    }
  }

  private setState(rec: ItemRecord, state: ItemState): void {
    rec.state = state;
    this.changed.add(rec);
    this.coalescer.mark();
  }

  private counts(): Record<ItemState, number> {
    const counts: Record<ItemState, number> = { queued: 0, running: 0, completed: 0, failed: 0, cancelled: 0 };
    for (const r of this.records) counts[r.state]++;
    return counts;
  }

  private state(): TransferState {
    if (!this.finished) return this.paused ? 'paused' : 'running';
    if (this.cancelled) return 'cancelled';
    return this.records.some((r) => r.state === 'failed') ? 'failed' : 'completed';
  }

  private progressEvent(items: ItemProgress[]): ProgressEvent {
    let bytesDone = 0;
    let bytesTotal = 0;
    for (const r of this.records) {
      bytesDone += r.bytesDone;
      bytesTotal += Math.max(r.bytesTotal, r.bytesDone);
    }
    const rate = this.rate.sample(bytesDone);
    const left = bytesTotal - bytesDone;
    return {
      transferId: this.id,
      state: this.state(),
      bytesDone,
      bytesTotal,
      rate,
      etaSeconds: rate > 0 ? left / rate : left === 0 ? 0 : undefined,
      counts: this.counts(),
      items,
    };
  }

  private emitProgress(): void {
    const items = [...this.changed].map(itemProgress);
    this.changed.clear();
    this.events.emit('progress', this.progressEvent(items));
  }

  private result(): TransferResult {
    return {
      transferId: this.id,
      state: this.state(),
      counts: this.counts(),
      failed: this.records.filter((r) => r.state === 'failed').map((r) => ({ key: r.item.key, error: r.error ?? 'failed', code: r.errorCode ?? 'failed' })),
      completed: this.records.flatMap((r) => (r.state === 'completed' && r.applied ? [{ key: r.item.key, bytes: r.bytesTotal, appliedEncryption: r.applied }] : [])),
    };
  }
}

function itemProgress(r: ItemRecord): ItemProgress {
  const p: ItemProgress = { index: r.index, key: r.item.key, state: r.state, bytesDone: r.bytesDone, bytesTotal: Math.max(r.bytesTotal, r.bytesDone) };
  if (r.error) p.error = r.error;
  if (r.state === 'completed' && r.applied) p.appliedEncryption = r.applied;
  return p;
}
