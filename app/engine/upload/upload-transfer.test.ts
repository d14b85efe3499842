// Transfers as a user drives them: folder plans (relative keys, counts, bytes), 200 small files with file
// concurrency and coalesced progress, pause/resume, cancel (multipart upload aborted, journal removed), resuming
// an interrupted SSE-C upload only with the same key, and no secret in any event, error or journal.
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TEST_CREDENTIALS, type StoreFixture } from '../../store/test-support/store-fixture';
import { CosServiceError, type CosClient } from '../../cos/client';
import { testClient } from '../../cos/client/test-support/client-fixture';
import type { NoticeEvent, ProgressEvent } from '../transfer-events';
import { UploadEngine } from './upload-engine';
import { MiB } from './upload-plan';
import { startEngineBed, stopEngineBed } from './test-support/engine-bed';
import { isUploadPart, type TamperProxy } from './test-support/tamper-proxy';
import type { UploadTransfer } from './upload-transfer';

let f: StoreFixture;
let direct: CosClient;
let proxy: TamperProxy;
let dir: string;
const B = 'transfers';

beforeAll(async () => {
  ({ f, direct, proxy, dir } = await startEngineBed(B, 'engine-transfer-'));
});

afterAll(() => stopEngineBed({ f, direct, proxy, dir }));

beforeEach(() => proxy.reset());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

function record(t: UploadTransfer): { progress: Array<ProgressEvent & { at: number }>; notices: NoticeEvent[]; all: unknown[] } {
  const out = { progress: [] as Array<ProgressEvent & { at: number }>, notices: [] as NoticeEvent[], all: [] as unknown[] };
  t.onProgress((e) => {
    out.progress.push({ ...e, at: Date.now() });
    out.all.push(e);
  });
  t.events.on('notice', (e) => {
    out.notices.push(e);
    out.all.push(e);
  });
  t.events.on('done', (e) => out.all.push(e));
  return out;
}

