// The client against the official SDK: signatures equal COS.getAuthorization for the same request, objects this
// client writes read back identically through the SDK and the reverse, and pre-signed URLs work. Also checks that
// no secret reaches an error's text.
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { inspect } from 'node:util';
import COS from 'cos-nodejs-sdk-v5';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFixture, TEST_CREDENTIALS, type StoreFixture } from '../../store/test-support/store-fixture';
import { CosServiceError } from './errors';
import type { CosClient } from './cos-client';
import { FaultProxy } from './test-support/fault-proxy';
import { testClient } from './test-support/client-fixture';

let f: StoreFixture;
let proxy: FaultProxy;
let client: CosClient;
const B = 'interop';

beforeAll(async () => {
  f = await startFixture();
  proxy = await FaultProxy.start(f.port);
  client = testClient(proxy.port);
  await client.createBucket(B);
});

afterAll(async () => {
  await client?.close();
  await proxy?.close();
  await f?.close();
});

beforeEach(() => proxy.reset());

function httpGet(url: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

/** Recomputes the captured request's Authorization with the SDK, from the same method, path, query, headers and time. */
function sdkAuthorizationFor(captured: { method: string; url: string; headers: Record<string, string | string[] | undefined> }): string {
  const url = new URL(captured.url, 'http://x');
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = v;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(captured.headers)) if (k !== 'authorization' && typeof v === 'string') headers[k] = v;
  const keyTime = /q-key-time=([^&]+)/.exec(String(captured.headers.authorization))![1];
  return COS.getAuthorization({
    SecretId: TEST_CREDENTIALS.secretId,
    SecretKey: TEST_CREDENTIALS.secretKey,
    Method: captured.method,
    Key: decodeURIComponent(url.pathname),
    Query: query,
    Headers: headers,
    KeyTime: keyTime,
  } as Parameters<typeof COS.getAuthorization>[0]);
}

describe('signatures equal COS.getAuthorization', () => {
  it('for PUT with metadata and SSE-C, GET with a range, listing with a query, and a sub-resource', async () => {
    const key = randomBytes(32);
    await client.putObject(B, 'dir/ü file (x)!.txt', Buffer.from('signed'), { metadata: { m: 'v v' }, contentType: 'text/plain', contentMd5: true, sse: { mode: 'SSE-C', key } });
    await client.getObjectBuffer(B, 'dir/ü file (x)!.txt', { range: { start: 1, end: 3 }, sseCustomerKey: key });
    await client.listObjects(B, { prefix: 'dir/', delimiter: '/', maxKeys: 5 });
    await client.getBucketEncryption(B);
    await client.initiateMultipartUpload(B, 'k;=&?');
    expect(proxy.requests.length).toBe(5);
    for (const r of proxy.requests) {
      expect(r.headers.authorization, `${r.method} ${r.url}`).toBe(sdkAuthorizationFor(r));
    }
    // Everything the doc requires to be signed is: host, the x-cos-* headers, content-md5, range.
    expect(String(proxy.requests[0].headers.authorization)).toMatch(/q-header-list=[^&]*content-md5[^&]*host[^&]*x-cos-meta-m/);
    expect(String(proxy.requests[1].headers.authorization)).toMatch(/q-header-list=[^&]*range/);
  });

  it('signs the STS token header and sends it', async () => {
    const sts = testClient(proxy.port, { credentials: async () => ({ ...TEST_CREDENTIALS, sessionToken: 'tok-123456789' }) });
    await sts.headBucket(B).catch(() => undefined);
    expect(proxy.requests[0].headers['x-cos-security-token']).toBe('tok-123456789');
    expect(String(proxy.requests[0].headers.authorization)).toContain('x-cos-security-token');
    await sts.close();
  });
});

describe('SDK interop', () => {
  it('what this client uploads, the SDK reads back identically', async () => {
    const data = randomBytes(50_000);
    const key = randomBytes(32);
    await client.putObject(B, 'by-client', data, { metadata: { who: 'client' }, contentType: 'application/x-c', sse: { mode: 'SSE-C', key } });
    const got = await f.call<{ Body: Buffer; headers: Record<string, string> }>('getObject', {
      Bucket: f.bucket(B),
      Region: 'ap-guangzhou',
      Key: 'by-client',
      SSECustomerAlgorithm: 'AES256',
      SSECustomerKey: key.toString('base64'),
      SSECustomerKeyMD5: createHash('md5').update(key).digest('base64'),
    });
    expect(Buffer.compare(got.Body, data)).toBe(0);
    expect(got.headers['x-cos-meta-who']).toBe('client');
    expect(got.headers['content-type']).toBe('application/x-c');
  });

  it('what the SDK uploads, this client reads back identically', async () => {
    const data = randomBytes(40_000);
    await f.call('putObject', {
      Bucket: f.bucket(B),
      Region: 'ap-guangzhou',
      Key: 'by-sdk/x y',
      Body: data,
      ContentType: 'application/x-s',
      ServerSideEncryption: 'cos/kms',
      'x-cos-meta-who': 'sdk',
    });
    const head = await client.headObject(B, 'by-sdk/x y');
    expect(head).toMatchObject({ size: data.length, contentType: 'application/x-s', metadata: { who: 'sdk' } });
    expect(head.encryption.mode).toBe('SSE-KMS');
    expect((await client.getObjectBuffer(B, 'by-sdk/x y')).equals(data)).toBe(true);
  });
});

