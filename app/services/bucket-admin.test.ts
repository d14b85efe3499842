// Buckets as the window creates, changes and deletes them, against a real store on loopback: COS's naming rule and
// SSE regions refused before anything is sent, public-read and default encryption as asked, the default encryption
// set and removed, a bucket that holds objects never deleted by accident, and emptied in bounded steps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClient } from '../cos/client/test-support/client-fixture';
import type { CosClient } from '../cos/client';
import { startFixture, type StoreFixture } from '../store/test-support/store-fixture';
import { bucketContents, createBucketAsAsked, deleteEmptyBucket, emptyBucketStep, regionChoices, setBucketEncryption } from './bucket-admin';
import { toAppError } from './errors';

let store: StoreFixture;
let client: CosClient;

beforeAll(async () => {
  store = await startFixture();
  client = testClient(store.port);
});
afterAll(async () => {
  await client?.close();
  await store?.close();
});

async function failure(p: Promise<unknown>) {
  return toAppError(await p.then(() => new Error('expected a failure'), (e: unknown) => e));
}

const bucketNames = async () => (await client.listBuckets()).buckets.map((b) => b.name);

describe('creating a bucket', () => {
  it('is private or public-read as asked, and encrypts new objects by default when asked', async () => {
    await createBucketAsAsked(client, 'open-1250000000', { region: 'ap-guangzhou', defaultEncryption: true, access: 'public-read' });
    expect((await client.getBucketAcl('open-1250000000')).canned).toBe('public-read');
    expect(await client.getBucketEncryption('open-1250000000')).toMatchObject({ algorithm: 'AES256' });
    await createBucketAsAsked(client, 'closed-1250000000', { region: 'ap-guangzhou', defaultEncryption: false, access: 'private' });
    expect((await client.getBucketAcl('closed-1250000000')).canned).toBe('private');
    expect(await client.getBucketEncryption('closed-1250000000')).toBeNull();
  });

  it('refuses a name COS would refuse, and encryption where the region has none, before sending anything', async () => {
    // ap-beijing with a 10-digit APPID leaves 21 characters (the bucket's domain is at most 60).
    expect((await failure(createBucketAsAsked(client, `${'a'.repeat(22)}-1250000000`, { region: 'ap-beijing', defaultEncryption: true, access: 'private' }))).message).toBe(
      `The bucket name "${'a'.repeat(22)}" is longer than COS allows in ap-beijing (21 characters before "-1250000000"); choose another name.`,
    );
    expect((await failure(createBucketAsAsked(client, '-edge-1250000000', { region: 'ap-guangzhou', defaultEncryption: false, access: 'private' }))).code).toBe('BucketNameInvalid');
    const sse = await failure(createBucketAsAsked(client, 'chengdu-1250000000', { region: 'ap-chengdu', defaultEncryption: true, access: 'private' }));
    expect(sse).toMatchObject({ kind: 'unavailable', code: 'SseNotOfferedInRegion' });
    expect(await bucketNames()).not.toContain('chengdu-1250000000');
    expect(await bucketNames()).not.toContain(`${'a'.repeat(22)}-1250000000`);
    await createBucketAsAsked(client, `${'a'.repeat(21)}-1250000000`, { region: 'ap-beijing', defaultEncryption: true, access: 'private' });
  });

  it('says so when the name is taken', async () => {
    await createBucketAsAsked(client, 'twice-1250000000', { region: 'ap-guangzhou', defaultEncryption: false, access: 'private' });
    const again = await failure(createBucketAsAsked(client, 'twice-1250000000', { region: 'ap-guangzhou', defaultEncryption: false, access: 'private' }));
    expect(again).toMatchObject({ kind: 'conflict', code: 'BucketNameYours', message: 'You have a bucket named cos://twice-1250000000 already; choose another name.' });
  });

  it('offers every COS region, marking where server-side encryption is', () => {
    const regions = regionChoices();
    expect(regions.filter((r) => r.sseOffered).map((r) => r.id)).toEqual(['ap-beijing', 'ap-shanghai', 'ap-guangzhou']);
    expect(regions.map((r) => r.id)).toContain('ap-chengdu');
  });
});

describe('default encryption', () => {
  it('is set to SSE-COS, then removed', async () => {
    await createBucketAsAsked(client, 'toggle-1250000000', { region: 'ap-guangzhou', defaultEncryption: false, access: 'private' });
    expect(await setBucketEncryption(client, 'toggle-1250000000', { mode: 'SSE-COS' })).toEqual({ mode: 'SSE-COS' });
    expect(await client.getBucketEncryption('toggle-1250000000')).toMatchObject({ algorithm: 'AES256' });
    expect(await setBucketEncryption(client, 'toggle-1250000000', null)).toBeNull();
    expect(await client.getBucketEncryption('toggle-1250000000')).toBeNull();
    // Removing what is not there is not an error.
    expect(await setBucketEncryption(client, 'toggle-1250000000', null)).toBeNull();
  });

  it('is refused for a bucket in a region without server-side encryption', async () => {
    await createBucketAsAsked(client, 'far-1250000000', { region: 'ap-chengdu', defaultEncryption: false, access: 'private' });
    const chengdu = testClient(store.port, { region: 'ap-chengdu' });
    try {
      expect((await failure(setBucketEncryption(chengdu, 'far-1250000000', { mode: 'SSE-COS' }))).code).toBe('SseNotOfferedInRegion');
    } finally {
      await chengdu.close();
    }
  });
});

describe('deleting a bucket', () => {
  it('refuses one that holds objects, counts them, empties it in bounded steps, then deletes it', async () => {
    const bucket = 'full-1250000000';
    await createBucketAsAsked(client, bucket, { region: 'ap-guangzhou', defaultEncryption: true, access: 'private' });
    // Steps of 10 here (1,000 in the app): 23 objects take three steps, the unfinished upload a fourth.
    const n = 23;
    await Promise.all(Array.from({ length: n }, (_, i) => client.putObject(bucket, `f/${String(i).padStart(2, '0')}.txt`, Buffer.from('x'))));
    await client.initiateMultipartUpload(bucket, 'big.bin');
    expect(await bucketContents(client, bucket)).toEqual({ objects: n, bytes: n, uploads: 1 });

    const refused = await failure(deleteEmptyBucket(client, bucket));
    expect(refused).toMatchObject({ kind: 'conflict', code: 'BucketHasObjects' });
    expect(await bucketNames()).toContain(bucket);

    const steps = [];
    for (let i = 0; i < 6; i++) {
      const step = await emptyBucketStep(client, bucket, { batch: 10 });
      steps.push(step);
      if (step.done) break;
    }
    expect(steps.map((s) => [s.deleted, s.aborted, s.done])).toEqual([
      [10, 0, false],
      [10, 0, false],
      [3, 0, false],
      [0, 1, true],
    ]);
    expect(await bucketContents(client, bucket)).toEqual({ objects: 0, bytes: 0, uploads: 0 });
    await deleteEmptyBucket(client, bucket);
    expect(await bucketNames()).not.toContain(bucket);
  });
});
