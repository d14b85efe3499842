// The one job manager of every front end: uploads, downloads and encrypt-in-place under ids, with one summary
// (the contract's JobSummary), one event stream (added, progress, notice, state, done, removed; all JSON-safe) and
// the same controls for every kind (pause, resume, cancel, retry, dismiss). The queue is kept in COFFER_HOME
// (job-store.ts): after a restart every unfinished job is listed as "interrupted" and resumes on request. Uploads
// from files continue from the engine's journal (parts already on the server are kept), downloads from their
// partial files, and every kind skips the items it had finished. A browser-mode upload's bytes cannot be read again
// after a restart: the page gives the same files again (same name, size and date) and the finished ones are skipped.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { isAbsolute, join } from 'node:path';
import type { JobProgress, JobSummary, UploadItem as ContractUploadItem } from '../../../shared/contract';
import type { CosClient, SseRequest } from '../../cos/client';
import type { EncryptionStatusService } from '../../engine/encryption-status';
import { JournalStore, journalId } from '../../engine/journal';
import { UploadEngine, type UploadEncryption, type UploadEngineOptions } from '../../engine/upload';
import { cofferPaths } from '../../vault';
import { ServiceError, toAppError, type AppError } from '../errors';
import { abortIncomplete, listIncomplete } from '../incomplete-uploads';
import type { EncryptionStateView } from '../status-scheduler';
import type { StreamRegistry } from '../stream-registry';
import { DownloadRunner } from './download-runner';
import { EncryptRunner } from './encrypt-runner';
import { DeleteRunner } from './delete-runner';
import { MoveRunner } from './move-runner';
import { JobStore, type PersistedJob } from './job-store';
import { FINISHED, NO_ITEMS, type JobSpec, type JobState, type RunnerProgress, type SseChoice, type UploadEntry } from './job-types';
import { UploadRunner } from './upload-runner';
import { pageFileIdentity, planUpload, type KnownDestination } from './upload-planning';

type Runner = UploadRunner | DownloadRunner | EncryptRunner | MoveRunner | DeleteRunner;

interface Job {
  id: string;
  spec: JobSpec;
  createdAt: string;
  finishedAt: string | null;
  state: JobState;
  progress: RunnerProgress;
  runner?: Runner;
  /** Listed from before a restart. */
  restored: boolean;
  awaitingSources: boolean;
  /** When this run started (ms). */
  since: number;
  /** Finished keys not yet appended to the job's .done file. */
  doneBuffer: string[];
  /** Browser-mode uploads: the keys whose bytes a page streams. */
  streamKeys?: Set<string>;
  /** Browser-mode downloads: the verified file waiting to be fetched. */
  attachment?: { downloadId: string; name: string; path: string };
  /** An upload still taking items from the page that started it (jobs.addUploadItems), until sealed. */
  growing?: GrowingUpload;
}

/** What an upload that grows needs to plan its next items as its first were planned. */
interface GrowingUpload {
  owner: string;
  engine: UploadEngine;
  client: CosClient;
  encryption: UploadEncryption;
  known: KnownDestination;
  /** Interrupted jobs whose files this one continues, given up (but for `carried`) once it is sealed. */
  replaced: Set<string>;
  carried: Set<string>;
  /** Calls are planned one after another, in the order the page sent them. */
  queue: Promise<unknown>;
}

export interface FinishedItem {
  jobId: string;
  kind: JobSpec['kind'];
  connectionId: string;
  bucket: string;
  key: string;
  size: number;
  etag?: string;
  state?: EncryptionStateView;
  /** When the run that finished it started (ms). */
  since: number;
  /** A move: where the object `key` is now (the old key is gone). */
  movedTo?: string;
}

export interface JobManagerEvents {
  added: [JobSummary];
  progress: [{ jobId: string; progress: JobProgress }];
  notice: [{ jobId: string; key?: string; message: string }];
  state: [JobSummary];
  done: [JobSummary];
  removed: [string];
  item: [FinishedItem];
}

export interface JobManagerOptions {
  home: string;
  clientFor(connectionId: string, bucket: string): Promise<CosClient>;
  statusServiceFor(connectionId: string, bucket: string): Promise<EncryptionStatusService>;
  /** The encryption asked for; an SSE-C choice is read from the vault here. */
  resolveEncryption(choice: SseChoice): Promise<UploadEncryption>;
  streams: StreamRegistry;
  /** Engine options for each upload job, read when it starts (a function: the user's settings may have changed). */
  uploadOptions?: UploadEngineOptions | (() => UploadEngineOptions);
  /** The vault key that opens an SSE-C object a download was refused for want of (sse-c-keys.ts keyFor). */
  sseCustomerKeyFor?(client: CosClient, bucket: string, key: string): Promise<Buffer | undefined>;
  /** Finished jobs kept in the list (default 50). */
  keepFinished?: number;
  log?: (line: string) => void;
}

