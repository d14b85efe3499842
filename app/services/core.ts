// The core every long-running front end (the Electron main process, the browser-mode host) opens once: COFFER_HOME,
// the embedded store (a child process, started in the background and found again if already running), the vault,
// the connections, the encryption-status schedulers, the job manager and the browser streams, and one event stream
// in the contract's terms (AppEvent) that the transports pass on. On first run the embedded store gets a bucket
// with default encryption, so the window opens ready for a drop without asking anything.
import { EventEmitter } from 'node:events';
import type { AppEvent } from '../../shared/contract';
import type { CosClient } from '../cos/client';
import { EncryptionStatusService } from '../engine/encryption-status';
import type { UploadEncryption, UploadEngineOptions } from '../engine/upload';
import { ensureCofferHome, resolveCofferHome, type SafeStorageLike } from '../vault';
import { ensureStarterBucket } from './buckets';
import { Connections, LOCAL_CONNECTION, type Connection } from './connections';
import { EmbeddedStore } from './embedded-store';
import { ServiceError, toAppError } from './errors';
import { JobManager, type FinishedItem } from './jobs/job-manager';
import type { SseChoice } from './jobs/job-types';
import { StatusScheduler } from './status-scheduler';
import type { LaunchSpec, ProcessLauncher, StorePaths } from './store-launch';
import { StreamRegistry } from './stream-registry';
import { VaultAccess } from './vault-access';
import { OneTimeDownloads } from './one-time-downloads';
import { SettingsService, uploadTuning } from './settings';
import { SseCKeys } from './sse-c-keys';
import { SseCUsage } from './sse-c-usage';
import { VaultSetup } from './vault-setup';

export interface CoreOptions {
  /** COFFER_HOME (default: from the environment, else the platform's app-data folder). */
  home?: string;
  env?: NodeJS.ProcessEnv;
  transport: 'electron' | 'browser';
  version?: string;
  /** How the store's child process is started (Electron passes its utilityProcess). */
  launcher?: ProcessLauncher;
  launchSpec?: (paths: StorePaths) => LaunchSpec;
  /** Electron's safeStorage, for a vault the app keeps. */
  safeStorage?: SafeStorageLike;
  uploadOptions?: UploadEngineOptions;
  /** Create a bucket on the embedded store's first run (default true). */
  starterBucket?: boolean;
  log?: (line: string) => void;
}

export interface CoreEvents {
  event: [AppEvent];
}

export class CofferCore extends EventEmitter<CoreEvents> {
  readonly store: EmbeddedStore;
  readonly vault: VaultAccess;
  readonly connections: Connections;
  readonly streams = new StreamRegistry();
  readonly jobs: JobManager;
  /** The user's settings (settings.json): an upload reads its concurrency when it starts. */
  readonly settings: SettingsService;
  /** The vault's SSE-C keys as Settings manages them, and which objects this app encrypted with each. */
  readonly sseCKeys: SseCKeys;
  readonly sseCUsage: SseCUsage;
  /** Browser mode: small files (an exported key) served once on the download route. */
  readonly oneTimeDownloads = new OneTimeDownloads();
  private readonly schedulers = new Map<string, StatusScheduler>();
  private readonly statusServices = new Map<string, EncryptionStatusService>();
  /** connectionId \0 bucket → the bucket's region, learned from listings. */
  private readonly regions = new Map<string, string>();
  private warm?: Promise<void>;
  private closed = false;

  private constructor(
    readonly home: string,
    readonly opts: CoreOptions,
  ) {
    super();
    const log = opts.log ?? (() => {});
    this.store = new EmbeddedStore({ home, launcher: opts.launcher, launchSpec: opts.launchSpec, log });
    this.vault = new VaultAccess({ home, env: opts.env, safeStorage: opts.safeStorage });
    this.connections = new Connections({ store: this.store, vault: this.vault, env: opts.env });
    this.settings = new SettingsService(home);
    this.jobs = new JobManager({
      home,
      clientFor: (c, b) => this.clientFor(c, b),
      statusServiceFor: async (c, b) => this.statusService(c, await this.regionOf(c, b)),
      resolveEncryption: (choice) => this.resolveEncryption(choice),
      streams: this.streams,
      uploadOptions: () => ({ ...uploadTuning(this.settings.current()), ...opts.uploadOptions }),
      sseCustomerKeyFor: (client, bucket, key) => this.sseCKeys.keyFor(client, bucket, key),
      log,
    });
    this.sseCUsage = new SseCUsage(home);
    this.sseCKeys = new SseCKeys({
      vault: this.vault,
      setup: new VaultSetup(this.vault, { home, env: opts.env, safeStorage: opts.safeStorage }),
      usage: this.sseCUsage,
      settings: this.settings,
      downloads: this.oneTimeDownloads,
      jobs: () => this.jobs.list(),
    });
    this.wireEvents();
  }

