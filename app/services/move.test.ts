// Rename and move against a real store: the object at its new key keeps its encryption mode (SSE-COS, SSE-C with the
// vault's key), Content-Type, metadata and ACL, with the same bytes, and the old key is gone; a taken name is a
// conflict answered as asked (a sentence and nothing changed, replace, keep both, skip); a big object goes through
// a multipart copy and keeps its encryption too; a folder moves as one job of the job manager, and a move
// interrupted between copy and delete finishes on the next run.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { JobSummary } from '../../shared/contract';
import type { CosClient } from '../cos/client';
import { readAllBody, testClient } from '../cos/client/test-support/client-fixture';
import { EncryptionStatusService } from '../engine/encryption-status';
import { startFixture, type StoreFixture } from '../store/test-support/store-fixture';
import { JobManager, type FinishedItem } from './jobs/job-manager';
import { moveConflicts, moveObject, type MoveOptions } from './move';
import { NO_SSE_C_KEYS, type SseCKeySource } from './object-details';
import { StreamRegistry } from './stream-registry';

const BUCKET = 'move-1250000000';
const KEY = randomBytes(32);
let f: StoreFixture;
let client: CosClient;
let home: string | undefined;

const vault: SseCKeySource = { ids: async () => ['tax-key'], key: async () => KEY };
const move = (from: string, to: string, extra: Partial<MoveOptions> = {}) => moveObject(client, { bucket: BUCKET, from, to, onConflict: 'ask', keys: NO_SSE_C_KEYS, ...extra });
const body = async (key: string, sseCustomerKey?: Buffer) => (await readAllBody((await client.getObject(BUCKET, key, { sseCustomerKey })).body)).toString();
const gone = async (key: string) => expect(client.headObject(BUCKET, key)).rejects.toMatchObject({ status: 404 });

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
  if (home) await rm(home, { recursive: true, force: true });
  home = undefined;
});

