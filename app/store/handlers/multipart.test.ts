// Multipart upload conformance with the official COS Node SDK: sliceUploadFile with SSE, the low-level APIs with
// SSE-COS / SSE-KMS / SSE-C, validation errors, both listings, Upload Part - Copy across encryption modes, and the
// guards (a part racing an abort, a tampered part table).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import COS from 'cos-nodejs-sdk-v5';
import { crc64 } from '../../cos/crc64';
import { fsck } from '../admin/fsck';
import { buildAuthorization } from '../../cos/signer';
import { newSdkClient, startFixture, TEST_CREDENTIALS, type StoreFixture } from '../test-support/store-fixture';
import { errorCode, rawRequest, virtualHost } from '../test-support/raw-request';
import { failNextWalSync } from '../test-support/wal-sync-fault';

const Region = 'ap-guangzhou';
const MiB = 1024 * 1024;
let f: StoreFixture;
let Bucket: string;
let confDir: string;

beforeAll(async () => {
  f = await startFixture();
  Bucket = f.bucket('mp');
  await f.cos.putBucket({ Bucket, Region });
  confDir = await mkdtemp(join(tmpdir(), 'coffer-mp-conf-'));
});
afterAll(async () => {
  await f?.close();
  if (confDir) await rm(confDir, { recursive: true, force: true });
});

const md5hex = (b: Buffer) => createHash('md5').update(b).digest('hex');
const crcOf = (b: Buffer) => crc64(b).toString();
type Headers = Record<string, string | undefined>;
const hdrs = (r: unknown) => ((r as { headers?: Headers }).headers ?? {}) as Headers;

function ssec(key: Buffer) {
  return { SSECustomerAlgorithm: 'AES256', SSECustomerKey: key.toString('base64'), SSECustomerKeyMD5: createHash('md5').update(key).digest('base64') };
}

/** Rejects with the SDK error; returns it for assertions. */
async function failure(p: Promise<unknown>): Promise<{ statusCode?: number; code?: string; message?: string }> {
  try {
    await p;
  } catch (err) {
    return err as { statusCode?: number; code?: string; message?: string };
  }
  throw new Error('expected the call to fail');
}

async function init(Key: string, extra: Record<string, unknown> = {}): Promise<{ UploadId: string; headers: Headers }> {
  const r = await f.cos.multipartInit({ Bucket, Region, Key, ...extra } as COS.MultipartInitParams);
  return { UploadId: r.UploadId, headers: hdrs(r) };
}

async function part(Key: string, UploadId: string, PartNumber: number, Body: Buffer, extra: Record<string, unknown> = {}) {
  const r = await f.cos.multipartUpload({ Bucket, Region, Key, UploadId, PartNumber, Body, ...extra } as COS.MultipartUploadParams);
  return { ETag: r.ETag, headers: hdrs(r) };
}

async function complete(Key: string, UploadId: string, Parts: Array<{ PartNumber: number; ETag: string }>, extra: Record<string, unknown> = {}) {
  return f.cos.multipartComplete({ Bucket, Region, Key, UploadId, Parts, ...extra } as COS.MultipartCompleteParams);
}

async function getBody(Key: string, extra: Record<string, unknown> = {}): Promise<{ body: Buffer; headers: Headers }> {
  const r = await f.cos.getObject({ Bucket, Region, Key, ...extra } as COS.GetObjectParams);
  return { body: r.Body as Buffer, headers: hdrs(r) };
}

/** Number of committed data files in the store (parts and objects). */
async function dataFileCount(): Promise<number> {
  const root = join(f.dataDir, 'objects');
  let n = 0;
  for (const d of await readdir(root).catch(() => [] as string[])) n += (await readdir(join(root, d))).length;
  return n;
}

