// encryptInPlace against the real store, through a recording proxy: metadata survives the Replaced copy, the
// new encryption is reported by the verification HEAD, bytes and CRC64 are unchanged, a concurrent writer is
// never overwritten (single copy and multipart), the multipart path for objects above a (small) threshold, and
// SSE-C sources read with their key, the ACL kept (public, grants to other accounts, unreadable) — with no secret in
// any error or result.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CosServiceError, type CosClient } from '../cos/client';
import { testClient } from '../cos/client/test-support/client-fixture';
import { crc64 } from '../cos/crc64';
import { startFixture, type StoreFixture } from '../store/test-support/store-fixture';
import { EngineProxy } from './test-support/engine-proxy';
import { findSecrets, secretForms, SSEC_KEY } from './test-support/secret-scan';
import { encryptInPlace, EncryptInPlaceError, ObjectChangedError } from './encrypt-in-place';
import { UploadEngine } from './upload';

const B = 'inplace';
const MiB = 1024 * 1024;
let f: StoreFixture;
let proxy: EngineProxy;
let client: CosClient;
const seen: unknown[] = [];
const NEW_KEY = Buffer.from('rotatedSSECkey-0123456789abcdef!', 'ascii');

const fullMetadata = {
  contentType: 'text/csv; charset=utf-8',
  cacheControl: 'max-age=3600, private',
  contentDisposition: 'attachment; filename="report.csv"',
  contentEncoding: 'identity',
  expires: 'Wed, 21 Oct 2037 07:28:00 GMT',
  metadata: { owner: 'finance', 'multi-word': 'value_with_underscore' },
};

beforeAll(async () => {
  f = await startFixture();
  proxy = await EngineProxy.start(f.port);
  client = testClient(proxy.port);
  await client.createBucket(B);
});

afterAll(async () => {
  await client?.close();
  await proxy?.close();
  await f?.close();
});

beforeEach(() => proxy.reset());

async function caught(p: Promise<unknown>): Promise<Error> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err as Error,
  );
  if (!e) throw new Error('expected a rejection');
  seen.push(e);
  return e;
}

function metadataView(h: Awaited<ReturnType<CosClient['headObject']>>) {
  return {
    contentType: h.contentType,
    cacheControl: h.headers['cache-control'],
    contentDisposition: h.headers['content-disposition'],
    contentEncoding: h.headers['content-encoding'],
    expires: h.headers.expires,
    metadata: h.metadata,
  };
}