describe('folder plans', () => {
  it('nested folders become keys with relative paths and / separators; counts and bytes are known before starting', async () => {
    const root = join(dir, 'album');
    await mkdir(join(root, '2024', 'summer'), { recursive: true });
    await mkdir(join(root, 'empty'), { recursive: true });
    await writeFile(join(root, 'cover.jpg'), randomBytes(10));
    await writeFile(join(root, '2024', 'a.txt'), randomBytes(20));
    await writeFile(join(root, '2024', 'summer', 'beach photo.png'), randomBytes(30));
    const single = join(dir, 'notes.md');
    await writeFile(single, 'hello');
    const engine = new UploadEngine(direct, join(dir, 'j-plan'));
    const plan = await engine.plan([root, single], { bucket: B, prefix: 'backup/2025' });
    expect(plan.items.map((i) => i.key).sort()).toEqual(
      ['backup/2025/album/2024/a.txt', 'backup/2025/album/2024/summer/beach photo.png', 'backup/2025/album/cover.jpg', 'backup/2025/notes.md'].sort(),
    );
    expect(plan.count).toBe(4);
    expect(plan.totalBytes).toBe(65);
    // A folder's contents only: keys relative to the folder itself.
    const contents = await engine.plan([{ path: root, contents: true }], { bucket: B, prefix: 'flat' });
    expect(contents.items.map((i) => i.key).sort()).toEqual(['flat/2024/a.txt', 'flat/2024/summer/beach photo.png', 'flat/cover.jpg']);
    expect(plan.encryption).toEqual({ mode: 'SSE-COS' });
    expect(plan.bucketDefaultEncryption).toBeNull();
    await direct.putBucketEncryption(B, { algorithm: 'AES256' });
    expect((await engine.plan([single], { bucket: B })).bucketDefaultEncryption).toEqual({ algorithm: 'AES256' });
    await direct.deleteBucketEncryption(B);
    expect((await engine.start(plan).done).failed).toEqual([]);
    expect((await direct.headObject(B, 'backup/2025/album/2024/summer/beach photo.png')).encryption.mode).toBe('SSE-COS');
  });

  it('names what a folder holds that cannot be uploaded (broken links, links to folders, pipes) and plans the rest', async () => {
    const root = join(dir, 'mixed');
    await mkdir(join(root, 'real'), { recursive: true });
    await writeFile(join(root, 'real', 'a.txt'), 'aaa');
    await writeFile(join(dir, 'outside.txt'), 'outside');
    await symlink(join(dir, 'outside.txt'), join(root, 'to-file')); // followed: uploaded as a file
    await symlink(join(dir, 'nowhere'), join(root, 'broken'));
    await symlink('..', join(root, 'real', 'up')); // would loop
    execFileSync('mkfifo', [join(root, 'pipe')]);
    const engine = new UploadEngine(direct, join(dir, 'j-mixed'));
    const plan = await engine.plan([root], { bucket: B, prefix: 'mixed' });
    expect(plan.items.map((i) => i.key).sort()).toEqual(['mixed/mixed/real/a.txt', 'mixed/mixed/to-file']);
    expect(plan.totalBytes).toBe(10);
    expect(plan.skipped).toEqual([
      { path: join(root, 'broken'), reason: 'a link to something that does not exist' },
      { path: join(root, 'pipe'), reason: 'not a regular file (a device, pipe or socket)' },
      { path: join(root, 'real', 'up'), reason: 'a link to a folder (not followed)' },
    ]);
    expect((await engine.start(plan).done).failed).toEqual([]);
    expect((await direct.getObjectBuffer(B, 'mixed/mixed/to-file')).toString()).toBe('outside');
  });

  it('skips a subfolder that cannot be read, naming it, and plans everything else', async () => {
    // A path longer than PATH_MAX cannot be read even by root: made by stepping down one folder at a time.
    const root = join(dir, 'deep');
    await mkdir(root, { recursive: true });
    await writeFile(join(root, 'top.txt'), 'top');
    const seg = 'd'.repeat(250);
    execFileSync('bash', ['-c', `cd "$1" && for i in $(seq 1 17); do mkdir "$2" && cd "$2"; done && echo bottom > f.txt`, 'deep', root, seg]);
    try {
      const engine = new UploadEngine(direct, join(dir, 'j-deep'));
      const plan = await engine.plan([root], { bucket: B, prefix: 'deep' });
      expect(plan.items.map((i) => i.key)).toEqual(['deep/deep/top.txt']);
      expect(plan.skipped).toHaveLength(1);
      expect(plan.skipped[0]!.reason).toBe('the folder could not be read (ENAMETOOLONG)');
      expect(plan.skipped[0]!.path.startsWith(join(root, seg, seg))).toBe(true);
    } finally {
      execFileSync('rm', ['-rf', root]); // Node's recursive rm cannot remove a path this long either
    }
  });

  it('a planned file replaced by a pipe, deleted or grown before its turn: the others upload, each of those says what happened', async () => {
    const root = join(dir, 'replaced');
    await mkdir(root, { recursive: true });
    for (const name of ['keep.txt', 'pipe', 'gone.txt', 'grown.txt']) await writeFile(join(root, name), name);
    const engine = new UploadEngine(direct, join(dir, 'j-replaced'));
    const plan = await engine.plan([{ path: root, contents: true }], { bucket: B, prefix: 'replaced' });
    await rm(join(root, 'pipe'));
    execFileSync('mkfifo', [join(root, 'pipe')]); // nothing ever writes to it: opening it must not wait
    await rm(join(root, 'gone.txt'));
    await writeFile(join(root, 'grown.txt'), 'grown.txt and then some');
    const r = await engine.start(plan).done;
    expect(r.failed.map((f) => [f.key, f.code]).sort()).toEqual([
      ['replaced/gone.txt', 'ENOENT'],
      ['replaced/pipe', 'bad-source'],
    ]);
    expect((await direct.getObjectBuffer(B, 'replaced/keep.txt')).toString()).toBe('keep.txt');
    expect((await direct.getObjectBuffer(B, 'replaced/grown.txt')).toString()).toBe('grown.txt and then some');
  });

  it('200 small files with file concurrency: all correct; progress is coalesced to one event per ~100 ms', async () => {
    const root = join(dir, 'many');
    const data = new Map<string, Buffer>();
    for (let d = 0; d < 10; d++) {
      await mkdir(join(root, `d${d}`), { recursive: true });
      for (let i = 0; i < 20; i++) {
        const buf = randomBytes(100 + d * 20 + i);
        await writeFile(join(root, `d${d}`, `f${i}.bin`), buf);
        data.set(`many/d${d}/f${i}.bin`, buf);
      }
    }
    const engine = new UploadEngine(direct, join(dir, 'j-many'), { fileConcurrency: 8 });
    const plan = await engine.plan([root], { bucket: B });
    expect(plan.count).toBe(200);
    const started = Date.now();
    const t = engine.start(plan);
    const ev = record(t);
    const result = await t.done;
    const elapsed = Date.now() - started;
    expect(result.counts.completed).toBe(200);
    for (const [key, buf] of data) expect((await direct.getObjectBuffer(B, key)).equals(buf)).toBe(true);
    const last = ev.progress[ev.progress.length - 1];
    expect(last).toMatchObject({ state: 'completed', bytesDone: plan.totalBytes, bytesTotal: plan.totalBytes });
    // At most one event per ~100 ms (timers may fire a little early; the final flush is immediate).
    const gaps = ev.progress.slice(1).map((e, i) => e.at - ev.progress[i].at);
    expect(gaps.filter((g) => g < 90).length).toBeLessThanOrEqual(1);
    expect(ev.progress.length).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 2);
    // Every item's final state was reported.
    const finalStates = new Map<number, string>();
    for (const e of ev.progress) for (const it of e.items) finalStates.set(it.index, it.state);
    expect([...finalStates.values()].filter((s) => s === 'completed')).toHaveLength(200);
  });
});