describe('sliceUploadFile (SDK high-level multipart) with SSE-COS', () => {
  it('uploads 12 MiB + 12345 B in 5 MiB slices; GET returns the same bytes with the SSE echo and whole-file CRC64', async () => {
    const data = randomBytes(12 * MiB + 12345);
    const file = join(confDir, 'big.bin');
    await writeFile(file, data);
    const cos = newSdkClient(f.port, TEST_CREDENTIALS, { ConfCwd: confDir });
    const Key = 'slice/big.bin';
    const r = await cos.sliceUploadFile({ Bucket, Region, Key, FilePath: file, SliceSize: 5 * MiB, ChunkSize: 5 * MiB, ServerSideEncryption: 'AES256' } as COS.SliceUploadFileParams);
    expect(r.ETag).toMatch(/^"[0-9a-f]{32}-3"$/);
    expect(hdrs(r)['x-cos-server-side-encryption']).toBe('AES256');
    expect(hdrs(r)['x-cos-hash-crc64ecma']).toBe(crcOf(data));

    const head = await f.cos.headObject({ Bucket, Region, Key });
    expect(hdrs(head)['x-cos-server-side-encryption']).toBe('AES256');
    expect(hdrs(head)['content-length']).toBe(String(data.length));
    expect(hdrs(head)['x-cos-hash-crc64ecma']).toBe(crcOf(data));
    const got = await getBody(Key);
    expect(got.headers['x-cos-server-side-encryption']).toBe('AES256');
    expect(got.body.equals(data)).toBe(true);
    // The upload is gone once completed.
    const uploads = await f.cos.multipartList({ Bucket, Region, Prefix: Key } as COS.MultipartListParams);
    expect(uploads.Upload ?? []).toHaveLength(0);
  });
});

