// The job queue on disk, so that after a restart (or a crash) every unfinished job is listed and can resume:
// COFFER_HOME/jobs.json holds each job's spec and last known progress, written crash-safely (tmp, fsync, rename,
// fsync the folder: a reader finds the old list or the new one, never a torn one). What each job has finished is
// appended to COFFER_HOME/jobs/<id>.done, one JSON string (a key) per line, so a resumed job skips it; a torn last
// line after a crash is ignored. Neither file holds a secret: an SSE-C key is named by its vault id.
import { appendFile, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../platform/durable-fs';
import { makeDirs } from '../../platform/make-dirs';
import { DownloadDestination, ItemFailure, JobState, SseChoice } from '../../../shared/contract';
import type { ItemCounts, JobSpec } from './job-types';

const UploadEntrySchema = z.object({
  key: z.string(),
  source: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('path'), path: z.string() }),
    z.object({ kind: z.literal('stream'), name: z.string(), size: z.number(), lastModified: z.string() }),
  ]),
});

const Spec = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('upload'), connectionId: z.string(), bucket: z.string(), prefix: z.string(), sse: SseChoice, items: z.array(UploadEntrySchema) }),
  z.object({ kind: z.literal('download'), connectionId: z.string(), bucket: z.string(), keys: z.array(z.string()), prefixes: z.array(z.string()), destination: DownloadDestination }),
  z.object({ kind: z.literal('encrypt'), connectionId: z.string(), bucket: z.string(), keys: z.array(z.string()), prefixes: z.array(z.string()), sse: SseChoice.refine((c) => c.mode !== 'none') }),
  z.object({
    kind: z.literal('move'),
    connectionId: z.string(),
    bucket: z.string(),
    moves: z.array(z.object({ from: z.string(), to: z.string() })),
    onConflict: z.enum(['ask', 'replace', 'keep-both', 'skip']),
    sseCKeyIds: z.array(z.string()),
  }),
  z.object({ kind: z.literal('delete'), connectionId: z.string(), bucket: z.string(), keys: z.array(z.string()), prefixes: z.array(z.string()) }),
]);

const Persisted = z.object({
  id: z.string(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  state: JobState,
  spec: Spec,
  bytesDone: z.number(),
  bytesTotal: z.number(),
  counts: z.object({ queued: z.number(), running: z.number(), completed: z.number(), failed: z.number(), cancelled: z.number() }),
  failures: z.array(ItemFailure),
});

const File = z.object({ version: z.literal(1), jobs: z.array(z.unknown()) });

export interface PersistedJob {
  id: string;
  createdAt: string;
  finishedAt: string | null;
  state: JobState;
  spec: JobSpec;
  bytesDone: number;
  bytesTotal: number;
  counts: ItemCounts;
  failures: ItemFailure[];
}

export class JobStore {
  readonly file: string;
  readonly doneDir: string;
  private chain: Promise<void> = Promise.resolve();
  /** Each spec's JSON, and for an upload the JSON of the items it had then (see jobText). */
  private readonly specTexts = new WeakMap<JobSpec, { head: string; items: number; itemsText: string }>();

  constructor(home: string) {
    this.file = join(home, 'jobs.json');
    this.doneDir = join(home, 'jobs');
  }

  /** The jobs on disk; a damaged file or a job that no longer parses is left out (and said so through `skipped`). */
  async load(): Promise<{ jobs: PersistedJob[]; skipped: number }> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { jobs: [], skipped: 0 };
      throw err;
    }
    let raw: unknown[];
    try {
      raw = File.parse(JSON.parse(text)).jobs;
    } catch {
      return { jobs: [], skipped: 1 };
    }
    const jobs: PersistedJob[] = [];
    let skipped = 0;
    for (const j of raw) {
      const p = Persisted.safeParse(j);
      if (p.success) jobs.push(p.data as PersistedJob);
      else skipped++;
    }
    return { jobs, skipped };
  }

  /** Writes the whole list; writes are serialized, so the last call's list is what stays on disk. */
  save(jobs: PersistedJob[]): Promise<void> {
    const text = `{"version":1,"jobs":[\n${jobs.map((j) => this.jobText(j)).join(',\n')}\n]}\n`;
    const next = this.chain
      .catch(() => undefined)
      .then(async () => {
        await makeDirs(dirname(this.file), 0o700);
        await writeFileAtomic(this.file, text, 0o600);
      });
    this.chain = next;
    return next;
  }

  /**
   * One job as JSON. An upload of 10,000 dropped files has a spec of about a megabyte, while progress is saved
   * every 2 s: its text is made once and reused. A spec changes only by growing: an upload started while the page
   * still reads a big drop is given its next files (addUploadItems), and only those are turned into text then.
   */
  private jobText(job: PersistedJob): string {
    const { spec: _spec, ...rest } = job;
    return `${JSON.stringify(rest).slice(0, -1)},"spec":${this.specText(job.spec)}}`;
  }

  private specText(spec: JobSpec): string {
    let text = this.specTexts.get(spec);
    if (!text) {
      if (spec.kind !== 'upload') text = { head: JSON.stringify(spec), items: 0, itemsText: '' };
      else {
        const { items: _items, ...head } = spec;
        text = { head: JSON.stringify(head).slice(0, -1), items: 0, itemsText: '' };
      }
      this.specTexts.set(spec, text);
    }
    if (spec.kind !== 'upload') return text.head;
    if (text.items < spec.items.length) {
      const added = spec.items.slice(text.items).map((i) => JSON.stringify(i)).join(',');
      text.itemsText = text.items === 0 ? added : `${text.itemsText},${added}`;
      text.items = spec.items.length;
    }
    return `${text.head},"items":[${text.itemsText}]}`;
  }

  /** Records keys a job finished. */
  async appendDone(jobId: string, keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await makeDirs(this.doneDir, 0o700);
    await appendFile(this.donePath(jobId), keys.map((k) => JSON.stringify(k)).join('\n') + '\n', { mode: 0o600 });
  }

  async readDone(jobId: string): Promise<Set<string>> {
    let text: string;
    try {
      text = await readFile(this.donePath(jobId), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Set();
      throw err;
    }
    const out = new Set<string>();
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        const k = JSON.parse(line) as unknown;
        if (typeof k === 'string') out.add(k);
      } catch {
        // A line torn by a crash: that item is simply done again.
      }
    }
    return out;
  }

  async removeDone(jobId: string): Promise<void> {
    await rm(this.donePath(jobId), { force: true });
  }

  private donePath(jobId: string): string {
    return join(this.doneDir, `${jobId.replace(/[^A-Za-z0-9-]/g, '_')}.done`);
  }
}
