// Incomplete multipart uploads as the app and the CLI see them, against the real store: listed under a name with
// the parts and bytes they hold, tied to this machine's resume journal when there is one, filtered by age, and
// aborted together with that journal.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CosClient } from '../cos/client';
import { testClient } from '../cos/client/test-support/client-fixture';
import { APPID, startFixture, type StoreFixture } from '../store/test-support/store-fixture';
import { abortIncompleteUpload, listIncompleteUploads, olderThan, tallyIncompleteUploads } from './incomplete-uploads';
import { journalId, JournalStore } from './journal';
import { resolveTarget } from './object-target';

let f: StoreFixture;
let client: CosClient;
let dir: string;
let journals: JournalStore;

beforeAll(async () => {
  f = await startFixture();
  client = testClient(f.port);
  await client.createBucket('held');
  dir = await mkdtemp(join(tmpdir(), 'coffer-incomplete-'));
  journals = new JournalStore(join(dir, 'journals'));
});
afterAll(async () => {
  await client?.close();
  await f?.close();
  await rm(dir, { recursive: true, force: true });
});

async function leaveIncomplete(key: string, sizes: number[]): Promise<string> {
  const { uploadId } = await client.initiateMultipartUpload('held', key);
  for (const [i, size] of sizes.entries()) await client.uploadPart('held', key, uploadId, i + 1, randomBytes(size));
  return uploadId;
}

describe('incomplete uploads', () => {
  it('are listed under a name with parts, bytes and the local file that can resume them, and aborted with its journal', async () => {
    const video = await leaveIncomplete('media/video.bin', [2000, 1000]);
    const other = await leaveIncomplete('media', [10]);
    await leaveIncomplete('media2/not-this.bin', [5]);
    // This machine's journal for the video (bucket written in full, as a profile might).
    const localFile = join(dir, 'video.bin');
    const id = journalId('held', 'media/video.bin', localFile);
    await journals.write(id, {
      version: 1,
      bucket: `held-${APPID}`,
      key: 'media/video.bin',
      uploadId: video,
      partSize: 1024 * 1024,
      file: { path: localFile, size: 3000, mtimeMs: 1 },
      encryption: { mode: 'SSE-COS' },
      parts: {},
      createdAt: new Date().toISOString(),
    });

    const listed = await listIncompleteUploads(client, 'held', resolveTarget('media', true), { journals });
    expect(listed.map((u) => [u.key, u.uploadId, u.parts, u.bytes, u.resumableFrom])).toEqual(
      expect.arrayContaining([
        ['media/video.bin', video, 2, 3000, localFile],
        ['media', other, 1, 10, undefined],
      ]),
    );
    expect(listed).toHaveLength(2);
    expect(tallyIncompleteUploads(listed)).toEqual({ uploads: 2, parts: 3, bytes: 3010 });
    expect(listed.every((u) => u.initiated instanceof Date)).toBe(true);
    expect(olderThan(listed, 60_000)).toEqual([]);
    expect(olderThan(listed, 60_000, Date.now() + 120_000)).toHaveLength(2);

    const res = await abortIncompleteUpload(client, listed.find((u) => u.uploadId === video)!, { journals });
    expect(res).toEqual({ aborted: true, resumeForgotten: localFile });
    expect(await journals.read(id)).toBeUndefined();
    // Gone already: said so, not an error.
    expect(await abortIncompleteUpload(client, { bucket: 'held', key: 'media/video.bin', uploadId: video }, { journals })).toEqual({ aborted: false });
    expect((await listIncompleteUploads(client, 'held', resolveTarget('media', true))).map((u) => u.uploadId)).toEqual([other]);
  });
});
