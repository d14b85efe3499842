// The one job manager against a real store: uploads, downloads and encrypt-in-place with the same summaries and
// controls; pause, resume, cancel and retry; the queue kept in COFFER_HOME so a restart lists unfinished jobs and
// continues them (an upload from its journal, a download from its partial file); files streamed by a page.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { JobSummary } from '../../../shared/contract';
import type { CosClient } from '../../cos/client';
import { readAllBody, testClient } from '../../cos/client/test-support/client-fixture';
import { EncryptionStatusService } from '../../engine/encryption-status';
import { tempPathsFor } from '../../engine/download';
import { startFixture, type StoreFixture } from '../../store/test-support/store-fixture';
import { ServiceError } from '../errors';
import { ABORTS_IN_FLIGHT } from '../incomplete-uploads';
import { StreamRegistry } from '../stream-registry';
import { JobManager, type FinishedItem } from './job-manager';

const MiB = 1024 * 1024;
const BUCKET = 'jobs-1250000000';
let f: StoreFixture;
let client: CosClient;
let dir: string;
const managers: JobManager[] = [];

beforeAll(async () => {
  f = await startFixture();
  client = testClient(f.port);
  await client.createBucket(BUCKET);
});

afterAll(async () => {
  await client?.close();
  await f?.close();
});

afterEach(async () => {
  for (const m of managers.splice(0)) await m.shutdown().catch(() => undefined);
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Bed {
  home: string;
  jobs: JobManager;
  streams: StreamRegistry;
  items: FinishedItem[];
  notices: string[];
  done(id: string): Promise<JobSummary>;
}

function manager(home: string, uploadOptions = {}): Bed {
  const streams = new StreamRegistry();
  const jobs = new JobManager({
    home,
    clientFor: async () => client,
    statusServiceFor: async () => new EncryptionStatusService(client),
    resolveEncryption: async (c) => (c.mode === 'sse-cos' ? { mode: 'SSE-COS' } : c.mode === 'none' ? { mode: 'none' } : Promise.reject(new Error('not in these tests'))),
    streams,
    uploadOptions: { progressIntervalMs: 20, ...uploadOptions },
  });
  managers.push(jobs);
  const items: FinishedItem[] = [];
  const notices: string[] = [];
  jobs.on('item', (i) => items.push(i));
  jobs.on('notice', (n) => notices.push(n.message));
  const done = (id: string) =>
    new Promise<JobSummary>((resolve) => {
      const now = jobs.get(id);
      if (['completed', 'failed', 'cancelled'].includes(now.state)) return resolve(now);
      const on = (j: JobSummary) => {
        if (j.id !== id) return;
        jobs.off('done', on);
        resolve(j);
      };
      jobs.on('done', on);
    });
  return { home, jobs, streams, items, notices, done };
}

async function until(cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function freshDir(): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), 'coffer-jobs-'));
  return dir;
}