describe('progress', () => {
  it('moves while a part is being sent, and a part sent again after a corruption is not counted twice', async () => {
    const client = testClient(proxy.port);
    const engine = new UploadEngine(client, join(dir, 'j-progress'), { singlePutThreshold: MiB, partSize: 8 * MiB, partConcurrency: 1, progressIntervalMs: 1 });
    const data = randomBytes(8 * MiB + 1000);
    const path = join(dir, 'progress.bin');
    await writeFile(path, data);
    // The first attempt of part 1 arrives with a flipped byte: its CRC64 disagrees and the engine sends it again.
    proxy.add({ match: isUploadPart, flipByteAt: 5 * MiB, times: 1 });
    const t = engine.start({ bucket: B, key: 'progress.bin', path });
    const ev = record(t);
    const result = await t.done;
    expect(result.state).toBe('completed');
    expect((await direct.getObjectBuffer(B, 'progress.bin')).equals(data)).toBe(true);
    expect(proxy.count('PUT', (u) => /partNumber=1&/.test(u))).toBe(2);
    const done = ev.progress.map((e) => e.bytesDone);
    // Bytes show up as they leave, not a whole part at a time ...
    expect(done.some((b) => b > 0 && b < 8 * MiB)).toBe(true);
    // ... the failed attempt's bytes were taken back, never counted on top of the retry ...
    expect(Math.max(...done)).toBeLessThanOrEqual(data.length);
    expect(done.some((b, i) => i > 0 && b < done[i - 1]!)).toBe(true);
    // ... and the end is exact.
    expect(ev.progress[ev.progress.length - 1]).toMatchObject({ state: 'completed', bytesDone: data.length, bytesTotal: data.length });
  });
});

describe('an open transfer', () => {
  it('takes more items while it runs and finishes only once sealed; cancelling one waiting for more ends it', async () => {
    const engine = new UploadEngine(direct, join(dir, 'j-open'), { progressIntervalMs: 1 });
    const files = await Promise.all(
      ['a', 'b', 'c'].map(async (n) => {
        const path = join(dir, `open-${n}.txt`);
        await writeFile(path, `file ${n}`);
        return path;
      }),
    );
    const first = await engine.plan([files[0]!], { bucket: B, prefix: 'open' });
    const t = engine.start(first, { open: true });
    const ev = record(t);
    let ended = false;
    void t.done.then(() => (ended = true));
    await until(() => ev.progress.some((e) => e.counts.completed === 1), 'the first item');
    await sleep(50);
    // Everything it has is done, but it was not sealed: still running, waiting for the rest.
    expect(ended).toBe(false);
    expect(t.snapshot().state).toBe('running');
    t.append((await engine.plan(files.slice(1), { bucket: B, prefix: 'open' })).items);
    t.seal();
    const result = await t.done;
    expect(result).toMatchObject({ state: 'completed', counts: { completed: 3, failed: 0 } });
    expect((await direct.listObjects(B, { prefix: 'open/' })).contents.map((o) => o.key)).toEqual(['open/open-a.txt', 'open/open-b.txt', 'open/open-c.txt']);
    expect(() => t.append(first.items)).toThrow(/sealed/);

    const idle = engine.start(await engine.plan([files[0]!], { bucket: B, prefix: 'open-2' }), { open: true });
    await until(() => idle.snapshot().counts.completed === 1, 'the only item');
    expect(await idle.cancel()).toMatchObject({ state: 'cancelled', counts: { completed: 1 } });
  });
});