describe('moving one object', () => {
  it('keeps SSE-COS, the Content-Type, the metadata and the ACL; the old key is gone', async () => {
    await client.putObject(BUCKET, 'docs/report.pdf', Buffer.from('%PDF quarterly'), { contentType: 'application/pdf', metadata: { project: 'coffer' }, sse: { mode: 'SSE-COS' }, acl: 'public-read' });
    const before = await client.headObject(BUCKET, 'docs/report.pdf');
    const r = await move('docs/report.pdf', 'archive/2026 report.pdf');
    expect(r).toMatchObject({ outcome: 'moved', key: 'archive/2026 report.pdf', size: 14, encryption: { mode: 'SSE-COS' } });
    const after = await client.headObject(BUCKET, 'archive/2026 report.pdf');
    expect(after.encryption).toEqual({ mode: 'SSE-COS' });
    expect(after.contentType).toBe('application/pdf');
    expect(after.metadata).toEqual({ project: 'coffer' });
    expect(after.crc64).toBe(before.crc64);
    expect((await client.getObjectAcl(BUCKET, 'archive/2026 report.pdf')).canned).toBe('public-read');
    expect(await body('archive/2026 report.pdf')).toBe('%PDF quarterly');
    await gone('docs/report.pdf');
  });

  it('keeps SSE-C with the key from the vault, and refuses (keeping the object) when the vault lacks it', async () => {
    await client.putObject(BUCKET, 'tax.bin', Buffer.from('taxes'), { sse: { mode: 'SSE-C', key: KEY } });
    await expect(move('tax.bin', 'tax-2026.bin')).rejects.toMatchObject({ kind: 'access', code: 'SseCKeyNeeded', message: expect.stringMatching(/not in this vault/) });
    expect(await body('tax.bin', KEY)).toBe('taxes');
    const r = await move('tax.bin', 'tax-2026.bin', { keys: vault });
    expect(r).toMatchObject({ outcome: 'moved', encryption: { mode: 'SSE-C' } });
    expect(await body('tax-2026.bin', KEY)).toBe('taxes');
    await expect(client.headObject(BUCKET, 'tax.bin', { sseCustomerKey: KEY })).rejects.toMatchObject({ status: 404 });
  });

  it('asks about a taken name, then replaces, keeps both or skips as answered', async () => {
    await client.putObject(BUCKET, 'c/new.txt', Buffer.from('new'));
    await client.putObject(BUCKET, 'c/old.txt', Buffer.from('old'));
    await expect(move('c/new.txt', 'c/old.txt')).rejects.toMatchObject({ kind: 'conflict', code: 'DestinationExists', message: 'old.txt already exists in c/; choose whether to replace it or keep both.' });
    expect([await body('c/new.txt'), await body('c/old.txt')]).toEqual(['new', 'old']);

    expect(await move('c/new.txt', 'c/old.txt', { onConflict: 'skip' })).toMatchObject({ outcome: 'skipped', key: null });
    expect(await body('c/new.txt')).toBe('new');

    expect(await move('c/new.txt', 'c/old.txt', { onConflict: 'keep-both' })).toMatchObject({ outcome: 'moved', key: 'c/old (2).txt' });
    expect([await body('c/old (2).txt'), await body('c/old.txt')]).toEqual(['new', 'old']);

    await client.putObject(BUCKET, 'c/newer.txt', Buffer.from('newer'));
    expect(await move('c/newer.txt', 'c/old.txt', { onConflict: 'replace' })).toMatchObject({ outcome: 'moved', key: 'c/old.txt' });
    expect(await body('c/old.txt')).toBe('newer');
    await gone('c/newer.txt');
  });

  it('copies a big object in parts and keeps its encryption', async () => {
    const data = randomBytes(1.5 * 1024 * 1024);
    await client.putObject(BUCKET, 'big.bin', data, { sse: { mode: 'SSE-COS' }, metadata: { kind: 'big' } });
    const r = await move('big.bin', 'moved/big.bin', { multipartThreshold: 1024 * 1024, partSize: 1024 * 1024 });
    expect(r).toMatchObject({ outcome: 'moved', size: data.length, encryption: { mode: 'SSE-COS' } });
    const after = await client.headObject(BUCKET, 'moved/big.bin');
    expect(after.metadata).toEqual({ kind: 'big' });
    expect(Buffer.compare(await readAllBody((await client.getObject(BUCKET, 'moved/big.bin')).body), data)).toBe(0);
    await gone('big.bin');
  });

  it('lists the conflicts of a folder move before it starts', async () => {
    for (const k of ['src/a.txt', 'src/b.txt', 'src/sub/c.txt', 'dst/b.txt', 'dst/sub/c.txt', 'dst/other.txt']) await client.putObject(BUCKET, k, Buffer.from(k));
    expect(await moveConflicts(client, BUCKET, [{ from: 'src/', to: 'dst/' }])).toEqual({
      count: 2,
      conflicts: [
        { from: 'src/b.txt', to: 'dst/b.txt' },
        { from: 'src/sub/c.txt', to: 'dst/sub/c.txt' },
      ],
    });
    expect(await moveConflicts(client, BUCKET, [{ from: 'src/a.txt', to: 'dst/a.txt' }])).toEqual({ count: 0, conflicts: [] });
  });
});

