// Multipart upload and copy against the store: parts ≥ 1 MiB from Buffers and file ranges, SSE-C parts, CRC64
// of the whole object, paged part listing, upload listing, Upload Part - Copy, and encrypt-in-place by copying an
// object onto itself with Replaced + If-Match.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc64 } from '../crc64';
import { startFixture, type StoreFixture } from '../../store/test-support/store-fixture';
import { CosServiceError } from './errors';
import type { CosClient } from './cos-client';
import { testClient } from './test-support/client-fixture';

let f: StoreFixture;
let client: CosClient;
let dir: string;
const B = 'multipart';
const MiB = 1024 * 1024;

beforeAll(async () => {
  f = await startFixture();
  client = testClient(f.port);
  await client.createBucket(B);
  dir = await mkdtemp(join(tmpdir(), 'cos-client-mp-'));
});

afterAll(async () => {
  await client?.close();
  await f?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('multipart upload', () => {
  it('uploads 3 parts (Buffer, file range, short last part), lists them in pages, completes with the combined CRC64', async () => {
    const data = randomBytes(2 * MiB + 300_000);
    const path = join(dir, 'big.bin');
    await writeFile(path, data);
    const init = await client.initiateMultipartUpload(B, 'big/object.bin', { contentType: 'application/x-big', metadata: { origin: 'mp' } });
    expect(init.uploadId).toBeTruthy();
    const p1 = await client.uploadPart(B, 'big/object.bin', init.uploadId, 1, data.subarray(0, MiB));
    const p2 = await client.uploadPart(B, 'big/object.bin', init.uploadId, 2, { path, start: MiB, end: 2 * MiB - 1, size: data.length });
    const p3 = await client.uploadPart(B, 'big/object.bin', init.uploadId, 3, data.subarray(2 * MiB), {
      contentMd5: createHash('md5').update(data.subarray(2 * MiB)).digest('base64'),
    });
    expect(p1.crc64).toBe(crc64(data.subarray(0, MiB)));
    expect(p2.crc64).toBe(crc64(data.subarray(MiB, 2 * MiB)));

    const page1 = await client.listParts(B, 'big/object.bin', init.uploadId, { maxParts: 2 });
    expect(page1.parts.map((p) => p.partNumber)).toEqual([1, 2]);
    expect(page1.isTruncated).toBe(true);
    const page2 = await client.listParts(B, 'big/object.bin', init.uploadId, { maxParts: 2, partNumberMarker: page1.nextPartNumberMarker });
    expect(page2.parts.map((p) => [p.partNumber, p.size])).toEqual([[3, 300_000]]);
    expect(page2.parts[0].etag).toBe(p3.etag);

    const uploads = await client.listMultipartUploads(B, { prefix: 'big/' });
    expect(uploads.uploads.map((u) => [u.key, u.uploadId])).toEqual([['big/object.bin', init.uploadId]]);

    const done = await client.completeMultipartUpload(B, 'big/object.bin', init.uploadId, [
      { partNumber: 3, etag: p3.etag },
      { partNumber: 1, etag: p1.etag },
      { partNumber: 2, etag: p2.etag },
    ]);
    expect(done.etag).toMatch(/-3"$/);
    expect(done.crc64).toBe(crc64(data));
    const head = await client.headObject(B, 'big/object.bin');
    expect(head).toMatchObject({ size: data.length, contentType: 'application/x-big', metadata: { origin: 'mp' } });
    expect((await client.getObjectBuffer(B, 'big/object.bin')).equals(data)).toBe(true);
    expect((await client.listMultipartUploads(B)).uploads).toEqual([]);
  });

  it('SSE-C multipart: every part carries the key; Complete echoes the key MD5', async () => {
    const key = randomBytes(32);
    const data = randomBytes(MiB + 10);
    const init = await client.initiateMultipartUpload(B, 'ssec-mp', { sse: { mode: 'SSE-C', key } });
    expect(init.encryption.mode).toBe('SSE-C');
    const a = await client.uploadPart(B, 'ssec-mp', init.uploadId, 1, data.subarray(0, MiB), { sseCustomerKey: key });
    const b = await client.uploadPart(B, 'ssec-mp', init.uploadId, 2, data.subarray(MiB), { sseCustomerKey: key });
    const done = await client.completeMultipartUpload(B, 'ssec-mp', init.uploadId, [
      { partNumber: 1, etag: a.etag },
      { partNumber: 2, etag: b.etag },
    ]);
    expect(done.encryption).toEqual({ mode: 'SSE-C', keyMd5: createHash('md5').update(key).digest('base64') });
    expect((await client.getObjectBuffer(B, 'ssec-mp', { sseCustomerKey: key })).equals(data)).toBe(true);
    // Without the key on Complete the store can only keep the wrap made at Initiate (bound to the upload id).
    expect((f.running.store.meta.getObject(f.bucket(B), 'ssec-mp')!.sse as { uploadId?: string }).uploadId).toBe(init.uploadId);
  });

  it('SSE-C multipart with the key on Complete: the store binds the final size and part table', async () => {
    const key = randomBytes(32);
    const data = randomBytes(MiB + 10);
    const init = await client.initiateMultipartUpload(B, 'ssec-bound', { sse: { mode: 'SSE-C', key } });
    const a = await client.uploadPart(B, 'ssec-bound', init.uploadId, 1, data.subarray(0, MiB), { sseCustomerKey: key });
    const b = await client.uploadPart(B, 'ssec-bound', init.uploadId, 2, data.subarray(MiB), { sseCustomerKey: key });
    await client.completeMultipartUpload(B, 'ssec-bound', init.uploadId, [
      { partNumber: 1, etag: a.etag },
      { partNumber: 2, etag: b.etag },
    ], { sseCustomerKey: key });
    expect((f.running.store.meta.getObject(f.bucket(B), 'ssec-bound')!.sse as { uploadId?: string }).uploadId).toBeUndefined();
    expect((await client.getObjectBuffer(B, 'ssec-bound', { sseCustomerKey: key })).equals(data)).toBe(true);
  });

  it('Complete with a wrong ETag fails with InvalidPart; abort then gives NoSuchUpload', async () => {
    const init = await client.initiateMultipartUpload(B, 'bad-complete');
    await client.uploadPart(B, 'bad-complete', init.uploadId, 1, Buffer.from('x'));
    const err = (await client
      .completeMultipartUpload(B, 'bad-complete', init.uploadId, [{ partNumber: 1, etag: '"00000000000000000000000000000000"' }])
      .catch((e) => e)) as CosServiceError;
    expect(err).toBeInstanceOf(CosServiceError);
    expect(err.code).toBe('InvalidPart');
    expect(err.uploadId).toBe(init.uploadId);
    await client.abortMultipartUpload(B, 'bad-complete', init.uploadId);
    const gone = (await client.listParts(B, 'bad-complete', init.uploadId).catch((e) => e)) as CosServiceError;
    expect(gone).toMatchObject({ code: 'NoSuchUpload', status: 404 });
  });
});

describe('copy', () => {
  it('copies across buckets with Copy and Replaced metadata directives', async () => {
    await client.createBucket('copydest');
    await client.putObject(B, 'src', Buffer.from('source bytes'), { contentType: 'text/plain', metadata: { a: '1' } });
    const kept = await client.copyObject({ bucket: B, key: 'src' }, 'copydest', 'kept');
    expect(kept.etag).toMatch(/^"/);
    expect(kept.crc64).toBe(crc64(Buffer.from('source bytes')));
    expect((await client.headObject('copydest', 'kept')).metadata).toEqual({ a: '1' });
    await client.copyObject({ bucket: B, key: 'src' }, 'copydest', 'replaced', { metadataDirective: 'Replaced', metadata: { b: '2' }, contentType: 'text/x-new' });
    const head = await client.headObject('copydest', 'replaced');
    expect(head.metadata).toEqual({ b: '2' });
    expect(head.contentType).toBe('text/x-new');
  });

  it('encrypts in place (Replaced + If-Match), and refuses when the ETag moved on', async () => {
    await client.putObject(B, 'plain', Buffer.from('to be encrypted'), { contentType: 'text/plain', metadata: { keep: 'me' } });
    const before = await client.headObject(B, 'plain');
    expect(before.encryption).toEqual({ mode: 'none' });
    const res = await client.copyObject({ bucket: B, key: 'plain', ifMatch: before.etag }, B, 'plain', {
      metadataDirective: 'Replaced',
      contentType: before.contentType,
      metadata: before.metadata,
      sse: { mode: 'SSE-COS' },
    });
    expect(res.encryption).toEqual({ mode: 'SSE-COS' });
    const after = await client.headObject(B, 'plain');
    expect(after).toMatchObject({ encryption: { mode: 'SSE-COS' }, metadata: { keep: 'me' }, contentType: 'text/plain', crc64: before.crc64 });
    expect((await client.getObjectBuffer(B, 'plain')).toString()).toBe('to be encrypted');
    const stale = (await client
      .copyObject({ bucket: B, key: 'plain', ifMatch: '"0123456789abcdef0123456789abcdef"' }, B, 'plain', { metadataDirective: 'Replaced', sse: { mode: 'SSE-COS' } })
      .catch((e) => e)) as CosServiceError;
    expect(stale).toMatchObject({ code: 'PreconditionFailed', status: 412 });
  });

  it('rotates an SSE-C key by copying onto itself with both key sets', async () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    await client.putObject(B, 'ssec-copy', Buffer.from('secret stuff'), { sse: { mode: 'SSE-C', key: oldKey } });
    const res = await client.copyObject({ bucket: B, key: 'ssec-copy', sseCustomerKey: oldKey }, B, 'ssec-copy', {
      metadataDirective: 'Replaced',
      sse: { mode: 'SSE-C', key: newKey },
    });
    expect(res.encryption).toEqual({ mode: 'SSE-C', keyMd5: createHash('md5').update(newKey).digest('base64') });
    expect((await client.getObjectBuffer(B, 'ssec-copy', { sseCustomerKey: newKey })).toString()).toBe('secret stuff');
    await expect(client.getObject(B, 'ssec-copy', { sseCustomerKey: oldKey })).rejects.toBeInstanceOf(CosServiceError);
  });

  it('builds an object from Upload Part - Copy ranges', async () => {
    const data = randomBytes(2 * MiB + 5);
    await client.putObject(B, 'copy-src-big', data);
    const init = await client.initiateMultipartUpload(B, 'assembled');
    const c1 = await client.uploadPartCopy({ bucket: B, key: 'copy-src-big' }, B, 'assembled', init.uploadId, 1, { range: { start: 0, end: MiB - 1 } });
    const c2 = await client.uploadPartCopy({ bucket: B, key: 'copy-src-big' }, B, 'assembled', init.uploadId, 2, { range: { start: MiB, end: data.length - 1 } });
    expect(c1.etag).toMatch(/^"/);
    const done = await client.completeMultipartUpload(B, 'assembled', init.uploadId, [
      { partNumber: 1, etag: c1.etag },
      { partNumber: 2, etag: c2.etag },
    ]);
    expect(done.crc64 === undefined || done.crc64 === crc64(data)).toBe(true);
    expect((await client.getObjectBuffer(B, 'assembled')).equals(data)).toBe(true);
  });

  it('a copy from a missing source is a typed error', async () => {
    const err = (await client.copyObject({ bucket: B, key: 'nope' }, B, 'x').catch((e) => e)) as CosServiceError;
    expect(err).toBeInstanceOf(CosServiceError);
    expect(err.status).toBe(404);
  });
});
