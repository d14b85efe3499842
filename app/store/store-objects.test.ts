// Conformance with the official COS Node SDK: buckets, objects, listing, ranges, conditions, metadata.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { crc64 } from '../cos/crc64';
import { startFixture, type StoreFixture } from './test-support/store-fixture';
import { errorCode, rawRequest } from './test-support/raw-request';
import { failNextWalSync } from './test-support/wal-sync-fault';

let f: StoreFixture;
const Region = 'ap-guangzhou';
let Bucket: string;

beforeAll(async () => {
  f = await startFixture();
  Bucket = f.bucket('objects');
  await f.cos.putBucket({ Bucket, Region });
});
afterAll(async () => {
  await f?.close();
});

describe('buckets', () => {
  it('lists, heads and deletes buckets; refuses a non-empty delete and a duplicate create', async () => {
    const extra = f.bucket('tmp-bucket');
    await f.cos.putBucket({ Bucket: extra, Region });
    const list = await f.cos.getService({});
    expect(list.Buckets.map((b) => b.Name)).toEqual(expect.arrayContaining([Bucket, extra]));
    expect(list.Buckets.find((b) => b.Name === extra)?.Location).toBe(Region);
    await expect(f.cos.putBucket({ Bucket: extra, Region })).rejects.toMatchObject({ code: 'BucketAlreadyOwnedByYou', statusCode: 409 });
    const head = await f.cos.headBucket({ Bucket: extra, Region });
    expect(head.statusCode).toBe(200);
    await f.cos.putObject({ Bucket: extra, Region, Key: 'x', Body: 'x' });
    await expect(f.cos.deleteBucket({ Bucket: extra, Region })).rejects.toMatchObject({ code: 'BucketNotEmpty', statusCode: 409 });
    await f.cos.deleteObject({ Bucket: extra, Region, Key: 'x' });
    await f.cos.deleteBucket({ Bucket: extra, Region });
    await expect(f.cos.headBucket({ Bucket: extra, Region })).rejects.toMatchObject({ statusCode: 404 });
  });

  it('rejects bucket names without this store\'s APPID', async () => {
    await expect(f.cos.putBucket({ Bucket: 'other-1300000000', Region })).rejects.toMatchObject({ code: 'InvalidBucketName', statusCode: 400 });
  });

  it('answers NoSuchBucket for a missing bucket', async () => {
    await expect(f.cos.getBucket({ Bucket: f.bucket('missing'), Region })).rejects.toMatchObject({ code: 'NoSuchBucket', statusCode: 404 });
  });
});