describe('low-level multipart with SSE-COS', () => {
  const Key = 'enc/two-parts.bin';
  const p1 = randomBytes(MiB + 100);
  const p2 = randomBytes(70_000);
  const all = Buffer.concat([p1, p2]);

  it('echoes SSE on Initiate, every Upload Part and Complete; part ETag is the MD5, CRC64 per part and combined', async () => {
    const { UploadId, headers } = await init(Key, { ServerSideEncryption: 'AES256', ContentType: 'application/x-test', 'x-cos-meta-color': 'blue' });
    expect(UploadId).toMatch(/^[0-9a-f]{48}$/);
    expect(headers['x-cos-server-side-encryption']).toBe('AES256');
    // The Node SDK sends x-cos-server-side-encryption on parts: accepted and ignored.
    const r1 = await part(Key, UploadId, 1, p1, { ServerSideEncryption: 'AES256' });
    expect(r1.ETag).toBe(`"${md5hex(p1)}"`);
    expect(r1.headers['x-cos-server-side-encryption']).toBe('AES256');
    expect(r1.headers['x-cos-hash-crc64ecma']).toBe(crcOf(p1));
    const r2 = await part(Key, UploadId, 2, p2);
    expect(r2.headers['x-cos-server-side-encryption']).toBe('AES256');
    const done = await complete(Key, UploadId, [
      { PartNumber: 1, ETag: r1.ETag },
      { PartNumber: 2, ETag: r2.ETag.replace(/"/g, '') }, // quotes are optional
    ]);
    const expectedEtag = createHash('md5').update(Buffer.concat([Buffer.from(md5hex(p1), 'hex'), Buffer.from(md5hex(p2), 'hex')])).digest('hex');
    expect(done.ETag).toBe(`"${expectedEtag}-2"`);
    expect(done.Location).toContain(`/enc/two-parts.bin`);
    expect(hdrs(done)['x-cos-server-side-encryption']).toBe('AES256');
    expect(hdrs(done)['x-cos-hash-crc64ecma']).toBe(crcOf(all));

    const head = await f.cos.headObject({ Bucket, Region, Key });
    expect(hdrs(head)['content-type']).toBe('application/x-test');
    expect(hdrs(head)['x-cos-meta-color']).toBe('blue');
    expect(hdrs(head)['x-cos-server-side-encryption']).toBe('AES256');
    expect((await getBody(Key)).body.equals(all)).toBe(true);
  });

  it('serves a ranged GET across the part boundary (decrypting the end of part 1 and the start of part 2)', async () => {
    const from = p1.length - 70_000;
    const to = p1.length + 1_000;
    const r = await getBody(Key, { Range: `bytes=${from}-${to}` });
    expect(r.body.equals(all.subarray(from, to + 1))).toBe(true);
    const tail = await getBody(Key, { Range: `bytes=-10` });
    expect(tail.body.equals(all.subarray(all.length - 10))).toBe(true);
  });

  it('binds the part table into the key wrap: dropping the last part in the metadata makes the object unreadable', async () => {
    const meta = f.running.store.meta;
    const rec = meta.getObject(Bucket, Key)!;
    const truncated = { ...rec, key: 'enc/truncated.bin', parts: [rec.parts[0]!], size: rec.parts[0]!.size };
    // The same data file cannot belong to two records: give the tampered record its own copy of part 1's file.
    const { copyFile, mkdir } = await import('node:fs/promises');
    const id = f.running.store.files.newId();
    await mkdir(join(f.dataDir, 'objects', id.slice(0, 2)), { recursive: true });
    await copyFile(f.running.store.files.pathOf(rec.parts[0]!.dataId), f.running.store.files.pathOf(id));
    truncated.parts = [{ ...rec.parts[0]!, dataId: id }];
    meta.putObject(truncated);
    const r = await rawRequest(f.port, { bucket: 'mp', key: 'enc/truncated.bin' });
    expect(r.status).toBe(500);
    expect(r.body.includes(p1.subarray(0, 64))).toBe(false);
    expect(f.logs.some((l) => l.includes('enc/truncated.bin') && l.includes('unwrap failed'))).toBe(true);
    meta.deleteObject(Bucket, 'enc/truncated.bin');
    await f.running.store.removeData([id]);
  });
});

describe('low-level multipart with SSE-KMS', () => {
  it('seals the upload under the named KMS key and echoes it on every step', async () => {
    const { keyId } = await f.running.store.keys.kms.createKey({ alias: 'mp' });
    const Key = 'kms/obj.bin';
    const p1 = randomBytes(MiB);
    const p2 = randomBytes(5);
    const { UploadId, headers } = await init(Key, { ServerSideEncryption: 'cos/kms', SSEKMSKeyId: keyId });
    expect(headers['x-cos-server-side-encryption']).toBe('cos/kms');
    expect(headers['x-cos-server-side-encryption-cos-kms-key-id']).toBe(keyId);
    const r1 = await part(Key, UploadId, 1, p1);
    const r2 = await part(Key, UploadId, 2, p2);
    expect(r1.headers['x-cos-server-side-encryption-cos-kms-key-id']).toBe(keyId);
    // SSE-KMS ETags are opaque (not the plaintext MD5), as on COS.
    expect(r1.ETag).not.toBe(`"${md5hex(p1)}"`);
    const done = await complete(Key, UploadId, [
      { PartNumber: 1, ETag: r1.ETag },
      { PartNumber: 2, ETag: r2.ETag },
    ]);
    expect(hdrs(done)['x-cos-server-side-encryption-cos-kms-key-id']).toBe(keyId);
    const got = await getBody(Key);
    expect(got.headers['x-cos-server-side-encryption']).toBe('cos/kms');
    expect(got.body.equals(Buffer.concat([p1, p2]))).toBe(true);
  });

  it('uses the bucket default encryption when Initiate names none', async () => {
    const b = f.bucket('mpdefault');
    await f.cos.putBucket({ Bucket: b, Region });
    await f.cos.putBucketEncryption({ Bucket: b, Region, ServerSideEncryptionConfiguration: { Rule: [{ ApplySideEncryptionConfiguration: { SSEAlgorithm: 'AES256' } }] } } as unknown as COS.PutBucketEncryptionParams);
    const r = await f.cos.multipartInit({ Bucket: b, Region, Key: 'k' });
    expect(hdrs(r)['x-cos-server-side-encryption']).toBe('AES256');
  });
});

describe('low-level multipart with SSE-C', () => {
  const key = randomBytes(32);
  const p1 = randomBytes(MiB + 1);
  const p2 = randomBytes(1000);
  const all = Buffer.concat([p1, p2]);

  async function uploadSsec(Key: string, completeExtra: Record<string, unknown>) {
    const { UploadId, headers } = await init(Key, ssec(key));
    expect(headers['x-cos-server-side-encryption-customer-algorithm']).toBe('AES256');
    expect(headers['x-cos-server-side-encryption-customer-key-md5']).toBe(ssec(key).SSECustomerKeyMD5);
    const r1 = await part(Key, UploadId, 1, p1, ssec(key));
    expect(r1.headers['x-cos-server-side-encryption-customer-key-md5']).toBe(ssec(key).SSECustomerKeyMD5);
    const r2 = await part(Key, UploadId, 2, p2, ssec(key));
    const done = await complete(
      Key,
      UploadId,
      [
        { PartNumber: 1, ETag: r1.ETag },
        { PartNumber: 2, ETag: r2.ETag },
      ],
      completeExtra,
    );
    expect(hdrs(done)['x-cos-server-side-encryption-customer-algorithm']).toBe('AES256');
    expect(hdrs(done)['x-cos-server-side-encryption-customer-key-md5']).toBe(ssec(key).SSECustomerKeyMD5);
    expect(hdrs(done)['x-cos-hash-crc64ecma']).toBe(crcOf(all));
  }

  it('requires the customer key on every part: missing → 400, wrong → 403', async () => {
    const Key = 'ssec/refused.bin';
    const { UploadId } = await init(Key, ssec(key));
    const missing = await failure(part(Key, UploadId, 1, p2));
    expect(missing.statusCode).toBe(400);
    const wrong = await failure(part(Key, UploadId, 1, p2, ssec(randomBytes(32))));
    expect(wrong.statusCode).toBe(403);
    expect(wrong.code).toBe('AccessDenied');
    const parts = await f.cos.multipartListPart({ Bucket, Region, Key, UploadId });
    expect(parts.Part).toHaveLength(0);
  });

  it('completes without key headers (as COS documents); GET needs the key and returns the bytes, ranges too', async () => {
    const Key = 'ssec/no-key-on-complete.bin';
    await uploadSsec(Key, {});
    // Kept under the upload's wrap (Complete had no customer key to re-wrap with): see multipart-complete.ts.
    expect((f.running.store.meta.getObject(Bucket, Key)!.sse as { uploadId?: string }).uploadId).toMatch(/^[0-9a-f]{48}$/);
    const noKey = await rawRequest(f.port, { bucket: 'mp', key: Key });
    expect(noKey.status).toBe(400);
    const got = await getBody(Key, ssec(key));
    expect(got.body.equals(all)).toBe(true);
    const from = p1.length - 10;
    const ranged = await getBody(Key, { ...ssec(key), Range: `bytes=${from}-${p1.length + 9}` });
    expect(ranged.body.equals(all.subarray(from, p1.length + 10))).toBe(true);
    const wrong = await failure(getBody(Key, ssec(randomBytes(32))));
    expect(wrong.statusCode).toBe(403);
  });

  it('re-wraps for the final size and part table when Complete carries the key', async () => {
    const Key = 'ssec/key-on-complete.bin';
    await uploadSsec(Key, ssec(key));
    const rec = f.running.store.meta.getObject(Bucket, Key)!;
    expect((rec.sse as { uploadId?: string }).uploadId).toBeUndefined();
    expect((await getBody(Key, ssec(key))).body.equals(all)).toBe(true);
  });

  it('refuses SSE-C headers on a part of an upload that is not SSE-C', async () => {
    const Key = 'ssec/plain-upload.bin';
    const { UploadId } = await init(Key);
    const r = await failure(part(Key, UploadId, 1, p2, ssec(key)));
    expect(r.statusCode).toBe(400);
  });
});

describe('validation errors', () => {
  it('EntityTooSmall when a part other than the last is under 1 MiB', async () => {
    const Key = 'err/small.bin';
    const { UploadId } = await init(Key);
    const r1 = await part(Key, UploadId, 1, randomBytes(1000));
    const r2 = await part(Key, UploadId, 2, randomBytes(1000));
    const e = await failure(complete(Key, UploadId, [
      { PartNumber: 1, ETag: r1.ETag },
      { PartNumber: 2, ETag: r2.ETag },
    ]));
    expect(e).toMatchObject({ statusCode: 400, code: 'EntityTooSmall' });
    // A single small part is fine (it is the last).
    const one = await complete(Key, UploadId, [{ PartNumber: 2, ETag: r2.ETag }]);
    expect(one.ETag).toMatch(/-1"$/);
  });

  it('InvalidPart for a wrong ETag or a part never uploaded; InvalidPartOrder for a descending list', async () => {
    const Key = 'err/invalid.bin';
    const { UploadId } = await init(Key);
    const r1 = await part(Key, UploadId, 1, randomBytes(MiB));
    const r2 = await part(Key, UploadId, 2, randomBytes(10));
    expect(await failure(complete(Key, UploadId, [{ PartNumber: 1, ETag: `"${'0'.repeat(32)}"` }]))).toMatchObject({ statusCode: 400, code: 'InvalidPart' });
    expect(await failure(complete(Key, UploadId, [{ PartNumber: 3, ETag: r1.ETag }]))).toMatchObject({ statusCode: 400, code: 'InvalidPart' });
    expect(
      await failure(complete(Key, UploadId, [
        { PartNumber: 2, ETag: r2.ETag },
        { PartNumber: 1, ETag: r1.ETag },
      ])),
    ).toMatchObject({ statusCode: 400, code: 'InvalidPartOrder' });
    // The upload survives failed Completes.
    const ok = await complete(Key, UploadId, [
      { PartNumber: 1, ETag: r1.ETag },
      { PartNumber: 2, ETag: r2.ETag },
    ]);
    expect(ok.ETag).toMatch(/-2"$/);
  });

  it('rejects part numbers outside 1..10000 and a body that does not match Content-MD5', async () => {
    const Key = 'err/partnumber.bin';
    const { UploadId } = await init(Key);
    for (const n of ['0', '10001', 'x']) {
      const r = await rawRequest(f.port, { method: 'PUT', bucket: 'mp', key: Key, query: { partNumber: n, uploadId: UploadId }, body: 'abc' });
      expect(r.status).toBe(400);
      expect(errorCode(r)).toBe('InvalidArgument');
      expect(r.text).toContain('partNumber');
    }
    const bad = await rawRequest(f.port, {
      method: 'PUT',
      bucket: 'mp',
      key: Key,
      query: { partNumber: '1', uploadId: UploadId },
      headers: { 'Content-MD5': createHash('md5').update('other').digest('base64') },
      body: 'abc',
    });
    expect(bad.status).toBe(400);
    expect(errorCode(bad)).toBe('BadDigest');
    const malformed = await rawRequest(f.port, { method: 'PUT', bucket: 'mp', key: Key, query: { partNumber: '1', uploadId: UploadId }, headers: { 'Content-MD5': 'nope' }, body: 'abc' });
    expect(errorCode(malformed)).toBe('InvalidDigest');
  });

  it('NoSuchUpload for unknown ids, another key, after Abort, and on a repeated Complete', async () => {
    const Key = 'err/gone.bin';
    const unknown = 'f'.repeat(48);
    expect(await failure(part(Key, unknown, 1, Buffer.from('x')))).toMatchObject({ statusCode: 404, code: 'NoSuchUpload' });
    expect(await failure(complete(Key, unknown, [{ PartNumber: 1, ETag: '"x"' }]))).toMatchObject({ statusCode: 404, code: 'NoSuchUpload' });
    expect(await failure(f.cos.multipartListPart({ Bucket, Region, Key, UploadId: 'not-an-id' }))).toMatchObject({ statusCode: 404 });
    expect(await failure(f.cos.multipartAbort({ Bucket, Region, Key, UploadId: unknown }))).toMatchObject({ statusCode: 404 });

    const { UploadId } = await init(Key);
    expect(await failure(part('err/other-key.bin', UploadId, 1, Buffer.from('x')))).toMatchObject({ statusCode: 404, code: 'NoSuchUpload' });
    const before = await dataFileCount();
    const r1 = await part(Key, UploadId, 1, Buffer.from('x'));
    expect(await dataFileCount()).toBe(before + 1);
    const aborted = await f.cos.multipartAbort({ Bucket, Region, Key, UploadId });
    expect(aborted.statusCode).toBe(204);
    expect(await dataFileCount()).toBe(before);
    expect(await failure(part(Key, UploadId, 2, Buffer.from('y')))).toMatchObject({ statusCode: 404, code: 'NoSuchUpload' });
    expect(await failure(complete(Key, UploadId, [{ PartNumber: 1, ETag: r1.ETag }]))).toMatchObject({ statusCode: 404 });

    const second = await init(Key);
    const s1 = await part(Key, second.UploadId, 1, Buffer.from('z'));
    await complete(Key, second.UploadId, [{ PartNumber: 1, ETag: s1.ETag }]);
    expect(await failure(complete(Key, second.UploadId, [{ PartNumber: 1, ETag: s1.ETag }]))).toMatchObject({ statusCode: 404, code: 'NoSuchUpload' });
  });

  it('a re-uploaded part replaces the old one (and its data file); unused parts are deleted on Complete', async () => {
    const Key = 'err/replace.bin';
    const { UploadId } = await init(Key);
    const before = await dataFileCount();
    await part(Key, UploadId, 1, Buffer.from('old'));
    const r1 = await part(Key, UploadId, 1, Buffer.from('new'));
    await part(Key, UploadId, 5, Buffer.from('unused'));
    expect(await dataFileCount()).toBe(before + 2);
    await complete(Key, UploadId, [{ PartNumber: 1, ETag: r1.ETag }]);
    expect(await dataFileCount()).toBe(before + 1);
    expect((await getBody(Key)).body.toString()).toBe('new');
  });

  it('a part that finishes after its upload was aborted gets NoSuchUpload and leaves no data behind', async () => {
    const Key = 'err/race.bin';
    const { UploadId } = await init(Key);
    const before = await dataFileCount();
    const host = virtualHost('mp');
    const path = `/${Key}`;
    const query = { partNumber: '1', uploadId: UploadId };
    const headers = { host, 'content-length': String(2 * 65536) };
    const authorization = buildAuthorization({ ...TEST_CREDENTIALS, method: 'PUT', pathname: path, query, headers });
    const res = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: f.port, method: 'PUT', path: `${path}?partNumber=1&uploadId=${UploadId}`, headers: { ...headers, Host: host, Authorization: authorization } },
        (r) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => resolve({ status: r.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        },
      );
      req.on('error', reject);
      req.write(randomBytes(65536));
      // Abort while the part is half sent, then send the rest.
      setTimeout(() => {
        void f.cos.multipartAbort({ Bucket, Region, Key, UploadId }).then(() => req.end(randomBytes(65536)), reject);
      }, 100);
    });
    const r = await res;
    expect(r.status).toBe(404);
    expect(r.text).toContain('NoSuchUpload');
    expect(await dataFileCount()).toBe(before);
  });

  it('a part whose metadata commit cannot be synced answers 500 and keeps its data: the part completes and reads back', async () => {
    const Key = 'err/wal-sync.bin';
    const { UploadId } = await init(Key, { ServerSideEncryption: 'AES256' });
    const body = randomBytes(1500);
    const fault = failNextWalSync();
    const r = await rawRequest(f.port, { method: 'PUT', bucket: 'mp', key: Key, query: { partNumber: '1', uploadId: UploadId }, body }).finally(fault.restore);
    expect(r.status).toBe(500);
    expect(errorCode(r)).toBe('InternalError');
    // The row was committed (maybe not durably): it is listed, and the data it points at is still there.
    const listed = await f.cos.multipartListPart({ Bucket, Region, Key, UploadId });
    expect(listed.Part.map((p) => [p.PartNumber, p.ETag])).toEqual([['1', `"${md5hex(body)}"`]]);
    await complete(Key, UploadId, [{ PartNumber: 1, ETag: listed.Part[0]!.ETag }]);
    const back = await getBody(Key);
    expect(back.body.equals(body)).toBe(true);
    expect(back.headers['x-cos-server-side-encryption']).toBe('AES256');
  });

  it('a Complete whose commit cannot be synced answers 500; the object it committed reads back whole', async () => {
    const Key = 'err/wal-sync-complete.bin';
    const { UploadId } = await init(Key, { ServerSideEncryption: 'AES256' });
    const p1 = randomBytes(MiB + 11);
    const p2 = randomBytes(777);
    const parts = [
      { PartNumber: 1, ETag: (await part(Key, UploadId, 1, p1)).ETag },
      { PartNumber: 2, ETag: (await part(Key, UploadId, 2, p2)).ETag },
    ];
    const xml = `<CompleteMultipartUpload>${parts.map((x) => `<Part><PartNumber>${x.PartNumber}</PartNumber><ETag>${x.ETag}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
    const fault = failNextWalSync();
    const r = await rawRequest(f.port, { method: 'POST', bucket: 'mp', key: Key, query: { uploadId: UploadId }, body: xml }).finally(fault.restore);
    expect(r.status).toBe(500);
    expect(errorCode(r)).toBe('InternalError');
    const back = await getBody(Key);
    expect(back.body.equals(Buffer.concat([p1, p2]))).toBe(true);
    expect(back.headers['x-cos-hash-crc64ecma']).toBe(crcOf(Buffer.concat([p1, p2])));
  });
});

describe('List Parts and List Multipart Uploads', () => {
  it('pages List Parts with max-parts=2 and prints the COS element names', async () => {
    const Key = 'list/parts.bin';
    const { UploadId } = await init(Key);
    for (let n = 1; n <= 5; n++) await part(Key, UploadId, n, Buffer.from(`part ${n}`));
    const seen: string[] = [];
    let marker: string | undefined;
    for (let page = 0; page < 5; page++) {
      const r = await f.cos.multipartListPart({ Bucket, Region, Key, UploadId, MaxParts: 2, PartNumberMarker: marker } as COS.MultipartListPartParams);
      seen.push(...r.Part.map((p) => String(p.PartNumber)));
      expect(String((r as unknown as { MaxParts: string }).MaxParts)).toBe('2');
      if (r.IsTruncated !== 'true') break;
      expect(r.IsTruncated).toBe('true');
      marker = String(r.NextPartNumberMarker);
    }
    expect(seen).toEqual(['1', '2', '3', '4', '5']);

    const raw = await rawRequest(f.port, { bucket: 'mp', key: Key, query: { uploadId: UploadId, 'max-parts': '2', 'part-number-marker': '4' } });
    expect(raw.status).toBe(200);
    for (const el of ['<Encoding-type></Encoding-type>', '<Owner><ID>', '<Initiator><ID>', '<PartNumberMarker>4</PartNumberMarker>', '<NextPartNumberMarker>5</NextPartNumberMarker>', '<MaxParts>2</MaxParts>', '<IsTruncated>false</IsTruncated>', '<StorageClass>STANDARD</StorageClass>']) {
      expect(raw.text).toContain(el);
    }
    expect(raw.text).toMatch(/<Part><PartNumber>5<\/PartNumber><LastModified>\d{4}-\d\d-\d\dT[\d:.]+Z<\/LastModified><ETag>(&quot;|")[0-9a-f]{32}(&quot;|")<\/ETag><Size>6<\/Size><\/Part>/);
    const anonymous = await rawRequest(f.port, { bucket: 'mp', key: Key, query: { uploadId: UploadId }, sign: false });
    expect(anonymous.status).toBe(403);
  });

  it('lists uploads with prefix, delimiter, paging markers and encoding-type=url', async () => {
    const b = f.bucket('mplist');
    await f.cos.putBucket({ Bucket: b, Region });
    const keys = ['a/1', 'a/2', 'b', 'b', 'c d/x', 'e'];
    const ids: string[] = [];
    for (const Key of keys) ids.push((await f.cos.multipartInit({ Bucket: b, Region, Key })).UploadId);

    const rolled = await f.cos.multipartList({ Bucket: b, Region, Prefix: '', Delimiter: '/' });
    expect((rolled.Upload ?? []).map((u) => u.Key)).toEqual(['b', 'b', 'e']);
    const prefixes = ([] as Array<{ Prefix: string }>).concat((rolled as unknown as { CommonPrefixes?: Array<{ Prefix: string }> }).CommonPrefixes ?? []);
    expect(prefixes.map((p) => p.Prefix)).toEqual(['a/', 'c d/']);

    const all: string[] = [];
    let KeyMarker: string | undefined;
    let UploadIdMarker: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = await f.cos.multipartList({ Bucket: b, Region, Prefix: '', MaxUploads: 2, KeyMarker, UploadIdMarker } as COS.MultipartListParams);
      all.push(...(page.Upload ?? []).map((u) => u.UploadId));
      if (page.IsTruncated !== 'true') break;
      KeyMarker = page.NextKeyMarker;
      UploadIdMarker = page.NextUploadIdMarker;
    }
    expect([...all].sort()).toEqual([...ids].sort());
    expect(all).toHaveLength(ids.length);

    const raw = await rawRequest(f.port, { bucket: 'mplist', query: { uploads: '', prefix: 'c', 'encoding-type': 'url' } });
    expect(raw.status).toBe(200);
    expect(raw.text).toContain('<Encoding-Type>url</Encoding-Type>');
    expect(raw.text).toContain('<Key>c%20d/x</Key>');
    expect(raw.text).toMatch(/<Initiated>\d{4}-\d\d-\d\dT[\d:.]+Z<\/Initiated>/);
    expect(raw.text).toContain('<IsTruncated>false</IsTruncated>');
  });
});