const ACTIVE: ReadonlySet<JobState> = new Set(['queued', 'running', 'paused']);

function subjectOf(spec: JobSpec): string {
  if (spec.kind === 'upload') {
    // What the user dropped: a file's name, or a folder's (its first level under the drop target), not the name of
    // the first file inside a dropped folder.
    const first = spec.items[0]?.key ?? '';
    const rel = first.startsWith(spec.prefix) ? first.slice(spec.prefix.length) : first;
    return rel.split('/')[0] || spec.bucket;
  }
  const first = spec.kind === 'move' ? (spec.moves[0]?.from ?? '') : (spec.keys[0] ?? spec.prefixes[0] ?? '');
  const name = first.replace(/\/$/, '').split('/').pop() ?? first;
  return name || spec.bucket;
}

/** An upload's first names under its prefix, from the items seen so far (an upload that grows is given more). */
const uploadNames = new WeakMap<JobSpec, { items: number; names: Set<string> }>();

/**
 * The files and folders a job was given beside its subject; an upload's are its keys' first names under its prefix.
 * Asked for each summary the windows are sent: an upload that grows names only its new items, not all of them again.
 */
function othersOf(spec: JobSpec): number {
  switch (spec.kind) {
    case 'upload': {
      let seen = uploadNames.get(spec);
      if (!seen) uploadNames.set(spec, (seen = { items: 0, names: new Set() }));
      for (; seen.items < spec.items.length; seen.items++) {
        const key = spec.items[seen.items]!.key;
        seen.names.add((key.startsWith(spec.prefix) ? key.slice(spec.prefix.length) : key).split('/')[0]!);
      }
      return Math.max(0, seen.names.size - 1);
    }
    case 'move':
      return Math.max(0, spec.moves.length - 1);
    default:
      return Math.max(0, spec.keys.length + spec.prefixes.length - 1);
  }
}