describe('pause, resume, cancel', () => {
  it('pause stops new parts (in-flight ones finish); resume completes the object', async () => {
    const client = testClient(proxy.port);
    const engine = new UploadEngine(client, join(dir, 'j-pause'), { singlePutThreshold: MiB, partSize: MiB, partConcurrency: 1 });
    const data = randomBytes(8 * MiB);
    const path = join(dir, 'pause.bin');
    await writeFile(path, data);
    proxy.add({ match: isUploadPart, delayMs: 80 });
    const t = engine.start({ bucket: B, key: 'pause.bin', path });
    await until(() => proxy.count('PUT', (u) => /partNumber/.test(u)) >= 2, 'two parts');
    t.pause();
    expect(t.snapshot().state).toBe('paused');
    await sleep(300);
    const parts = proxy.count('PUT', (u) => /partNumber/.test(u));
    await sleep(400);
    expect(proxy.count('PUT', (u) => /partNumber/.test(u))).toBe(parts);
    expect(parts).toBeLessThan(8);
    t.resume();
    const result = await t.done;
    expect(result.failed).toEqual([]);
    expect(proxy.count('PUT', (u) => /partNumber/.test(u))).toBe(8);
    expect((await direct.getObjectBuffer(B, 'pause.bin')).equals(data)).toBe(true);
    await client.close();
  });

  it('cancel aborts the multipart upload: no upload left, no journal, no object', async () => {
    const client = testClient(proxy.port);
    const journalDir = join(dir, 'j-cancel');
    const engine = new UploadEngine(client, journalDir, { singlePutThreshold: MiB, partSize: MiB, partConcurrency: 2 });
    const path = join(dir, 'cancel.bin');
    await writeFile(path, randomBytes(10 * MiB));
    proxy.add({ match: isUploadPart, delayMs: 100 });
    const t = engine.start({ bucket: B, key: 'cancel.bin', path });
    await until(() => proxy.count('PUT', (u) => /partNumber/.test(u)) >= 2, 'two parts');
    expect((await direct.listMultipartUploads(B, { prefix: 'cancel.bin' })).uploads).toHaveLength(1);
    const result = await t.cancel();
    expect(result.state).toBe('cancelled');
    expect(result.counts.cancelled).toBe(1);
    expect((await direct.listMultipartUploads(B)).uploads).toEqual([]);
    expect(await readdir(journalDir)).toEqual([]);
    const head = await direct.headObject(B, 'cancel.bin').catch((e: unknown) => e);
    expect((head as CosServiceError).status).toBe(404);
    await client.close();
  });

  it('cancel while paused also aborts', async () => {
    const client = testClient(proxy.port);
    const engine = new UploadEngine(client, join(dir, 'j-cancel2'), { singlePutThreshold: MiB, partSize: MiB, partConcurrency: 1 });
    const path = join(dir, 'cancel2.bin');
    await writeFile(path, randomBytes(4 * MiB));
    proxy.add({ match: isUploadPart, delayMs: 60 });
    const t = engine.start({ bucket: B, key: 'cancel2.bin', path });
    await until(() => proxy.count('PUT', (u) => /partNumber/.test(u)) >= 1, 'a part');
    t.pause();
    await sleep(150);
    expect((await t.cancel()).state).toBe('cancelled');
    expect((await direct.listMultipartUploads(B)).uploads).toEqual([]);
    await client.close();
  });
});

