// An in-memory core behind the real contract, for component and store tests: every request goes through the
// same serveRequest the transports use (so a request the real core would refuse fails here too), listings are
// paged with markers and delimiters like COS, and tests push events with emit(). Calls are recorded.
import {
  channelNames,
  serveRequest,
  type AppError,
  type AppEvent,
  type Bucket,
  type ChannelName,
  type CofferApi,
  type Envelope,
  type FolderRow,
  type Handlers,
  type JobSummary,
  type ObjectRow,
  type ParsedRequest,
  splitChannel,
} from '../../shared/contract';
import type { Bridge, UploadFilesRequest } from '../bridge/bridge';
import { blobFromChannel } from '../bridge/preview-blob';
import { allFiles } from '../bridge/upload-items';
import { accountMemoryHandlers } from './memory-accounts';
import { detailMemoryHandlers } from './memory-details';
import { settingsMemoryHandlers, type MemorySettingsOptions } from './memory-settings';

export interface MemoryBridgeOptions {
  buckets?: Bucket[];
  /** Objects per bucket (keys in any order). */
  objects?: Record<string, ObjectRow[]>;
  /** Replace any handler (e.g. to fail a channel or delay it). */
  handlers?: Partial<Handlers>;
  appInfo?: Partial<ReturnType<typeof defaultInfo>>;
  /** Settings and SSE-C keys to start with (memory-settings.ts). */
  settings?: MemorySettingsOptions;
}

export interface MemoryBridge extends Bridge {
  calls: Array<{ channel: ChannelName; request: unknown }>;
  callsOf<C extends ChannelName>(channel: C): Array<ParsedRequest<C>>;
  emit(event: AppEvent): void;
  uploads: UploadFilesRequest[];
  attachments: Array<{ downloadId: string; name: string }>;
}

export const T0 = '2026-12-02T10:04:00.000Z';
export const BUCKET = 'photos-1250000000';

export function object(key: string, extra: Partial<ObjectRow> = {}): ObjectRow {
  return { key, name: key.slice(key.lastIndexOf('/', key.length - 2) + 1), size: 1200, lastModified: T0, etag: `"${key.length}"`, storageClass: 'STANDARD', ...extra };
}

export function bucket(extra: Partial<Bucket> = {}): Bucket {
  return { name: BUCKET, region: 'ap-guangzhou', sseOffered: true, defaultEncryption: { mode: 'SSE-COS' }, created: T0, ...extra };
}

export function job(extra: Partial<JobSummary> = {}): JobSummary {
  return {
    id: 'job-1',
    kind: 'upload',
    state: 'running',
    connectionId: 'local',
    bucket: BUCKET,
    prefix: '',
    subject: 'report.pdf',
    others: 0,
    sse: { mode: 'sse-cos' },
    progress: { bytesDone: 0, bytesTotal: 1000, filesDone: 0, filesTotal: 1, filesFailed: 0, rate: 0, etaSeconds: null },
    failures: [],
    createdAt: T0,
    finishedAt: null,
    restored: false,
    awaitingSources: false,
    attachment: null,
    ...extra,
  };
}

function defaultInfo() {
  return { version: '0.1.0', transport: 'browser' as const, platform: 'linux', nativeDialogs: false, filePaths: false, storeRunning: true, dataLocation: '/tmp/coffer' };
}

/** A thrown `{ appError }` (memory-accounts.ts's failWith) crosses as that error, as a ServiceError does in the core. */
export const toAppError = (err: unknown): AppError =>
  (err as { appError?: AppError } | null)?.appError ?? { kind: 'failed', code: 'Test', message: err instanceof Error ? err.message : String(err), details: {} };