describe('objects', () => {
  it('round-trips bytes with ETag = MD5 and CRC64 of the plaintext', async () => {
    const body = randomBytes(200_001);
    const put = await f.cos.putObject({ Bucket, Region, Key: 'dir/data.bin', Body: body });
    const md5 = createHash('md5').update(body).digest('hex');
    expect(put.ETag).toBe(`"${md5}"`);
    expect(put.headers?.['x-cos-hash-crc64ecma']).toBe(crc64(body).toString());
    const got = await f.cos.getObject({ Bucket, Region, Key: 'dir/data.bin' });
    expect(Buffer.compare(got.Body as Buffer, body)).toBe(0);
    expect(got.headers?.['x-cos-hash-crc64ecma']).toBe(crc64(body).toString());
    expect(got.headers?.['x-cos-server-side-encryption']).toBeUndefined();
  });

  it('a PUT whose metadata commit cannot be synced answers 500 and keeps what it committed: the object reads back', async () => {
    // Both storage paths: a small body kept inside meta.db, and one in its own data file.
    for (const [Key, body] of [['wal/small.bin', randomBytes(3000)], ['wal/file.bin', randomBytes(300_000)]] as const) {
      const fault = failNextWalSync();
      const r = await rawRequest(f.port, { method: 'PUT', bucket: 'objects', key: Key, headers: { 'x-cos-server-side-encryption': 'AES256' }, body }).finally(fault.restore);
      expect(r.status, Key).toBe(500);
      expect(errorCode(r)).toBe('InternalError');
      const got = await f.cos.getObject({ Bucket, Region, Key });
      expect(Buffer.compare(got.Body as Buffer, body), Key).toBe(0);
      expect(got.headers?.['x-cos-server-side-encryption']).toBe('AES256');
    }
  });

  it('stores and returns metadata headers and x-cos-meta-*', async () => {
    await f.cos.putObject({
      Bucket,
      Region,
      Key: 'meta.txt',
      Body: 'hello',
      ContentType: 'text/plain; charset=utf-8',
      CacheControl: 'max-age=60',
      ContentDisposition: 'attachment; filename="m.txt"',
      ContentEncoding: 'identity',
      Expires: 'Wed, 21 Oct 2037 07:28:00 GMT',
      Headers: { 'x-cos-meta-owner': 'alice', 'x-cos-meta-project': 'coffer_1' },
    });
    const head = await f.cos.headObject({ Bucket, Region, Key: 'meta.txt' });
    expect(head.headers).toMatchObject({
      'content-type': 'text/plain; charset=utf-8',
      'cache-control': 'max-age=60',
      'content-disposition': 'attachment; filename="m.txt"',
      'content-encoding': 'identity',
      expires: 'Wed, 21 Oct 2037 07:28:00 GMT',
      'x-cos-meta-owner': 'alice',
      'x-cos-meta-project': 'coffer_1',
      'content-length': '5',
    });
  });

  it('serves ranges: closed, open, suffix, past the end, unsatisfiable', async () => {
    const body = Buffer.from('0123456789abcdefghij');
    await f.cos.putObject({ Bucket, Region, Key: 'range.txt', Body: body });
    const get = async (Range: string) => f.cos.getObject({ Bucket, Region, Key: 'range.txt', Range });
    const a = await get('bytes=2-5');
    expect(a.statusCode).toBe(206);
    expect((a.Body as Buffer).toString()).toBe('2345');
    expect(a.headers?.['content-range']).toBe('bytes 2-5/20');
    expect(((await get('bytes=15-')).Body as Buffer).toString()).toBe('fghij');
    expect(((await get('bytes=-3')).Body as Buffer).toString()).toBe('hij');
    expect(((await get('bytes=18-100')).Body as Buffer).toString()).toBe('ij');
    await expect(get('bytes=20-25')).rejects.toMatchObject({ statusCode: 416 });
  });

  it('honours conditional headers', async () => {
    const put = await f.cos.putObject({ Bucket, Region, Key: 'cond.txt', Body: 'v1' });
    const etag = put.ETag;
    await expect(f.cos.getObject({ Bucket, Region, Key: 'cond.txt', IfMatch: '"nope"' })).rejects.toMatchObject({ statusCode: 412 });
    const ok = await f.cos.getObject({ Bucket, Region, Key: 'cond.txt', IfMatch: etag });
    expect((ok.Body as Buffer).toString()).toBe('v1');
    // The SDK reports a 304 as { NotModified: true } (or as an error with statusCode 304).
    const notModified = (p: Promise<unknown>) => p.then((r) => r, (e: unknown) => e);
    const nm = (await notModified(f.cos.getObject({ Bucket, Region, Key: 'cond.txt', IfNoneMatch: etag }))) as Record<string, unknown>;
    expect(nm.NotModified === true || nm.statusCode === 304).toBe(true);
    const future = new Date(Date.now() + 3600_000).toUTCString();
    const nm2 = (await notModified(f.cos.getObject({ Bucket, Region, Key: 'cond.txt', IfModifiedSince: future }))) as Record<string, unknown>;
    expect(nm2.NotModified === true || nm2.statusCode === 304).toBe(true);
    const raw = await rawRequest(f.port, { bucket: 'objects', key: 'cond.txt', headers: { 'If-None-Match': etag } });
    expect(raw.status).toBe(304);
    expect(raw.body.length).toBe(0);
    const past = new Date(Date.now() - 3600_000).toUTCString();
    await expect(f.cos.getObject({ Bucket, Region, Key: 'cond.txt', IfUnmodifiedSince: past })).rejects.toMatchObject({ statusCode: 412 });
  });

  it('applies response-* overrides', async () => {
    await f.cos.putObject({ Bucket, Region, Key: 'override.txt', Body: 'x', ContentType: 'text/plain' });
    const got = await f.cos.getObject({
      Bucket,
      Region,
      Key: 'override.txt',
      ResponseContentType: 'application/json',
      ResponseContentDisposition: 'inline',
      ResponseCacheControl: 'no-cache',
    });
    expect(got.headers).toMatchObject({ 'content-type': 'application/json', 'content-disposition': 'inline', 'cache-control': 'no-cache' });
  });

  it('handles unicode and special-character keys and empty objects', async () => {
    const key = '目录/文件 (1) !*\'.txt';
    await f.cos.putObject({ Bucket, Region, Key: key, Body: '' });
    const head = await f.cos.headObject({ Bucket, Region, Key: key });
    expect(head.headers?.['content-length']).toBe('0');
    expect(head.headers?.etag).toBe('"d41d8cd98f00b204e9800998ecf8427e"');
    expect(head.headers?.['x-cos-hash-crc64ecma']).toBe('0');
    const got = await f.cos.getObject({ Bucket, Region, Key: key });
    expect((got.Body as Buffer).length).toBe(0);
  });

  it('overwrites, deletes, and answers NoSuchKey afterwards', async () => {
    await f.cos.putObject({ Bucket, Region, Key: 'ow.txt', Body: 'first' });
    await f.cos.putObject({ Bucket, Region, Key: 'ow.txt', Body: 'second' });
    expect(((await f.cos.getObject({ Bucket, Region, Key: 'ow.txt' })).Body as Buffer).toString()).toBe('second');
    const del = await f.cos.deleteObject({ Bucket, Region, Key: 'ow.txt' });
    expect(del.statusCode).toBe(204);
    await expect(f.cos.getObject({ Bucket, Region, Key: 'ow.txt' })).rejects.toMatchObject({ code: 'NoSuchKey', statusCode: 404 });
    await expect(f.cos.headObject({ Bucket, Region, Key: 'ow.txt' })).rejects.toMatchObject({ statusCode: 404 });
  });

  it('leaves exactly one complete version after concurrent PUTs to one key', async () => {
    const bodies = Array.from({ length: 6 }, (_, i) => Buffer.concat([Buffer.from(`writer ${i}:`), randomBytes(300_000 + i * 1000)]));
    await Promise.all(bodies.map((Body, i) => f.cos.putObject({ Bucket, Region, Key: 'race.bin', Body, ServerSideEncryption: i % 2 ? 'AES256' : undefined })));
    const got = (await f.cos.getObject({ Bucket, Region, Key: 'race.bin' })).Body as Buffer;
    const winner = bodies.find((b) => b.equals(got));
    expect(winner).toBeDefined();
    const head = await f.cos.headObject({ Bucket, Region, Key: 'race.bin' });
    expect(head.headers?.etag).toBe(`"${createHash('md5').update(winner!).digest('hex')}"`);
    // Only the winner's data file remains.
    const rec = f.running.store.meta.getObject(Bucket, 'race.bin')!;
    expect(rec.parts).toHaveLength(1);
  });

  it('checks Content-MD5', async () => {
    await expect(
      f.cos.putObject({ Bucket, Region, Key: 'md5.txt', Body: 'abc', Headers: { 'Content-MD5': createHash('md5').update('abd').digest('base64') } }),
    ).rejects.toMatchObject({ code: 'BadDigest', statusCode: 400 });
    await expect(f.cos.headObject({ Bucket, Region, Key: 'md5.txt' })).rejects.toMatchObject({ statusCode: 404 });
    await expect(f.cos.putObject({ Bucket, Region, Key: 'md5.txt', Body: 'abc', Headers: { 'Content-MD5': 'not-base64' } })).rejects.toMatchObject({
      code: 'InvalidDigest',
    });
    const ok = await f.cos.putObject({ Bucket, Region, Key: 'md5.txt', Body: 'abc', Headers: { 'Content-MD5': createHash('md5').update('abc').digest('base64') } });
    expect(ok.statusCode).toBe(200);
  });

  it('deletes many objects in one request', async () => {
    for (const k of ['m/1', 'm/2', 'm/3']) await f.cos.putObject({ Bucket, Region, Key: k, Body: k });
    const res = await f.cos.deleteMultipleObject({ Bucket, Region, Objects: [{ Key: 'm/1' }, { Key: 'm/2' }, { Key: 'm/never' }] });
    expect(res.Deleted.map((d) => d.Key).sort()).toEqual(['m/1', 'm/2', 'm/never']);
    const list = await f.cos.getBucket({ Bucket, Region, Prefix: 'm/' });
    expect(list.Contents.map((c) => c.Key)).toEqual(['m/3']);
  });
});