describe('resume with SSE-C and secrets', () => {
  it('an interrupted SSE-C upload resumes only with the same key; no secret in any event, error or journal', async () => {
    const client = testClient(proxy.port);
    const journalDir = join(dir, 'j-ssec');
    const key = randomBytes(32);
    const otherKey = randomBytes(32);
    const data = randomBytes(6 * MiB + 3);
    const path = join(dir, 'ssec.bin');
    await writeFile(path, data);
    const options = { singlePutThreshold: MiB, partSize: MiB, partConcurrency: 1 };
    const seen: unknown[] = [];

    // First run: paused after a few parts, then abandoned (as when the app quits): the journal stays.
    proxy.add({ match: isUploadPart, delayMs: 60 });
    const first = new UploadEngine(client, journalDir, options).start({ bucket: B, key: 'ssec.bin', path, encryption: { mode: 'SSE-C', key } });
    seen.push(...record(first).all);
    await until(() => proxy.count('PUT', (u) => /partNumber/.test(u)) >= 3, 'three parts');
    first.pause();
    await sleep(300);
    const journals = await readdir(journalDir);
    expect(journals).toHaveLength(1);
    const journalText = await readFile(join(journalDir, journals[0]), 'utf8');
    const journal = JSON.parse(journalText);
    expect(journal.encryption.mode).toBe('SSE-C');
    expect(Object.keys(journal.parts).length).toBeGreaterThanOrEqual(2);
    const partsFirst = proxy.count('PUT', (u) => /partNumber/.test(u));

    // A different key cannot continue it.
    proxy.reset();
    const wrong = new UploadEngine(client, journalDir, options).start({ bucket: B, key: 'ssec.bin', path, encryption: { mode: 'SSE-C', key: otherKey } });
    seen.push(...record(wrong).all);
    const wrongResult = await wrong.done;
    expect(wrongResult.failed[0].error).toMatch(/different SSE-C key; resume it with the same key/);
    expect(proxy.count('PUT', (u) => /partNumber/.test(u))).toBe(0);

    // The same key continues from the journal: only the missing parts are sent.
    const again = new UploadEngine(client, journalDir, options).start({ bucket: B, key: 'ssec.bin', path, encryption: { mode: 'SSE-C', key } });
    seen.push(...record(again).all);
    expect((await again.done).failed).toEqual([]);
    const partsSecond = proxy.count('PUT', (u) => /partNumber/.test(u));
    expect(partsSecond).toBeLessThan(7);
    expect(partsFirst + partsSecond).toBeGreaterThanOrEqual(7);
    expect((await direct.getObjectBuffer(B, 'ssec.bin', { sseCustomerKey: key })).equals(data)).toBe(true);
    expect(await readdir(journalDir)).toEqual([]);
    await first.cancel();

    const secrets = [
      TEST_CREDENTIALS.secretKey,
      key.toString('base64'),
      key.toString('hex'),
      otherKey.toString('base64'),
      otherKey.toString('hex'),
    ];
    const texts = [journalText, JSON.stringify(seen), wrongResult.failed[0].error];
    for (const text of texts) for (const s of secrets) expect(text.includes(s)).toBe(false);
    await client.close();
  });

  it('a hostile server echoing request headers into errors: the failed item message holds no secret', async () => {
    const { FaultProxy } = await import('../../cos/client/test-support/fault-proxy');
    const faults = await FaultProxy.start(f.port);
    const client = testClient(faults.port, { retry: { attempts: 1 } });
    const key = randomBytes(32);
    const path = join(dir, 'echo.bin');
    await writeFile(path, randomBytes(1000));
    faults.inject({ fault: { kind: 'status', status: 400, code: 'InvalidArgument', echoHeaders: true }, times: 10 });
    const t = new UploadEngine(client, join(dir, 'j-echo')).start({ bucket: B, key: 'echo.bin', path, encryption: { mode: 'SSE-C', key } });
    const ev = record(t);
    const result = await t.done;
    expect(result.failed).toHaveLength(1);
    const text = JSON.stringify(ev.all) + JSON.stringify(result);
    expect(text).toContain('InvalidArgument');
    for (const s of [TEST_CREDENTIALS.secretKey, key.toString('base64'), key.toString('hex')]) expect(text.includes(s)).toBe(false);
    await client.close();
    await faults.close();
  });
});
