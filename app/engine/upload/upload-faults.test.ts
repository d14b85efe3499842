// Uploads through faulty networks: a connection cut mid-part and 503 SlowDown are survived (client retries plus
// the engine's part retries), and a byte flipped in transit is caught by CRC64: the part is re-sent and the
// object is correct, or, when every attempt is corrupted, the upload fails and nothing corrupt is left stored. A file
// written to during its upload never becomes an object that mixes its versions.
import { randomBytes } from 'node:crypto';
import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFixture, type StoreFixture } from '../../store/test-support/store-fixture';
import { CosServiceError, type CosClient } from '../../cos/client';
import { testClient } from '../../cos/client/test-support/client-fixture';
import { FaultProxy } from '../../cos/client/test-support/fault-proxy';
import { UploadEngine } from './upload-engine';
import type { TransferResult } from './upload-transfer';
import { MiB } from './upload-plan';
import { isUploadPart, TamperProxy } from './test-support/tamper-proxy';

let f: StoreFixture;
let direct: CosClient;
let faults: FaultProxy;
let tamper: TamperProxy;
let dir: string;
const B = 'faults';
const opts = { singlePutThreshold: MiB, partSize: MiB, retryBaseDelayMs: 5 };

beforeAll(async () => {
  f = await startFixture();
  direct = testClient(f.port);
  await direct.createBucket(B);
  faults = await FaultProxy.start(f.port);
  tamper = await TamperProxy.start(f.port);
  dir = await mkdtemp(join(tmpdir(), 'engine-faults-'));
});

afterAll(async () => {
  await direct?.close();
  await faults?.close();
  await tamper?.close();
  await f?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  faults.reset();
  tamper.reset();
});

async function file(name: string, size: number): Promise<{ path: string; data: Buffer }> {
  const data = randomBytes(size);
  const path = join(dir, name);
  await writeFile(path, data);
  return { path, data };
}

async function expectMissing(key: string): Promise<void> {
  const err = await direct.headObject(B, key).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(CosServiceError);
  expect((err as CosServiceError).status).toBe(404);
}

describe('transient faults', () => {
  it('a connection cut mid-part and 503 SlowDown on parts, Initiate and PUT: the uploads still complete correctly', async () => {
    const client = testClient(faults.port);
    const engine = new UploadEngine(client, join(dir, 'j-transient'), opts);
    const big = await file('cut.bin', 3 * MiB + 99);
    const small = await file('slow.bin', 70_000);
    faults.inject({ match: (r) => r.method === 'PUT' && /partNumber=2/.test(r.url ?? ''), fault: { kind: 'reset' }, times: 2 });
    faults.inject({ match: (r) => r.method === 'PUT' && /partNumber=3/.test(r.url ?? ''), fault: { kind: 'status', status: 503, code: 'SlowDown' }, times: 4 });
    faults.inject({ match: (r) => r.method === 'POST' && /uploads/.test(r.url ?? ''), fault: { kind: 'status', status: 503, code: 'SlowDown' } });
    faults.inject({ match: (r) => r.method === 'PUT' && /slow\.bin/.test(r.url ?? '') && !/partNumber/.test(r.url ?? ''), fault: { kind: 'status', status: 503, code: 'SlowDown' }, times: 2 });
    const t = engine.start(await engine.plan([big.path, small.path], { bucket: B, prefix: 'transient' }));
    const result = await t.done;
    expect(result.failed).toEqual([]);
    expect((await direct.getObjectBuffer(B, 'transient/cut.bin')).equals(big.data)).toBe(true);
    expect((await direct.getObjectBuffer(B, 'transient/slow.bin')).equals(small.data)).toBe(true);
    // Faults really happened: 2 resets + 4 SlowDowns on parts (more than the client's 3 attempts), 1 on Initiate, 2 on PUT.
    expect(faults.requests.filter((r) => r.fault).length).toBe(9);
    expect((await direct.listMultipartUploads(B)).uploads).toEqual([]);
    await client.close();
  });
});

