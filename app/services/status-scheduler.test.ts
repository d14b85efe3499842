// The Encryption column's HEADs against a real store: rows on screen first, rows that scrolled away before their
// turn never HEADed, answers cached by ETag, "Retry" looks again, and an object a job just wrote needs no HEAD.
import { describe, expect, it } from 'vitest';
import { EncryptionStatusService } from '../engine/encryption-status';
import { useStoreClient } from './test-support/store-client';
import { listPage } from './listing';
import { StatusScheduler, type StatusChange } from './status-scheduler';

const BUCKET = 'status-1250000000';
const rows: Array<{ key: string; etag: string }> = [];

const store = useStoreClient(async (client) => {
  await client.createBucket(BUCKET);
  for (let i = 0; i < 120; i++) {
    const key = `obj-${String(i).padStart(3, '0')}`;
    const res = await client.putObject(BUCKET, key, Buffer.from(`body ${i}`), i % 2 === 0 ? { sse: { mode: 'SSE-COS' } } : {});
    rows.push({ key, etag: res.etag });
  }
});

function setUp(concurrency = 8) {
  const service = new EncryptionStatusService(store.client, { concurrency });
  const changes: StatusChange[] = [];
  const scheduler = new StatusScheduler({ serviceFor: async () => service, concurrency, emit: (c) => changes.push(c) });
  return { service, scheduler, changes };
}

describe('StatusScheduler', () => {
  it('starts no HEAD while a list page is on its way: the page the user waits for comes first', async () => {
    const { service, scheduler, changes } = setUp();
    const page = listPage(store.client, BUCKET, { prefix: '', pageSize: 1000 });
    expect(scheduler.watch('window-1:table', BUCKET, rows.slice(0, 20)).queued).toBe(20);
    expect(scheduler.stats.started).toBe(0);
    expect((await page).objects).toHaveLength(120);
    // The page is in: the held rows are looked up now.
    await expect.poll(() => changes.length, { timeout: 20_000 }).toBe(20);
    expect(service.stats.heads).toBe(20);
  });

  it('HEADs only what is on screen: rows scrolled away before their turn are dropped, the new screen goes first', async () => {
    const { service, scheduler, changes } = setUp();
    const first = rows.slice(0, 50);
    const later = rows.slice(60, 110);
    expect(scheduler.watch('window-1:table', BUCKET, first).queued).toBe(50);
    // The user scrolled on before the first screen was answered: 8 HEADs are in flight, 42 wait and are dropped.
    expect(scheduler.watch('window-1:table', BUCKET, later).queued).toBe(50);
    await expect.poll(() => changes.filter((c) => later.some((r) => r.key === c.key)).length, { timeout: 20_000 }).toBe(50);
    await expect.poll(() => changes.length).toBe(58);
    expect(service.stats.heads).toBe(58);
    expect(scheduler.stats.dropped).toBe(42);
    const answered = new Set(changes.map((c) => c.key));
    expect(first.slice(8).some((r) => answered.has(r.key))).toBe(false);
    // Even objects are SSE-COS, odd ones have no encryption.
    expect(changes.find((c) => c.key === 'obj-060')!.state).toEqual({ state: 'encrypted', mode: 'SSE-COS' });
    expect(changes.find((c) => c.key === 'obj-061')!.state).toEqual({ state: 'not-encrypted' });
  });

  it('answers a row seen before from its cache (same ETag), and looks again when asked to retry', async () => {
    const { service, scheduler, changes } = setUp();
    const screen = rows.slice(0, 10);
    scheduler.watch('w:table', BUCKET, screen);
    await expect.poll(() => changes.length, { timeout: 10_000 }).toBe(10);
    const again = scheduler.watch('w:table', BUCKET, screen);
    expect(again.queued).toBe(0);
    expect(again.known).toHaveLength(10);
    expect(changes).toHaveLength(20);
    expect(service.stats.heads).toBe(10);
    // A changed object (another ETag) is another version: it is looked up.
    expect(scheduler.watch('w:table', BUCKET, [{ key: 'obj-000', etag: '"other"' }]).queued).toBe(1);
    await expect.poll(() => service.stats.heads).toBe(11);
    scheduler.watch('w:table', BUCKET, screen.slice(0, 1), true);
    await expect.poll(() => service.stats.heads).toBe(12);
  });

  it('takes what an upload verified for the object it wrote, without a HEAD', async () => {
    const { service, scheduler, changes } = setUp();
    const put = await store.client.putObject(BUCKET, 'fresh.txt', Buffer.from('fresh'), { sse: { mode: 'SSE-COS' } });
    scheduler.recordFresh(BUCKET, 'fresh.txt', 5, { state: 'encrypted', mode: 'SSE-COS' });
    const res = scheduler.watch('w:table', BUCKET, [{ key: 'fresh.txt', etag: put.etag, size: 5 }]);
    expect(res).toEqual({ known: [{ key: 'fresh.txt', etag: put.etag, state: { state: 'encrypted', mode: 'SSE-COS' } }], queued: 0 });
    expect(changes).toEqual([{ bucket: BUCKET, key: 'fresh.txt', etag: put.etag, state: { state: 'encrypted', mode: 'SSE-COS' } }]);
    expect(service.stats.heads).toBe(0);
  });

  it('drops the rows of a window that went away', async () => {
    const { service, scheduler } = setUp(1);
    scheduler.watch('page-1:table', BUCKET, rows.slice(0, 30));
    scheduler.forgetViews('page-1:');
    await new Promise((r) => setTimeout(r, 300));
    expect(service.stats.heads).toBe(1);
    expect(scheduler.stats.started).toBe(1);
  });

  it('says why a row could not be checked', async () => {
    const { scheduler, changes } = setUp();
    scheduler.watch('w:table', BUCKET, [{ key: 'deleted-meanwhile', etag: '"x"' }]);
    await expect.poll(() => changes.length, { timeout: 10_000 }).toBe(1);
    expect(changes[0]!.state).toEqual({ state: 'error', error: { kind: 'not-found', code: 'NoSuchKey', message: 'This object is no longer there; refresh the list.', details: { code: 'NoSuchKey', httpStatus: 404 } } });
  });
});
