// PUT Object - Copy against a real store with the official SDK (and raw signed requests where the SDK refuses
// to send what we need): encrypt/decrypt in place, metadata directives, source conditions, SSE-C sources, the
// destination's encryption and region rule, and the commit guard that protects a copy onto itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { crc64 } from '../../cos/crc64';
import { buildAuthorization } from '../../cos/signer';
import { cosEncodeKeyPath } from '../../cos/cos-url-encode';
import { CosError } from '../http/cos-error';
import { writeObject } from '../objects/object-writes';
import { startFixture, type StoreFixture } from '../test-support/store-fixture';
import { selfCopyGuard } from './object-copy';

let f: StoreFixture;
const Region = 'ap-guangzhou';
let Bucket: string;

beforeAll(async () => {
  f = await startFixture();
  Bucket = f.bucket('copy');
  await f.cos.putBucket({ Bucket, Region });
});
afterAll(async () => {
  await f?.close();
});

const md5Hex = (b: Buffer | string) => createHash('md5').update(b).digest('hex');
const source = (bucket: string, key: string, region = Region) => `${bucket}.cos.${region}.myqcloud.com/${encodeURIComponent(key)}`;

function ssec(key: Buffer, prefix = 'x-cos-server-side-encryption-customer-') {
  return {
    [`${prefix}algorithm`]: 'AES256',
    [`${prefix}key`]: key.toString('base64'),
    [`${prefix}key-MD5`]: createHash('md5').update(key).digest('base64'),
  };
}
const copySourceSsec = (key: Buffer) => ssec(key, 'x-cos-copy-source-server-side-encryption-customer-');

interface CopyResult {
  statusCode?: number;
  headers?: Record<string, string>;
  ETag?: string;
  LastModified?: string;
  CRC64?: string;
}
/** putObjectCopy with loose params: the SDK's typings lack the SSE fields it does send. */
function copy(params: Record<string, unknown>): Promise<CopyResult> {
  return f.cos.putObjectCopy({ Bucket, Region, ...params } as never) as unknown as Promise<CopyResult>;
}

async function get(key: string, extra: Record<string, unknown> = {}, bucket = Bucket): Promise<Buffer> {
  return (await f.cos.getObject({ Bucket: bucket, Region, Key: key, ...extra })).Body as Buffer;
}
async function head(key: string, extra: Record<string, unknown> = {}, bucket = Bucket) {
  return (await f.cos.headObject({ Bucket: bucket, Region, Key: key, ...extra })).headers as Record<string, string>;
}

/** A signed PUT with exactly these headers (the SDK validates x-cos-copy-source client-side). */
function rawPut(bucket: string, key: string, headers: Record<string, string>, sign = true): Promise<{ status: number; text: string }> {
  const host = `${bucket}.cos.${Region}.myqcloud.com`;
  const all: Record<string, string> = { host, 'content-length': '0', ...headers };
  if (sign) {
    all.authorization = buildAuthorization({ secretId: 'AKIDcofferTestSecretId000000000000000', secretKey: 'cofferTestSecretKey0000000000000', method: 'PUT', pathname: `/${key}`, headers: all });
  }
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: f.port, method: 'PUT', path: cosEncodeKeyPath(key), headers: all }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}
const codeOf = (text: string) => /<Code>([^<]*)<\/Code>/.exec(text)?.[1];

/** Data files committed or being written (objects/ and tmp/ of the data directory). */
async function dataFileCount(): Promise<number> {
  let n = 0;
  const walk = async (dir: string) => {
    for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      if (e.isDirectory()) await walk(join(dir, e.name));
      else if (e.isFile()) n++;
    }
  };
  await walk(join(f.dataDir, 'objects'));
  await walk(join(f.dataDir, 'tmp'));
  return n;
}

