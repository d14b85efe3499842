// EncryptionStatusService against the real store, with HEADs counted at a proxy: each mode (SSE-C without its
// key included), cache hits and ETag changes, LRU eviction, the concurrency bound, de-duplication, failures
// reported as `unknown` and not cached, and no secret in any status.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CosClient } from '../cos/client';
import { testClient } from '../cos/client/test-support/client-fixture';
import { startFixture, type StoreFixture } from '../store/test-support/store-fixture';
import { EngineProxy } from './test-support/engine-proxy';
import { findSecrets, SSEC_KEY } from './test-support/secret-scan';
import { LruCache } from './encryption-status-lru';
import { EncryptionStatusService, type EncryptionStatus } from './encryption-status';

const B = 'status';
let f: StoreFixture;
let proxy: EngineProxy;
let client: CosClient;
const seen: EncryptionStatus[] = [];
const heads = (key?: string) => proxy.requestsFor('HEAD', key).length;

beforeAll(async () => {
  f = await startFixture();
  proxy = await EngineProxy.start(f.port);
  client = testClient(proxy.port);
  await client.createBucket(B);
  await client.putObject(B, 'plain', Buffer.from('p'));
  await client.putObject(B, 'cos', Buffer.from('c'), { sse: { mode: 'SSE-COS' } });
  await client.putObject(B, 'kms', Buffer.from('k'), { sse: { mode: 'SSE-KMS' } });
  await client.putObject(B, 'ssec', Buffer.from('s'), { sse: { mode: 'SSE-C', key: SSEC_KEY } });
});

afterAll(async () => {
  await client?.close();
  await proxy?.close();
  await f?.close();
});

beforeEach(() => proxy.reset());

describe('EncryptionStatusService', () => {
  it('reports each mode; SSE-C without the key is SSE-C, not an error; a missing object is unknown', async () => {
    const svc = new EncryptionStatusService(client);
    const got = await svc.getMany([
      { bucket: B, key: 'plain' },
      { bucket: B, key: 'cos' },
      { bucket: B, key: 'kms' },
      { bucket: B, key: 'ssec' },
      { bucket: B, key: 'missing' },
    ]);
    seen.push(...got);
    expect(got[0]).toEqual({ mode: 'none' });
    expect(got[1]).toEqual({ mode: 'SSE-COS' });
    expect(got[2]).toMatchObject({ mode: 'SSE-KMS', keyId: expect.any(String) });
    expect(got[3]).toEqual({ mode: 'SSE-C' });
    expect(got[4]).toMatchObject({ mode: 'unknown', error: { code: 'NoSuchKey', status: 404 } });
  });

  it('same ETag and Last-Modified → served from cache (no second HEAD); a changed ETag → HEAD again', async () => {
    const svc = new EncryptionStatusService(client);
    const first = await client.putObject(B, 'versioned', Buffer.from('v1'));
    const v1 = { etag: first.etag, lastModified: (await client.headObject(B, 'versioned')).lastModified };
    proxy.reset();
    expect(await svc.get(B, 'versioned', v1)).toEqual({ mode: 'none' });
    expect(await svc.get(B, 'versioned', v1)).toEqual({ mode: 'none' });
    // The listing's string form of the same instant is the same version.
    expect(await svc.get(B, 'versioned', { etag: v1.etag, lastModified: v1.lastModified?.toISOString() })).toEqual({ mode: 'none' });
    expect(heads('versioned')).toBe(1);
    expect(svc.stats.cacheHits).toBe(2);

    const second = await client.putObject(B, 'versioned', Buffer.from('v2 encrypted'), { sse: { mode: 'SSE-COS' } });
    expect(await svc.get(B, 'versioned', { etag: second.etag, lastModified: new Date() })).toEqual({ mode: 'SSE-COS' });
    expect(heads('versioned')).toBe(2);
  });

  it('failures are not cached; invalidate() forgets a key', async () => {
    const svc = new EncryptionStatusService(client);
    expect((await svc.get(B, 'later', { etag: '"x"' })).mode).toBe('unknown');
    expect((await svc.get(B, 'later', { etag: '"x"' })).mode).toBe('unknown');
    expect(heads('later')).toBe(2);
    await svc.get(B, 'cos');
    svc.invalidate(B, 'cos');
    await svc.get(B, 'cos');
    expect(heads('cos')).toBe(2);
  });

  it('an encryption header it does not recognize is unknown, never "none" (an audit must not call it unencrypted)', async () => {
    proxy.use({ match: (r) => r.method === 'HEAD', rewriteHeaders: (h) => void (h['x-cos-server-side-encryption'] = 'SM4') });
    const svc = new EncryptionStatusService(client);
    const status = await svc.get(B, 'plain');
    expect(status).toMatchObject({ mode: 'unknown', error: { code: 'UnrecognizedEncryption' } });
    expect(status.mode === 'unknown' && status.error.message).toMatch(/"SM4"/);
    proxy.reset();
    expect(await svc.get(B, 'plain')).toEqual({ mode: 'none' }); // not cached: asked again, the real answer
  });

  it('the LRU keeps the most recently used versions', async () => {
    const svc = new EncryptionStatusService(client, { cacheSize: 2 });
    await svc.get(B, 'plain');
    await svc.get(B, 'cos');
    await svc.get(B, 'plain'); // plain is now the youngest
    await svc.get(B, 'kms'); // evicts cos
    await svc.get(B, 'plain');
    await svc.get(B, 'cos');
    expect([heads('plain'), heads('cos'), heads('kms')]).toEqual([1, 2, 1]);
  });

  it('never more than `concurrency` HEADs in flight', async () => {
    const keys = Array.from({ length: 24 }, (_, i) => `many/${i}`);
    for (const k of keys) await client.putObject(B, k, randomBytes(8));
    proxy.reset();
    proxy.use({ match: (r) => r.method === 'HEAD', delayMs: 25 });
    const svc = new EncryptionStatusService(client, { concurrency: 3 });
    const got = await svc.getMany(keys.map((key) => ({ bucket: B, key })));
    expect(got.every((s) => s.mode === 'none')).toBe(true);
    expect(heads()).toBe(24);
    expect(proxy.maxInFlight).toBe(3);
  });

  it('two asks for the same version while the first is in flight share one HEAD', async () => {
    proxy.use({ match: (r) => r.method === 'HEAD', delayMs: 30 });
    const svc = new EncryptionStatusService(client);
    const [a, b, c] = await Promise.all([svc.get(B, 'kms', { etag: '"e"' }), svc.get(B, 'kms', { etag: '"e"' }), svc.getMany([{ bucket: B, key: 'kms', etag: '"e"' }])]);
    expect(a).toEqual(b);
    expect(c[0]).toEqual(a);
    expect(heads('kms')).toBe(1);
    expect(svc.stats.shared).toBe(2);
  });

  it('no secret in any status', () => {
    expect(seen.length).toBeGreaterThan(3);
    expect(findSecrets(seen)).toEqual([]);
  });
});

describe('LruCache', () => {
  it('evicts the least recently used entry and refuses a zero capacity', () => {
    const c = new LruCache<string, number>(2);
    c.set('a', 1);
    c.set('b', 2);
    c.get('a');
    c.set('c', 3);
    expect([c.get('a'), c.get('b'), c.get('c'), c.size]).toEqual([1, undefined, 3, 2]);
    expect(() => new LruCache(0)).toThrow(RangeError);
  });
});
