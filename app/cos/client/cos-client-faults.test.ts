// Retries through a fault-injecting proxy: transient failures are retried when the step can be repeated, and
// nothing else is. Also the clock-skew recovery and the AbortSignal.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFixture, type StoreFixture } from '../../store/test-support/store-fixture';
import { CosAbortError, CosNetworkError, CosServiceError } from './errors';
import type { CosClient } from './cos-client';
import { FaultProxy } from './test-support/fault-proxy';
import { readAllBody, testClient } from './test-support/client-fixture';

let f: StoreFixture;
let proxy: FaultProxy;
let client: CosClient;
const B = 'faults';
const data = randomBytes(256 * 1024);

beforeAll(async () => {
  f = await startFixture();
  proxy = await FaultProxy.start(f.port);
  client = testClient(proxy.port);
  await client.createBucket(B);
  await client.putObject(B, 'obj', data);
});

afterAll(async () => {
  await client?.close();
  await proxy?.close();
  await f?.close();
});

beforeEach(() => proxy.reset());

const isGet = (method: string) => (req: { method?: string }) => req.method === method;

describe('retries', () => {
  it('retries a 503 SlowDown, then succeeds', async () => {
    proxy.inject({ match: isGet('GET'), fault: { kind: 'status', status: 503, code: 'SlowDown' }, times: 2 });
    expect((await client.getObjectBuffer(B, 'obj')).equals(data)).toBe(true);
    expect(proxy.requests.map((r) => r.fault ?? 'ok')).toEqual(['status', 'status', 'ok']);
  });

  it('gives up after the configured attempts with the last error', async () => {
    proxy.inject({ match: isGet('HEAD'), fault: { kind: 'status', status: 500, code: 'InternalError' }, times: 5 });
    const err = (await client.headObject(B, 'obj').catch((e) => e)) as CosServiceError;
    expect(err).toBeInstanceOf(CosServiceError);
    expect(err.status).toBe(500);
    expect(proxy.requests).toHaveLength(3);
  });

  it('retries a PUT of a Buffer after a connection reset', async () => {
    proxy.inject({ match: isGet('PUT'), fault: { kind: 'reset' } });
    await client.putObject(B, 'after-reset', Buffer.from('hello'));
    expect(proxy.requests.map((r) => r.fault ?? 'ok')).toEqual(['reset', 'ok']);
    expect((await client.getObjectBuffer(B, 'after-reset')).toString()).toBe('hello');
  });

  it('resumes a GET whose connection is cut mid-response, with Range and If-Match', async () => {
    proxy.inject({ match: isGet('GET'), fault: { kind: 'cut-response', afterBytes: 100_000 } });
    const res = await client.getObject(B, 'obj');
    expect((await readAllBody(res.body)).equals(data)).toBe(true);
    expect(proxy.requests).toHaveLength(2);
    expect(proxy.requests[1].headers.range).toMatch(/^bytes=\d+-$/);
    expect(proxy.requests[1].headers['if-match']).toBe(res.etag);
  });

  it('retries an XML answer cut mid-body', async () => {
    proxy.inject({ match: (r) => r.method === 'GET' && (r.url ?? '').includes('prefix='), fault: { kind: 'cut-response', afterBytes: 20 } });
    const page = await client.listObjects(B);
    expect(page.contents.map((c) => c.key)).toContain('obj');
    expect(proxy.requests).toHaveLength(2);
  });

  it('does not retry a 403', async () => {
    proxy.inject({ fault: { kind: 'status', status: 403, code: 'AccessDenied', message: 'no' }, times: 3 });
    const err = (await client.getObject(B, 'obj').catch((e) => e)) as CosServiceError;
    expect(err).toMatchObject({ code: 'AccessDenied', status: 403 });
    expect(proxy.requests).toHaveLength(1);
  });

  it('does not retry a one-shot stream body', async () => {
    proxy.inject({ match: isGet('PUT'), fault: { kind: 'status', status: 503, code: 'SlowDown' } });
    const err = (await client.putObject(B, 'stream', { stream: Readable.from([Buffer.from('abc')]), length: 3 }).catch((e) => e)) as CosServiceError;
    expect(err).toMatchObject({ code: 'SlowDown', status: 503 });
    expect(proxy.requests).toHaveLength(1);
  });

  it('does not retry Complete (not idempotent)', async () => {
    const init = await client.initiateMultipartUpload(B, 'mp');
    const part = await client.uploadPart(B, 'mp', init.uploadId, 1, Buffer.from('only part'));
    proxy.reset();
    proxy.inject({ match: isGet('POST'), fault: { kind: 'status', status: 503, code: 'SlowDown' } });
    await expect(client.completeMultipartUpload(B, 'mp', init.uploadId, [{ partNumber: 1, etag: part.etag }])).rejects.toBeInstanceOf(CosServiceError);
    expect(proxy.requests).toHaveLength(1);
    await client.abortMultipartUpload(B, 'mp', init.uploadId);
  });

  it('reports a refused connection as CosNetworkError after retrying', async () => {
    const dead = testClient(1, { retry: { attempts: 2, baseDelayMs: 1 } });
    const err = await dead.headBucket(B).catch((e) => e);
    expect(err).toBeInstanceOf(CosNetworkError);
    expect((err as CosNetworkError).code).toBe('ECONNREFUSED');
    await dead.close();
  });
});

