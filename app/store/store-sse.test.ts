// SSE conformance with the official COS Node SDK: echoes, bucket default encryption, the region rule, SSE-C,
// SSE-KMS, anonymous denial of encrypted objects, pre-signed URLs, data at rest, and tamper detection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import COS from 'cos-nodejs-sdk-v5';
import { startFixture, TEST_CREDENTIALS, type StoreFixture } from './test-support/store-fixture';
import { errorCode, rawRequest } from './test-support/raw-request';
import { Database } from './meta/sqlite-driver';

let f: StoreFixture;
const Region = 'ap-guangzhou';
let Bucket: string;

beforeAll(async () => {
  f = await startFixture();
  Bucket = f.bucket('sse');
  await f.cos.putBucket({ Bucket, Region });
});
afterAll(async () => {
  await f?.close();
});

async function allFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await allFiles(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

async function filesContaining(dir: string, marker: Buffer): Promise<string[]> {
  const hits: string[] = [];
  for (const p of await allFiles(dir)) if ((await readFile(p)).includes(marker)) hits.push(p);
  return hits;
}

function ssecHeaders(key: Buffer) {
  return {
    SSECustomerAlgorithm: 'AES256',
    SSECustomerKey: key.toString('base64'),
    SSECustomerKeyMD5: createHash('md5').update(key).digest('base64'),
  };
}

describe('SSE-COS', () => {
  it('echoes AES256 on PUT, HEAD and GET, and keeps ETag = MD5 of the plaintext', async () => {
    const body = randomBytes(70_000);
    const put = await f.cos.putObject({ Bucket, Region, Key: 'enc.bin', Body: body, ServerSideEncryption: 'AES256' });
    expect(put.headers?.['x-cos-server-side-encryption']).toBe('AES256');
    expect(put.ETag).toBe(`"${createHash('md5').update(body).digest('hex')}"`);
    const head = await f.cos.headObject({ Bucket, Region, Key: 'enc.bin' });
    expect(head.headers?.['x-cos-server-side-encryption']).toBe('AES256');
    const got = await f.cos.getObject({ Bucket, Region, Key: 'enc.bin' });
    expect(got.headers?.['x-cos-server-side-encryption']).toBe('AES256');
    expect(Buffer.compare(got.Body as Buffer, body)).toBe(0);
    const ranged = await f.cos.getObject({ Bucket, Region, Key: 'enc.bin', Range: 'bytes=65530-65545' });
    expect(Buffer.compare(ranged.Body as Buffer, body.subarray(65530, 65546))).toBe(0);
  });

  it('refuses other values and SSE headers on reads', async () => {
    await expect(f.cos.putObject({ Bucket, Region, Key: 'bad', Body: 'x', ServerSideEncryption: 'AES128' })).rejects.toMatchObject({
      code: 'InvalidArgument',
      statusCode: 400,
    });
    await f.cos.putObject({ Bucket, Region, Key: 'plain.txt', Body: 'x' });
    const r = await rawRequest(f.port, { method: 'GET', bucket: 'sse', key: 'plain.txt', headers: { 'x-cos-server-side-encryption': 'AES256' } });
    expect(r.status).toBe(400);
    const h = await rawRequest(f.port, { method: 'HEAD', bucket: 'sse', key: 'plain.txt', headers: { 'x-cos-server-side-encryption': 'AES256' } });
    expect(h.status).toBe(400);
  });

  it('keeps no plaintext at rest: a marker is found nowhere under the data directory', async () => {
    const marker = Buffer.from(`COFFER-AT-REST-MARKER-${randomBytes(8).toString('hex')}`);
    const body = Buffer.concat([marker, randomBytes(100_000), marker]);
    await f.cos.putObject({ Bucket, Region, Key: 'secret-cos.bin', Body: body, ServerSideEncryption: 'AES256' });
    await f.cos.putObject({ Bucket, Region, Key: 'secret-kms.bin', Body: body, ServerSideEncryption: 'cos/kms' });
    await f.cos.putObject({ Bucket, Region, Key: 'secret-c.bin', Body: body, ...ssecHeaders(randomBytes(32)) });
    expect(await filesContaining(f.dataDir, marker)).toEqual([]);
    // The search itself works: the same marker uploaded without SSE is found.
    await f.cos.putObject({ Bucket, Region, Key: 'not-secret.bin', Body: body });
    expect((await filesContaining(f.dataDir, marker)).length).toBe(1);
    await f.cos.deleteObject({ Bucket, Region, Key: 'not-secret.bin' });
  });

  it('keeps multipart parts encrypted at rest, before and after Complete', async () => {
    const marker = Buffer.from(`COFFER-MULTIPART-MARKER-${randomBytes(8).toString('hex')}`);
    const part = Buffer.concat([marker, randomBytes(1024 * 1024), marker]);
    const Key = 'secret-multipart.bin';
    const init = await f.cos.multipartInit({ Bucket, Region, Key, ServerSideEncryption: 'AES256' } as never);
    const etags: string[] = [];
    for (const PartNumber of [1, 2]) {
      const r = await f.cos.multipartUpload({ Bucket, Region, Key, UploadId: init.UploadId, PartNumber, Body: part } as never);
      etags.push(r.ETag);
    }
    expect(await filesContaining(f.dataDir, marker)).toEqual([]);
    await f.cos.multipartComplete({ Bucket, Region, Key, UploadId: init.UploadId, Parts: etags.map((ETag, i) => ({ PartNumber: i + 1, ETag })) });
    expect(await filesContaining(f.dataDir, marker)).toEqual([]);
    const got = await f.cos.getObject({ Bucket, Region, Key });
    expect(Buffer.compare(got.Body as Buffer, Buffer.concat([part, part]))).toBe(0);
  });

  it('returns a clean 500, never wrong bytes, when an encrypted data file is tampered with', async () => {
    const marker = randomBytes(16);
    // Larger than the inline limit, so the object has a data file of its own.
    const body = Buffer.concat([randomBytes(100_000), marker]);
    await f.cos.putObject({ Bucket, Region, Key: 'tamper.bin', Body: body, ServerSideEncryption: 'AES256' });
    const rec = f.running.store.meta.getObject(Bucket, 'tamper.bin')!;
    const path = f.running.store.files.pathOf(rec.parts[0]!.dataId);
    const data = await readFile(path);
    const original = Buffer.from(data);
    // In the first chunk: nothing has been sent yet, so the answer is a clean 500.
    data[200] ^= 0x01;
    await writeFile(path, data);
    await expect(f.cos.getObject({ Bucket, Region, Key: 'tamper.bin' })).rejects.toMatchObject({ statusCode: 500, code: 'InternalError' });
    expect(f.logs.some((l) => l.includes('tamper.bin') && l.includes('damaged'))).toBe(true);
    // In the last chunk: the first one was already sent, so the response is cut off — never completed with wrong bytes.
    original[original.length - 30] ^= 0x01;
    await writeFile(path, original);
    await expect(f.cos.getObject({ Bucket, Region, Key: 'tamper.bin' })).rejects.toBeDefined();
  });

  it('keeps a small object inside meta.db, encrypted, and answers 500 when those bytes are altered', async () => {
    const g = await startFixture();
    try {
      const B = g.bucket('inline');
      await g.cos.putBucket({ Bucket: B, Region });
      const marker = randomBytes(16);
      const body = Buffer.concat([randomBytes(1000), marker]);
      await g.cos.putObject({ Bucket: B, Region, Key: 'small.bin', Body: body, ServerSideEncryption: 'AES256' });
      const rec = g.running.store.meta.getObject(B, 'small.bin')!;
      expect(rec.parts[0]!.inline).toBe(true);
      expect(await readdir(join(g.dataDir, 'objects')).catch(() => [])).toEqual([]);
      expect((await g.cos.getObject({ Bucket: B, Region, Key: 'small.bin' })).Body).toEqual(body);
      await g.running.close();

      // Alter one stored byte in meta.db while the store is down (the same bytes, encrypted, are all it holds).
      const db = new Database(join(g.dataDir, 'meta.db'));
      db.exec('PRAGMA locking_mode = EXCLUSIVE');
      const stored = Buffer.from(db.get('SELECT bytes FROM inline_data WHERE data_id = ?', [rec.parts[0]!.dataId])!.bytes as Uint8Array);
      expect(stored.includes(marker)).toBe(false);
      stored[stored.length - 30] ^= 0x01;
      db.run('UPDATE inline_data SET bytes = ? WHERE data_id = ?', [stored, rec.parts[0]!.dataId]);
      db.close();

      const h = await startFixture({ dataDir: g.dataDir, keyringPath: g.keyringPath, kmsPath: join(g.root, 'keys', 'kms.json') });
      try {
        await expect(h.cos.getObject({ Bucket: B, Region, Key: 'small.bin' })).rejects.toMatchObject({ statusCode: 500, code: 'InternalError' });
        expect(h.logs.some((l) => l.includes('small.bin') && l.includes('damaged'))).toBe(true);
      } finally {
        await h.running.close();
        await rm(h.root, { recursive: true, force: true });
      }
    } finally {
      await rm(g.root, { recursive: true, force: true });
    }
  });
});

describe('bucket default encryption', () => {
  it('reports none, applies AES256 to writes without a header, and can be removed', async () => {
    const b = f.bucket('default-enc');
    await f.cos.putBucket({ Bucket: b, Region });
    const none = await f.cos.getBucketEncryption({ Bucket: b, Region });
    expect(none.statusCode).toBe(404);
    const raw = await rawRequest(f.port, { bucket: 'default-enc', query: { encryption: '' } });
    expect(errorCode(raw)).toBe('NoSuchEncryptionConfiguration');

    await f.cos.putBucketEncryption({ Bucket: b, Region, ServerSideEncryptionConfiguration: { Rule: [{ ApplySideEncryptionConfiguration: { SSEAlgorithm: 'AES256' } }] } } as never);
    const got = await f.cos.getBucketEncryption({ Bucket: b, Region });
    expect(JSON.stringify(got)).toContain('AES256');
    const put = await f.cos.putObject({ Bucket: b, Region, Key: 'auto.txt', Body: 'auto' });
    expect(put.headers?.['x-cos-server-side-encryption']).toBe('AES256');
    expect((await f.cos.headObject({ Bucket: b, Region, Key: 'auto.txt' })).headers?.['x-cos-server-side-encryption']).toBe('AES256');

    const del = await f.cos.deleteBucketEncryption({ Bucket: b, Region });
    expect(del.statusCode).toBe(204);
    const plain = await f.cos.putObject({ Bucket: b, Region, Key: 'plain.txt', Body: 'plain' });
    expect(plain.headers?.['x-cos-server-side-encryption']).toBeUndefined();
  });
});

describe('region rule', () => {
  it('refuses SSE in a region outside the supported list, naming the regions', async () => {
    const b = f.bucket('chengdu');
    await f.cos.putBucket({ Bucket: b, Region: 'ap-chengdu' });
    const err = await f.cos.putObject({ Bucket: b, Region: 'ap-chengdu', Key: 'x', Body: 'x', ServerSideEncryption: 'AES256' }).catch((e) => e);
    expect(err).toMatchObject({ statusCode: 400, code: 'InvalidArgument' });
    expect(err.message).toContain('ap-chengdu');
    expect(err.message).toContain('ap-guangzhou');
    await expect(
      f.cos.putBucketEncryption({ Bucket: b, Region: 'ap-chengdu', ServerSideEncryptionConfiguration: { Rule: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } } as never),
    ).rejects.toMatchObject({ statusCode: 400 });
    await expect(f.cos.putObject({ Bucket: b, Region: 'ap-chengdu', Key: 'x', Body: 'x', ...ssecHeaders(randomBytes(32)) })).rejects.toMatchObject({ statusCode: 400 });
    const plain = await f.cos.putObject({ Bucket: b, Region: 'ap-chengdu', Key: 'x', Body: 'x' });
    expect(plain.statusCode).toBe(200);
  });
});

describe('configured SSE regions', () => {
  it('allows SSE in a region added with --sse-regions', async () => {
    const g = await startFixture({ sseRegions: ['ap-chengdu'] });
    try {
      const b = g.bucket('cd');
      await g.cos.putBucket({ Bucket: b, Region: 'ap-chengdu' });
      const put = await g.cos.putObject({ Bucket: b, Region: 'ap-chengdu', Key: 'x', Body: 'x', ServerSideEncryption: 'AES256' });
      expect(put.headers?.['x-cos-server-side-encryption']).toBe('AES256');
      await g.cos.putBucket({ Bucket: g.bucket('gz'), Region: 'ap-guangzhou' });
      const err = await g.cos.putObject({ Bucket: g.bucket('gz'), Region: 'ap-guangzhou', Key: 'x', Body: 'x', ServerSideEncryption: 'AES256' }).catch((e) => e);
      expect(err).toMatchObject({ statusCode: 400 });
      expect(err.message).toContain('ap-chengdu');
    } finally {
      await g.close();
    }
  });
});

describe('SSE-C', () => {
  it('round-trips with the key, echoes its MD5, and refuses a missing or wrong key', async () => {
    const key = randomBytes(32);
    const body = randomBytes(5000);
    const put = await f.cos.putObject({ Bucket, Region, Key: 'ssec.bin', Body: body, ...ssecHeaders(key) });
    expect(put.headers?.['x-cos-server-side-encryption-customer-algorithm']).toBe('AES256');
    expect(put.headers?.['x-cos-server-side-encryption-customer-key-md5']).toBe(createHash('md5').update(key).digest('base64'));
    await expect(f.cos.headObject({ Bucket, Region, Key: 'ssec.bin' })).rejects.toMatchObject({ statusCode: 400 });
    await expect(f.cos.getObject({ Bucket, Region, Key: 'ssec.bin' })).rejects.toMatchObject({ statusCode: 400 });
    await expect(f.cos.getObject({ Bucket, Region, Key: 'ssec.bin', ...ssecHeaders(randomBytes(32)) })).rejects.toMatchObject({ statusCode: 403 });
    const head = await f.cos.headObject({ Bucket, Region, Key: 'ssec.bin', ...ssecHeaders(key) });
    expect(head.headers?.['x-cos-server-side-encryption-customer-key-md5']).toBe(createHash('md5').update(key).digest('base64'));
    const got = await f.cos.getObject({ Bucket, Region, Key: 'ssec.bin', ...ssecHeaders(key) });
    expect(Buffer.compare(got.Body as Buffer, body)).toBe(0);
    expect(got.ETag).not.toBe(`"${createHash('md5').update(body).digest('hex')}"`);
  });

  it('never writes the customer key to disk or to the log', async () => {
    const key = randomBytes(32);
    await f.cos.putObject({ Bucket, Region, Key: 'ssec-leak.bin', Body: randomBytes(1000), ...ssecHeaders(key) });
    await f.cos.getObject({ Bucket, Region, Key: 'ssec-leak.bin', ...ssecHeaders(key) });
    await f.cos.getObject({ Bucket, Region, Key: 'ssec-leak.bin', ...ssecHeaders(randomBytes(32)) }).catch(() => undefined);
    for (const needle of [key, Buffer.from(key.toString('base64')), Buffer.from(key.toString('hex'))]) {
      expect(await filesContaining(f.root, needle)).toEqual([]);
      expect(f.logs.join('\n').includes(needle.toString('latin1'))).toBe(false);
    }
  });

  it('rejects a key whose MD5 does not match, and SSE-C mixed with SSE-COS', async () => {
    const key = randomBytes(32);
    await expect(
      f.cos.putObject({ Bucket, Region, Key: 'x', Body: 'x', ...ssecHeaders(key), SSECustomerKeyMD5: createHash('md5').update('other').digest('base64') }),
    ).rejects.toMatchObject({ statusCode: 400, code: 'InvalidArgument' });
    await expect(f.cos.putObject({ Bucket, Region, Key: 'x', Body: 'x', ...ssecHeaders(key), ServerSideEncryption: 'AES256' })).rejects.toMatchObject({
      statusCode: 400,
    });
  });
});

describe('SSE-KMS', () => {
  it('uses the named key, echoes its id, defaults to a store-created key, and refuses unknown ids', async () => {
    const { keyId } = await f.running.store.keys.kms.createKey({ alias: 'test' });
    const put = await f.cos.putObject({ Bucket, Region, Key: 'kms.txt', Body: 'kms data', ServerSideEncryption: 'cos/kms', SSEKMSKeyId: keyId });
    expect(put.headers?.['x-cos-server-side-encryption']).toBe('cos/kms');
    expect(put.headers?.['x-cos-server-side-encryption-cos-kms-key-id']).toBe(keyId);
    const head = await f.cos.headObject({ Bucket, Region, Key: 'kms.txt' });
    expect(head.headers?.['x-cos-server-side-encryption-cos-kms-key-id']).toBe(keyId);
    expect(((await f.cos.getObject({ Bucket, Region, Key: 'kms.txt' })).Body as Buffer).toString()).toBe('kms data');

    const ctx = Buffer.from(JSON.stringify({ project: 'coffer' })).toString('base64');
    const dflt = await f.cos.putObject({ Bucket, Region, Key: 'kms2.txt', Body: 'x', ServerSideEncryption: 'cos/kms', SSEContext: ctx });
    expect(dflt.headers?.['x-cos-server-side-encryption-cos-kms-key-id']).toBe(await f.running.store.keys.kms.defaultKeyId());

    await expect(f.cos.putObject({ Bucket, Region, Key: 'x', Body: 'x', ServerSideEncryption: 'cos/kms', SSEKMSKeyId: 'no-such-key' })).rejects.toMatchObject({
      statusCode: 400,
      code: 'KmsKeyNotExist',
    });
  });
});

describe('anonymous access', () => {
  it('reads public unencrypted objects but never encrypted ones, even in a public-read bucket', async () => {
    const b = f.bucket('public');
    await f.cos.putBucket({ Bucket: b, Region, ACL: 'public-read' });
    await f.cos.putObject({ Bucket: b, Region, Key: 'open.txt', Body: 'open' });
    await f.cos.putObject({ Bucket: b, Region, Key: 'closed.txt', Body: 'closed', ServerSideEncryption: 'AES256' });
    const open = await rawRequest(f.port, { bucket: 'public', key: 'open.txt', sign: false });
    expect(open.status).toBe(200);
    expect(open.text).toBe('open');
    const closed = await rawRequest(f.port, { bucket: 'public', key: 'closed.txt', sign: false });
    expect(closed.status).toBe(403);
    expect(errorCode(closed)).toBe('AccessDenied');
    const closedHead = await rawRequest(f.port, { method: 'HEAD', bucket: 'public', key: 'closed.txt', sign: false });
    expect(closedHead.status).toBe(403);
    // Signed reads of the same object work.
    expect(((await f.cos.getObject({ Bucket: b, Region, Key: 'closed.txt' })).Body as Buffer).toString()).toBe('closed');
    // Private bucket: anonymous learns nothing, not even whether a key exists.
    const priv = await rawRequest(f.port, { bucket: 'sse', key: 'no-such-key', sign: false });
    expect(priv.status).toBe(403);
    const anonPut = await rawRequest(f.port, { method: 'PUT', bucket: 'public', key: 'w.txt', body: 'w', sign: false });
    expect(anonPut.status).toBe(403);
  });

  it('serves ACL documents and applies object ACLs', async () => {
    await f.cos.putObject({ Bucket, Region, Key: 'acl.txt', Body: 'acl', ACL: 'public-read' });
    const anon = await rawRequest(f.port, { bucket: 'sse', key: 'acl.txt', sign: false });
    expect(anon.status).toBe(200);
    const acl = await f.cos.getObjectAcl({ Bucket, Region, Key: 'acl.txt' });
    expect(JSON.stringify(acl)).toContain('AllUsers');
    await f.cos.putObjectAcl({ Bucket, Region, Key: 'acl.txt', ACL: 'private' });
    expect((await rawRequest(f.port, { bucket: 'sse', key: 'acl.txt', sign: false })).status).toBe(403);
    const bucketAcl = await f.cos.getBucketAcl({ Bucket, Region });
    expect(JSON.stringify(bucketAcl)).not.toContain('AllUsers');
  });
});

describe('pre-signed URLs', () => {
  it('reads an encrypted object with a valid URL; refuses expired and tampered ones', async () => {
    await f.cos.putObject({ Bucket, Region, Key: 'shared file.txt', Body: 'shared', ServerSideEncryption: 'AES256' });
    const url = f.cos.getObjectUrl({ Bucket, Region, Key: 'shared file.txt', Sign: true, Expires: 60 }, () => undefined) as unknown as string;
    const u = new URL(url);
    const fetchVia = (path: string) => rawRequest(f.port, { rawPath: path, host: u.host, sign: false });
    const ok = await fetchVia(u.pathname + u.search);
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('shared');
    const tampered = await fetchVia(u.pathname.replace('shared', 'sharee') + u.search);
    expect(tampered.status).toBe(403);

    const now = Math.floor(Date.now() / 1000);
    const expiredAuth = COS.getAuthorization({
      SecretId: TEST_CREDENTIALS.secretId,
      SecretKey: TEST_CREDENTIALS.secretKey,
      Method: 'GET',
      Key: 'shared file.txt',
      KeyTime: `${now - 7200};${now - 3600}`,
      Headers: { host: u.host },
    } as never);
    const expired = await fetchVia(`${u.pathname}?${expiredAuth}`);
    expect(expired.status).toBe(403);
    expect(expired.text).toContain('Request has expired');
    expect(expired.headers.date).toBeTruthy();
  });
});