/** One page of a sorted key list, COS list-v1 style (marker exclusive, '/' delimiter, common prefixes). */
export function listPage(sorted: ObjectRow[], prefix: string, marker: string | undefined, pageSize: number, nameFilter?: string) {
  let lo = 0;
  let hi = sorted.length;
  const from = marker && marker > prefix ? marker : prefix;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]!.key < from || (marker !== undefined && sorted[mid]!.key === marker)) lo = mid + 1;
    else hi = mid;
  }
  const folders: FolderRow[] = [];
  const objects: ObjectRow[] = [];
  let last: string | null = null;
  let i = lo;
  for (; i < sorted.length && folders.length + objects.length < pageSize; i++) {
    const o = sorted[i]!;
    if (!o.key.startsWith(prefix)) break;
    if (marker?.endsWith('/') && o.key.startsWith(marker)) continue;
    const rest = o.key.slice(prefix.length);
    const slash = rest.indexOf('/');
    if (slash >= 0) {
      const p = prefix + rest.slice(0, slash + 1);
      if (folders[folders.length - 1]?.prefix !== p) folders.push({ prefix: p, name: rest.slice(0, slash) });
      last = p;
      while (i + 1 < sorted.length && sorted[i + 1]!.key.startsWith(p)) i++;
      continue;
    }
    if (!nameFilter || rest.toLowerCase().includes(nameFilter.toLowerCase())) objects.push({ ...o, name: rest });
    last = o.key;
  }
  const truncated = i < sorted.length && sorted[i]!.key.startsWith(prefix);
  return { folders, objects, nextMarker: truncated ? last : null, truncated };
}