describe('a folder move as a job', () => {
  function manager() {
    const jobs = new JobManager({
      home: home!,
      clientFor: async () => client,
      statusServiceFor: async () => new EncryptionStatusService(client),
      resolveEncryption: async (c) => (c.mode === 'sse-c' && c.vaultKeyId === 'tax-key' ? { mode: 'SSE-C', key: KEY } : Promise.reject(new Error('not in these tests'))),
      streams: new StreamRegistry(),
    });
    const items: FinishedItem[] = [];
    jobs.on('item', (i) => items.push(i));
    const done = (id: string) =>
      new Promise<JobSummary>((resolve) => {
        const check = (j: JobSummary) => j.id === id && ['completed', 'failed', 'cancelled'].includes(j.state) && resolve(j);
        check(jobs.get(id));
        jobs.on('done', check);
      });
    return { jobs, items, done };
  }

  it('moves everything under the folder, with progress, keeping each object\'s encryption', async () => {
    home = await mkdtemp(join(tmpdir(), 'coffer-move-'));
    await client.putObject(BUCKET, 'album/', Buffer.alloc(0));
    await client.putObject(BUCKET, 'album/a.jpg', Buffer.from('aaaa'), { sse: { mode: 'SSE-COS' }, contentType: 'image/jpeg' });
    await client.putObject(BUCKET, 'album/2026/b.jpg', Buffer.from('bbbbbb'));
    await client.putObject(BUCKET, 'album/2026/c.bin', Buffer.from('cc'), { sse: { mode: 'SSE-C', key: KEY } });
    const { jobs, items, done } = manager();
    const started = await jobs.startMove({ kind: 'move', connectionId: 'local', bucket: BUCKET, moves: [{ from: 'album/', to: 'trips/album/' }], onConflict: 'ask', sseCKeyIds: ['tax-key'] });
    expect(started).toMatchObject({ kind: 'move', subject: 'album', sse: null });
    const end = await done(started.id);
    expect(end).toMatchObject({ state: 'completed', progress: { filesDone: 4, filesTotal: 4, filesFailed: 0, bytesDone: 12 } });
    expect(items.map((i) => [i.key, i.movedTo]).sort()).toEqual([
      ['album/', 'trips/album/'],
      ['album/2026/b.jpg', 'trips/album/2026/b.jpg'],
      ['album/2026/c.bin', 'trips/album/2026/c.bin'],
      ['album/a.jpg', 'trips/album/a.jpg'],
    ]);
    expect((await client.listObjects(BUCKET, { prefix: 'album/' })).contents).toEqual([]);
    expect((await client.headObject(BUCKET, 'trips/album/a.jpg')).encryption).toEqual({ mode: 'SSE-COS' });
    expect((await client.headObject(BUCKET, 'trips/album/a.jpg')).contentType).toBe('image/jpeg');
    expect((await client.headObject(BUCKET, 'trips/album/2026/b.jpg')).encryption).toEqual({ mode: 'none' });
    expect(await body('trips/album/2026/c.bin', KEY)).toBe('cc');
    await jobs.shutdown();
  });

  it('finishes an object an interrupted run had copied but not deleted, and fails a real conflict with a sentence', async () => {
    home = await mkdtemp(join(tmpdir(), 'coffer-move-'));
    await client.putObject(BUCKET, 'half/x.txt', Buffer.from('x'), { metadata: { m: '1' } });
    await client.putObject(BUCKET, 'half/y.txt', Buffer.from('y'));
    // A crash after the copy of x.txt, before its delete: the copy is there, the source too.
    await client.copyObject({ bucket: BUCKET, key: 'half/x.txt' }, BUCKET, 'whole/x.txt', { metadataDirective: 'Copy' });
    await client.putObject(BUCKET, 'whole/y.txt', Buffer.from('someone else'));
    const { jobs, done } = manager();
    const started = await jobs.startMove({ kind: 'move', connectionId: 'local', bucket: BUCKET, moves: [{ from: 'half/', to: 'whole/' }], onConflict: 'ask', sseCKeyIds: [] });
    const end = await done(started.id);
    expect(end.state).toBe('failed');
    expect(end.progress).toMatchObject({ filesDone: 1, filesFailed: 1 });
    expect(end.failures).toEqual([expect.objectContaining({ key: 'half/y.txt', error: expect.objectContaining({ kind: 'conflict', message: 'y.txt already exists in whole/; choose whether to replace it or keep both.' }) })]);
    await gone('half/x.txt');
    expect(await body('whole/x.txt')).toBe('x');
    expect(await body('whole/y.txt')).toBe('someone else');
    expect(await body('half/y.txt')).toBe('y');
    await jobs.shutdown();
  });
});
