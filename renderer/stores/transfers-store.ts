// The transfers panel: every job (uploads, downloads, encrypt-in-place) with its progress, including jobs found
// unfinished after a restart, the incomplete multipart uploads the server holds for the bucket on screen, and
// the actions on them. Job events arrive already batched per animation frame (event-router.ts).
import { createStore } from 'zustand/vanilla';
import type { AppError, AppEvent, IncompleteUpload, JobSummary, SseChoice } from '../../shared/contract';
import type { Bridge, MoreFiles, PageFile } from '../bridge/bridge';
import type { Location } from './listing-store';

type JobEvent = Extract<AppEvent, { type: `job.${string}` }>;
export type JobAction = 'pause' | 'resume' | 'cancel' | 'retry' | 'dismiss';

export interface IncompleteState {
  location: Location | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  uploads: IncompleteUpload[];
  error: AppError | null;
}

export interface TransfersState {
  jobs: Record<string, JobSummary>;
  /** Job ids, newest first. */
  order: string[];
  /** The last failure of an action or a start, shown as a sentence in the panel. */
  error: AppError | null;
  notices: Record<string, string[]>;
  incomplete: IncompleteState;
  load(): Promise<void>;
  /** `more`: files of the same upload still being found (a dropped folder's walk), added to its job as they come. */
  startUpload(location: Location, files: PageFile[], sse: SseChoice, more?: MoreFiles): Promise<JobSummary | null>;
  act(jobId: string, action: JobAction): Promise<void>;
  /** Takes the transfers that completed or were cancelled off the list (failed ones stay, to be retried). */
  clearFinished(): Promise<void>;
  apply(events: JobEvent[]): void;
  loadIncomplete(location: Location): Promise<void>;
  abortIncomplete(upload: IncompleteUpload): Promise<void>;
  clearError(): void;
}

export const finished = (job: JobSummary) => job.state === 'completed' || job.state === 'failed' || job.state === 'cancelled';
/** What "Clear finished" takes off the list: failed transfers stay, to be retried. */
export const clearable = (job: JobSummary | undefined) => job?.state === 'completed' || job?.state === 'cancelled';

export function createTransfersStore(bridge: Bridge) {
  return createStore<TransfersState>()((set, get) => {
    const upsert = (jobs: Record<string, JobSummary>, order: string[], job: JobSummary) => {
      if (!jobs[job.id]) order = [job.id, ...order];
      return { jobs: { ...jobs, [job.id]: job }, order };
    };

    return {
      jobs: {},
      order: [],
      error: null,
      notices: {},
      incomplete: { location: null, status: 'idle', uploads: [], error: null },

      async load() {
        const answer = await bridge.api.jobs.list({});
        if (!answer.ok) return set({ error: answer.error });
        const list = [...answer.value.jobs].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
        set({ jobs: Object.fromEntries(list.map((j) => [j.id, j])), order: list.map((j) => j.id) });
      },

      async startUpload(location, files, sse, more) {
        const answer = await bridge.uploadFiles({ connectionId: location.connectionId, bucket: location.bucket, prefix: location.prefix, sse, files, ...(more ? { more } : {}), onLaterError: (error) => set({ error }) });
        if (!answer.ok) {
          set({ error: answer.error });
          return null;
        }
        set((s) => upsert(s.jobs, s.order, answer.value.job));
        return answer.value.job;
      },

      async act(jobId, action) {
        const answer =
          action === 'pause'
            ? await bridge.api.jobs.pause({ jobId })
            : action === 'resume'
              ? await bridge.api.jobs.resume({ jobId })
              : action === 'cancel'
                ? await bridge.api.jobs.cancel({ jobId })
                : action === 'retry'
                  ? await bridge.api.jobs.retry({ jobId })
                  : await bridge.api.jobs.dismiss({ jobId });
        if (!answer.ok) return set({ error: answer.error });
        if ('job' in answer.value) {
          const job = answer.value.job;
          set((s) => upsert(s.jobs, s.order, job));
        } else {
          set((s) => removeJob(s, jobId));
        }
      },

      async clearFinished() {
        const { jobs, order } = get();
        const done = order.filter((id) => clearable(jobs[id]));
        for (const id of done) await get().act(id, 'dismiss');
      },

      apply(events) {
        if (events.length === 0) return;
        let { jobs, order, notices } = get();
        for (const e of events) {
          switch (e.type) {
            case 'job.added':
            case 'job.state':
            case 'job.done':
              ({ jobs, order } = upsert(jobs, order, e.job));
              break;
            case 'job.progress': {
              const job = jobs[e.jobId];
              if (job) jobs = { ...jobs, [e.jobId]: { ...job, progress: e.progress } };
              break;
            }
            case 'job.notice':
              notices = { ...notices, [e.jobId]: [...(notices[e.jobId] ?? []).slice(-19), e.message] };
              break;
            case 'job.removed':
              ({ jobs, order } = removeJob({ jobs, order }, e.jobId));
              break;
            default: {
              const never: never = e;
              void never;
            }
          }
        }
        set({ jobs, order, notices });
      },

      async loadIncomplete(location) {
        set({ incomplete: { location, status: 'loading', uploads: [], error: null } });
        const answer = await bridge.api.multipart.list({ connectionId: location.connectionId, bucket: location.bucket });
        if (get().incomplete.location !== location) return;
        set({ incomplete: answer.ok ? { location, status: 'ready', uploads: answer.value.uploads, error: null } : { location, status: 'error', uploads: [], error: answer.error } });
      },

      async abortIncomplete(upload) {
        const { location } = get().incomplete;
        if (!location) return;
        const answer = await bridge.api.multipart.abort({ connectionId: location.connectionId, bucket: location.bucket, key: upload.key, uploadId: upload.uploadId });
        if (!answer.ok) return set({ error: answer.error });
        set((s) => ({ incomplete: { ...s.incomplete, uploads: s.incomplete.uploads.filter((u) => u.uploadId !== upload.uploadId) } }));
      },

      clearError() {
        set({ error: null });
      },
    };
  });
}

function removeJob(s: { jobs: Record<string, JobSummary>; order: string[] }, jobId: string) {
  const { [jobId]: _gone, ...jobs } = s.jobs;
  return { jobs, order: s.order.filter((id) => id !== jobId) };
}

export type TransfersStore = ReturnType<typeof createTransfersStore>;

/** The panel's header: how many run, the combined rate, and the time left for all of them. */
export function transferTotals(state: Pick<TransfersState, 'jobs' | 'order'>) {
  let running = 0;
  let rate = 0;
  let remaining = 0;
  let failed = 0;
  let adding = false;
  for (const id of state.order) {
    const job = state.jobs[id]!;
    if (job.state === 'running' || job.state === 'queued') {
      running++;
      rate += job.progress.rate;
      remaining += Math.max(0, job.progress.bytesTotal - job.progress.bytesDone);
      adding ||= !!job.adding;
    }
    if (job.state === 'failed') failed++;
  }
  // While a big drop is still being read its total grows: no time left is told from it.
  return { running, rate, etaSeconds: rate > 0 && !adding ? remaining / rate : null, failed };
}