  /** Opens COFFER_HOME, reads the job queue, and starts the embedded store in the background. */
  static async open(opts: CoreOptions): Promise<CofferCore> {
    const home = await ensureCofferHome(opts.home ?? resolveCofferHome({ env: opts.env }));
    const core = new CofferCore(home, opts);
    await core.jobs.load();
    await core.settings.load();
    core.warm = core.warmUp();
    return core;
  }

  /** Settles when the embedded store is running and has its first bucket (or failed to start: see store.state). */
  ready(): Promise<void> {
    return this.warm ?? Promise.resolve();
  }

  emitEvent(event: AppEvent): void {
    this.emit('event', event);
  }

  /** A client for `bucket` of `connectionId`, in the bucket's region. */
  async clientFor(connectionId: string, bucket?: string): Promise<CosClient> {
    const conn = await this.connections.get(connectionId);
    return conn.client(bucket === undefined ? undefined : this.regions.get(`${connectionId}\0${bucket}`));
  }

  connection(connectionId: string): Promise<Connection> {
    return this.connections.get(connectionId);
  }

  /** Remembers where a bucket lives (from a listing), so its requests go to its region. */
  learnRegion(connectionId: string, bucket: string, region: string): void {
    if (region) this.regions.set(`${connectionId}\0${bucket}`, region);
  }

  /** An account was edited or removed: its clients, status lookups and learned regions go (its keys may have changed). */
  async forgetConnection(connectionId: string): Promise<void> {
    const mine = (key: string) => key.startsWith(`${connectionId}\0`);
    for (const key of [...this.statusServices.keys()]) if (mine(key)) this.statusServices.delete(key);
    for (const key of [...this.regions.keys()]) if (mine(key)) this.regions.delete(key);
    this.schedulers.get(connectionId)?.forgetViews('');
    this.schedulers.delete(connectionId);
    await this.connections.forget(connectionId);
  }

  async regionOf(connectionId: string, bucket: string): Promise<string> {
    return this.regions.get(`${connectionId}\0${bucket}`) ?? (await this.connections.get(connectionId)).defaultRegion;
  }

  /** The Encryption column's scheduler of a connection (HEADs in each bucket's own region). */
  scheduler(connectionId: string): StatusScheduler {
    let s = this.schedulers.get(connectionId);
    if (!s) {
      s = new StatusScheduler({
        serviceFor: async (b) => this.statusService(connectionId, await this.regionOf(connectionId, b)),
        emit: (c) => this.emitEvent({ type: 'object.status', connectionId, bucket: c.bucket, key: c.key, etag: c.etag ?? '', encryption: c.state }),
      });
      this.schedulers.set(connectionId, s);
    }
    return s;
  }

  /** A window or page went away: its status views stop, and the files it had announced but not sent fail. */
  endSession(sessionId: string): void {
    for (const s of this.schedulers.values()) s.forgetViews(`${sessionId}:`);
    this.streams.failOwner(sessionId, { kind: 'cancelled', code: 'PageClosed', message: 'The page that was sending this file was closed; drop the file again to upload it.', details: {} });
    this.jobs.sealOwner(sessionId);
  }

  async resolveEncryption(choice: SseChoice): Promise<UploadEncryption> {
    switch (choice.mode) {
      case 'sse-cos':
        return { mode: 'SSE-COS' };
      case 'sse-kms':
        return choice.keyId ? { mode: 'SSE-KMS', keyId: choice.keyId } : { mode: 'SSE-KMS' };
      case 'sse-c': {
        const vault = await this.vault.require();
        if (!vault.listSseCustomerKeys().some((k) => k.id === choice.vaultKeyId)) {
          throw new ServiceError('not-found', 'NoSuchSseCKey', 'The SSE-C key chosen is no longer in the vault; choose another key.');
        }
        return { mode: 'SSE-C', key: await vault.getSseCustomerKey(choice.vaultKeyId) };
      }
      case 'none':
        return { mode: 'none' };
    }
  }