describe('corruption in transit', () => {
  it('one flipped byte in a part body is caught by CRC64 and the part is re-sent; the object is correct', async () => {
    const client = testClient(tamper.port);
    const engine = new UploadEngine(client, join(dir, 'j-flip'), opts);
    const { path, data } = await file('flip.bin', 2 * MiB + 5);
    tamper.add({ match: (m, u) => isUploadPart(m, u) && /partNumber=2&/.test(u), flipByteAt: 1234, times: 1 });
    const result = await engine.start({ bucket: B, key: 'flip.bin', path }).done;
    expect(result.failed).toEqual([]);
    expect(tamper.requests.filter((r) => r.tampered)).toHaveLength(1);
    expect(tamper.count('PUT', (u) => /partNumber=2&/.test(u))).toBe(2);
    expect((await direct.getObjectBuffer(B, 'flip.bin')).equals(data)).toBe(true);
    await client.close();
  });

  it('one flipped byte in a single PUT body: re-sent, and the object is correct', async () => {
    const client = testClient(tamper.port);
    const engine = new UploadEngine(client, join(dir, 'j-flip1'), opts);
    const { path, data } = await file('flip-small.bin', 100_000);
    tamper.add({ match: (m, u) => m === 'PUT' && u.includes('flip-small'), flipByteAt: 99_999, times: 1 });
    const result = await engine.start({ bucket: B, key: 'flip-small.bin', path }).done;
    expect(result.failed).toEqual([]);
    expect((await direct.getObjectBuffer(B, 'flip-small.bin')).equals(data)).toBe(true);
    await client.close();
  });

  it('every attempt corrupted: the upload fails with the CRC64 message and no corrupt object is stored', async () => {
    const client = testClient(tamper.port);
    const engine = new UploadEngine(client, join(dir, 'j-flip-all'), opts);
    const small = await file('bad-small.bin', 4096);
    const big = await file('bad-big.bin', MiB + 1);
    tamper.add({ match: (m, u) => m === 'PUT' && u.includes('bad-'), flipByteAt: 7 });
    const t = engine.start(await engine.plan([small.path, big.path], { bucket: B, prefix: 'bad' }));
    const result = await t.done;
    expect(result.state).toBe('failed');
    expect(result.failed).toHaveLength(2);
    for (const fl of result.failed) {
      expect(fl.error).toMatch(/data corrupted in transit: CRC64 mismatch/);
      expect(fl.code).toBe('crc-mismatch');
    }
    await expectMissing('bad/bad-small.bin');
    await expectMissing('bad/bad-big.bin');
    // The failed multipart upload stays resumable: its journal and server-side upload remain until retry or cancel.
    expect(await readdir(join(dir, 'j-flip-all'))).toHaveLength(1);
    tamper.reset();
    const again = await t.retry();
    expect(again.failed).toEqual([]);
    expect((await direct.getObjectBuffer(B, 'bad/bad-big.bin')).equals(big.data)).toBe(true);
    expect((await direct.getObjectBuffer(B, 'bad/bad-small.bin')).equals(small.data)).toBe(true);
    expect(await readdir(join(dir, 'j-flip-all'))).toHaveLength(0);
    await client.close();
  });
});

describe('verification of the server answer', () => {
  const dropSse = (h: Record<string, string | string[] | undefined>) => {
    for (const name of Object.keys(h)) if (name.startsWith('x-cos-server-side-encryption')) delete h[name];
  };

  it('a PUT answer without the SSE echo fails the upload: "the server did not encrypt this object"', async () => {
    const client = testClient(tamper.port);
    const engine = new UploadEngine(client, join(dir, 'j-echo-put'), opts);
    const { path } = await file('noecho.bin', 1000);
    tamper.add({ match: (m, u) => m === 'PUT' && u.includes('noecho'), rewriteResponse: dropSse });
    const result = await engine.start({ bucket: B, key: 'noecho.bin', path, encryption: { mode: 'SSE-KMS' } }).done;
    expect(result.failed[0].error).toMatch(/^the server did not encrypt this object: faults\/noecho\.bin was uploaded asking for SSE-KMS, but the PUT answer reports no encryption$/);
    expect(result.failed[0].code).toBe('not-encrypted');
    await client.close();
  });

  it('an echo with an algorithm the client does not know fails the upload, and the message names it', async () => {
    const client = testClient(tamper.port);
    const engine = new UploadEngine(client, join(dir, 'j-echo-sm4'), opts);
    const { path } = await file('sm4.bin', 1000);
    tamper.add({ match: (m, u) => m === 'PUT' && u.includes('sm4'), rewriteResponse: (h) => void (h['x-cos-server-side-encryption'] = 'SM4') });
    const result = await engine.start({ bucket: B, key: 'sm4.bin', path }).done;
    expect(result.failed[0].code).toBe('not-encrypted');
    expect(result.failed[0].error).toMatch(
      /^the server did not encrypt this object as asked: faults\/sm4\.bin was uploaded asking for SSE-COS, but the PUT answer reports an encryption this client does not recognize \("SM4"\)$/,
    );
    await client.close();
  });

  it('multipart: Initiate without the echo fails (and its upload is aborted); Complete without the echo fails', async () => {
    const client = testClient(tamper.port);
    const engine = new UploadEngine(client, join(dir, 'j-echo-mp'), opts);
    const { path } = await file('noecho-mp.bin', MiB + 10);
    tamper.add({ match: (m, u) => m === 'POST' && /[?&]uploads/.test(u), rewriteResponse: dropSse, times: 1 });
    const r1 = await engine.start({ bucket: B, key: 'noecho-mp.bin', path }).done;
    expect(r1.failed[0].error).toMatch(/the server did not encrypt this object: .* the Initiate answer reports no encryption/);
    expect((await direct.listMultipartUploads(B)).uploads).toEqual([]);
    tamper.add({ match: (m, u) => m === 'POST' && /uploadId=/.test(u), rewriteResponse: dropSse, times: 1 });
    const r2 = await engine.start({ bucket: B, key: 'noecho-mp.bin', path }).done;
    expect(r2.failed[0].error).toMatch(/the server did not encrypt this object: .* the Complete answer reports no encryption/);
    await client.close();
  });

  it('a Complete answer whose CRC64 differs from the combined part CRCs fails, and the object is removed', async () => {
    const client = testClient(tamper.port);
    const engine = new UploadEngine(client, join(dir, 'j-crc-complete'), opts);
    const { path } = await file('crc-complete.bin', 2 * MiB + 1);
    tamper.add({ match: (m, u) => m === 'POST' && /uploadId=/.test(u), rewriteResponse: (h) => void (h['x-cos-hash-crc64ecma'] = '12345') });
    const r = await engine.start({ bucket: B, key: 'crc-complete.bin', path }).done;
    expect(r.failed[0].error).toMatch(/^data corrupted in transit: CRC64 mismatch for faults\/crc-complete\.bin/);
    await expectMissing('crc-complete.bin');
    expect(await readdir(join(dir, 'j-crc-complete'))).toEqual([]);
    await client.close();
  });
});