describe('clock skew', () => {
  for (const [label, offsetMs] of [['behind', -2 * 3600_000], ['ahead', 2 * 3600_000]] as const) {
    it(`adopts the server clock when the local clock is 2 hours ${label}`, async () => {
      const skewed = testClient(proxy.port, { now: () => Date.now() + offsetMs });
      const head = await skewed.headObject(B, 'obj');
      expect(head.size).toBe(data.length);
      expect(proxy.requests).toHaveLength(2);
      expect(Math.abs(skewed.clockOffsetMs + offsetMs)).toBeLessThan(5_000);
      // Later requests are signed right the first time.
      proxy.reset();
      await skewed.listObjects(B);
      expect(proxy.requests).toHaveLength(1);
      await skewed.close();
    });
  }

  it('first request fails with "Request has expired" from the store, the retry succeeds', async () => {
    const skewed = testClient(proxy.port, { now: () => Date.now() - 2 * 3600_000 });
    const page = await skewed.listObjects(B);
    expect(page.contents.length).toBeGreaterThan(0);
    expect(proxy.requests).toHaveLength(2);
    await skewed.close();
  });

  it('a 403 "Request has expired" with a Date close to ours is not retried', async () => {
    proxy.inject({ fault: { kind: 'status', status: 403, code: 'AccessDenied', message: 'Request has expired' } });
    const err = (await client.listObjects(B).catch((e) => e)) as CosServiceError;
    expect(err).toMatchObject({ code: 'AccessDenied', status: 403, serviceMessage: 'Request has expired' });
    expect(proxy.requests).toHaveLength(1);
  });
});

describe('abort', () => {
  it('an aborted signal stops the operation', async () => {
    const ctrl = new AbortController();
    ctrl.abort();
    await expect(client.headObject(B, 'obj', { signal: ctrl.signal })).rejects.toBeInstanceOf(CosAbortError);
  });

  it('aborting during backoff stops the retries', async () => {
    const slow = testClient(proxy.port, { retry: { baseDelayMs: 10_000, maxDelayMs: 10_000, attempts: 3 } });
    proxy.inject({ fault: { kind: 'status', status: 503, code: 'SlowDown' }, times: 3 });
    const ctrl = new AbortController();
    const p = slow.headObject(B, 'obj', { signal: ctrl.signal });
    setTimeout(() => ctrl.abort(), 100);
    await expect(p).rejects.toBeInstanceOf(CosAbortError);
    await slow.close();
  });
});