describe('encryptInPlace: single copy', () => {
  it('plain → SSE-COS keeps every piece of metadata and every byte, guarded by If-Match', async () => {
    const data = randomBytes(100_000);
    await client.putObject(B, 'meta.csv', data, fullMetadata);
    const before = await client.headObject(B, 'meta.csv');
    expect(metadataView(before)).toEqual(fullMetadata);
    proxy.reset();

    const res = await encryptInPlace(client, { bucket: B, key: 'meta.csv', encryption: { mode: 'SSE-COS' } });
    seen.push(res);
    expect(res).toMatchObject({ method: 'copy', crc64Verified: true, before: { encryption: { mode: 'none' } }, after: { encryption: { mode: 'SSE-COS' }, size: data.length } });

    const after = await client.headObject(B, 'meta.csv');
    expect(metadataView(after)).toEqual(fullMetadata);
    expect(after.encryption).toEqual({ mode: 'SSE-COS' });
    expect(after.crc64).toBe(crc64(data));
    expect((await client.getObjectBuffer(B, 'meta.csv')).equals(data)).toBe(true);

    const copy = proxy.requests.find((r) => r.method === 'PUT' && r.headers['x-cos-copy-source']);
    expect(copy?.headers).toMatchObject({
      'x-cos-metadata-directive': 'Replaced',
      'x-cos-copy-source-if-match': before.etag,
      'x-cos-server-side-encryption': 'AES256',
      'x-cos-meta-owner': 'finance',
    });
  });

  it('plain → SSE-KMS', async () => {
    await client.putObject(B, 'kms.txt', Buffer.from('kms me'), { contentType: 'text/plain' });
    const res = await encryptInPlace(client, { bucket: B, key: 'kms.txt', encryption: { mode: 'SSE-KMS' } });
    expect(res.after.encryption.mode).toBe('SSE-KMS');
    const head = await client.headObject(B, 'kms.txt');
    expect(head).toMatchObject({ encryption: { mode: 'SSE-KMS' }, contentType: 'text/plain' });
    expect((await client.getObjectBuffer(B, 'kms.txt')).toString()).toBe('kms me');
  });

  it('plain → SSE-C: the verification HEAD uses the new key and checks its MD5', async () => {
    await client.putObject(B, 'to-ssec', Buffer.from('customer keyed'));
    const res = await encryptInPlace(client, { bucket: B, key: 'to-ssec', encryption: { mode: 'SSE-C', key: SSEC_KEY } });
    seen.push(res);
    expect(res.after.encryption).toEqual({ mode: 'SSE-C', keyMd5: createHash('md5').update(SSEC_KEY).digest('base64') });
    expect((await client.getObjectBuffer(B, 'to-ssec', { sseCustomerKey: SSEC_KEY })).toString()).toBe('customer keyed');
  });

  it('SSE-C → SSE-COS with the source key; without it a typed SourceKeyRequired error', async () => {
    await client.putObject(B, 'from-ssec', Buffer.from('was customer keyed'), { sse: { mode: 'SSE-C', key: SSEC_KEY }, metadata: { keep: 'yes' } });
    const missing = await caught(encryptInPlace(client, { bucket: B, key: 'from-ssec', encryption: { mode: 'SSE-COS' } }));
    expect(missing).toBeInstanceOf(EncryptInPlaceError);
    expect((missing as EncryptInPlaceError).code).toBe('SourceKeyRequired');

    const res = await encryptInPlace(client, { bucket: B, key: 'from-ssec', encryption: { mode: 'SSE-COS' }, sourceSseCustomerKey: SSEC_KEY });
    seen.push(res);
    expect(res.before.encryption.mode).toBe('SSE-C');
    expect(res.after.encryption).toEqual({ mode: 'SSE-COS' });
    const head = await client.headObject(B, 'from-ssec');
    expect(head).toMatchObject({ encryption: { mode: 'SSE-COS' }, metadata: { keep: 'yes' } });
    expect((await client.getObjectBuffer(B, 'from-ssec')).toString()).toBe('was customer keyed');
  });

  it('a writer between the HEAD and the copy: typed ObjectChanged error, the writer\'s bytes survive', async () => {
    await client.putObject(B, 'race', Buffer.from('original'));
    const err = await caught(
      encryptInPlace(client, {
        bucket: B,
        key: 'race',
        encryption: { mode: 'SSE-C', key: SSEC_KEY },
        afterHead: async () => {
          await client.putObject(B, 'race', Buffer.from('concurrent writer'), { contentType: 'text/x-writer' });
        },
      }),
    );
    expect(err).toBeInstanceOf(ObjectChangedError);
    expect(err).toBeInstanceOf(EncryptInPlaceError);
    expect((err as ObjectChangedError).code).toBe('ObjectChanged');
    expect(err.message).toMatch(/changed while it was being encrypted; nothing was overwritten/);
    expect((err as ObjectChangedError).cause).toBeInstanceOf(CosServiceError);
    const head = await client.headObject(B, 'race');
    expect(head).toMatchObject({ encryption: { mode: 'none' }, contentType: 'text/x-writer' });
    expect((await client.getObjectBuffer(B, 'race')).toString()).toBe('concurrent writer');
  });

  it('a missing object is the client\'s typed 404', async () => {
    const err = await caught(encryptInPlace(client, { bucket: B, key: 'absent', encryption: { mode: 'SSE-COS' } }));
    expect(err).toMatchObject({ name: 'CosServiceError', status: 404 });
  });
});