describe('a file written to while it is being uploaded', () => {
  // The proxy holds one request back after the client has read and sent its bytes; the file changes meanwhile.
  const whileHeld = async (t: { done: Promise<unknown> }, change: () => Promise<void>) => {
    const deadline = Date.now() + 10_000;
    while (!tamper.requests.some((r) => r.url.includes('changing')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await change();
    return t.done;
  };

  it('multipart: the upload is abandoned before Complete, the old object stays, and the item says why', async () => {
    const engine = new UploadEngine(testClient(tamper.port), join(dir, 'j-changing-mp'), opts);
    const src = await file('changing.bin', 3 * MiB + 5);
    await direct.putObject(B, 'changing/mp.bin', 'the version before');
    tamper.add({ match: (m, u) => isUploadPart(m, u) && u.includes('changing') && /partNumber=2/.test(u), delayMs: 1_000, times: 1 });
    const r = (await whileHeld(engine.start({ bucket: B, key: 'changing/mp.bin', path: src.path }), () => appendFile(src.path, 'appended'))) as TransferResult;
    expect(r.state).toBe('failed');
    expect(r.failed).toEqual([
      { key: 'changing/mp.bin', code: 'source-changed', error: expect.stringMatching(/changing\.bin changed while it was being uploaded; the upload was cancelled and nothing was written to faults\/changing\/mp\.bin/) },
    ]);
    expect((await direct.getObjectBuffer(B, 'changing/mp.bin')).toString()).toBe('the version before');
    expect((await direct.listMultipartUploads(B, { prefix: 'changing/' })).uploads).toEqual([]);
    expect(await readdir(join(dir, 'j-changing-mp')).catch(() => [])).toEqual([]); // nothing left to resume
  });

  it('single PUT: what reached the bucket is deleted and the item says why; an unchanged file uploads', async () => {
    const engine = new UploadEngine(testClient(tamper.port), join(dir, 'j-changing-put'), opts);
    const src = await file('changing-put.bin', 600_000); // above the in-memory size, below the multipart threshold
    tamper.add({ match: (m, u) => m === 'PUT' && u.includes('changing'), delayMs: 1_000, times: 1 });
    const r = (await whileHeld(engine.start({ bucket: B, key: 'changing/put.bin', path: src.path }), () => writeFile(src.path, randomBytes(600_000)))) as TransferResult;
    expect(r.failed).toEqual([{ key: 'changing/put.bin', code: 'source-changed', error: expect.stringMatching(/changed while it was being uploaded, so what reached faults\/changing\/put\.bin matched no version of it and was deleted/) }]);
    await expectMissing('changing/put.bin');
    // Sent again, unchanged, it goes through.
    expect((await engine.start({ bucket: B, key: 'changing/put.bin', path: src.path }).done).failed).toEqual([]);
    expect((await direct.getObjectBuffer(B, 'changing/put.bin')).equals(await readFile(src.path))).toBe(true);
  });
});