describe('the SSE region rule', () => {
  it('refuses an encrypted Initiate in a region without SSE, naming the region; plain uploads still work', async () => {
    const b = f.bucket('chengdu');
    await f.cos.putBucket({ Bucket: b, Region: 'ap-chengdu' });
    const e = await failure(f.cos.multipartInit({ Bucket: b, Region: 'ap-chengdu', Key: 'k', ServerSideEncryption: 'AES256' } as COS.MultipartInitParams));
    expect(e.statusCode).toBe(400);
    expect(e.message).toContain('ap-chengdu');
    const plain = await f.cos.multipartInit({ Bucket: b, Region: 'ap-chengdu', Key: 'k' });
    expect(plain.UploadId).toMatch(/^[0-9a-f]{48}$/);
  });
});

describe('Upload Part - Copy', () => {
  const source = randomBytes(3 * MiB + 777);
  const half = 1.5 * MiB;

  async function copyPart(Key: string, UploadId: string, PartNumber: number, srcKey: string, extra: Record<string, unknown> = {}) {
    const CopySource = `${Bucket}.cos.${Region}.myqcloud.com/${encodeURIComponent(srcKey).replace(/%2F/g, '/')}`;
    return f.cos.uploadPartCopy({ Bucket, Region, Key, UploadId, PartNumber, CopySource, ...extra } as COS.UploadPartCopyParams);
  }

  it('copies ranges of an SSE-COS source into a plain upload', async () => {
    await f.cos.putObject({ Bucket, Region, Key: 'copy/src enc.bin', Body: source, ServerSideEncryption: 'AES256' });
    const Key = 'copy/plain-dest.bin';
    const { UploadId } = await init(Key);
    const c1 = await copyPart(Key, UploadId, 1, 'copy/src enc.bin', { CopySourceRange: `bytes=0-${half - 1}` });
    expect(c1.ETag).toBe(`"${md5hex(source.subarray(0, half))}"`);
    expect(hdrs(c1)['x-cos-hash-crc64ecma']).toBe(crcOf(source.subarray(0, half)));
    expect(hdrs(c1)['x-cos-server-side-encryption']).toBeUndefined();
    const c2 = await copyPart(Key, UploadId, 2, 'copy/src enc.bin', { CopySourceRange: `bytes=${half}-${source.length - 1}` });
    await complete(Key, UploadId, [
      { PartNumber: 1, ETag: c1.ETag },
      { PartNumber: 2, ETag: c2.ETag },
    ]);
    const got = await getBody(Key);
    expect(got.headers['x-cos-server-side-encryption']).toBeUndefined();
    expect(got.body.equals(source)).toBe(true);
  });

  it('copies a plain source into an SSE-COS upload (re-encrypted under the upload key), with conditions', async () => {
    await f.cos.putObject({ Bucket, Region, Key: 'copy/src-plain.bin', Body: source });
    const Key = 'copy/enc-dest.bin';
    const { UploadId } = await init(Key, { ServerSideEncryption: 'AES256' });
    const failed = await failure(copyPart(Key, UploadId, 1, 'copy/src-plain.bin', { CopySourceIfMatch: '"0123"' }));
    expect(failed.statusCode).toBe(412);
    const c1 = await copyPart(Key, UploadId, 1, 'copy/src-plain.bin', { CopySourceRange: `bytes=0-${MiB - 1}`, CopySourceIfMatch: `"${md5hex(source)}"` });
    expect(hdrs(c1)['x-cos-server-side-encryption']).toBe('AES256');
    const c2 = await copyPart(Key, UploadId, 2, 'copy/src-plain.bin', { CopySourceRange: `bytes=${MiB}-${MiB + 99}` });
    await complete(Key, UploadId, [
      { PartNumber: 1, ETag: c1.ETag },
      { PartNumber: 2, ETag: c2.ETag },
    ]);
    const got = await getBody(Key);
    expect(got.headers['x-cos-server-side-encryption']).toBe('AES256');
    expect(got.body.equals(source.subarray(0, MiB + 100))).toBe(true);
  });

  it('needs the copy-source SSE-C key for an SSE-C source; reports a missing source as NoSuchKey', async () => {
    const key = randomBytes(32);
    await f.cos.putObject({ Bucket, Region, Key: 'copy/src-ssec.bin', Body: source.subarray(0, 1000), ...ssec(key) });
    const Key = 'copy/from-ssec.bin';
    const { UploadId } = await init(Key);
    expect((await failure(copyPart(Key, UploadId, 1, 'copy/src-ssec.bin'))).statusCode).toBe(400);
    const s = ssec(key);
    const c1 = await copyPart(Key, UploadId, 1, 'copy/src-ssec.bin', {
      'x-cos-copy-source-server-side-encryption-customer-algorithm': s.SSECustomerAlgorithm,
      'x-cos-copy-source-server-side-encryption-customer-key': s.SSECustomerKey,
      'x-cos-copy-source-server-side-encryption-customer-key-MD5': s.SSECustomerKeyMD5,
      CopySourceRange: 'bytes=10-19',
    });
    expect(c1.ETag).toBe(`"${md5hex(source.subarray(10, 20))}"`);
    expect(await failure(copyPart(Key, UploadId, 2, 'copy/missing.bin'))).toMatchObject({ statusCode: 404, code: 'NoSuchKey' });
    const bad = await rawRequest(f.port, { method: 'PUT', bucket: 'mp', key: Key, query: { partNumber: '2', uploadId: UploadId }, headers: { 'x-cos-copy-source': 'not a source' } });
    expect(bad.status).toBe(400);
    expect(errorCode(bad)).toBe('InvalidArgument');
    expect(bad.text).toContain('x-cos-copy-source must be');
  });
});

describe('fsck', () => {
  it('vouches for every multipart object written above (part CRCs combine to the object CRC, data authenticates)', async () => {
    const report = await fsck(f.running.store);
    expect(report.problems).toEqual([]);
    expect(report.checked).toBeGreaterThan(5);
  });
});