describe('pre-signed GET URLs', () => {
  it('works until it expires; carries the STS token', async () => {
    await client.putObject(B, 'shared/file name.txt', Buffer.from('presigned body'));
    const direct = testClient(f.port);
    const url = await direct.presignGetUrl(B, 'shared/file name.txt', 60);
    expect(url).toContain('q-signature=');
    const ok = await httpGet(url);
    expect(ok.status).toBe(200);
    expect(ok.body.toString()).toBe('presigned body');
    const past = testClient(f.port, { now: () => Date.now() - 3600_000 });
    const expired = await httpGet(await past.presignGetUrl(B, 'shared/file name.txt', 60));
    expect(expired.status).toBe(403);
    const sts = testClient(f.port, { credentials: async () => ({ ...TEST_CREDENTIALS, sessionToken: 'tok-abc' }) });
    expect(await sts.presignGetUrl(B, 'a', 10)).toContain('&x-cos-security-token=tok-abc');
    await Promise.all([direct.close(), past.close(), sts.close()]);
  });
});

describe('no secret in any error', () => {
  function scan(err: unknown, secrets: string[]) {
    const texts = [String(err), (err as Error).message, (err as Error).stack ?? '', inspect(err, { depth: 5 }), JSON.stringify(err)];
    for (const t of texts) for (const s of secrets) expect(t.includes(s), `secret leaked in: ${t.slice(0, 200)}`).toBe(false);
  }

  it('wrong secret key → SignatureDoesNotMatch without the key or signature', async () => {
    const badKey = 'wrongSecretKeyValue0000000000000';
    const bad = testClient(proxy.port, { credentials: async () => ({ secretId: TEST_CREDENTIALS.secretId, secretKey: badKey }) });
    const err = (await bad.listObjects(B).catch((e) => e)) as CosServiceError;
    expect(err).toBeInstanceOf(CosServiceError);
    expect(err.status).toBe(403);
    expect(err.requestId).toBeTruthy();
    const signature = /q-signature=([0-9a-f]+)/.exec(String(proxy.requests[0].headers.authorization))![1];
    scan(err, [badKey, signature, TEST_CREDENTIALS.secretKey]);
    await bad.close();
  });

  it('a server echoing every request header has the signature, token and SSE-C key scrubbed', async () => {
    const key = randomBytes(32);
    const sts = testClient(proxy.port, { credentials: async () => ({ ...TEST_CREDENTIALS, sessionToken: 'sessionTokenSecret123' }) });
    proxy.inject({ fault: { kind: 'status', status: 400, code: 'InvalidArgument', message: `key ${TEST_CREDENTIALS.secretKey}`, echoHeaders: true } });
    const err = (await sts.getObject(B, 'x', { sseCustomerKey: key }).catch((e) => e)) as CosServiceError;
    expect(err).toMatchObject({ code: 'InvalidArgument', status: 400 });
    const signature = /q-signature=([0-9a-f]+)/.exec(String(proxy.requests[0].headers.authorization))![1];
    scan(err, [TEST_CREDENTIALS.secretKey, signature, key.toString('base64'), 'sessionTokenSecret123']);
    expect(err.message).toContain('[redacted]');
    await sts.close();
  });

  it('SSE-C with a wrong key → error without the key', async () => {
    const key = randomBytes(32);
    await client.putObject(B, 'ssec-secret', Buffer.from('x'), { sse: { mode: 'SSE-C', key } });
    const wrong = randomBytes(32);
    const err = await client.headObject(B, 'ssec-secret', { sseCustomerKey: wrong }).catch((e) => e);
    expect(err).toBeInstanceOf(CosServiceError);
    scan(err, [wrong.toString('base64'), key.toString('base64'), TEST_CREDENTIALS.secretKey]);
  });
});
