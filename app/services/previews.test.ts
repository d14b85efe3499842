// Previews against a real store: an image's bytes whole, an HTML file as plain text, a long text file cut at its
// first 256 KiB and said so, an SSE-C image read with the vault's key; too large or not previewable refused with a
// sentence; a ticket read once only, pinned to the version checked.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PREVIEW_MAX_BYTES, PREVIEW_TEXT_BYTES } from '../../shared/contract/channels-details';
import { useStoreClient } from './test-support/store-client';
import { NO_SSE_C_KEYS } from './object-details';
import { PreviewRegistry } from './previews';

const BUCKET = 'preview-1250000000';
const KEY = randomBytes(32);
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(3000)]);

const store = useStoreClient(async (client) => {
  await client.createBucket(BUCKET);
  await client.putObject(BUCKET, 'photo.png', PNG, { contentType: 'image/png', sse: { mode: 'SSE-COS' } });
  await client.putObject(BUCKET, 'page.html', Buffer.from('<script>alert(1)</script>'), { contentType: 'text/html' });
  await client.putObject(BUCKET, 'long.log', Buffer.alloc(PREVIEW_TEXT_BYTES + 5000, 'a'));
  await client.putObject(BUCKET, 'own.png', PNG, { contentType: 'image/png', sse: { mode: 'SSE-C', key: KEY } });
  await client.putObject(BUCKET, 'archive.zip', Buffer.from('PK'), { contentType: 'application/zip' });
});

const t = (key: string) => ({ bucket: BUCKET, key });

describe('previews', () => {
  it('gives an image whole, once', async () => {
    const previews = new PreviewRegistry();
    const ticket = await previews.open(store.client, t('photo.png'), NO_SSE_C_KEYS);
    expect(ticket).toMatchObject({ kind: 'image', contentType: 'image/png', size: PNG.length, truncated: false });
    const got = await previews.bytes(ticket.previewId);
    expect(Buffer.compare(got.data, PNG)).toBe(0);
    await expect(previews.bytes(ticket.previewId)).rejects.toMatchObject({ kind: 'not-found', code: 'NoSuchPreview' });
  });

  it('shows HTML as plain text, and only the first 256 KiB of a long text file', async () => {
    const previews = new PreviewRegistry();
    const html = await previews.open(store.client, t('page.html'), NO_SSE_C_KEYS);
    expect(html).toMatchObject({ kind: 'text', contentType: 'text/plain; charset=utf-8', truncated: false });
    expect((await previews.bytes(html.previewId)).data.toString()).toBe('<script>alert(1)</script>');
    const long = await previews.open(store.client, t('long.log'), NO_SSE_C_KEYS);
    expect(long).toMatchObject({ kind: 'text', size: PREVIEW_TEXT_BYTES, truncated: true });
    expect((await previews.bytes(long.previewId)).data.length).toBe(PREVIEW_TEXT_BYTES);
  });

  it('reads an SSE-C image with the vault key that opens it, and says so when the vault has none', async () => {
    const previews = new PreviewRegistry();
    await expect(previews.open(store.client, t('own.png'), NO_SSE_C_KEYS)).rejects.toMatchObject({ kind: 'access', code: 'SseCKeyNeeded' });
    const ticket = await previews.open(store.client, t('own.png'), { ids: async () => ['k'], key: async () => KEY });
    expect(Buffer.compare((await previews.bytes(ticket.previewId)).data, PNG)).toBe(0);
  });

  it('refuses what it cannot show, with a sentence', async () => {
    const previews = new PreviewRegistry();
    await expect(previews.open(store.client, t('archive.zip'), NO_SSE_C_KEYS)).rejects.toMatchObject({ code: 'NoPreview', message: expect.stringMatching(/archive\.zip is application\/zip\. Download it to open it\./) });
    await store.client.putObject(BUCKET, 'huge.png', Buffer.alloc(PREVIEW_MAX_BYTES + 1), { contentType: 'image/png' });
    await expect(previews.open(store.client, t('huge.png'), NO_SSE_C_KEYS)).rejects.toMatchObject({ code: 'PreviewTooLarge', message: expect.stringMatching(/too large to preview \(10\.0 MB; previews show files up to 10\.0 MB\)/) });
  });

  it('reads the version it checked: a file replaced since fails instead of showing other bytes', async () => {
    const previews = new PreviewRegistry();
    await store.client.putObject(BUCKET, 'changing.txt', Buffer.from('first'));
    const ticket = await previews.open(store.client, t('changing.txt'), NO_SSE_C_KEYS);
    await store.client.putObject(BUCKET, 'changing.txt', Buffer.from('second'));
    await expect(previews.bytes(ticket.previewId)).rejects.toMatchObject({ status: 412 });
  });

  it('forgets tickets after two minutes', async () => {
    let now = 1_000_000;
    const previews = new PreviewRegistry(() => now);
    const ticket = await previews.open(store.client, t('page.html'), NO_SSE_C_KEYS);
    now += 2 * 60_000 + 1;
    await expect(previews.bytes(ticket.previewId)).rejects.toMatchObject({ code: 'NoSuchPreview' });
  });
});