export class JobManager extends EventEmitter<JobManagerEvents> {
  private readonly jobs = new Map<string, Job>();
  private readonly store: JobStore;
  private saveTimer?: NodeJS.Timeout;
  private doneTimer?: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly opts: JobManagerOptions) {
    super();
    this.store = new JobStore(opts.home);
  }

  private engineOptions(): UploadEngineOptions | undefined {
    const o = this.opts.uploadOptions;
    return typeof o === 'function' ? o() : o;
  }

  /** Reads the queue left by the last run: its unfinished jobs are now "interrupted". */
  async load(): Promise<void> {
    const { jobs, skipped } = await this.store.load();
    if (skipped) this.opts.log?.(`${skipped} job(s) in ${this.store.file} could not be read and were left out`);
    for (const p of jobs) {
      const interrupted = ACTIVE.has(p.state) || p.state === 'interrupted';
      const progress: RunnerProgress = { bytesDone: p.bytesDone, bytesTotal: p.bytesTotal, rate: 0, counts: p.counts, failures: p.failures, paused: false };
      const awaitingSources = interrupted && p.spec.kind === 'upload' && p.spec.items.some((i) => i.source.kind === 'stream');
      this.jobs.set(p.id, { id: p.id, spec: p.spec, createdAt: p.createdAt, finishedAt: p.finishedAt, state: interrupted ? 'interrupted' : p.state, progress, restored: true, awaitingSources, since: Date.now(), doneBuffer: [] });
    }
  }

  list(): JobSummary[] {
    return [...this.jobs.values()].map((j) => this.summary(j));
  }

  /** Whether a transfer on `connectionId` is queued, running or paused: it holds that connection's client. */
  busyOn(connectionId: string): boolean {
    for (const j of this.jobs.values()) if (j.spec.connectionId === connectionId && ACTIVE.has(j.state) && !j.runner?.isFinished) return true;
    return false;
  }

  get(id: string): JobSummary {
    return this.summary(this.job(id));
  }

  /** A browser-mode download's verified file, for the host to send as an attachment. */
  attachment(downloadId: string): { path: string; name: string; jobId: string } | undefined {
    for (const j of this.jobs.values()) if (j.attachment?.downloadId === downloadId) return { path: j.attachment.path, name: j.attachment.name, jobId: j.id };
    return undefined;
  }

  /**
   * Plans and starts an upload. Stream items (browser mode) are read from `owner`'s page when the engine gets to
   * them. The same files given again after a restart continue the interrupted job: what it finished is skipped.
   */
  async startUpload(req: { connectionId: string; bucket: string; prefix: string; sse: SseChoice; items: ContractUploadItem[]; more?: boolean }, owner = ''): Promise<JobSummary> {
    this.refuseWhenClosed();
    const entries = entriesOf(req.items);
    const spec: JobSpec = { kind: 'upload', connectionId: req.connectionId, bucket: req.bucket, prefix: req.prefix, sse: req.sse, items: entries };
    this.refuseDuplicateStreams(req.items);
    const id = randomUUID();
    const { skip, replaced, carried } = await this.carriedOver(spec);
    const streams = this.streamsFor(id, req.items, owner);
    let job: Job | undefined;
    try {
      const client = await this.opts.clientFor(spec.connectionId, spec.bucket);
      const encryption = await this.opts.resolveEncryption(spec.sse);
      const engine = new UploadEngine(client, cofferPaths(this.opts.home).journals, this.engineOptions());
      const plan = await planUpload(engine, client, { bucket: spec.bucket, prefix: spec.prefix, entries, encryption, skip, streamFor: streams.streamFor(skip) });
      // An upload that grows may begin with nothing to send (its first files were uploaded before a restart).
      if (plan.count === 0 && !req.more) {
        const why = skip.size > 0 ? 'every file given was already uploaded' : plan.skipped.length > 0 ? `nothing in it can be uploaded (${plan.skipped.length} skipped: ${plan.skipped[0]!.reason})` : 'it holds no files';
        throw new ServiceError('usage', 'NothingToUpload', `Nothing was uploaded: ${why}.`, { bucket: spec.bucket });
      }
      job = this.add(id, spec, plan.totalBytes, plan.count);
      job.streamKeys = new Set(streams.keys());
      if (req.more) {
        const known = { region: plan.region, bucketDefaultEncryption: plan.bucketDefaultEncryption };
        job.growing = { owner, engine, client, encryption, known, replaced: new Set(replaced), carried, queue: Promise.resolve() };
      } else {
        // The interrupted jobs this one continues go, but not the multipart uploads it takes over.
        for (const old of replaced) await this.dismiss(old, carried).catch(() => undefined);
      }
      for (const s of plan.skipped) this.emit('notice', { jobId: id, message: `skipping ${s.path}: ${s.reason}` });
      const runner = new UploadRunner(engine, plan, { open: req.more });
      this.run(job, runner);
      runner.start();
    } catch (err) {
      const e = toAppError(err, { bucket: spec.bucket, connectionId: spec.connectionId });
      this.opts.streams.releaseJob(id, e);
      throw ServiceError.of(e, err);
    } finally {
      streams.releaseUnread();
    }
    return this.summary(job);
  }

  /**
   * The next files of an upload started with `more` (a page still reading a big drop's sizes), planned like its
   * first and run after them; `more: false` seals it, and it finishes once everything it was given is done.
   */
  async addUploadItems(req: { jobId: string; items: ContractUploadItem[]; more: boolean }, owner = ''): Promise<JobSummary> {
    const job = this.job(req.jobId);
    const growing = job.growing;
    const closed = () => ServiceError.phrased('conflict', 'UploadClosed', 'uploadClosed', {});
    if (!growing || growing.owner !== owner || job.spec.kind !== 'upload' || !(job.runner instanceof UploadRunner)) throw closed();
    const spec = job.spec;
    const runner = job.runner;
    const step = growing.queue.then(async () => {
      // Sealed or cancelled while the calls before this one were planned.
      if (job.growing !== growing) throw closed();
      this.refuseDuplicateStreams(req.items);
      const entries = entriesOf(req.items);
      const { skip, replaced, carried } = await this.carriedOver({ ...spec, items: entries });
      const streams = this.streamsFor(job.id, req.items, owner);
      try {
        const plan = await planUpload(growing.engine, growing.client, { bucket: spec.bucket, prefix: spec.prefix, entries, encryption: growing.encryption, skip, streamFor: streams.streamFor(skip), known: growing.known });
        for (const old of replaced) growing.replaced.add(old);
        for (const key of carried) growing.carried.add(key);
        spec.items.push(...entries);
        for (const key of streams.keys()) job.streamKeys?.add(key);
        for (const s of plan.skipped) this.emit('notice', { jobId: job.id, message: `skipping ${s.path}: ${s.reason}` });
        runner.append(plan.items);
        job.progress = runner.progress();
        this.scheduleSave(true);
        // Its title counts what it was given ("… and 1,200 more items"): the windows hear of the new count.
        this.emit('state', this.summary(job));
      } catch (err) {
        const e = toAppError(err, { bucket: spec.bucket, connectionId: spec.connectionId });
        for (const key of streams.keys()) this.opts.streams.settleItem(job.id, key, { ok: false, error: e });
        throw ServiceError.of(e, err);
      } finally {
        streams.releaseUnread();
      }
      if (!req.more) await this.seal(job);
    });
    growing.queue = step.catch(() => undefined);
    await step;
    return this.summary(job);
  }

  /** An upload stops growing: it finishes once what it has is done; the interrupted jobs it continued go. */
  private async seal(job: Job): Promise<void> {
    const growing = job.growing;
    if (!growing) return;
    job.growing = undefined;
    if (job.runner instanceof UploadRunner) job.runner.seal();
    // The totals are final now: the window stops saying "so far".
    if (!FINISHED.has(job.state)) this.emit('state', this.summary(job));
    for (const old of growing.replaced) await this.dismiss(old, growing.carried).catch(() => undefined);
  }

  /** The page that was adding files to its uploads went away: they take what they were given. */
  sealOwner(owner: string): void {
    for (const job of this.jobs.values()) if (job.growing?.owner === owner) void this.seal(job);
  }

  private refuseDuplicateStreams(items: ContractUploadItem[]): void {
    for (const i of items) {
      if (i.source.kind === 'stream' && this.opts.streams.has(i.source.streamId)) throw new ServiceError('usage', 'DuplicateStream', `The file ${i.source.name} was given twice in one upload.`);
    }
  }

  /**
   * The page streams of an upload request: each created when its item is planned (not for a file finished before a
   * restart), and the ones never created released afterwards, so that the page may drop those files.
   */
  private streamsFor(jobId: string, items: ContractUploadItem[], owner: string) {
    const streamIds = new Map(items.flatMap((i) => (i.source.kind === 'stream' ? [[i.key, i.source.streamId] as const] : [])));
    const created = new Set<string>();
    return {
      keys: () => streamIds.keys(),
      streamFor: (skip: ReadonlySet<string>) => (entry: UploadEntry) => {
        const streamId = streamIds.get(entry.key);
        if (!streamId || skip.has(entry.key) || entry.source.kind !== 'stream') return undefined;
        created.add(streamId);
        const { stream } = this.opts.streams.create({ id: streamId, jobId, key: entry.key, size: entry.source.size, owner });
        return { stream, startAt: (offset: number) => stream.startAt(offset) };
      },
      releaseUnread: () => {
        for (const streamId of streamIds.values()) if (!created.has(streamId)) this.opts.streams.emit('release', { owner, streamId });
      },
    };
  }

  async startDownload(spec: Extract<JobSpec, { kind: 'download' }>): Promise<JobSummary> {
    this.refuseWhenClosed();
    const d = spec.destination;
    if (d.kind !== 'attachment' && !isAbsolute(d.path)) throw new ServiceError('usage', 'BadDestination', `"${d.path}" is not a full path; choose where to save with the dialog.`);
    if (d.kind !== 'folder' && (spec.keys.length !== 1 || spec.prefixes.length > 0)) {
      throw new ServiceError('usage', 'OneFileOnly', d.kind === 'attachment' ? 'In the browser, download one file at a time (a folder needs the desktop app).' : 'Saving to a file name takes exactly one file.');
    }
    const job = this.add(randomUUID(), spec, 0, 0);
    await this.launch(job, new Set());
    return this.summary(job);
  }

  /** Renames and moves inside a bucket (move-runner.ts). */
  async startMove(spec: Extract<JobSpec, { kind: 'move' }>): Promise<JobSummary> {
    this.refuseWhenClosed();
    const job = this.add(randomUUID(), spec, 0, 0);
    await this.launch(job, new Set());
    return this.summary(job);
  }

  /** Deletes objects and folders (delete-runner.ts). */
  async startDelete(spec: Extract<JobSpec, { kind: 'delete' }>): Promise<JobSummary> {
    this.refuseWhenClosed();
    const job = this.add(randomUUID(), spec, 0, 0);
    await this.launch(job, new Set());
    return this.summary(job);
  }

  async startEncrypt(spec: Extract<JobSpec, { kind: 'encrypt' }>): Promise<JobSummary> {
    this.refuseWhenClosed();
    const job = this.add(randomUUID(), spec, 0, 0);
    await this.launch(job, new Set());
    return this.summary(job);
  }

  pause(id: string): JobSummary {
    const job = this.job(id);
    if (job.runner && !job.runner.isFinished && job.state !== 'paused') {
      job.runner.pause();
      this.setState(job, 'paused');
    }
    return this.summary(job);
  }

  async resume(id: string): Promise<JobSummary> {
    const job = this.job(id);
    if (job.state === 'interrupted') {
      if (job.awaitingSources) {
        throw new ServiceError('unavailable', 'AwaitingSources', 'This upload was sent from a browser page that has since closed: drop or pick the same files again to continue it (the files already uploaded are not sent again).');
      }
      await this.launch(job, await this.store.readDone(job.id));
    } else if (job.runner && job.state === 'paused') {
      job.runner.resume();
      this.setState(job, 'running');
    }
    return this.summary(job);
  }

  async cancel(id: string): Promise<JobSummary> {
    const job = this.job(id);
    if (job.runner && !job.runner.isFinished) {
      await job.runner.cancel();
    } else if (job.state === 'interrupted' || job.state === 'queued') {
      await this.abandonInterrupted(job);
      job.finishedAt = new Date().toISOString();
      this.setState(job, 'cancelled');
      this.emit('done', this.summary(job));
    }
    return this.summary(job);
  }

  /** Runs a finished job's failed items again (after a restart: the whole job, skipping what it finished). */
  async retry(id: string): Promise<JobSummary> {
    const job = this.job(id);
    if (job.state !== 'failed') throw new ServiceError('usage', 'NotFailed', 'Only a transfer that ended with failures can be retried.');
    if (job.runner?.retry()) {
      job.since = Date.now();
      job.finishedAt = null;
      this.setState(job, 'running');
    } else {
      if (job.spec.kind === 'upload' && job.spec.items.some((i) => i.source.kind === 'stream')) {
        throw new ServiceError('unavailable', 'AwaitingSources', 'The failed files came from a browser page: drop or pick them again to retry.');
      }
      await this.launch(job, await this.store.readDone(job.id));
    }
    return this.summary(job);
  }

  /** Removes a finished (or interrupted, which is then given up except the keys in `keep`) job from the list. */
  async dismiss(id: string, keep: ReadonlySet<string> = new Set()): Promise<void> {
    const job = this.job(id);
    if (job.state === 'interrupted') await this.abandonInterrupted(job, keep);
    else if (!FINISHED.has(job.state)) throw new ServiceError('usage', 'StillRunning', 'A running transfer cannot be removed from the list; cancel it first.');
    this.jobs.delete(id);
    await this.store.removeDone(id);
    if (job.attachment) await removeQuietly(job.attachment.path);
    this.emit('removed', id);
    this.scheduleSave(true);
  }

  /** A browser-mode download was fetched: its temporary file goes. */
  async attachmentServed(jobId: string): Promise<void> {
    const job = this.jobs.get(jobId);
    if (!job?.attachment) return;
    await removeQuietly(job.attachment.path);
  }

  /**
   * Coffer is quitting: running jobs pause (a download keeps its partial file; an upload's journal keeps the parts
   * sent) and are saved as interrupted, so the next start lists them.
   */
  async shutdown(): Promise<void> {
    this.closed = true;
    for (const job of this.jobs.values()) {
      if (job.runner && !job.runner.isFinished) {
        job.runner.pause();
        // What the runner does from here on (a page's stream breaking off as the host closes) is not the job's fate:
        // it stays interrupted, to be continued on the next start.
        job.runner.removeAllListeners();
      }
      if (ACTIVE.has(job.state)) job.state = 'interrupted';
    }
    clearTimeout(this.saveTimer);
    clearTimeout(this.doneTimer);
    await this.flushDone();
    await this.store.save(this.persisted());
  }

  // ---------------------------------------------------------------------------------------------------------

  private job(id: string): Job {
    const job = this.jobs.get(id);
    if (!job) throw new ServiceError('not-found', 'NoSuchJob', 'That transfer is no longer in the list.');
    return job;
  }

  private refuseWhenClosed(): void {
    if (this.closed) throw ServiceError.phrased('unavailable', 'ShuttingDown', 'shuttingDown', {});
  }

  private add(id: string, spec: JobSpec, bytesTotal: number, count: number): Job {
    const job: Job = {
      id,
      spec,
      createdAt: new Date().toISOString(),
      finishedAt: null,
      state: 'queued',
      progress: { bytesDone: 0, bytesTotal, rate: 0, counts: { ...NO_ITEMS, queued: count }, failures: [], paused: false },
      restored: false,
      awaitingSources: false,
      since: Date.now(),
      doneBuffer: [],
    };
    this.jobs.set(id, job);
    this.emit('added', this.summary(job));
    this.scheduleSave(true);
    return job;
  }

  /** Starts (or restarts from its spec) a job's runner; `skip` holds the keys it already finished. */
  private async launch(job: Job, skip: ReadonlySet<string>): Promise<void> {
    const spec = job.spec;
    job.since = Date.now();
    job.finishedAt = null;
    const client = await this.opts.clientFor(spec.connectionId, spec.bucket);
    if (spec.kind === 'upload') {
      const encryption = await this.opts.resolveEncryption(spec.sse);
      const engine = new UploadEngine(client, cofferPaths(this.opts.home).journals, this.engineOptions());
      const plan = await planUpload(engine, client, { bucket: spec.bucket, prefix: spec.prefix, entries: spec.items, encryption, skip, streamFor: () => undefined });
      const runner = new UploadRunner(engine, plan);
      this.run(job, runner);
      runner.start();
      return;
    }
    if (spec.kind === 'download') {
      const d = spec.destination;
      let destination: string;
      if (d.kind === 'folder') destination = d.path;
      else if (d.kind === 'file') destination = d.path;
      else {
        // Browser mode: the file is downloaded and verified here first, then fetched by the page as an attachment.
        destination = join(this.opts.home, 'downloads', job.id);
        const name = spec.keys[0]!.split('/').pop() || 'download';
        job.attachment = { downloadId: randomUUID(), name, path: join(destination, name) };
      }
      const runner = new DownloadRunner(client, spec.bucket, d.kind === 'file' ? undefined : destination, { sseCustomerKeyFor: this.opts.sseCustomerKeyFor?.bind(this.opts) });
      this.run(job, runner);
      void runner.expand(spec.keys, spec.prefixes, skip, d.kind === 'file' ? d.path : undefined);
      return;
    }
    if (spec.kind === 'move') {
      const resolve = this.opts.resolveEncryption;
      const keys = { ids: async () => spec.sseCKeyIds, key: async (id: string) => ((await resolve({ mode: 'sse-c', vaultKeyId: id })) as { key: Buffer }).key };
      const runner = new MoveRunner(client, spec, keys);
      this.run(job, runner);
      void runner.expand(skip);
      return;
    }
    if (spec.kind === 'delete') {
      const home = this.opts.home;
      const runner = new DeleteRunner(client, spec, {
        unfinished: { list: (prefix) => listIncomplete(client, home, spec.bucket, { prefix }), abort: (upload) => abortIncomplete(client, home, upload) },
      });
      this.run(job, runner);
      void runner.expand(skip);
      return;
    }
    const encryption = (await this.opts.resolveEncryption(spec.sse)) as SseRequest;
    const runner = new EncryptRunner(client, await this.opts.statusServiceFor(spec.connectionId, spec.bucket), spec.bucket, encryption);
    this.run(job, runner);
    void runner.expand(spec.keys, spec.prefixes, skip);
  }

  private run(job: Job, runner: Runner): void {
    job.runner = runner;
    const settled = new Set<string>();
    runner.on('progress', (p) => {
      job.progress = p;
      // A browser-mode file that failed: its stream is settled with the sentence.
      if (job.streamKeys) {
        for (const f of p.failures) {
          if (job.streamKeys.has(f.key) && !settled.has(f.key)) {
            settled.add(f.key);
            this.opts.streams.settleItem(job.id, f.key, { ok: false, error: f.error });
          }
        }
      }
      if (!FINISHED.has(job.state)) {
        const now: JobState = p.paused ? 'paused' : 'running';
        if (now !== job.state) this.setState(job, now);
      }
      this.emit('progress', { jobId: job.id, progress: this.progressOf(job) });
      this.scheduleSave(false);
    });
    runner.on('notice', (n) => this.emit('notice', { jobId: job.id, ...n }));
    runner.on('item', (it) => {
      job.doneBuffer.push(it.key);
      this.scheduleDone();
      if (job.streamKeys?.has(it.key)) {
        settled.add(it.key);
        this.opts.streams.settleItem(job.id, it.key, { ok: true });
      }
      this.emit('item', { jobId: job.id, kind: job.spec.kind, connectionId: job.spec.connectionId, bucket: job.spec.bucket, key: it.key, size: it.size, etag: it.etag, state: it.state, since: job.since, ...(it.movedTo ? { movedTo: it.movedTo } : {}) });
    });
    runner.on('done', (d) => {
      // A growing upload cancelled before the page said it was complete takes no more files.
      if (job.growing) void this.seal(job);
      job.progress = d;
      job.state = d.state;
      job.finishedAt = new Date().toISOString();
      if (job.streamKeys) {
        const ended: AppError = { kind: 'cancelled', code: 'Cancelled', message: 'The upload ended before this file was sent.', details: {} };
        this.opts.streams.releaseJob(job.id, ended);
      }
      if (d.state !== 'completed' && job.attachment) job.attachment = undefined;
      void this.flushDone().then(() => (d.state === 'completed' ? this.store.removeDone(job.id) : undefined));
      this.scheduleSave(true);
      this.emit('done', this.summary(job));
    });
    this.setState(job, 'running');
  }

  private setState(job: Job, state: JobState): void {
    job.state = state;
    this.emit('state', this.summary(job));
    this.scheduleSave(true);
  }

  /**
   * What this upload continues of interrupted browser-mode uploads of the same files (same key, size and time):
   * `carried` those files, `skip` the ones already finished, `replaced` those jobs. The unfinished ones resume
   * from the parts their journals name (multipart-upload.ts).
   */
  private async carriedOver(spec: Extract<JobSpec, { kind: 'upload' }>): Promise<{ skip: Set<string>; replaced: string[]; carried: Set<string> }> {
    const skip = new Set<string>();
    const carried = new Set<string>();
    const replaced: string[] = [];
    const given = new Map(spec.items.flatMap((i) => (i.source.kind === 'stream' ? [[i.key, i.source] as const] : [])));
    if (given.size === 0) return { skip, replaced, carried };
    for (const old of this.jobs.values()) {
      const o = old.spec;
      if (old.state !== 'interrupted' || o.kind !== 'upload' || o.connectionId !== spec.connectionId || o.bucket !== spec.bucket) continue;
      const same = o.items.filter((i) => {
        const now = given.get(i.key);
        return i.source.kind === 'stream' && now?.kind === 'stream' && now.size === i.source.size && now.lastModified === i.source.lastModified;
      });
      if (same.length === 0) continue;
      const done = await this.store.readDone(old.id);
      for (const i of same) {
        carried.add(i.key);
        if (done.has(i.key)) skip.add(i.key);
      }
      replaced.push(old.id);
    }
    return { skip, replaced, carried };
  }

  /**
   * Gives up what an interrupted upload left: its multipart uploads on the server and their journals (files under
   * its paths; its page files by key and identity), except those of the keys in `keep`.
   */
  private async abandonInterrupted(job: Job, keep: ReadonlySet<string> = new Set()): Promise<void> {
    const spec = job.spec;
    if (spec.kind !== 'upload') return;
    const journals = new JournalStore(cofferPaths(this.opts.home).journals);
    const client = await this.opts.clientFor(spec.connectionId, spec.bucket).catch(() => undefined);
    const roots = spec.items.flatMap((i) => (i.source.kind === 'path' ? [i.source.path] : []));
    const pageFiles = new Set(spec.items.flatMap((i) => (i.source.kind === 'stream' ? [`${i.key}\0${pageFileIdentity(i.source.name)}`] : [])));
    for (const { journal } of await journals.list()) {
      if (journal.bucket !== spec.bucket || keep.has(journal.key)) continue;
      const fromPage = pageFiles.has(`${journal.key}\0${journal.file.path}`);
      if (!fromPage && !roots.some((r) => journal.file.path === r || journal.file.path.startsWith(r.endsWith('/') ? r : `${r}/`))) continue;
      await client?.abortMultipartUpload(journal.bucket, journal.key, journal.uploadId).catch(() => undefined);
      await journals.remove(journalId(journal.bucket, journal.key, journal.file.path));
    }
  }

  private progressOf(job: Job): JobProgress {
    const p = job.progress;
    const filesTotal = p.counts.queued + p.counts.running + p.counts.completed + p.counts.failed + p.counts.cancelled;
    const running = job.state === 'running';
    return {
      bytesDone: p.bytesDone,
      bytesTotal: Math.max(p.bytesTotal, p.bytesDone),
      filesDone: p.counts.completed,
      filesTotal,
      filesFailed: p.counts.failed,
      rate: running ? Math.max(0, p.rate) : 0,
      etaSeconds: running && p.etaSeconds !== undefined && Number.isFinite(p.etaSeconds) ? Math.max(0, Math.round(p.etaSeconds)) : null,
    };
  }

  private summary(job: Job): JobSummary {
    const spec = job.spec;
    const prefix =
      spec.kind === 'upload'
        ? spec.prefix
        : commonFolder(
            spec.kind === 'move'
              ? spec.moves.map((m) => m.from)
              : // A deleted folder is told from where it was ("Deleting photos from my-files/2024/"), not from inside itself.
                [...spec.keys, ...(spec.kind === 'delete' ? spec.prefixes.map((p) => p.slice(0, -1)) : spec.prefixes)],
          );
    return {
      id: job.id,
      kind: spec.kind,
      state: job.state,
      connectionId: spec.connectionId,
      bucket: spec.bucket,
      prefix,
      subject: subjectOf(spec),
      others: othersOf(spec),
      ...(job.growing ? { adding: true as const } : {}),
      sse: spec.kind === 'download' || spec.kind === 'move' || spec.kind === 'delete' ? null : spec.sse,
      progress: this.progressOf(job),
      failures: job.progress.failures.slice(0, 100),
      createdAt: job.createdAt,
      finishedAt: job.finishedAt,
      restored: job.restored,
      awaitingSources: job.awaitingSources,
      attachment: job.state === 'completed' && job.attachment ? { downloadId: job.attachment.downloadId, name: job.attachment.name } : null,
    };
  }

  private persisted(): PersistedJob[] {
    const keep = this.opts.keepFinished ?? 50;
    const all = [...this.jobs.values()].filter((j) => !(j.spec.kind === 'download' && j.spec.destination.kind === 'attachment' && FINISHED.has(j.state)));
    const finished = all.filter((j) => FINISHED.has(j.state)).slice(-keep);
    return all
      .filter((j) => !FINISHED.has(j.state) || finished.includes(j))
      .map((j) => ({
        id: j.id,
        createdAt: j.createdAt,
        finishedAt: j.finishedAt,
        state: j.state,
        spec: j.spec,
        bytesDone: j.progress.bytesDone,
        bytesTotal: j.progress.bytesTotal,
        counts: j.progress.counts,
        failures: j.progress.failures.slice(0, 100),
      }));
  }

  /** State changes are saved within 50 ms; progress at most every 2 s. */
  private scheduleSave(important: boolean): void {
    if (this.closed) return;
    if (this.saveTimer && !important) return;
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(
      () => {
        this.saveTimer = undefined;
        this.store.save(this.persisted()).catch((err: unknown) => this.opts.log?.(`could not save the transfer list: ${(err as Error).message}`));
      },
      important ? 50 : 2_000,
    );
    this.saveTimer.unref();
  }

  private scheduleDone(): void {
    if (this.doneTimer) return;
    this.doneTimer = setTimeout(() => {
      this.doneTimer = undefined;
      void this.flushDone();
    }, 300);
    this.doneTimer.unref();
  }

  private async flushDone(): Promise<void> {
    for (const job of this.jobs.values()) {
      if (job.doneBuffer.length === 0) continue;
      const keys = job.doneBuffer.splice(0);
      await this.store.appendDone(job.id, keys).catch((err: unknown) => this.opts.log?.(`could not record finished items: ${(err as Error).message}`));
    }
  }

  /** Waits until pending writes of the job list are on disk (tests, and before a planned exit). */
  async flush(): Promise<void> {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    await this.flushDone();
    await this.store.save(this.persisted());
  }
}

/** The folder all keys share ('' for none), ending with '/'. */
/** The contract's upload items as a job keeps them (a page's file by its identity: its stream cannot be kept). */
function entriesOf(items: ContractUploadItem[]): UploadEntry[] {
  return items.map((i) =>
    i.source.kind === 'path' ? { key: i.key, source: { kind: 'path', path: i.source.path } } : { key: i.key, source: { kind: 'stream', name: i.source.name, size: i.source.size, lastModified: i.source.lastModified } },
  );
}

function commonFolder(keys: string[]): string {
  if (keys.length === 0) return '';
  let common = keys[0]!.slice(0, keys[0]!.lastIndexOf('/') + 1);
  for (const k of keys) while (common && !k.startsWith(common)) common = common.slice(0, common.slice(0, -1).lastIndexOf('/') + 1);
  return common;
}

async function removeQuietly(path: string): Promise<void> {
  const { rm } = await import('node:fs/promises');
  await rm(path, { force: true }).catch(() => undefined);
}
