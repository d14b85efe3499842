// Every encryption mode × every size class, from files and from streams, against the real store over HTTP:
// what is read back (official SDK and our client) is byte-identical and HEAD reports the mode asked for.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixture, type StoreFixture } from '../../store/test-support/store-fixture';
import type { CosClient } from '../../cos/client';
import { testClient } from '../../cos/client/test-support/client-fixture';
import { UploadEngine } from './upload-engine';
import { keyMd5, type UploadEncryption } from './upload-encryption';
import { MiB } from './upload-plan';

let f: StoreFixture;
let client: CosClient;
let dir: string;
let kmsKeyId: string;
const B = 'modes';
const THRESHOLD = MiB;
const SSEC_KEY = randomBytes(32);
const SIZES = [0, 1, 65_535, 65_536, 65_537, THRESHOLD, 2 * MiB + 12_345];

beforeAll(async () => {
  f = await startFixture();
  client = testClient(f.port);
  await client.createBucket(B);
  dir = await mkdtemp(join(tmpdir(), 'engine-modes-'));
  kmsKeyId = (await f.running.store.keys.kms.createKey({ alias: 'engine-test' })).keyId;
});

afterAll(async () => {
  await client?.close();
  await f?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function encryptionFor(mode: string): UploadEncryption {
  switch (mode) {
    case 'SSE-COS':
      return { mode: 'SSE-COS' };
    case 'SSE-KMS':
      return { mode: 'SSE-KMS', keyId: kmsKeyId, context: { project: 'coffer' } };
    case 'SSE-C':
      return { mode: 'SSE-C', key: SSEC_KEY };
    default:
      return { mode: 'none' };
  }
}

async function sdkGet(key: string, mode: string): Promise<Buffer> {
  const params: Record<string, unknown> = { Bucket: f.bucket(B), Region: 'ap-guangzhou', Key: key };
  if (mode === 'SSE-C') {
    params.SSECustomerAlgorithm = 'AES256';
    params.SSECustomerKey = SSEC_KEY.toString('base64');
    params.SSECustomerKeyMD5 = keyMd5(SSEC_KEY);
  }
  const r = await f.call<{ Body: Buffer }>('getObject', params);
  return Buffer.from(r.Body);
}

async function expectStored(key: string, mode: string, data: Buffer): Promise<void> {
  const sseCustomerKey = mode === 'SSE-C' ? SSEC_KEY : undefined;
  const head = await client.headObject(B, key, { sseCustomerKey });
  expect(head.size).toBe(data.length);
  switch (mode) {
    case 'SSE-KMS':
      expect(head.encryption).toEqual({ mode: 'SSE-KMS', keyId: kmsKeyId });
      break;
    case 'SSE-C':
      expect(head.encryption).toEqual({ mode: 'SSE-C', keyMd5: keyMd5(SSEC_KEY) });
      break;
    default:
      expect(head.encryption.mode).toBe(mode);
  }
  const ours = await client.getObjectBuffer(B, key, { sseCustomerKey });
  expect(ours.equals(data)).toBe(true);
  const sdk = await sdkGet(key, mode);
  expect(sdk.equals(data)).toBe(true);
}

describe.each(['SSE-COS', 'SSE-KMS', 'SSE-C', 'none'])('%s uploads', (mode) => {
  it(`files of ${SIZES.join(', ')} bytes (single PUT up to the threshold, multipart with an odd last part above)`, async () => {
    const engine = new UploadEngine(client, join(dir, `journal-${mode}`), { singlePutThreshold: THRESHOLD, partSize: MiB, retryBaseDelayMs: 5 });
    const folder = join(dir, `files-${mode}`);
    await mkdir(folder, { recursive: true });
    const data = new Map<string, Buffer>();
    for (const size of SIZES) {
      const buf = randomBytes(size);
      await writeFile(join(folder, `f-${size}.bin`), buf);
      data.set(`up/files-${mode}/f-${size}.bin`, buf);
    }
    const plan = await engine.plan([folder], { bucket: B, prefix: 'up', encryption: encryptionFor(mode) });
    expect(plan.count).toBe(SIZES.length);
    expect(plan.totalBytes).toBe(SIZES.reduce((a, b) => a + b, 0));
    const t = engine.start(plan);
    const result = await t.done;
    expect(result.failed).toEqual([]);
    expect(result.state).toBe('completed');
    for (const [key, buf] of data) await expectStored(key, mode, buf);
    expect((await client.listMultipartUploads(B)).uploads).toEqual([]);
    expect(await engine.interrupted()).toEqual([]);
  });

  it('streams: declared and undeclared sizes, below and above the threshold', async () => {
    const engine = new UploadEngine(client, join(dir, `journal-s-${mode}`), { singlePutThreshold: THRESHOLD, partSize: MiB, retryBaseDelayMs: 5 });
    for (const [size, declare] of [
      [0, true],
      [65_537, false],
      [THRESHOLD, true],
      [THRESHOLD + 1, false],
      [2 * MiB + 12_345, true],
    ] as const) {
      const buf = randomBytes(size);
      // Small chunks so the reader has to assemble parts across stream buffers.
      const chunks = [];
      for (let i = 0; i < buf.length; i += 50_000) chunks.push(buf.subarray(i, i + 50_000));
      const key = `streams/${mode}/${size}-${declare}`;
      const t = engine.start({ bucket: B, key, stream: Readable.from(chunks), size: declare ? size : undefined, encryption: encryptionFor(mode) });
      const result = await t.done;
      expect(result.failed).toEqual([]);
      await expectStored(key, mode, buf);
    }
  });
});
