// What an upload reports and checks before it starts, against the real store over HTTP: the encryption each
// object got as the server's answer says (a bucket's default encryption applies to an upload that asked for none,
// on every path: in-memory PUT, file PUT, multipart, streams), the one check before anything is sent (a missing
// bucket; SSE asked for in a region without it), and the Content-Type guessed from the name or given.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CosServiceError } from '../../cos/client';
import { testClient } from '../../cos/client/test-support/client-fixture';
import { SseRegionError } from '../bucket-settings';
import type { ItemProgress } from '../transfer-events';
import { startEngineBed, stopEngineBed, type EngineBed } from './test-support/engine-bed';
import { UploadEngine } from './upload-engine';
import { UploadError } from './upload-encryption';
import { MiB } from './upload-plan';

const PLAIN = 'plain';
const DEFAULTED = 'defaulted';
const CHENGDU = 'chengdu';
const opts = { singlePutThreshold: MiB, partSize: MiB, retryBaseDelayMs: 5 };
let bed: EngineBed;
let kmsKeyId: string;

beforeAll(async () => {
  bed = await startEngineBed(PLAIN, 'engine-report-');
  await bed.direct.createBucket(DEFAULTED);
  await bed.direct.putBucketEncryption(DEFAULTED, { algorithm: 'AES256' });
  // The store puts a bucket in the region its creating request named.
  const chengdu = testClient(bed.f.port, { region: 'ap-chengdu' });
  await chengdu.createBucket(CHENGDU);
  await chengdu.close();
  kmsKeyId = (await bed.f.running.store.keys.kms.createKey({ alias: 'report-test' })).keyId;
});

afterAll(() => stopEngineBed(bed ?? {}));
beforeEach(() => bed.proxy.reset());

async function folder(name: string, files: Record<string, Buffer | string>): Promise<string> {
  const root = join(bed.dir, name);
  await mkdir(root, { recursive: true });
  for (const [file, data] of Object.entries(files)) await writeFile(join(root, file), data);
  return root;
}

function engine(name: string, client = bed.direct, extra = {}): UploadEngine {
  return new UploadEngine(client, join(bed.dir, `j-${name}`), { ...opts, ...extra });
}

describe('the encryption an upload reports is the one the server applied', () => {
  it('asked for none in a bucket with default encryption: SSE-COS by the bucket default, on every path, in the done event and the items', async () => {
    // 1000 B: read into memory; 300 KiB: sent from the file in one PUT; 2.5 MiB: multipart (1 MiB threshold).
    const root = await folder('defaulted', { 'small.bin': randomBytes(1000), 'mid.bin': randomBytes(300 * 1024), 'big.bin': randomBytes(2.5 * MiB) });
    const e = engine('defaulted');
    const plan = await e.plan([{ path: root, contents: true }], { bucket: DEFAULTED, encryption: { mode: 'none' } });
    expect(plan.bucketDefaultEncryption).toEqual({ algorithm: 'AES256' });
    const t = e.start(plan);
    const result = await t.done;
    expect(result.state).toBe('completed');
    const bucketDefault = { mode: 'SSE-COS', byBucketDefault: true };
    expect(result.completed.map((c) => [c.key, c.appliedEncryption])).toEqual(expect.arrayContaining([
      ['small.bin', bucketDefault],
      ['mid.bin', bucketDefault],
      ['big.bin', bucketDefault],
    ]));
    expect(result.completed).toHaveLength(3);
    expect(t.snapshot().items.map((i: ItemProgress) => i.appliedEncryption)).toEqual([bucketDefault, bucketDefault, bucketDefault]);
    // JSON-safe: what the app receives over IPC is the same value.
    expect(JSON.parse(JSON.stringify(result.completed))).toEqual(result.completed);
    // And it is the truth: the server holds them encrypted.
    for (const key of ['small.bin', 'mid.bin', 'big.bin']) expect((await bed.direct.headObject(DEFAULTED, key)).encryption).toEqual({ mode: 'SSE-COS' });

    // Streams: one PUT, and multipart from a stream.
    for (const [key, size] of [['stream-small.bin', 5000], ['stream-big.bin', 2 * MiB + 7]] as const) {
      const s = await e.start({ bucket: DEFAULTED, key, stream: Readable.from([randomBytes(size)]), encryption: { mode: 'none' } }).done;
      expect(s.completed).toEqual([{ key, bytes: size, appliedEncryption: bucketDefault }]);
    }
  });

  it('asked for SSE-KMS in the same bucket: the key the server names, not the bucket default; a plain bucket reports none', async () => {
    const path = join(await folder('kms', { 'k.bin': randomBytes(2000) }), 'k.bin');
    const kms = await engine('kms').start({ bucket: DEFAULTED, key: 'k.bin', path, encryption: { mode: 'SSE-KMS', keyId: kmsKeyId } }).done;
    expect(kms.completed[0]?.appliedEncryption).toEqual({ mode: 'SSE-KMS', keyId: kmsKeyId, byBucketDefault: false });
    const none = await engine('none').start({ bucket: PLAIN, key: 'n.bin', path, encryption: { mode: 'none' } }).done;
    expect(none.completed[0]?.appliedEncryption).toEqual({ mode: 'none', byBucketDefault: false });
  });

  it('asked for SSE, a Complete answer without the echo still fails the upload (not-encrypted), and nothing counts as completed', async () => {
    const client = testClient(bed.proxy.port);
    const path = join(await folder('noecho', { 'm.bin': randomBytes(2 * MiB + 1) }), 'm.bin');
    bed.proxy.add({
      match: (m, u) => m === 'POST' && u.includes('uploadId='),
      rewriteResponse: (h) => {
        for (const name of Object.keys(h)) if (name.startsWith('x-cos-server-side-encryption')) delete h[name];
      },
    });
    const result = await engine('noecho', client).start({ bucket: PLAIN, key: 'm.bin', path }).done;
    expect(result.failed).toEqual([expect.objectContaining({ key: 'm.bin', code: 'not-encrypted', error: expect.stringMatching(/asking for SSE-COS, but the Complete answer reports no encryption$/) })]);
    expect(result.completed).toEqual([]);
    await client.close();
  });
});