describe('encryptInPlace: the object keeps its ACL', () => {
  const OTHER = 'qcs::cam::uin/100000000011:uin/100000000011';
  const copyOrInit = () => proxy.requests.find((r) => (r.method === 'PUT' && r.headers['x-cos-copy-source'] && !r.url.includes('partNumber=')) || (r.method === 'POST' && r.url.includes('uploads')));

  it('a public-read object stays public-read, by the copy itself and by a multipart upload', async () => {
    for (const [key, threshold] of [['acl-pub.txt', undefined], ['acl-pub-big.bin', MiB]] as const) {
      await client.putObject(B, key, randomBytes(threshold ? 2 * MiB + 3 : 100), { acl: 'public-read' });
      proxy.reset();
      const res = await encryptInPlace(client, { bucket: B, key, encryption: { mode: 'SSE-COS' }, multipartThreshold: threshold, partSize: MiB });
      expect(res).toMatchObject({ method: threshold ? 'multipart' : 'copy', acl: { kept: true, canned: 'public-read', grants: 0 } });
      expect(copyOrInit()?.headers['x-cos-acl']).toBe('public-read');
      expect((await client.getObjectAcl(B, key)).canned).toBe('public-read');
    }
  });

  it('an object with only its owner\'s grant keeps the default ACL (nothing is sent)', async () => {
    await client.putObject(B, 'acl-default.txt', Buffer.from('x'));
    proxy.reset();
    const res = await encryptInPlace(client, { bucket: B, key: 'acl-default.txt', encryption: { mode: 'SSE-COS' } });
    expect(res.acl).toEqual({ kept: true, canned: 'default', grants: 0 });
    expect(Object.keys(copyOrInit()!.headers).filter((h) => h.startsWith('x-cos-acl') || h.startsWith('x-cos-grant'))).toEqual([]);
  });

  it('grants to other accounts travel in the copy\'s x-cos-grant-* headers', async () => {
    await client.putObject(B, 'acl-shared.txt', Buffer.from('shared'));
    // The store keeps canned ACLs only; COS also answers grants to other accounts, as here.
    proxy.use({
      match: (r) => r.method === 'GET' && /[?&]acl/.test(r.url ?? ''),
      rewriteBody: (body) =>
        Buffer.from(
          body.toString('utf8').replace(
            '</AccessControlList>',
            `<Grant><Grantee xsi:type="CanonicalUser" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><ID>${OTHER}</ID></Grantee><Permission>READ</Permission></Grant>` +
              `<Grant><Grantee xsi:type="CanonicalUser" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><ID>${OTHER}</ID></Grantee><Permission>READ_ACP</Permission></Grant></AccessControlList>`,
          ),
        ),
    });
    const res = await encryptInPlace(client, { bucket: B, key: 'acl-shared.txt', encryption: { mode: 'SSE-COS' } });
    expect(res.acl).toEqual({ kept: true, canned: 'default', grants: 2 });
    expect(copyOrInit()?.headers).toMatchObject({ 'x-cos-grant-read': `id="${OTHER}"`, 'x-cos-grant-read-acp': `id="${OTHER}"` });
    expect(copyOrInit()?.headers['x-cos-acl']).toBeUndefined();
  });

  it('an ACL the caller may not read does not stop the encryption; the result says it was not kept', async () => {
    await client.putObject(B, 'acl-denied.txt', Buffer.from('d'), { acl: 'public-read' });
    proxy.use({
      match: (r) => r.method === 'GET' && /[?&]acl/.test(r.url ?? ''),
      status: 403,
      rewriteBody: () => Buffer.from('<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied.</Message></Error>'),
    });
    const res = await encryptInPlace(client, { bucket: B, key: 'acl-denied.txt', encryption: { mode: 'SSE-COS' } });
    expect(res.after.encryption).toEqual({ mode: 'SSE-COS' });
    expect(res.acl).toEqual({ kept: false, reason: expect.stringMatching(/ACL could not be read \(AccessDenied\)/) });
  });
});

