// Object operations against a real store over HTTP: every SSE mode, ranges, metadata, paging, batch delete,
// ACLs and bucket encryption.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc64 } from '../crc64';
import { APPID, startFixture, type StoreFixture } from '../../store/test-support/store-fixture';
import { CosServiceError } from './errors';
import type { CosClient } from './cos-client';
import { readAllBody, testClient } from './test-support/client-fixture';

let f: StoreFixture;
let client: CosClient;
let dir: string;
const B = 'objects';

beforeAll(async () => {
  f = await startFixture();
  client = testClient(f.port);
  await client.createBucket(B);
  dir = await mkdtemp(join(tmpdir(), 'cos-client-'));
});

afterAll(async () => {
  await client?.close();
  await f?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('buckets', () => {
  it('creates, heads, lists and deletes a bucket', async () => {
    await client.createBucket('tmpbucket');
    const head = await client.headBucket('tmpbucket');
    expect(head.requestId).toBeTruthy();
    const { buckets } = await client.listBuckets();
    expect(buckets.map((b) => b.name)).toContain(f.bucket('tmpbucket'));
    await client.deleteBucket('tmpbucket');
    const err = await client.headBucket('tmpbucket').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CosServiceError);
    expect((err as CosServiceError).status).toBe(404);
    expect((err as CosServiceError).code).toBe('NoSuchBucket');
  });
});

describe('put / head / get', () => {
  it('round-trips a Buffer with metadata, content type, MD5 and CRC64', async () => {
    const data = randomBytes(10_000);
    const put = await client.putObject(B, 'dir/a file (1).bin', data, {
      contentType: 'application/x-test',
      metadata: { color: 'blue', owner: 'qa' },
      contentMd5: true,
    });
    expect(put.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(put.crc64).toBe(crc64(data));
    expect(put.requestId).toBeTruthy();
    const head = await client.headObject(B, 'dir/a file (1).bin');
    expect(head).toMatchObject({ size: 10_000, etag: put.etag, contentType: 'application/x-test', encryption: { mode: 'none' } });
    expect(head.metadata).toEqual({ color: 'blue', owner: 'qa' });
    expect(head.crc64).toBe(crc64(data));
    expect(head.lastModified).toBeInstanceOf(Date);
    expect((await client.getObjectBuffer(B, 'dir/a file (1).bin')).equals(data)).toBe(true);
  });

  it('reads ranges', async () => {
    const data = randomBytes(5000);
    await client.putObject(B, 'range.bin', data);
    const r = await client.getObject(B, 'range.bin', { range: { start: 100, end: 199 } });
    expect(r.status).toBe(206);
    expect(r.contentRange).toBe('bytes 100-199/5000');
    expect((await readAllBody(r.body)).equals(data.subarray(100, 200))).toBe(true);
    expect((await client.getObjectBuffer(B, 'range.bin', { range: { start: 4990 } })).equals(data.subarray(4990))).toBe(true);
  });

  it('uploads a file range and a one-shot stream', async () => {
    const data = randomBytes(70_000);
    const path = join(dir, 'src.bin');
    await writeFile(path, data);
    await client.putObject(B, 'from-file', { path, start: 1000, end: 60_999, size: data.length }, { contentMd5: true });
    expect((await client.getObjectBuffer(B, 'from-file')).equals(data.subarray(1000, 61_000))).toBe(true);
    const put = await client.putObject(B, 'from-stream', { stream: Readable.from([data.subarray(0, 30_000), data.subarray(30_000)]), length: data.length });
    expect(put.crc64).toBe(crc64(data));
    expect((await client.getObjectBuffer(B, 'from-stream')).equals(data)).toBe(true);
    // No length: sent chunked.
    await client.putObject(B, 'chunked', { stream: Readable.from([data.subarray(0, 10)]) });
    expect((await client.getObjectBuffer(B, 'chunked')).equals(data.subarray(0, 10))).toBe(true);
  });

  it('rejects a wrong Content-MD5 with BadDigest', async () => {
    const err = (await client.putObject(B, 'bad-md5', Buffer.from('x'), { contentMd5: '1B2M2Y8AsgTpgAmY7PhCfg==' }).catch((e) => e)) as CosServiceError;
    expect(err.code).toBe('BadDigest');
    expect(err.status).toBe(400);
  });

  it('HEAD and GET of a missing key', async () => {
    const head = (await client.headObject(B, 'missing').catch((e) => e)) as CosServiceError;
    expect(head).toMatchObject({ code: 'NoSuchKey', status: 404, key: 'missing', bucket: B });
    expect(head.requestId).toBeTruthy();
    const get = (await client.getObject(B, 'missing').catch((e) => e)) as CosServiceError;
    expect(get).toMatchObject({ code: 'NoSuchKey', status: 404 });
    expect(get.resource).toBeTruthy();
  });
});

describe('server-side encryption', () => {
  it('SSE-COS', async () => {
    const put = await client.putObject(B, 'sse-cos', Buffer.from('cos data'), { sse: { mode: 'SSE-COS' } });
    expect(put.encryption).toEqual({ mode: 'SSE-COS' });
    expect((await client.headObject(B, 'sse-cos')).encryption).toEqual({ mode: 'SSE-COS' });
    expect((await client.getObjectBuffer(B, 'sse-cos')).toString()).toBe('cos data');
  });

  it('SSE-KMS with the default key and with a context', async () => {
    const put = await client.putObject(B, 'sse-kms', Buffer.from('kms data'), { sse: { mode: 'SSE-KMS', context: { app: 'coffer' } } });
    expect(put.encryption.mode).toBe('SSE-KMS');
    const head = await client.headObject(B, 'sse-kms');
    expect(head.encryption.mode).toBe('SSE-KMS');
    expect((await client.getObjectBuffer(B, 'sse-kms')).toString()).toBe('kms data');
  });

  it('SSE-C needs the key to read, and reports the key MD5', async () => {
    const key = randomBytes(32);
    const data = randomBytes(3000);
    const put = await client.putObject(B, 'sse-c', data, { sse: { mode: 'SSE-C', key } });
    const md5 = (await import('node:crypto')).createHash('md5').update(key).digest('base64');
    expect(put.encryption).toEqual({ mode: 'SSE-C', keyMd5: md5 });
    const head = await client.headObject(B, 'sse-c', { sseCustomerKey: key });
    expect(head.encryption).toEqual({ mode: 'SSE-C', keyMd5: md5 });
    expect(head.crc64).toBe(crc64(data));
    expect((await client.getObjectBuffer(B, 'sse-c', { sseCustomerKey: key, range: { start: 10, end: 2000 } })).equals(data.subarray(10, 2001))).toBe(true);
    const noKey = (await client.headObject(B, 'sse-c').catch((e) => e)) as CosServiceError;
    expect(noKey).toBeInstanceOf(CosServiceError);
    expect(noKey.status).toBe(400);
    const wrong = (await client.getObject(B, 'sse-c', { sseCustomerKey: randomBytes(32) }).catch((e) => e)) as CosServiceError;
    expect(wrong).toBeInstanceOf(CosServiceError);
    expect(wrong.status).toBeGreaterThanOrEqual(400);
  });

  it('bucket default encryption: none → AES256 → KMS → none', async () => {
    await client.createBucket('encbucket');
    expect(await client.getBucketEncryption('encbucket')).toBeNull();
    await client.putBucketEncryption('encbucket', { algorithm: 'AES256' });
    expect(await client.getBucketEncryption('encbucket')).toMatchObject({ algorithm: 'AES256' });
    await client.putObject('encbucket', 'defaulted', Buffer.from('x'));
    expect((await client.headObject('encbucket', 'defaulted')).encryption).toEqual({ mode: 'SSE-COS' });
    await client.putBucketEncryption('encbucket', { algorithm: 'KMS' });
    expect(await client.getBucketEncryption('encbucket')).toMatchObject({ algorithm: 'KMS' });
    await client.deleteBucketEncryption('encbucket');
    expect(await client.getBucketEncryption('encbucket')).toBeNull();
  });
});

describe('listing', () => {
  it('pages with prefix, delimiter, marker and maxKeys; iterates all pages', async () => {
    await client.createBucket('listing');
    const keys = ['a/1', 'a/2', 'a/3', 'b/1', 'c', 'd e', 'f&g<h>', 'z'];
    for (const k of keys) await client.putObject('listing', k, Buffer.from(k));
    const top = await client.listObjects('listing', { delimiter: '/' });
    expect(top.commonPrefixes).toEqual(['a/', 'b/']);
    expect(top.contents.map((c) => c.key)).toEqual(['c', 'd e', 'f&g<h>', 'z']);
    const p1 = await client.listObjects('listing', { maxKeys: 3 });
    expect(p1.isTruncated).toBe(true);
    expect(p1.contents.map((c) => c.key)).toEqual(['a/1', 'a/2', 'a/3']);
    const p2 = await client.listObjects('listing', { maxKeys: 3, marker: p1.nextMarker });
    expect(p2.contents[0].key).toBe('b/1');
    const all: string[] = [];
    let pages = 0;
    for await (const page of client.listObjectPages('listing', { maxKeys: 2 })) {
      pages++;
      all.push(...page.contents.map((c) => c.key));
    }
    expect(all).toEqual(keys);
    expect(pages).toBe(4);
    const prefixed = await client.listObjects('listing', { prefix: 'a/' });
    expect(prefixed.contents.map((c) => [c.key, c.size])).toEqual([['a/1', 3], ['a/2', 3], ['a/3', 3]]);
    expect(prefixed.contents[0].etag).toMatch(/^"/);
  });

  it('deletes in batch', async () => {
    await client.createBucket('batch');
    const keys = Array.from({ length: 25 }, (_, i) => `k${i}`);
    for (const k of keys) await client.putObject('batch', k, Buffer.from(k));
    const res = await client.deleteObjects('batch', [...keys, 'never-existed']);
    expect(res.errors).toEqual([]);
    expect(res.deleted.sort()).toEqual([...keys, 'never-existed'].sort());
    expect((await client.listObjects('batch')).contents).toEqual([]);
    await expect(client.deleteObjects('batch', Array.from({ length: 1001 }, (_, i) => `x${i}`))).rejects.toThrow(RangeError);
    await client.deleteObject('batch', 'already-gone');
  });
});

describe('ACL', () => {
  it('puts and gets canned ACLs on buckets and objects', async () => {
    await client.createBucket('aclbucket', { acl: 'public-read' });
    expect((await client.getBucketAcl('aclbucket')).canned).toBe('public-read');
    await client.putBucketAcl('aclbucket', 'private');
    const acl = await client.getBucketAcl('aclbucket');
    expect(acl.canned).toBe('private');
    expect(acl.owner.id).toContain(APPID);
    await client.putObject('aclbucket', 'o', Buffer.from('x'), { acl: 'public-read' });
    expect((await client.getObjectAcl('aclbucket', 'o')).canned).toBe('public-read');
    await client.putObjectAcl('aclbucket', 'o', 'private');
    expect((await client.getObjectAcl('aclbucket', 'o')).canned).toBe('private');
  });
});