async function journalledParts(journals: string): Promise<number> {
  for (const name of await readdir(journals).catch(() => [] as string[])) {
    if (!name.endsWith('.json')) continue;
    try {
      return Object.keys(JSON.parse(await readFile(join(journals, name), 'utf8')).parts).length;
    } catch {
      // A journal being replaced: read it on the next poll.
    }
  }
  return 0;
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

async function objectBytes(key: string): Promise<Buffer> {
  return readAllBody((await client.getObject(BUCKET, key)).body);
}

describe('JobManager: uploads', () => {
  it('uploads files and folders under one job, with each object verified as SSE-COS and its row told so', async () => {
    const d = await freshDir();
    await mkdir(join(d, 'album', 'inner'), { recursive: true });
    await writeFile(join(d, 'album', 'a.jpg'), 'a');
    await writeFile(join(d, 'album', 'inner', 'b.txt'), 'bb');
    await writeFile(join(d, 'notes.txt'), 'notes');
    const bed = manager(join(d, 'home'));
    const started = await bed.jobs.startUpload({
      connectionId: 'local',
      bucket: BUCKET,
      prefix: 'up/',
      sse: { mode: 'sse-cos' },
      items: [
        { key: 'up/album/', source: { kind: 'path', path: join(d, 'album') } },
        { key: 'up/renamed.txt', source: { kind: 'path', path: join(d, 'notes.txt') } },
        // A folder given as a file (a big drop's items are taken by their names) goes with what it holds.
        { key: 'up/holiday.jpg', source: { kind: 'path', path: join(d, 'album', 'inner') } },
      ],
    });
    expect(started).toMatchObject({ kind: 'upload', state: 'running', prefix: 'up/', subject: 'album', others: 2, sse: { mode: 'sse-cos' }, progress: { filesTotal: 4, bytesTotal: 10 } });
    const end = await bed.done(started.id);
    expect(end).toMatchObject({ state: 'completed', progress: { filesDone: 4, filesFailed: 0, bytesDone: 10 }, failures: [], finishedAt: expect.any(String) });
    expect(bed.items.map((i) => i.key).sort()).toEqual(['up/album/a.jpg', 'up/album/inner/b.txt', 'up/holiday.jpg/b.txt', 'up/renamed.txt']);
    expect(bed.items.every((i) => i.state?.state === 'encrypted' && i.state.mode === 'SSE-COS')).toBe(true);
    expect((await client.headObject(BUCKET, 'up/renamed.txt')).encryption.mode).toBe('SSE-COS');
    await bed.jobs.flush();
    const saved = JSON.parse(await readFile(join(bed.home, 'jobs.json'), 'utf8'));
    expect(saved.jobs).toMatchObject([{ id: started.id, state: 'completed' }]);
  });

  it('refuses once, before anything is sent, an upload to a bucket that does not exist', async () => {
    const d = await freshDir();
    await writeFile(join(d, 'x.txt'), 'x');
    const bed = manager(join(d, 'home'));
    const err = await bed.jobs
      .startUpload({ connectionId: 'local', bucket: 'nope-1250000000', prefix: '', sse: { mode: 'sse-cos' }, items: [{ key: 'x.txt', source: { kind: 'path', path: join(d, 'x.txt') } }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceError);
    expect(err).toMatchObject({ kind: 'not-found', code: 'NoSuchBucket' });
    expect(bed.jobs.list()).toEqual([]);
  });

  it('pauses (no new part starts), resumes, and after a restart lists the upload as interrupted and continues it from its journal', async () => {
    const d = await freshDir();
    const data = randomBytes(12 * MiB);
    await writeFile(join(d, 'big.bin'), data);
    const opts = { partSize: MiB, partConcurrency: 1, multipartConcurrency: 1, singlePutThreshold: MiB };
    const first = manager(join(d, 'home'), opts);
    const spec = { connectionId: 'local', bucket: BUCKET, prefix: '', sse: { mode: 'sse-cos' as const }, items: [{ key: 'big.bin', source: { kind: 'path' as const, path: join(d, 'big.bin') } }] };
    // Paused from inside the first progress event that shows bytes: no other part can start after it.
    const paused = new Promise<void>((resolve) => {
      first.jobs.on('progress', (p) => {
        if (p.progress.bytesDone > 0 && first.jobs.get(p.jobId).state === 'running') {
          first.jobs.pause(p.jobId);
          resolve();
        }
      });
    });
    const job = await first.jobs.startUpload(spec);
    await paused;
    expect(first.jobs.get(job.id).state).toBe('paused');
    // The part in flight when it paused finishes and is journalled (on a loaded machine this can take a while);
    // after that nothing moves.
    await expect.poll(() => journalledParts(join(d, 'home', 'journals')), { timeout: 20_000 }).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 200));
    const held = first.jobs.get(job.id).progress.bytesDone;
    expect(held).toBeLessThan(data.length);
    await new Promise((r) => setTimeout(r, 400));
    expect(first.jobs.get(job.id).progress.bytesDone).toBe(held);
    expect(await journalledParts(join(d, 'home', 'journals'))).toBe(held / MiB);

    // Quit while paused: the job is saved as interrupted.
    await first.jobs.shutdown();
    const saved = JSON.parse(await readFile(join(d, 'home', 'jobs.json'), 'utf8'));
    expect(saved.jobs).toMatchObject([{ id: job.id, state: 'interrupted' }]);

    const second = manager(join(d, 'home'), opts);
    await second.jobs.load();
    expect(second.jobs.list()).toMatchObject([{ id: job.id, state: 'interrupted', restored: true, awaitingSources: false }]);
    await second.jobs.resume(job.id);
    const end = await second.done(job.id);
    expect(end.state).toBe('completed');
    expect(second.notices).toEqual([expect.stringMatching(/big\.bin: resuming the interrupted upload \([1-9]\d* of 12 parts were already uploaded\)$/)]);
    expect(md5(await objectBytes('big.bin'))).toBe(md5(data));
  });

  it('cancels an upload: what it sent is aborted on the server and the job says cancelled', async () => {
    const d = await freshDir();
    await writeFile(join(d, 'c.bin'), randomBytes(6 * MiB));
    const bed = manager(join(d, 'home'), { partSize: MiB, partConcurrency: 1, multipartConcurrency: 1, singlePutThreshold: MiB });
    const paused = new Promise<string>((resolve) => bed.jobs.on('progress', (p) => p.progress.bytesDone > 0 && (bed.jobs.pause(p.jobId), resolve(p.jobId))));
    const job = await bed.jobs.startUpload({ connectionId: 'local', bucket: BUCKET, prefix: '', sse: { mode: 'sse-cos' }, items: [{ key: 'c.bin', source: { kind: 'path', path: join(d, 'c.bin') } }] });
    await paused;
    const cancelled = await bed.jobs.cancel(job.id);
    expect(cancelled.state).toBe('cancelled');
    expect((await client.listMultipartUploads(BUCKET, { prefix: 'c.bin' })).uploads).toEqual([]);
    await expect(client.headObject(BUCKET, 'c.bin')).rejects.toMatchObject({ status: 404 });
  });

  it('reads a page\'s file when the engine asks for it (pull), with backpressure, and settles its stream', async () => {
    const d = await freshDir();
    const bed = manager(join(d, 'home'));
    const data = randomBytes(3 * MiB);
    const pulls: string[] = [];
    const releases: string[] = [];
    bed.streams.on('pull', (p) => {
      pulls.push(p.streamId);
      const entry = bed.streams.attach(p.streamId, 'page-1')!;
      void entry.stream.feed(Readable.from([data.subarray(0, MiB), data.subarray(MiB)]), data.length);
    });
    bed.streams.on('release', (r) => releases.push(r.streamId));
    const job = await bed.jobs.startUpload(
      { connectionId: 'local', bucket: BUCKET, prefix: 'page/', sse: { mode: 'sse-cos' }, items: [{ key: 'page/photo.jpg', source: { kind: 'stream', streamId: 'stream-0001', name: 'photo.jpg', size: data.length, lastModified: '2026-01-02T00:00:00.000Z' } }] },
      'page-1',
    );
    expect((await bed.done(job.id)).state).toBe('completed');
    expect(pulls).toEqual(['stream-0001']);
    expect(releases).toEqual(['stream-0001']);
    expect(md5(await objectBytes('page/photo.jpg'))).toBe(md5(data));
    const head = await client.headObject(BUCKET, 'page/photo.jpg');
    expect([head.encryption.mode, head.contentType]).toEqual(['SSE-COS', 'image/jpeg']);
  });

  it('an upload that grows: files added while it runs, finished only once the page says there are no more', async () => {
    const d = await freshDir();
    const bed = manager(join(d, 'home'));
    bed.streams.on('pull', (p) => {
      const entry = bed.streams.attach(p.streamId, 'page-1')!;
      void entry.stream.feed(Readable.from([Buffer.from(`bytes of ${entry.key}`)]), entry.size);
    });
    const item = (name: string) => ({ key: `grow/${name}`, source: { kind: 'stream' as const, streamId: `grow-${name}`, name, size: `bytes of grow/${name}`.length, lastModified: '2026-01-02T00:00:00.000Z' } });
    const job = await bed.jobs.startUpload({ connectionId: 'local', bucket: BUCKET, prefix: 'grow/', sse: { mode: 'sse-cos' }, items: [item('a.txt')], more: true }, 'page-1');
    await until(() => bed.items.some((i) => i.key === 'grow/a.txt'));
    await new Promise((r) => setTimeout(r, 50));
    expect(bed.jobs.get(job.id)).toMatchObject({ state: 'running', adding: true });
    // Only the page that started it adds to it.
    await expect(bed.jobs.addUploadItems({ jobId: job.id, items: [item('x.txt')], more: false }, 'page-2')).rejects.toMatchObject({ code: 'UploadClosed' });
    await bed.jobs.addUploadItems({ jobId: job.id, items: [item('b.txt')], more: true }, 'page-1');
    const states: Array<{ adding?: true }> = [];
    bed.jobs.on('state', (s) => s.id === job.id && states.push(s));
    await bed.jobs.addUploadItems({ jobId: job.id, items: [item('c.txt')], more: false }, 'page-1');
    const end = await bed.done(job.id);
    expect(end).toMatchObject({ state: 'completed', subject: 'a.txt', others: 2, progress: { filesDone: 3, filesTotal: 3 } });
    // Once the page has given the last files, the window is told the totals are final.
    expect(end.adding).toBeUndefined();
    expect(states.at(-1)?.adding).toBeUndefined();
    expect((await client.listObjects(BUCKET, { prefix: 'grow/' })).contents.map((o) => o.key)).toEqual(['grow/a.txt', 'grow/b.txt', 'grow/c.txt']);
    await expect(bed.jobs.addUploadItems({ jobId: job.id, items: [item('d.txt')], more: false }, 'page-1')).rejects.toMatchObject({ code: 'UploadClosed' });

    // The page goes away before saying it was done: the job finishes with what it was given.
    const left = await bed.jobs.startUpload({ connectionId: 'local', bucket: BUCKET, prefix: 'grow/', sse: { mode: 'sse-cos' }, items: [item('e.txt')], more: true }, 'page-1');
    await until(() => bed.items.some((i) => i.key === 'grow/e.txt'));
    bed.jobs.sealOwner('page-1');
    expect(await bed.done(left.id)).toMatchObject({ state: 'completed', progress: { filesDone: 1, filesTotal: 1 } });
  });

  it('an upload that grows is saved with every file it was given, and is listed with all of them after a restart', async () => {
    const d = await freshDir();
    const home = join(d, 'home');
    const bed = manager(home);
    // The page never sends the bytes: the files stay unfinished, as when the host stops in the middle of a drop.
    const item = (n: number) => ({ key: `walk/f${n}.txt`, source: { kind: 'stream' as const, streamId: `walk-${String(n).padStart(4, '0')}`, name: `f${n}.txt`, size: 3, lastModified: '2026-01-02T00:00:00.000Z' } });
    const job = await bed.jobs.startUpload({ connectionId: 'local', bucket: BUCKET, prefix: 'walk/', sse: { mode: 'sse-cos' }, items: [item(0), item(1)], more: true }, 'page-1');
    // Saved once with its first files before more come.
    await bed.jobs.flush();
    await bed.jobs.addUploadItems({ jobId: job.id, items: [item(2), item(3), item(4)], more: true }, 'page-1');
    // The answer (and the summary the windows are sent) counts every file given so far, at once.
    expect((await bed.jobs.addUploadItems({ jobId: job.id, items: [item(5)], more: true }, 'page-1')).progress.filesTotal).toBe(6);
    expect(bed.jobs.get(job.id).progress.filesTotal).toBe(6);
    await bed.jobs.flush();
    const saved = JSON.parse(await readFile(join(home, 'jobs.json'), 'utf8'));
    expect(saved.jobs[0].spec.items.map((i: { key: string }) => i.key)).toEqual([0, 1, 2, 3, 4, 5].map((n) => `walk/f${n}.txt`));

    const again = manager(home);
    await again.jobs.load();
    expect(again.jobs.list()).toMatchObject([{ id: job.id, state: 'interrupted', awaitingSources: true, others: 5, progress: { filesTotal: 6, filesDone: 0 } }]);
  });

  it.each([['in one request', false], ['as an upload that grows', true]])('after a restart, the same files given again by a page (%s) skip what the interrupted upload had finished', async (_how, grows) => {
    const d = await freshDir();
    const home = join(d, 'home');
    const stream = (name: string, size: number) => ({ kind: 'stream' as const, name, size, lastModified: '2026-01-02T00:00:00.000Z' });
    await mkdir(join(home, 'jobs'), { recursive: true });
    await writeFile(
      join(home, 'jobs.json'),
      JSON.stringify({
        version: 1,
        jobs: [
          {
            id: 'old-job',
            createdAt: '2026-01-02T00:00:00.000Z',
            finishedAt: null,
            state: 'running',
            spec: { kind: 'upload', connectionId: 'local', bucket: BUCKET, prefix: 'again/', sse: { mode: 'sse-cos' }, items: [{ key: 'again/a.txt', source: stream('a.txt', 1) }, { key: 'again/b.txt', source: stream('b.txt', 2) }] },
            bytesDone: 1,
            bytesTotal: 3,
            counts: { queued: 1, running: 0, completed: 1, failed: 0, cancelled: 0 },
            failures: [],
          },
        ],
      }),
    );
    await writeFile(join(home, 'jobs', 'old-job.done'), `${JSON.stringify('again/a.txt')}\n`);
    const bed = manager(home);
    await bed.jobs.load();
    expect(bed.jobs.list()).toMatchObject([{ id: 'old-job', state: 'interrupted', awaitingSources: true }]);
    await expect(bed.jobs.resume('old-job')).rejects.toMatchObject({ kind: 'unavailable', code: 'AwaitingSources' });

    const pulls: string[] = [];
    const releases: string[] = [];
    bed.streams.on('pull', (p) => {
      pulls.push(p.streamId);
      void bed.streams.attach(p.streamId)!.stream.feed(Readable.from([Buffer.from('bb')]), 2);
    });
    bed.streams.on('release', (r) => releases.push(r.streamId));
    const items = [
      { key: 'again/a.txt', source: { ...stream('a.txt', 1), streamId: 'stream-000a' } },
      { key: 'again/b.txt', source: { ...stream('b.txt', 2), streamId: 'stream-000b' } },
    ];
    const target = { connectionId: 'local', bucket: BUCKET, prefix: 'again/', sse: { mode: 'sse-cos' as const } };
    let job: JobSummary;
    if (grows) {
      // Its first file was finished before the restart: the job starts with nothing to send, and keeps the old job
      // (whose other files may still come) until the page says there are no more.
      job = await bed.jobs.startUpload({ ...target, items: items.slice(0, 1), more: true }, 'page-2');
      expect(bed.jobs.list().map((j) => j.id).sort()).toEqual([job.id, 'old-job'].sort());
      await bed.jobs.addUploadItems({ jobId: job.id, items: items.slice(1), more: false }, 'page-2');
    } else job = await bed.jobs.startUpload({ ...target, items }, 'page-2');
    expect((await bed.done(job.id)).progress).toMatchObject({ filesTotal: 1, filesDone: 1 });
    expect(pulls).toEqual(['stream-000b']);
    expect(releases.sort()).toEqual(['stream-000a', 'stream-000b']);
    expect(bed.jobs.list().map((j) => j.id)).toEqual([job.id]);
  });

  it('after a restart, a page\'s large file given again continues from the parts the server holds: the page sends only the rest', async () => {
    const d = await freshDir();
    const home = join(d, 'home');
    const data = randomBytes(6 * MiB);
    const opts = { partSize: MiB, partConcurrency: 1, multipartConcurrency: 1, singlePutThreshold: MiB };
    const source = (streamId: string) => ({ kind: 'stream' as const, streamId, name: 'film.mov', size: data.length, lastModified: '2026-01-02T00:00:00.000Z' });
    const request = (streamId: string) => ({ connectionId: 'local', bucket: BUCKET, prefix: '', sse: { mode: 'sse-cos' as const }, items: [{ key: 'film.mov', source: source(streamId) }] });

    const first = manager(home, opts);
    // The page's body, as the host hands it over: a part at a time, then it breaks off as Coffer stops.
    const body = new Readable({ read() {} });
    first.streams.on('pull', (p) => {
      expect(p.offset).toBe(0);
      void first.streams.attach(p.streamId)!.stream.feed(body, data.length).catch(() => undefined);
      for (let i = 0; i < 4; i++) body.push(data.subarray(i * MiB, (i + 1) * MiB));
    });
    const job = await first.jobs.startUpload(request('stream-first'), 'page-1');
    await expect.poll(() => journalledParts(join(home, 'journals')), { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    first.jobs.pause(job.id);
    await first.jobs.shutdown();
    body.destroy(new Error('the page went away'));
    await new Promise((r) => setTimeout(r, 100));
    const kept = await journalledParts(join(home, 'journals'));
    expect(kept).toBeGreaterThanOrEqual(2);
    // The parts stay on the server for the same file given again.
    expect((await client.listMultipartUploads(BUCKET, { prefix: 'film.mov' })).uploads).toHaveLength(1);

    const second = manager(home, opts);
    await second.jobs.load();
    expect(second.jobs.list()).toMatchObject([{ id: job.id, state: 'interrupted', awaitingSources: true }]);
    const offsets: number[] = [];
    second.streams.on('pull', (p) => {
      offsets.push(p.offset);
      void second.streams.attach(p.streamId)!.stream.feed(Readable.from([data.subarray(p.offset)]), data.length - p.offset);
    });
    const again = await second.jobs.startUpload(request('stream-again'), 'page-2');
    expect((await second.done(again.id)).state).toBe('completed');
    // Sent from where the kept parts end (a stream is read in order: the parts up to the first missing one).
    expect(offsets).toHaveLength(1);
    expect(offsets[0]! % MiB).toBe(0);
    expect(offsets[0]!).toBeGreaterThanOrEqual(2 * MiB);
    expect(offsets[0]!).toBeLessThanOrEqual(kept * MiB);
    expect(second.notices).toContainEqual(expect.stringMatching(/^film\.mov: resuming the interrupted upload \([2-6] of 6 parts were already uploaded\)$/));
    expect(md5(await objectBytes('film.mov'))).toBe(md5(data));
    expect((await client.headObject(BUCKET, 'film.mov')).encryption.mode).toBe('SSE-COS');
    expect((await client.listMultipartUploads(BUCKET, { prefix: 'film.mov' })).uploads).toEqual([]);
    expect(await journalledParts(join(home, 'journals'))).toBe(0);
    expect(second.jobs.list().map((j) => j.id)).toEqual([again.id]);
  });

  it('dismissing an interrupted upload of a page\'s file gives up its parts on the server', async () => {
    const d = await freshDir();
    const home = join(d, 'home');
    const data = randomBytes(4 * MiB);
    const opts = { partSize: MiB, partConcurrency: 1, multipartConcurrency: 1, singlePutThreshold: MiB };
    const first = manager(home, opts);
    const body = new Readable({ read() {} });
    first.streams.on('pull', (p) => {
      void first.streams.attach(p.streamId)!.stream.feed(body, data.length).catch(() => undefined);
      body.push(data.subarray(0, 2 * MiB));
    });
    const job = await first.jobs.startUpload(
      { connectionId: 'local', bucket: BUCKET, prefix: '', sse: { mode: 'sse-cos' }, items: [{ key: 'gone.mov', source: { kind: 'stream', streamId: 'stream-gone', name: 'gone.mov', size: data.length, lastModified: '2026-01-02T00:00:00.000Z' } }] },
      'page-1',
    );
    await expect.poll(() => journalledParts(join(home, 'journals')), { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
    await first.jobs.shutdown();
    body.destroy(new Error('the page went away'));

    const second = manager(home, opts);
    await second.jobs.load();
    await second.jobs.dismiss(job.id);
    expect((await client.listMultipartUploads(BUCKET, { prefix: 'gone.mov' })).uploads).toEqual([]);
    expect(await journalledParts(join(home, 'journals'))).toBe(0);
  });
});

describe('JobManager: downloads and encrypt-in-place', () => {
  it('downloads a folder keeping its name, continues a partial file left by an interrupted download, and cancels cleanly', async () => {
    const d = await freshDir();
    const big = randomBytes(2 * MiB + 5);
    await client.putObject(BUCKET, 'dl/photos/one.txt', Buffer.from('one'));
    await client.putObject(BUCKET, 'dl/photos/sub/big.bin', big);
    await client.putObject(BUCKET, 'dl/photosX.txt', Buffer.from('neighbour'));
    // What an interrupted download leaves: the first MiB in the partial file, and the version it belongs to.
    const dest = join(d, 'out');
    const target = join(dest, 'photos', 'sub', 'big.bin');
    const { temp, sidecar } = tempPathsFor(target);
    await mkdir(join(dest, 'photos', 'sub'), { recursive: true });
    await writeFile(temp, big.subarray(0, MiB));
    const etag = (await client.headObject(BUCKET, 'dl/photos/sub/big.bin')).etag;
    await writeFile(sidecar, JSON.stringify({ version: 1, bucket: BUCKET, key: 'dl/photos/sub/big.bin', etag }));

    const bed = manager(join(d, 'home'));
    const job = await bed.jobs.startDownload({ kind: 'download', connectionId: 'local', bucket: BUCKET, keys: [], prefixes: ['dl/photos/'], destination: { kind: 'folder', path: dest } });
    const end = await bed.done(job.id);
    expect(end).toMatchObject({ kind: 'download', state: 'completed', sse: null, progress: { filesDone: 2, filesTotal: 2 } });
    expect(await readFile(join(dest, 'photos', 'one.txt'), 'utf8')).toBe('one');
    expect(md5(await readFile(target))).toBe(md5(big));
    expect(bed.notices).toContain(`continuing the interrupted download of dl/photos/sub/big.bin (${MiB} bytes were already here)`);
    expect((await readdir(dest)).sort()).toEqual(['photos']);
  });

  it('fails an item with a sentence, and retries just that item once it can work', async () => {
    const d = await freshDir();
    const bed = manager(join(d, 'home'));
    const job = await bed.jobs.startDownload({ kind: 'download', connectionId: 'local', bucket: BUCKET, keys: ['later.txt'], prefixes: [], destination: { kind: 'folder', path: join(d, 'out') } });
    const failed = await bed.done(job.id);
    expect(failed).toMatchObject({ state: 'failed', progress: { filesFailed: 1 } });
    expect(failed.failures[0]).toMatchObject({ key: 'later.txt', error: { kind: 'not-found', code: 'NoSuchKey', message: expect.stringContaining('Nothing was found at cos://jobs-1250000000/later.txt') } });
    await client.putObject(BUCKET, 'later.txt', Buffer.from('now here'));
    const again = new Promise<JobSummary>((resolve) => bed.jobs.once('done', resolve));
    expect((await bed.jobs.retry(job.id)).state).toBe('running');
    expect(await again).toMatchObject({ id: job.id, state: 'completed', failures: [], progress: { filesDone: 1, filesFailed: 0 } });
    expect(await readFile(join(d, 'out', 'later.txt'), 'utf8')).toBe('now here');
  });

  it('encrypts what is not encrypted under a folder, leaves the rest alone, and reports each object\'s verified mode', async () => {
    const d = await freshDir();
    await client.putObject(BUCKET, 'enc/a.txt', Buffer.from('a'));
    await client.putObject(BUCKET, 'enc/b.txt', Buffer.from('b'));
    await client.putObject(BUCKET, 'enc/c.txt', Buffer.from('c'), { sse: { mode: 'SSE-COS' } });
    const bed = manager(join(d, 'home'));
    const job = await bed.jobs.startEncrypt({ kind: 'encrypt', connectionId: 'local', bucket: BUCKET, keys: [], prefixes: ['enc/'], sse: { mode: 'sse-cos' } });
    expect(await bed.done(job.id)).toMatchObject({ kind: 'encrypt', state: 'completed', prefix: 'enc/', progress: { filesDone: 3, filesTotal: 3 } });
    for (const key of ['enc/a.txt', 'enc/b.txt', 'enc/c.txt']) expect((await client.headObject(BUCKET, key)).encryption.mode).toBe('SSE-COS');
    expect(bed.items.map((i) => [i.key, i.state])).toEqual(expect.arrayContaining([['enc/a.txt', { state: 'encrypted', mode: 'SSE-COS' }]]));
  });

  it('deletes files and whole folders (subfolders, the folder marker and unfinished uploads too), leaves the rest, and lists the job after a restart', async () => {
    const d = await freshDir();
    for (const key of ['del/keep.txt', 'del/loose.txt', 'del/album/', 'del/album/a.txt', 'del/album/deep/b.txt', 'del/albums.txt']) await client.putObject(BUCKET, key, Buffer.from(key));
    // An upload into the folder that never finished holds a part (billed until aborted); one beside it stays.
    const inside = await client.initiateMultipartUpload(BUCKET, 'del/album/deep/film.mov');
    await client.uploadPart(BUCKET, 'del/album/deep/film.mov', inside.uploadId, 1, Buffer.alloc(1000, 1));
    const beside = await client.initiateMultipartUpload(BUCKET, 'del/albums.mov');
    const bed = manager(join(d, 'home'));
    const job = await bed.jobs.startDelete({ kind: 'delete', connectionId: 'local', bucket: BUCKET, keys: ['del/loose.txt'], prefixes: ['del/album/'] });
    expect(await bed.done(job.id)).toMatchObject({ kind: 'delete', state: 'completed', prefix: 'del/', subject: 'loose.txt', sse: null, progress: { filesDone: 5, filesTotal: 5 } });
    const left = (await client.listObjects(BUCKET, { prefix: 'del/' })).contents.map((o) => o.key);
    expect(left).toEqual(['del/albums.txt', 'del/keep.txt']);
    expect((await client.listMultipartUploads(BUCKET, { prefix: 'del/' })).uploads.map((u) => [u.key, u.uploadId])).toEqual([['del/albums.mov', beside.uploadId]]);
    expect(bed.items.filter((i) => i.kind === 'delete').map((i) => i.key).sort()).toEqual(['del/album/', 'del/album/a.txt', 'del/album/deep/b.txt', 'del/album/deep/film.mov', 'del/loose.txt']);
    await bed.jobs.shutdown();
    const again = manager(join(d, 'home'));
    await again.jobs.load();
    expect(again.jobs.list()).toEqual([expect.objectContaining({ id: job.id, kind: 'delete', state: 'completed' })]);
  });

  it('deletes a big folder a thousand keys to a request, and says which key the server refused', async () => {
    const d = await freshDir();
    const keys = Array.from({ length: 2100 }, (_, i) => `many/${String(i).padStart(4, '0')}.txt`);
    for (let i = 0; i < keys.length; i += 100) await Promise.all(keys.slice(i, i + 100).map((k) => client.putObject(BUCKET, k, Buffer.from('x'))));
    const bed = manager(join(d, 'home'));
    const requests: number[] = [];
    const real = client.deleteObjects.bind(client);
    const spy = vi.spyOn(client, 'deleteObjects').mockImplementation(async (bucket, ks, opts) => {
      requests.push(ks.length);
      const res = await real(bucket, ks, opts);
      // The local store grants everything: the refusal COS can answer for one key is made here.
      return ks.includes('many/0007.txt') ? { ...res, errors: [{ key: 'many/0007.txt', code: 'AccessDenied', message: 'Access Denied.' }] } : res;
    });
    try {
      const job = await bed.jobs.startDelete({ kind: 'delete', connectionId: 'local', bucket: BUCKET, keys: [], prefixes: ['many/'] });
      const end = await bed.done(job.id);
      expect(end).toMatchObject({ state: 'failed', progress: { filesTotal: 2100, filesDone: 2099, filesFailed: 1 } });
      expect(end.failures[0]).toMatchObject({ key: 'many/0007.txt', error: { kind: 'access', message: 'cos://jobs-1250000000/many/0007.txt could not be deleted (AccessDenied): Access Denied.' } });
      expect(requests.length).toBeLessThanOrEqual(6);
      expect(requests.reduce((a, b) => a + b, 0)).toBe(2100);
    } finally {
      spy.mockRestore();
    }
  });

  it('aborts a folder\'s many unfinished uploads a few at a time', async () => {
    const d = await freshDir();
    for (let i = 0; i < 20; i++) await client.initiateMultipartUpload(BUCKET, `unfinished/${i}.bin`);
    const bed = manager(join(d, 'home'));
    let inFlight = 0;
    let most = 0;
    const real = client.abortMultipartUpload.bind(client);
    const spy = vi.spyOn(client, 'abortMultipartUpload').mockImplementation(async (...args) => {
      most = Math.max(most, ++inFlight);
      try {
        return await real(...args);
      } finally {
        inFlight--;
      }
    });
    try {
      const job = await bed.jobs.startDelete({ kind: 'delete', connectionId: 'local', bucket: BUCKET, keys: [], prefixes: ['unfinished/'] });
      expect(await bed.done(job.id)).toMatchObject({ state: 'completed', progress: { filesTotal: 20, filesDone: 20 } });
      expect(spy).toHaveBeenCalledTimes(20);
      expect(most).toBeLessThanOrEqual(ABORTS_IN_FLIGHT);
      expect((await client.listMultipartUploads(BUCKET, { prefix: 'unfinished/' })).uploads).toEqual([]);
    } finally {
      spy.mockRestore();
    }
  });

  it('leaves out a damaged job list instead of failing to start', async () => {
    const d = await freshDir();
    await mkdir(join(d, 'home'), { recursive: true });
    await writeFile(join(d, 'home', 'jobs.json'), '{"version":1,"jobs":[{"id":"x"');
    const bed = manager(join(d, 'home'));
    await bed.jobs.load();
    expect(bed.jobs.list()).toEqual([]);
  });
});