describe('encrypting and decrypting in place', () => {
  it('encrypts a plain object onto itself with Replaced, keeping the metadata sent with it', async () => {
    const body = randomBytes(200_000);
    await f.cos.putObject({ Bucket, Region, Key: 'inplace.bin', Body: body, ContentType: 'image/png', 'x-cos-meta-owner': 'ann' });
    expect((await head('inplace.bin'))['x-cos-server-side-encryption']).toBeUndefined();

    const res = await copy({
      Key: 'inplace.bin',
      CopySource: source(Bucket, 'inplace.bin'),
      MetadataDirective: 'Replaced',
      ServerSideEncryption: 'AES256',
      ContentType: 'image/png',
      'x-cos-meta-owner': 'ann',
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['x-cos-server-side-encryption']).toBe('AES256');
    expect(res.ETag).toBe(`"${md5Hex(body)}"`); // SSE-COS keeps ETag = MD5
    expect(res.LastModified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(res.CRC64).toBe(crc64(body).toString());
    expect(res.headers?.['x-cos-hash-crc64ecma']).toBe(crc64(body).toString());

    const h = await head('inplace.bin');
    expect(h['x-cos-server-side-encryption']).toBe('AES256');
    expect(h['content-type']).toBe('image/png');
    expect(h['x-cos-meta-owner']).toBe('ann');
    expect(Buffer.compare(await get('inplace.bin'), body)).toBe(0);
  });

  it('decrypts an encrypted object onto itself when Replaced carries no SSE header', async () => {
    const body = randomBytes(70_000);
    await f.cos.putObject({ Bucket, Region, Key: 'decrypt.bin', Body: body, ServerSideEncryption: 'AES256' });
    const res = await copy({ Key: 'decrypt.bin', CopySource: source(Bucket, 'decrypt.bin'), MetadataDirective: 'Replaced' });
    expect(res.headers?.['x-cos-server-side-encryption']).toBeUndefined();
    expect((await head('decrypt.bin'))['x-cos-server-side-encryption']).toBeUndefined();
    expect(Buffer.compare(await get('decrypt.bin'), body)).toBe(0);
  });

  it('refuses a copy onto itself without Replaced, and an unknown directive', async () => {
    await f.cos.putObject({ Bucket, Region, Key: 'self.txt', Body: 'self' });
    const err = await copy({ Key: 'self.txt', CopySource: source(Bucket, 'self.txt'), ServerSideEncryption: 'AES256' }).catch((e) => e);
    expect(err).toMatchObject({ statusCode: 400, code: 'InvalidRequest' });
    expect(err.message).toContain('copy an object to itself');
    await expect(
      copy({ Key: 'other.txt', CopySource: source(Bucket, 'self.txt'), MetadataDirective: 'Merge' }),
    ).rejects.toMatchObject({ statusCode: 400, code: 'InvalidArgument' });
    expect((await head('self.txt'))['x-cos-server-side-encryption']).toBeUndefined();
  });
});

describe('copying to another key or bucket', () => {
  it('does not carry SSE over; the destination gets the request SSE, else its bucket default, else none', async () => {
    const body = randomBytes(5000);
    await f.cos.putObject({ Bucket, Region, Key: 'enc-src.bin', Body: body, ServerSideEncryption: 'AES256' });
    const plain = await copy({ Key: 'enc-dst.bin', CopySource: source(Bucket, 'enc-src.bin') });
    expect(plain.headers?.['x-cos-server-side-encryption']).toBeUndefined();
    expect((await head('enc-dst.bin'))['x-cos-server-side-encryption']).toBeUndefined();
    expect(Buffer.compare(await get('enc-dst.bin'), body)).toBe(0);

    const other = f.bucket('copy-default');
    await f.cos.putBucket({ Bucket: other, Region });
    await f.cos.putBucketEncryption({ Bucket: other, Region, ServerSideEncryptionConfiguration: { Rule: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } } as never);
    await f.cos.putObject({ Bucket, Region, Key: 'plain-src.txt', Body: 'plain source' });
    const dflt = await copy({ Bucket: other, Region, Key: 'from-plain.txt', CopySource: source(Bucket, 'plain-src.txt') });
    expect(dflt.headers?.['x-cos-server-side-encryption']).toBe('AES256');
    expect((await get('from-plain.txt', {}, other)).toString()).toBe('plain source');
  });

  it('Copy keeps the source metadata, Replaced takes the request metadata', async () => {
    await f.cos.putObject({
      Bucket,
      Region,
      Key: 'meta-src.txt',
      Body: 'meta',
      ContentType: 'text/plain',
      CacheControl: 'max-age=60',
      'x-cos-meta-color': 'blue',
    });
    await copy({ Key: 'meta-copy.txt', CopySource: source(Bucket, 'meta-src.txt'), ContentType: 'application/json' });
    const copied = await head('meta-copy.txt');
    expect(copied['content-type']).toBe('text/plain');
    expect(copied['cache-control']).toBe('max-age=60');
    expect(copied['x-cos-meta-color']).toBe('blue');

    await copy({
      Key: 'meta-replaced.txt',
      CopySource: source(Bucket, 'meta-src.txt'),
      MetadataDirective: 'Replaced',
      ContentType: 'application/json',
      'x-cos-meta-shape': 'round',
    });
    const replaced = await head('meta-replaced.txt');
    expect(replaced['content-type']).toBe('application/json');
    expect(replaced['x-cos-meta-shape']).toBe('round');
    expect(replaced['x-cos-meta-color']).toBeUndefined();
    expect(replaced['cache-control']).toBeUndefined();
  });

  it('copies a 0-byte object and one spanning several 64 KiB chunks and 1 MiB blocks, across SSE modes', async () => {
    await f.cos.putObject({ Bucket, Region, Key: 'empty.bin', Body: Buffer.alloc(0), ServerSideEncryption: 'AES256' });
    const empty = await copy({ Key: 'empty-copy.bin', CopySource: source(Bucket, 'empty.bin'), ServerSideEncryption: 'cos/kms' });
    expect(empty.headers?.['x-cos-hash-crc64ecma']).toBe('0');
    expect((await head('empty-copy.bin'))['content-length']).toBe('0');
    expect((await get('empty-copy.bin')).length).toBe(0);

    const big = randomBytes(3 * 1024 * 1024 + 12_345);
    await f.cos.putObject({ Bucket, Region, Key: 'big.bin', Body: big, ServerSideEncryption: 'AES256' });
    const res = await copy({ Key: 'big-copy.bin', CopySource: source(Bucket, 'big.bin'), ServerSideEncryption: 'cos/kms' });
    expect(res.headers?.['x-cos-hash-crc64ecma']).toBe(crc64(big).toString());
    expect(Buffer.compare(await get('big-copy.bin'), big)).toBe(0);
    const ranged = await get('big-copy.bin', { Range: 'bytes=1048570-1179650' });
    expect(Buffer.compare(ranged, big.subarray(1048570, 1179651))).toBe(0);
  });
});

describe('source conditions', () => {
  it('copies when If-Match holds and answers 412 when a condition fails', async () => {
    const put = await f.cos.putObject({ Bucket, Region, Key: 'cond.txt', Body: 'conditional' });
    const ok = await copy({ Key: 'cond.txt', CopySource: source(Bucket, 'cond.txt'), MetadataDirective: 'Replaced', ServerSideEncryption: 'AES256', CopySourceIfMatch: put.ETag });
    expect(ok.statusCode).toBe(200);
    await expect(
      copy({ Key: 'cond.txt', CopySource: source(Bucket, 'cond.txt'), MetadataDirective: 'Replaced', CopySourceIfMatch: '"0123456789abcdef0123456789abcdef"' }),
    ).rejects.toMatchObject({ statusCode: 412, code: 'PreconditionFailed' });
    await expect(
      copy({ Key: 'cond2.txt', CopySource: source(Bucket, 'cond.txt'), CopySourceIfNoneMatch: put.ETag }),
    ).rejects.toMatchObject({ statusCode: 412 });
    await expect(
      copy({ Key: 'cond2.txt', CopySource: source(Bucket, 'cond.txt'), CopySourceIfUnmodifiedSince: new Date(Date.now() - 3_600_000).toUTCString() }),
    ).rejects.toMatchObject({ statusCode: 412 });
    // The failed attempts changed nothing: still the SSE-COS version the successful copy wrote.
    expect((await head('cond.txt'))['x-cos-server-side-encryption']).toBe('AES256');
  });
});

describe('SSE-C and SSE-KMS', () => {
  it('needs the source key for an SSE-C source (missing 400, wrong 403) and can rotate the key in place', async () => {
    const k1 = randomBytes(32);
    const k2 = randomBytes(32);
    const body = randomBytes(100_000);
    await f.cos.putObject({ Bucket, Region, Key: 'ssec.bin', Body: body, ...ssec(k1) });
    await expect(copy({ Key: 'ssec-copy.bin', CopySource: source(Bucket, 'ssec.bin') })).rejects.toMatchObject({ statusCode: 400 });
    await expect(
      copy({ Key: 'ssec-copy.bin', CopySource: source(Bucket, 'ssec.bin'), ...copySourceSsec(k2) }),
    ).rejects.toMatchObject({ statusCode: 403, code: 'AccessDenied' });

    const plain = await copy({ Key: 'ssec-copy.bin', CopySource: source(Bucket, 'ssec.bin'), ...copySourceSsec(k1) });
    expect(plain.headers?.['x-cos-server-side-encryption-customer-algorithm']).toBeUndefined();
    expect(Buffer.compare(await get('ssec-copy.bin'), body)).toBe(0);

    const rotated = await copy({
      Key: 'ssec.bin',
      CopySource: source(Bucket, 'ssec.bin'),
      MetadataDirective: 'Replaced',
      ...copySourceSsec(k1),
      ...ssec(k2),
    });
    expect(rotated.headers?.['x-cos-server-side-encryption-customer-key-md5']).toBe(createHash('md5').update(k2).digest('base64'));
    await expect(f.cos.getObject({ Bucket, Region, Key: 'ssec.bin', ...ssec(k1) })).rejects.toMatchObject({ statusCode: 403 });
    expect(Buffer.compare(await get('ssec.bin', ssec(k2)), body)).toBe(0);
  });

  it('refuses copy-source SSE-C headers for a source that is not SSE-C', async () => {
    await f.cos.putObject({ Bucket, Region, Key: 'not-ssec.txt', Body: 'x' });
    await expect(
      copy({ Key: 'x.txt', CopySource: source(Bucket, 'not-ssec.txt'), ...copySourceSsec(randomBytes(32)) }),
    ).rejects.toMatchObject({ statusCode: 400 });
  });

  it('echoes the KMS key id of an SSE-KMS destination', async () => {
    const { keyId } = await f.running.store.keys.kms.createKey({ alias: 'copy-test' });
    await f.cos.putObject({ Bucket, Region, Key: 'kms-src.txt', Body: 'kms me' });
    const res = await copy({ Key: 'kms-dst.txt', CopySource: source(Bucket, 'kms-src.txt'), ServerSideEncryption: 'cos/kms', SSEKMSKeyId: keyId });
    expect(res.headers?.['x-cos-server-side-encryption']).toBe('cos/kms');
    expect(res.headers?.['x-cos-server-side-encryption-cos-kms-key-id']).toBe(keyId);
    expect((await head('kms-dst.txt'))['x-cos-server-side-encryption-cos-kms-key-id']).toBe(keyId);
    expect((await get('kms-dst.txt')).toString()).toBe('kms me');
    expect(res.ETag).not.toBe(`"${md5Hex('kms me')}"`);
  });

  it('applies the region rule to the destination, before reading the source', async () => {
    const chengdu = f.bucket('copy-chengdu');
    await f.cos.putBucket({ Bucket: chengdu, Region: 'ap-chengdu' });
    await f.cos.putObject({ Bucket, Region, Key: 'to-chengdu.txt', Body: 'x' });
    const err = await copy({ Bucket: chengdu, Region: 'ap-chengdu', Key: 'x.txt', CopySource: source(Bucket, 'to-chengdu.txt'), ServerSideEncryption: 'AES256' })
      .catch((e) => e);
    expect(err).toMatchObject({ statusCode: 400, code: 'InvalidArgument' });
    expect(err.message).toContain('ap-chengdu');
    const plain = await copy({ Bucket: chengdu, Region: 'ap-chengdu', Key: 'x.txt', CopySource: source(Bucket, 'to-chengdu.txt') });
    expect(plain.statusCode).toBe(200);
  });
});

describe('bad sources and access', () => {
  it('maps a malformed source to 400, a missing bucket or key to 404, and an oversized source to 400', async () => {
    const dst = `${Bucket}`;
    const bad = await rawPut(dst, 'x.txt', { 'x-cos-copy-source': 'not a copy source' });
    expect([bad.status, codeOf(bad.text)]).toEqual([400, 'InvalidArgument']);
    const noBucket = await rawPut(dst, 'x.txt', { 'x-cos-copy-source': source(f.bucket('nope'), 'a') });
    expect([noBucket.status, codeOf(noBucket.text)]).toEqual([404, 'NoSuchBucket']);
    const noKey = await rawPut(dst, 'x.txt', { 'x-cos-copy-source': source(Bucket, 'no/such key') });
    expect([noKey.status, codeOf(noKey.text)]).toEqual([404, 'NoSuchKey']);

    // A record claiming 5 GiB + 1 (its data is never opened: the size is refused first).
    const size = 5 * 1024 ** 3 + 1;
    f.running.store.meta.putObject({
      bucket: Bucket, key: 'huge.bin', size, etag: 'a'.repeat(32), crc64: null, lastModified: Date.now(), contentType: 'application/octet-stream',
      headers: {}, acl: 'default', storageClass: 'STANDARD', parts: [{ partNumber: 0, size, dataId: 'f'.repeat(32), etag: 'a'.repeat(32), crc64: null }], sse: null, sseKid: null,
    });
    const huge = await rawPut(dst, 'huge-copy.bin', { 'x-cos-copy-source': source(Bucket, 'huge.bin') });
    expect([huge.status, codeOf(huge.text)]).toEqual([400, 'InvalidRequest']);
    expect(huge.text).toContain('Upload Part - Copy');
    f.running.store.meta.deleteObject(Bucket, 'huge.bin');
  });

  it('lets anonymous callers copy only public, unencrypted sources into a public-read-write bucket', async () => {
    const pub = f.bucket('copy-public');
    await f.cos.putBucket({ Bucket: pub, Region, ACL: 'public-read-write' });
    await f.cos.putObject({ Bucket: pub, Region, Key: 'open.txt', Body: 'open' });
    await f.cos.putObject({ Bucket: pub, Region, Key: 'closed.txt', Body: 'closed', ServerSideEncryption: 'AES256' });
    const ok = await rawPut(pub, 'open-copy.txt', { 'x-cos-copy-source': source(pub, 'open.txt') }, false);
    expect(ok.status).toBe(200);
    const enc = await rawPut(pub, 'closed-copy.txt', { 'x-cos-copy-source': source(pub, 'closed.txt') }, false);
    expect([enc.status, codeOf(enc.text)]).toEqual([403, 'AccessDenied']);
    const priv = await rawPut(Bucket, 'anon.txt', { 'x-cos-copy-source': source(pub, 'open.txt') }, false);
    expect([priv.status, codeOf(priv.text)]).toEqual([403, 'AccessDenied']);
    const privSrc = await rawPut(pub, 'anon2.txt', { 'x-cos-copy-source': source(Bucket, 'self.txt') }, false);
    expect([privSrc.status, codeOf(privSrc.text)]).toEqual([403, 'AccessDenied']);
  });
});

describe('the commit guard of a copy onto itself', () => {
  it('refuses to commit when the object changed since it was read, leaving the newer version and no orphan data', async () => {
    const store = f.running.store;
    const bucket = store.meta.getBucket(Bucket)!;
    const meta = { contentType: 'text/plain', headers: {}, storageClass: 'STANDARD' };
    const write = (body: string, beforeCommit?: Parameters<typeof writeObject>[1]['beforeCommit']) =>
      writeObject(store, { bucket, key: 'guarded.txt', source: (async function* () {
        yield Buffer.from(body);
      })(), sse: { mode: 'none' }, meta, acl: 'default', beforeCommit });

    const read = await write('version one'); // what the copy read
    const concurrent = await write('version two'); // a writer that committed while the copy streamed
    const filesBefore = await dataFileCount();
    const err = await write('version one, re-encrypted', selfCopyGuard(read)).catch((e) => e);
    expect(err).toBeInstanceOf(CosError);
    expect(err).toMatchObject({ code: 'PreconditionFailed', status: 412 });
    expect(store.meta.getObject(Bucket, 'guarded.txt')).toEqual(concurrent);
    expect(await dataFileCount()).toBe(filesBefore);
    expect((await get('guarded.txt')).toString()).toBe('version two');

    // The same guard lets the copy through when nothing changed.
    const ok = await write('version two, re-encrypted', selfCopyGuard(concurrent));
    expect(store.meta.getObject(Bucket, 'guarded.txt')?.etag).toBe(ok.etag);
  });

  it('never puts old bytes back over a PUT that races an in-place encryption', async () => {
    const original = randomBytes(6 * 1024 * 1024);
    for (const delayMs of [0, 2, 10, 30]) {
      const key = `race-${delayMs}.bin`;
      await f.cos.putObject({ Bucket, Region, Key: key, Body: original });
      const fresh = randomBytes(1024);
      const copying = copy({ Bucket, Region, Key: key, CopySource: source(Bucket, key), MetadataDirective: 'Replaced', ServerSideEncryption: 'AES256' })
        .then((r) => r.statusCode, (e: { statusCode?: number }) => e.statusCode);
      await new Promise((r) => setTimeout(r, delayMs));
      await f.cos.putObject({ Bucket, Region, Key: key, Body: fresh });
      expect([200, 412, 503]).toContain(await copying);
      // Whatever the interleaving, the PUT happened after the copy started, so its bytes must survive.
      const final = await get(key);
      expect(md5Hex(final)).toBe(md5Hex(fresh));
    }
  });
});

describe('response format', () => {
  it('answers CopyObjectResult XML with a quoted ETag and a second-resolution LastModified', async () => {
    await f.cos.putObject({ Bucket, Region, Key: 'fmt.txt', Body: 'format' });
    const r = await rawPut(Bucket, 'fmt-copy.txt', { 'x-cos-copy-source': `${Bucket}.cos.${Region}.myqcloud.com/fmt.txt` });
    expect(r.status).toBe(200);
    expect(r.text).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><CopyObjectResult><ETag>&quot;[0-9a-f]{32}&quot;<\/ETag><LastModified>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ<\/LastModified><CRC64>\d+<\/CRC64><\/CopyObjectResult>$/);
  });
});
