// downloadObject against the real store over HTTP, through a recording proxy: every SSE mode and edge size
// byte for byte, resume after a cut with a Range from the temp file's size, start-over when the object changed,
// a corrupted body caught by CRC64 with nothing left behind, cancel-then-resume, coalesced progress, and no
// secret in any error or event.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CosAbortError, CosNetworkError, CosServiceError, type CosClient, type SseRequest } from '../../cos/client';
import { testClient } from '../../cos/client/test-support/client-fixture';
import { startFixture, type StoreFixture } from '../../store/test-support/store-fixture';
import { downloadObject, tempPathsFor, type DownloadProgress } from './download-object';
import { DownloadIntegrityError } from './errors';
import { EngineProxy } from '../test-support/engine-proxy';
import { findSecrets, secretForms, SSEC_KEY } from '../test-support/secret-scan';

const B = 'downloads';
const MiB = 1024 * 1024;
let f: StoreFixture;
let proxy: EngineProxy;
let client: CosClient;
/** One attempt per request, so a cut connection ends the download instead of being resumed inside the client. */
let oneShot: CosClient;
let dir: string;
const seen: unknown[] = [];
const WRONG_KEY = Buffer.from('wrongSSECkeyWRONGsseckey12345678', 'ascii');

beforeAll(async () => {
  f = await startFixture();
  proxy = await EngineProxy.start(f.port);
  client = testClient(proxy.port);
  oneShot = testClient(proxy.port, { retry: { attempts: 1, baseDelayMs: 5 } });
  await client.createBucket(B);
  dir = await mkdtemp(join(tmpdir(), 'coffer-download-'));
});

afterAll(async () => {
  await client?.close();
  await oneShot?.close();
  await proxy?.close();
  await f?.close();
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => proxy.reset());

const isGet = (key: string) => (req: { method?: string; url?: string }) => req.method === 'GET' && decodeURIComponent((req.url ?? '').split('?')[0]) === `/${key}`;

async function caught<T>(p: Promise<T>): Promise<Error> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err as Error,
  );
  if (!e) throw new Error('expected a rejection');
  seen.push(e);
  return e;
}

describe('downloadObject: modes and sizes', () => {
  const modes: Array<[string, SseRequest | undefined]> = [
    ['plain', undefined],
    ['SSE-COS', { mode: 'SSE-COS' }],
    ['SSE-KMS', { mode: 'SSE-KMS' }],
    ['SSE-C', { mode: 'SSE-C', key: SSEC_KEY }],
  ];
  for (const [name, sse] of modes) {
    for (const size of [0, 1, MiB + 3]) {
      it(`${name}, ${size} bytes: byte-identical, verified, no temp files left`, async () => {
        const data = randomBytes(size);
        const key = `modes/${name}/${size}.bin`;
        await client.putObject(B, key, data, { sse });
        const dest = join(dir, 'modes', name, `${size}.bin`);
        const events: DownloadProgress[] = [];
        const res = await downloadObject(client, {
          bucket: B,
          key,
          dest,
          sseCustomerKey: sse?.mode === 'SSE-C' ? SSEC_KEY : undefined,
          onProgress: (p) => events.push(p),
        });
        seen.push(res, ...events);
        expect((await readFile(dest)).equals(data)).toBe(true);
        expect(res).toMatchObject({ size, resumedFrom: 0, crc64Verified: true, encryption: { mode: sse?.mode ?? 'none' } });
        expect(existsSync(tempPathsFor(dest).temp)).toBe(false);
        expect(existsSync(tempPathsFor(dest).sidecar)).toBe(false);
        expect(events.at(-1)).toMatchObject({ receivedBytes: size, totalBytes: size });
        if (sse?.mode === 'SSE-C') {
          const get = proxy.requestsFor('GET', key)[0];
          expect(get.headers['x-cos-server-side-encryption-customer-key-md5']).toBe(createHash('md5').update(SSEC_KEY).digest('base64'));
        }
      });
    }
  }

  it('an SSE-C object without its key fails with a service error that names no key', async () => {
    await client.putObject(B, 'ssec-nokey', Buffer.from('x'), { sse: { mode: 'SSE-C', key: SSEC_KEY } });
    const wrong = WRONG_KEY;
    const err = await caught(downloadObject(client, { bucket: B, key: 'ssec-nokey', dest: join(dir, 'nokey.bin'), sseCustomerKey: wrong }));
    expect(err).toBeInstanceOf(CosServiceError);
    expect(existsSync(join(dir, 'nokey.bin'))).toBe(false);
  });

  it('replaces an existing file at dest', async () => {
    await client.putObject(B, 'replace', Buffer.from('new content'));
    const dest = join(dir, 'replace.txt');
    await writeFile(dest, 'old content that is longer');
    await downloadObject(client, { bucket: B, key: 'replace', dest });
    expect(await readFile(dest, 'utf8')).toBe('new content');
  });
});