export function createMemoryBridge(opts: MemoryBridgeOptions = {}): MemoryBridge {
  const listeners = new Set<(e: AppEvent) => void>();
  const calls: MemoryBridge['calls'] = [];
  const uploads: UploadFilesRequest[] = [];
  const attachments: MemoryBridge['attachments'] = [];
  const sorted: Record<string, ObjectRow[]> = {};
  for (const [b, list] of Object.entries(opts.objects ?? {})) sorted[b] = [...list].sort((a, c) => (a.key < c.key ? -1 : a.key > c.key ? 1 : 0));
  let jobCount = 0;
  /** Jobs the core has answered with, so an action on one answers that job in its new state. */
  const known = new Map<string, JobSummary>();
  const acted = (jobId: string, extra: Partial<JobSummary>) => ({ job: { ...(known.get(jobId) ?? job({ id: jobId })), ...extra } });

  const base: Handlers = {
    ...accountMemoryHandlers(),
    ...detailMemoryHandlers(),
    ...settingsMemoryHandlers(opts.settings),
    'app.info': () => ({ ...defaultInfo(), ...opts.appInfo }),
    'connections.list': () => ({ connections: [{ id: 'local', label: '', kind: 'embedded', appId: '1250000000', state: 'ready' }] }),
    'buckets.list': () => ({ buckets: opts.buckets ?? [bucket()] }),
    'buckets.create': (r) => ({ bucket: bucket({ name: r.bucket, region: r.region, defaultEncryption: r.defaultEncryption ? { mode: 'SSE-COS' } : null }) }),
    'objects.list': (r) => listPage(sorted[r.bucket] ?? [], r.prefix, r.marker, r.pageSize, r.nameFilter),
    'objects.folders': (r) => {
      // As the core does: the folders of every page, up to 5 pages.
      const folders: FolderRow[] = [];
      let marker: string | undefined;
      for (let read = 0; read < 5; read++) {
        const page = listPage(sorted[r.bucket] ?? [], r.prefix, marker, 1000, r.nameFilter);
        folders.push(...page.folders.filter((f) => !r.nameFilter || f.name.toLowerCase().includes(r.nameFilter.toLowerCase())));
        if (!page.truncated || !page.nextMarker) return { folders, complete: true };
        marker = page.nextMarker;
      }
      return { folders, complete: false };
    },
    'objects.status': (r) => ({ queued: r.rows.length }),
    'objects.createFolder': (r) => ({ key: r.key }),
    'objects.delete': (r) => ({ deleted: r.keys, failures: [] }),
    'jobs.list': () => ({ jobs: [] }),
    'jobs.startUpload': (r) => {
      const top = new Set(r.items.map((i) => i.key.slice(r.prefix.length).split('/')[0]!));
      return { job: job({ id: `job-${++jobCount}`, prefix: r.prefix, subject: [...top][0]!, others: top.size - 1, sse: r.sse, progress: { ...job().progress, filesTotal: r.items.length } }) };
    },
    'jobs.startDownload': () => ({ job: job({ kind: 'download', sse: null }) }),
    'jobs.startEncrypt': () => ({ job: job({ kind: 'encrypt' }) }),
    'jobs.addUploadItems': (r) => ({ job: known.get(r.jobId) ?? job({ id: r.jobId }) }),
    'jobs.startDelete': () => ({ job: job({ kind: 'delete', sse: null }) }),
    'jobs.pause': (r) => acted(r.jobId, { state: 'paused', progress: { ...(known.get(r.jobId) ?? job()).progress, rate: 0, etaSeconds: null } }),
    'jobs.resume': (r) => acted(r.jobId, { state: 'running' }),
    'jobs.cancel': (r) => acted(r.jobId, { state: 'cancelled', finishedAt: T0 }),
    'jobs.retry': (r) => acted(r.jobId, { state: 'running', failures: [], finishedAt: null }),
    'jobs.dismiss': (r) => ({ jobId: r.jobId }),
    'multipart.list': () => ({ uploads: [], truncated: false }),
    'multipart.abort': () => ({ aborted: true }),
    'dialogs.pickFiles': () => {
      throw new Error('no native dialogs in memory');
    },
    'dialogs.pickFolder': () => ({ path: null }),
    'dialogs.saveAs': () => ({ path: null }),
    'vault.status': () => ({ state: 'absent', protector: null }),
    'vault.unlock': () => ({ state: 'unlocked', protector: 'passphrase' }),
  };
  const handlers = { ...base, ...opts.handlers } as Handlers;

  const call = async (channel: ChannelName, request: unknown): Promise<Envelope<unknown>> => {
    calls.push({ channel, request });
    const answer = await serveRequest(handlers, channel, request, { toAppError });
    if (answer.ok) {
      const v = answer.value as { job?: JobSummary; jobs?: JobSummary[] };
      for (const j of [...(v.jobs ?? []), ...(v.job ? [v.job] : [])]) known.set(j.id, j);
    }
    return answer;
  };
  const api: Record<string, Record<string, (r: unknown) => Promise<Envelope<unknown>>>> = {};
  for (const name of channelNames) {
    const [d, a] = splitChannel(name);
    (api[d] ??= {})[a] = (r) => call(name, r);
  }
  const typed = api as unknown as CofferApi;

  return {
    api: typed,
    needsFilePaths: false,
    calls,
    uploads,
    callsOf: <C extends ChannelName>(channel: C) => calls.filter((c) => c.channel === channel).map((c) => c.request as ParsedRequest<C>),
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(event) {
      for (const l of listeners) l(event);
    },
    async uploadFiles(req) {
      uploads.push(req);
      const files = await allFiles(req.files, req.more);
      return typed.jobs.startUpload({
        connectionId: req.connectionId,
        bucket: req.bucket,
        prefix: req.prefix,
        sse: req.sse,
        items: files.map((f, i) => ({
          key: req.prefix + f.relativePath,
          source: { kind: 'stream', streamId: `stream-${String(i).padStart(4, '0')}`, name: f.file.name, size: f.file.size, lastModified: T0 },
        })),
      });
    },
    attachments,
    openAttachment(downloadId, name) {
      attachments.push({ downloadId, name });
    },
    previewBlob: (previewId) => blobFromChannel(typed, previewId),
  };
}

/** Objects '<prefix>file-00000.txt' … for big-listing tests. */
export function manyObjects(n: number, prefix = ''): ObjectRow[] {
  return Array.from({ length: n }, (_, i) => object(`${prefix}file-${String(i).padStart(5, '0')}.txt`, { etag: `"e${i}"` }));
}
