// The details pane's facts against a real store: every field of a HEAD (type, ETag, CRC64, storage class, metadata,
// stored headers); the public address of an object in a public-read bucket, which an anonymous fetch opens for a
// plain object and is refused for an encrypted one — as the details said beforehand; an SSE-C object described
// with the vault key that opens it, or from the listing when no key in the vault does.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { crc64 } from '../cos/crc64';
import { useStoreClient } from './test-support/store-client';
import { NO_SSE_C_KEYS, objectDetails, previewKindOf, previewTypeOf, type SseCKeySource } from './object-details';

const PUBLIC = 'open-1250000000';
const PRIVATE = 'closed-1250000000';
const REGION = 'ap-guangzhou';
const KEY = randomBytes(32);

const vaultWith = (keys: Record<string, Buffer>): SseCKeySource => ({ ids: async () => Object.keys(keys), key: async (id) => keys[id]! });
const details = (bucket: string, key: string, keys = NO_SSE_C_KEYS) => objectDetails(store.client, { bucket, key, region: REGION }, { keys, localStore: true });

const store = useStoreClient(async (client) => {
  await client.createBucket(PUBLIC, { acl: 'public-read' });
  await client.createBucket(PRIVATE);
  await client.putObject(PUBLIC, 'plain/notes.txt', Buffer.from('remember the milk'), { contentType: 'text/plain', metadata: { project: 'coffer', owner: 'ann' }, cacheControl: 'no-cache' });
  await client.putObject(PUBLIC, 'sealed.pdf', Buffer.from('%PDF-1.4 numbers'), { contentType: 'application/pdf', sse: { mode: 'SSE-COS' } });
  await client.putObject(PRIVATE, 'own-key.bin', Buffer.from('customer words'), { sse: { mode: 'SSE-C', key: KEY } });
});

describe('object details', () => {
  it('has every field of the object, and a public address that an anonymous fetch opens for a plain object', async () => {
    const d = await details(PUBLIC, 'plain/notes.txt');
    expect(d).toMatchObject({
      key: 'plain/notes.txt',
      size: 17,
      contentType: 'text/plain',
      crc64: crc64(Buffer.from('remember the milk')).toString(),
      storageClass: 'STANDARD',
      metadata: { project: 'coffer', owner: 'ann' },
      headers: { 'Cache-Control': 'no-cache' },
      encryption: { mode: 'none' },
      complete: true,
      access: { bucketAcl: 'public-read', publicUrlBlocked: null },
      localStore: true,
      preview: { kind: 'text', tooLarge: false },
    });
    expect(d.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(new Date(d.lastModified!).getTime()).toBeGreaterThan(Date.now() - 120_000);
    expect(d.access.publicUrl).toBe(`${store.fixture.url}/${PUBLIC}/plain/notes.txt`);
    const res = await fetch(d.access.publicUrl!);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('remember the milk');
  });

  it('says beforehand that the public address of an encrypted object is refused, and it is', async () => {
    const d = await details(PUBLIC, 'sealed.pdf');
    expect(d.encryption).toEqual({ mode: 'SSE-COS' });
    expect(d.access.publicUrlBlocked).toBe('encrypted');
    expect(d.preview).toEqual({ kind: 'pdf', tooLarge: false });
    const res = await fetch(d.access.publicUrl!);
    expect(res.status).toBe(403);
  });

  it('has no public address in a private bucket', async () => {
    await store.client.putObject(PRIVATE, 'a.txt', Buffer.from('a'));
    const d = await details(PRIVATE, 'a.txt');
    expect(d.access).toEqual({ bucketAcl: 'private', objectAcl: 'private', publicUrl: null, publicUrlBlocked: null });
    expect((await fetch(`${store.fixture.url}/${PRIVATE}/a.txt`)).status).toBe(403);
  });

  it('names the vault key that opens an SSE-C object, or says none does and shows what the listing knows', async () => {
    const found = await details(PRIVATE, 'own-key.bin', vaultWith({ other: randomBytes(32), 'tax-key': KEY }));
    expect(found.encryption).toMatchObject({ mode: 'SSE-C', vaultKeyId: 'tax-key' });
    expect(found.complete).toBe(true);
    expect(found.crc64).not.toBeNull();
    const missing = await details(PRIVATE, 'own-key.bin', vaultWith({ other: randomBytes(32) }));
    expect(missing).toMatchObject({ size: 14, complete: false, crc64: null, encryption: { mode: 'SSE-C', vaultKeyId: null, keyMd5: null } });
  });

  it('previews by type, or by the extension when the type says nothing', () => {
    expect(previewKindOf(previewTypeOf('application/octet-stream', 'a/photo.JPG'))).toBe('image');
    expect(previewKindOf(previewTypeOf('', 'readme.md'))).toBe('text');
    expect(previewKindOf(previewTypeOf('application/json; charset=utf-8', 'x'))).toBe('text');
    expect(previewKindOf(previewTypeOf('application/zip', 'a.zip'))).toBeNull();
  });

  it('says a missing object is not there', async () => {
    await expect(details(PRIVATE, 'nope.txt')).rejects.toMatchObject({ status: 404 });
  });
});