describe('encryptInPlace: multipart', () => {
  it('an object above the threshold is copied in parts with If-Match, metadata and bytes intact', async () => {
    const data = randomBytes(3 * MiB + 5);
    await client.putObject(B, 'big.bin', data, fullMetadata);
    const before = await client.headObject(B, 'big.bin');
    proxy.reset();
    const res = await encryptInPlace(client, { bucket: B, key: 'big.bin', encryption: { mode: 'SSE-KMS' }, multipartThreshold: 2 * MiB, partSize: MiB });
    expect(res).toMatchObject({ method: 'multipart', crc64Verified: true, after: { size: data.length, crc64: crc64(data), encryption: { mode: 'SSE-KMS' } } });

    const parts = proxy.requests.filter((r) => r.method === 'PUT' && r.url.includes('partNumber='));
    expect(parts).toHaveLength(4);
    for (const p of parts) expect(p.headers['x-cos-copy-source-if-match']).toBe(before.etag);
    expect(parts.map((p) => p.headers['x-cos-copy-source-range']).sort()).toEqual(
      [`bytes=0-${MiB - 1}`, `bytes=${MiB}-${2 * MiB - 1}`, `bytes=${2 * MiB}-${3 * MiB - 1}`, `bytes=${3 * MiB}-${data.length - 1}`].sort(),
    );
    const init = proxy.requests.find((r) => r.method === 'POST' && r.url.includes('uploads'));
    expect(init?.headers).toMatchObject({ 'x-cos-server-side-encryption': 'cos/kms', 'x-cos-meta-owner': 'finance', 'content-type': fullMetadata.contentType });

    const after = await client.headObject(B, 'big.bin');
    expect(metadataView(after)).toEqual(fullMetadata);
    expect((await client.getObjectBuffer(B, 'big.bin')).equals(data)).toBe(true);
  });

  it('rotates an SSE-C key through multipart (source key on the copies, new key on the upload)', async () => {
    const data = randomBytes(2 * MiB + 1);
    await client.putObject(B, 'big-ssec.bin', data, { sse: { mode: 'SSE-C', key: SSEC_KEY } });
    const res = await encryptInPlace(client, {
      bucket: B,
      key: 'big-ssec.bin',
      encryption: { mode: 'SSE-C', key: NEW_KEY },
      sourceSseCustomerKey: SSEC_KEY,
      multipartThreshold: MiB,
      partSize: MiB,
    });
    seen.push(res);
    expect(res.method).toBe('multipart');
    expect((await client.getObjectBuffer(B, 'big-ssec.bin', { sseCustomerKey: NEW_KEY })).equals(data)).toBe(true);
  });

  it('a writer during a multipart copy: ObjectChanged, the upload is aborted, the writer\'s bytes survive', async () => {
    await client.putObject(B, 'big-race.bin', randomBytes(2 * MiB + 10));
    const err = await caught(
      encryptInPlace(client, {
        bucket: B,
        key: 'big-race.bin',
        encryption: { mode: 'SSE-COS' },
        multipartThreshold: MiB,
        partSize: MiB,
        afterHead: async () => {
          await client.putObject(B, 'big-race.bin', Buffer.from('the writer won'));
        },
      }),
    );
    expect(err).toBeInstanceOf(ObjectChangedError);
    expect((await client.listMultipartUploads(B, { prefix: 'big-race' })).uploads).toEqual([]);
    expect((await client.getObjectBuffer(B, 'big-race.bin')).toString()).toBe('the writer won');
    expect((await client.headObject(B, 'big-race.bin')).encryption).toEqual({ mode: 'none' });
  });
});

describe('encryptInPlace: what it reports and keeps', () => {
  it('reports the encryption the copy\'s (or Complete\'s) answer echoes, and keeps the Content-Type an upload guessed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'inplace-types-'));
    try {
      await writeFile(join(dir, 'photo.jpg'), randomBytes(1000));
      await writeFile(join(dir, 'scan.pdf'), randomBytes(2 * MiB + 3));
      const engine = new UploadEngine(client, join(dir, 'journals'), { singlePutThreshold: MiB, partSize: MiB });
      const up = await engine.start(await engine.plan([join(dir, 'photo.jpg'), join(dir, 'scan.pdf')], { bucket: B, prefix: 'types/', encryption: { mode: 'none' } })).done;
      expect(up.state).toBe('completed');
      const kmsKeyId = (await f.running.store.keys.kms.createKey({ alias: 'inplace-report' })).keyId;

      const copied = await encryptInPlace(client, { bucket: B, key: 'types/photo.jpg', encryption: { mode: 'SSE-KMS', keyId: kmsKeyId } });
      seen.push(copied);
      expect(copied.appliedEncryption).toEqual({ mode: 'SSE-KMS', keyId: kmsKeyId, byBucketDefault: false });
      const parts = await encryptInPlace(client, { bucket: B, key: 'types/scan.pdf', encryption: { mode: 'SSE-COS' }, multipartThreshold: MiB, partSize: MiB });
      expect(parts).toMatchObject({ method: 'multipart', appliedEncryption: { mode: 'SSE-COS', byBucketDefault: false } });

      expect((await client.headObject(B, 'types/photo.jpg')).contentType).toBe('image/jpeg');
      expect((await client.headObject(B, 'types/scan.pdf')).contentType).toBe('application/pdf');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('secrets', () => {
  it('no secret key or SSE-C key (old or new) in any error or result', () => {
    expect(seen.length).toBeGreaterThan(5);
    expect(findSecrets(seen, [...secretForms(SSEC_KEY), ...secretForms(NEW_KEY)])).toEqual([]);
  });
});
