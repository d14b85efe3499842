// Share links against a real store: a link opened with no credentials at all (plain fetch) gives the bytes of a plain
// and of an SSE-COS object; an SSE-C object's link is flagged as needing the key (and indeed opens nothing alone);
// more than 7 days is refused with a sentence; a missing object is said before anything is signed.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useStoreClient } from './test-support/store-client';
import { ServiceError } from './errors';
import { shareLink } from './share-links';

const BUCKET = 'share-1250000000';
const REGION = 'ap-guangzhou';

const store = useStoreClient(async (client) => {
  await client.createBucket(BUCKET);
  await client.putObject(BUCKET, 'plain.txt', Buffer.from('plain words'), { contentType: 'text/plain' });
  await client.putObject(BUCKET, 'sealed/secret.txt', Buffer.from('sealed words'), { sse: { mode: 'SSE-COS' } });
  await client.putObject(BUCKET, 'own-key.bin', Buffer.from('customer words'), { sse: { mode: 'SSE-C', key: randomBytes(32) } });
});

describe('share links', () => {
  it('open a plain and an SSE-COS object with no credentials, for the time asked', async () => {
    for (const [key, body] of [
      ['plain.txt', 'plain words'],
      ['sealed/secret.txt', 'sealed words'],
    ] as const) {
      const link = await shareLink(store.client, { bucket: BUCKET, key, region: REGION, expiresSeconds: 600 });
      expect(link.needsSseCKey).toBe(false);
      expect(link.url).toMatch(/q-sign-algorithm=sha1/);
      expect(new Date(link.expiresAt).getTime() - Date.now()).toBeGreaterThan(590_000);
      expect(new Date(link.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(600_000);
      const res = await fetch(link.url);
      expect(res.status, key).toBe(200);
      expect(await res.text()).toBe(body);
      // The link is only for this object.
      const other = await fetch(link.url.replace(encodeURI(key), 'other.txt'));
      expect(other.status).toBe(403);
    }
  });

  it('says an SSE-C object needs its key besides the link (and the link alone opens nothing)', async () => {
    const link = await shareLink(store.client, { bucket: BUCKET, key: 'own-key.bin', region: REGION, expiresSeconds: 3600 });
    expect(link.needsSseCKey).toBe(true);
    expect((await fetch(link.url)).status).toBe(400);
  });

  it('refuses more than 7 days with a sentence, and a missing object before signing', async () => {
    const tooLong = shareLink(store.client, { bucket: BUCKET, key: 'plain.txt', region: REGION, expiresSeconds: 7 * 24 * 3600 + 1 });
    await expect(tooLong).rejects.toBeInstanceOf(ServiceError);
    await expect(tooLong).rejects.toMatchObject({ kind: 'usage', code: 'ExpiryTooLong', message: expect.stringMatching(/at most 7 days/) });
    const week = await shareLink(store.client, { bucket: BUCKET, key: 'plain.txt', region: REGION, expiresSeconds: 7 * 24 * 3600 });
    expect((await fetch(week.url)).status).toBe(200);
    await expect(shareLink(store.client, { bucket: BUCKET, key: 'nope.txt', region: REGION, expiresSeconds: 60 })).rejects.toMatchObject({ status: 404 });
  });
});