describe('listing', () => {
  const keys = ['list/a.txt', 'list/b/1.txt', 'list/b/2.txt', 'list/c/x/y.txt', 'list/d.txt', 'list/e f.txt'];
  beforeAll(async () => {
    for (const Key of keys) await f.cos.putObject({ Bucket, Region, Key, Body: Key, ServerSideEncryption: Key.includes('b/') ? 'AES256' : undefined });
  });

  it('lists encrypted and unencrypted objects alike, with no encryption field', async () => {
    const list = await f.cos.getBucket({ Bucket, Region, Prefix: 'list/' });
    expect(list.Contents.map((c) => c.Key)).toEqual(keys);
    const raw = await rawRequest(f.port, { bucket: 'objects', query: { prefix: 'list/' } });
    expect(raw.status).toBe(200);
    expect(raw.text).not.toMatch(/encrypt/i);
    expect(raw.headers['x-cos-bucket-region']).toBe(Region);
  });

  it('rolls up common prefixes with a delimiter', async () => {
    const list = await f.cos.getBucket({ Bucket, Region, Prefix: 'list/', Delimiter: '/' });
    expect(list.Contents.map((c) => c.Key)).toEqual(['list/a.txt', 'list/d.txt', 'list/e f.txt']);
    expect(list.CommonPrefixes.map((p) => p.Prefix)).toEqual(['list/b/', 'list/c/']);
  });

  it('pages with max-keys and marker until done', async () => {
    const seen: string[] = [];
    let Marker = '';
    for (let i = 0; i < 10; i++) {
      const page = await f.cos.getBucket({ Bucket, Region, Prefix: 'list/', MaxKeys: 2, Marker });
      seen.push(...page.Contents.map((c) => c.Key));
      if (page.IsTruncated !== 'true') break;
      expect(page.NextMarker).toBeTruthy();
      Marker = page.NextMarker!;
    }
    expect(seen).toEqual(keys);
  });

  it('url-encodes keys on request', async () => {
    const raw = await rawRequest(f.port, { bucket: 'objects', query: { prefix: 'list/e', 'encoding-type': 'url' } });
    expect(raw.text).toContain('<Key>list/e%20f.txt</Key>');
    expect(raw.text).toContain('<EncodingType>url</EncodingType>');
  });

  it('refuses a malformed max-keys', async () => {
    const raw = await rawRequest(f.port, { bucket: 'objects', query: { 'max-keys': 'lots' } });
    expect(raw.status).toBe(400);
    expect(errorCode(raw)).toBe('InvalidArgument');
  });
});

describe('path style', () => {
  it('serves /<bucket>/<key> signed over the full path', async () => {
    await f.cos.putObject({ Bucket, Region, Key: 'path/style.txt', Body: 'path style' });
    const r = await rawRequest(f.port, { rawPath: `/${Bucket}/path/style.txt` });
    expect(r.status).toBe(200);
    expect(r.text).toBe('path style');
  });
});