  /**
   * Quitting: running jobs are paused and saved as interrupted, connections closed, the store this process started
   * stopped (SIGTERM; it drains and removes its record).
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.jobs.shutdown().catch((err: unknown) => this.opts.log?.(`could not save the transfer list: ${(err as Error).message}`));
    await this.warm?.catch(() => undefined);
    await this.connections.close();
    await this.store.stop();
    await this.sseCUsage.flush().catch(() => undefined);
    this.oneTimeDownloads.clear();
    this.vault.close();
  }

  private async statusService(connectionId: string, region: string): Promise<EncryptionStatusService> {
    const key = `${connectionId}\0${region}`;
    let s = this.statusServices.get(key);
    if (!s) {
      const conn = await this.connections.get(connectionId);
      // Checked again: another caller may have made it while the connection opened.
      s = this.statusServices.get(key) ?? new EncryptionStatusService(conn.client(region), { concurrency: 8, region });
      this.statusServices.set(key, s);
    }
    return s;
  }

  private async warmUp(): Promise<void> {
    try {
      const conn = await this.connections.get(LOCAL_CONNECTION);
      if (this.opts.starterBucket !== false) await ensureStarterBucket(conn.client());
      this.emitEvent({ type: 'store.state', running: true });
      this.emitEvent({ type: 'connections.changed' });
    } catch (err) {
      this.opts.log?.(`the embedded store could not start: ${(err as Error).message}`);
      this.emitEvent({ type: 'store.state', running: false, error: toAppError(err) });
    }
  }

  private wireEvents(): void {
    this.store.onUnexpectedExit((why) => {
      this.opts.log?.(why);
      this.emitEvent({ type: 'store.state', running: false, error: new ServiceError('unavailable', 'StoreStopped', `${why}; Coffer starts it again on the next request.`).toAppError() });
    });
    this.vault.onChange(() => {
      void this.vault.status().then((s) => this.emitEvent({ type: 'vault.state', state: s.state === 'none' ? 'absent' : s.state }));
      this.emitEvent({ type: 'connections.changed' });
    });
    const j = this.jobs;
    j.on('added', (job) => this.emitEvent({ type: 'job.added', job }));
    j.on('progress', (p) => this.emitEvent({ type: 'job.progress', jobId: p.jobId, progress: p.progress }));
    j.on('notice', (n) => this.emitEvent({ type: 'job.notice', jobId: n.jobId, ...(n.key !== undefined ? { key: n.key } : {}), message: n.message }));
    j.on('state', (job) => this.emitEvent({ type: 'job.state', jobId: job.id, state: job.state, job }));
    j.on('done', (job) => this.emitEvent({ type: 'job.done', jobId: job.id, job }));
    j.on('removed', (jobId) => this.emitEvent({ type: 'job.removed', jobId }));
    j.on('item', (item) => this.itemFinished(item));
    // Which objects each SSE-C key encrypted, for the warning before the key is removed (sse-c-usage.ts).
    const sseOf = new Map<string, SseChoice | null>();
    j.on('item', (item) => {
      if (item.kind === 'download' || item.kind === 'delete') return;
      if (!sseOf.has(item.jobId)) sseOf.set(item.jobId, this.jobs.list().find((job) => job.id === item.jobId)?.sse ?? null);
      void this.sseCUsage.note(sseOf.get(item.jobId), item);
    });
    j.on('removed', (jobId) => sseOf.delete(jobId));
  }

  /** An upload or encrypt finished an object: its row shows the verified encryption without a HEAD; a moved or deleted one leaves. */
  private itemFinished(item: FinishedItem): void {
    if (item.kind === 'download') return;
    if (item.kind === 'delete') {
      this.scheduler(item.connectionId).invalidate(item.bucket, item.key);
      this.emitEvent({ type: 'object.changed', connectionId: item.connectionId, bucket: item.bucket, change: 'deleted', key: item.key });
      return;
    }
    if (item.kind === 'move') {
      // The old key is gone and the object is at `movedTo` (a skipped item moved nothing).
      if (!item.movedTo) return;
      const where = { connectionId: item.connectionId, bucket: item.bucket };
      this.scheduler(item.connectionId).invalidate(item.bucket, item.key);
      this.emitEvent({ type: 'object.changed', ...where, change: 'deleted', key: item.key });
      if (item.movedTo.endsWith('/')) {
        this.emitEvent({ type: 'object.changed', ...where, change: 'folder', folder: { prefix: item.movedTo, name: item.movedTo.slice(0, -1).split('/').pop() ?? '' } });
        return;
      }
      item = { ...item, key: item.movedTo };
    }
    const s = this.scheduler(item.connectionId);
    const state = item.state ?? { state: 'checking' as const };
    if (item.state) {
      if (item.etag) s.record(item.bucket, { key: item.key, etag: item.etag }, item.state);
      else s.recordFresh(item.bucket, item.key, item.size, item.state);
    } else s.invalidate(item.bucket, item.key);
    const name = item.key.slice(item.key.lastIndexOf('/') + 1);
    this.emitEvent({
      type: 'object.changed',
      connectionId: item.connectionId,
      bucket: item.bucket,
      change: 'put',
      object: { key: item.key, name, size: item.size, lastModified: new Date().toISOString(), etag: item.etag ?? '', storageClass: 'STANDARD' },
      encryption: state,
    });
  }
}