describe('checked once, before anything is sent', () => {
  it('a missing bucket: the plan and checkDestination throw the client\'s NoSuchBucket', async () => {
    const root = await folder('nobucket', { 'a.txt': 'a' });
    for (const attempt of [engine('nb').plan([root], { bucket: 'no-such-bucket' }), engine('nb').checkDestination('no-such-bucket')]) {
      const err = await attempt.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CosServiceError);
      expect(err).toMatchObject({ code: 'NoSuchBucket', bucket: 'no-such-bucket' });
    }
  });

  it('SSE asked for a bucket in ap-chengdu: one SseRegionError naming the regions, nothing sent but the HEAD; --sse none goes ahead', async () => {
    const root = await folder('chengdu', { 'a.txt': 'a', 'b.txt': 'b' });
    const client = testClient(bed.proxy.port);
    // The client's own region is ap-guangzhou: the bucket's region comes from the server (HEAD Bucket).
    const e = engine('chengdu', client);
    const err = await e.plan([root], { bucket: CHENGDU }).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(SseRegionError);
    expect((err as Error).message).toBe('Server-side encryption is not offered in ap-chengdu (only ap-beijing, ap-shanghai and ap-guangzhou).');
    expect(bed.proxy.requests.map((r) => r.method)).toEqual(['HEAD']);
    for (const mode of ['SSE-KMS', 'SSE-COS'] as const) await expect(e.checkDestination(CHENGDU, { mode })).rejects.toBeInstanceOf(SseRegionError);
    expect((await bed.direct.listObjects(CHENGDU)).contents).toEqual([]);

    const plain = await e.plan([root], { bucket: CHENGDU, encryption: { mode: 'none' } });
    expect(plain.region).toBe('ap-chengdu');
    expect((await e.start(plain).done).state).toBe('completed');
    // A store started with a wider --sse-regions is described by its own list.
    await expect(engine('wide', client, { sseRegions: ['ap-chengdu'] }).checkDestination(CHENGDU)).resolves.toEqual({ bucket: CHENGDU, region: 'ap-chengdu' });
    await client.close();
  });
});

describe('Content-Type', () => {
  it('is guessed from each file\'s extension (case-insensitive), octet-stream when unknown, with no charset added', async () => {
    const root = await folder('types', { 'photo.jpg': 'jpg', 'doc.pdf': 'pdf', 'notes.txt': 'txt', 'LOUD.TXT': 'TXT', 'README': 'no extension', 'x.unknownext': '?' });
    const e = engine('types');
    const plan = await e.plan([{ path: root, contents: true }], { bucket: PLAIN, prefix: 'types/' });
    await e.start(plan).done;
    const types: Record<string, string | undefined> = {};
    for (const item of plan.items) types[item.key] = (await bed.direct.headObject(PLAIN, item.key)).contentType;
    expect(types).toEqual({
      'types/photo.jpg': 'image/jpeg',
      'types/doc.pdf': 'application/pdf',
      'types/notes.txt': 'text/plain',
      'types/LOUD.TXT': 'text/plain',
      'types/README': 'application/octet-stream',
      'types/x.unknownext': 'application/octet-stream',
    });
  });

  it('a single file takes its own name\'s type, a stream its key\'s; a type given overrides both and is checked', async () => {
    const path = join(await folder('single', { 'photo.jpg': 'jpg' }), 'photo.jpg');
    const e = engine('single');
    await e.start({ bucket: PLAIN, key: 'backup/photo-copy', path }).done;
    expect((await bed.direct.headObject(PLAIN, 'backup/photo-copy')).contentType).toBe('image/jpeg');
    await e.start({ bucket: PLAIN, key: 'piped.txt', stream: Readable.from([Buffer.from('from a pipe')]) }).done;
    expect((await bed.direct.headObject(PLAIN, 'piped.txt')).contentType).toBe('text/plain');
    await e.start({ bucket: PLAIN, key: 'piped', stream: Readable.from([Buffer.from('no name')]) }).done;
    expect((await bed.direct.headObject(PLAIN, 'piped')).contentType).toBe('application/octet-stream');

    await e.start({ bucket: PLAIN, key: 'given.jpg', path, contentType: 'Image/PNG' }).done;
    expect((await bed.direct.headObject(PLAIN, 'given.jpg')).contentType).toBe('image/png');
    const plan = await e.plan([path], { bucket: PLAIN, prefix: 'given/', contentType: 'text/plain; charset=utf-8' });
    await e.start(plan).done;
    expect((await bed.direct.headObject(PLAIN, 'given/photo.jpg')).contentType).toBe('text/plain;charset=utf-8');
    expect(() => e.start({ bucket: PLAIN, key: 'bad', path, contentType: 'jpeg' })).toThrow(UploadError);
    await expect(e.plan([path], { bucket: PLAIN, contentType: 'image/' })).rejects.toMatchObject({ code: 'bad-content-type' });
  });
});