describe('downloadObject: resume, restart, integrity', () => {
  it('a cut connection leaves a temp file; the next attempt resumes with Range from its size', async () => {
    const data = randomBytes(3 * MiB + 17);
    await client.putObject(B, 'resume.bin', data);
    const dest = join(dir, 'resume.bin');
    proxy.use({ match: isGet('resume.bin'), times: 1, cutAfterBytes: MiB + 5 });
    const err = await caught(downloadObject(oneShot, { bucket: B, key: 'resume.bin', dest }));
    expect(err).toBeInstanceOf(CosNetworkError);
    expect(existsSync(dest)).toBe(false);
    const { temp, sidecar } = tempPathsFor(dest);
    const partial = (await stat(temp)).size;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(data.length);
    expect(JSON.parse(await readFile(sidecar, 'utf8'))).toMatchObject({ bucket: B, key: 'resume.bin' });

    proxy.reset();
    const res = await downloadObject(client, { bucket: B, key: 'resume.bin', dest });
    const gets = proxy.requestsFor('GET', 'resume.bin');
    expect(gets).toHaveLength(1);
    expect(gets[0].headers.range).toBe(`bytes=${partial}-`);
    expect(gets[0].headers['if-match']).toBe(res.etag);
    expect(res).toMatchObject({ resumedFrom: partial, crc64Verified: true, size: data.length });
    expect((await readFile(dest)).equals(data)).toBe(true);
    expect(existsSync(temp) || existsSync(sidecar)).toBe(false);
  });

  it('an SSE-C download resumes too, with the key on the ranged GET', async () => {
    const data = randomBytes(2 * MiB + 9);
    await client.putObject(B, 'ssec-resume.bin', data, { sse: { mode: 'SSE-C', key: SSEC_KEY } });
    const dest = join(dir, 'ssec-resume.bin');
    proxy.use({ match: isGet('ssec-resume.bin'), times: 1, cutAfterBytes: MiB });
    await caught(downloadObject(oneShot, { bucket: B, key: 'ssec-resume.bin', dest, sseCustomerKey: SSEC_KEY }));
    const partial = (await stat(tempPathsFor(dest).temp)).size;
    proxy.reset();
    const res = await downloadObject(client, { bucket: B, key: 'ssec-resume.bin', dest, sseCustomerKey: SSEC_KEY });
    const [get] = proxy.requestsFor('GET', 'ssec-resume.bin');
    expect(get.headers.range).toBe(`bytes=${partial}-`);
    expect(get.headers['x-cos-server-side-encryption-customer-algorithm']).toBe('AES256');
    expect(res).toMatchObject({ resumedFrom: partial, crc64Verified: true, encryption: { mode: 'SSE-C' } });
    expect((await readFile(dest)).equals(data)).toBe(true);
  });

  it('an object changed between attempts is downloaded again from the start', async () => {
    const first = randomBytes(2 * MiB);
    await client.putObject(B, 'changes.bin', first);
    const dest = join(dir, 'changes.bin');
    proxy.use({ match: isGet('changes.bin'), times: 1, cutAfterBytes: MiB });
    await caught(downloadObject(oneShot, { bucket: B, key: 'changes.bin', dest }));
    expect((await stat(tempPathsFor(dest).temp)).size).toBeGreaterThan(0);

    const second = randomBytes(2 * MiB + 1);
    await client.putObject(B, 'changes.bin', second);
    proxy.reset();
    const res = await downloadObject(client, { bucket: B, key: 'changes.bin', dest });
    const gets = proxy.requestsFor('GET', 'changes.bin');
    expect(gets.map((g) => g.headers.range)).toEqual([expect.stringMatching(/^bytes=\d+-$/), undefined]);
    expect(res.resumedFrom).toBe(0);
    expect((await readFile(dest)).equals(second)).toBe(true);
  });

  it('a temp file that already holds every byte is finished without another GET', async () => {
    const data = randomBytes(1000);
    const put = await client.putObject(B, 'complete-temp', data);
    const dest = join(dir, 'complete-temp.bin');
    const { temp, sidecar } = tempPathsFor(dest);
    await writeFile(temp, data);
    await writeFile(sidecar, JSON.stringify({ version: 1, bucket: B, key: 'complete-temp', etag: put.etag }));
    const res = await downloadObject(client, { bucket: B, key: 'complete-temp', dest });
    expect(res).toMatchObject({ resumedFrom: 1000, crc64Verified: true });
    expect((await readFile(dest)).equals(data)).toBe(true);
    expect(proxy.requestsFor('HEAD', 'complete-temp')).toHaveLength(1);
  });

  it('a flipped byte is caught by CRC64: typed error, no file at dest, temp files deleted', async () => {
    const data = randomBytes(MiB + 3);
    await client.putObject(B, 'corrupt.bin', data);
    const dest = join(dir, 'corrupt.bin');
    proxy.use({ match: isGet('corrupt.bin'), times: 1, flipByteAt: 4242 });
    const err = await caught(downloadObject(client, { bucket: B, key: 'corrupt.bin', dest }));
    expect(err).toBeInstanceOf(DownloadIntegrityError);
    expect(err.message).toMatch(/CRC64/);
    expect(err.message).toContain('corrupt.bin');
    expect(existsSync(dest)).toBe(false);
    expect(existsSync(tempPathsFor(dest).temp)).toBe(false);
    expect(existsSync(tempPathsFor(dest).sidecar)).toBe(false);
    // And a clean retry succeeds.
    await downloadObject(client, { bucket: B, key: 'corrupt.bin', dest });
    expect((await readFile(dest)).equals(data)).toBe(true);
  });

  it('a corrupted byte in the kept part of a resumed download is caught too', async () => {
    const data = randomBytes(2 * MiB);
    await client.putObject(B, 'corrupt-resume.bin', data);
    const dest = join(dir, 'corrupt-resume.bin');
    proxy.use({ match: isGet('corrupt-resume.bin'), times: 1, cutAfterBytes: MiB, flipByteAt: 10 });
    await caught(downloadObject(oneShot, { bucket: B, key: 'corrupt-resume.bin', dest }));
    const err = await caught(downloadObject(client, { bucket: B, key: 'corrupt-resume.bin', dest }));
    expect(err).toBeInstanceOf(DownloadIntegrityError);
    expect(existsSync(dest)).toBe(false);
  });

  it('cancel leaves a resumable temp file; the next attempt finishes from it', async () => {
    const data = randomBytes(4 * MiB);
    await client.putObject(B, 'cancel.bin', data);
    const dest = join(dir, 'cancel.bin');
    const ac = new AbortController();
    proxy.use({ match: isGet('cancel.bin'), times: 1, delayMs: 10 });
    const err = await caught(
      downloadObject(client, {
        bucket: B,
        key: 'cancel.bin',
        dest,
        signal: ac.signal,
        progressIntervalMs: 0,
        onProgress: (p) => {
          if (p.receivedBytes > MiB) ac.abort();
        },
      }),
    );
    expect(err.name).toBe('AbortError');
    expect(err instanceof CosAbortError || (err as NodeJS.ErrnoException).code === 'ABORT_ERR').toBe(true);
    const partial = (await stat(tempPathsFor(dest).temp)).size;
    expect(partial).toBeGreaterThan(0);
    expect(existsSync(dest)).toBe(false);
    proxy.reset();
    const res = await downloadObject(client, { bucket: B, key: 'cancel.bin', dest });
    expect(res.resumedFrom).toBe(partial);
    expect((await readFile(dest)).equals(data)).toBe(true);
  });

  it('progress is coalesced: a few events for many chunks, the last one complete', async () => {
    const data = randomBytes(8 * MiB);
    await client.putObject(B, 'progress.bin', data);
    const events: DownloadProgress[] = [];
    proxy.use({ match: isGet('progress.bin'), times: 1, delayMs: 1 });
    const started = Date.now();
    await downloadObject(client, { bucket: B, key: 'progress.bin', dest: join(dir, 'progress.bin'), onProgress: (p) => events.push(p) });
    const elapsed = Date.now() - started;
    seen.push(...events);
    // 8 MiB arrives in well over a hundred chunks; at most one event per 100 ms plus the first and the last.
    expect(events.length).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 3);
    expect(events.at(-1)).toMatchObject({ receivedBytes: data.length, totalBytes: data.length });
    for (let i = 1; i < events.length; i++) expect(events[i].receivedBytes).toBeGreaterThanOrEqual(events[i - 1].receivedBytes);
  });
});

describe('secrets', () => {
  it('no secret key or SSE-C key in any error, result or event of this file', () => {
    expect(seen.length).toBeGreaterThan(10);
    // The scan itself must be able to fail.
    expect(findSecrets([{ header: SSEC_KEY.toString('base64') }])).not.toEqual([]);
    expect(findSecrets([new Error(`key ${SSEC_KEY.toString('latin1')}`)])).not.toEqual([]);
    expect(findSecrets(seen, [...secretForms(SSEC_KEY), ...secretForms(WRONG_KEY)])).toEqual([]);
  });
});
