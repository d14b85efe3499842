// A bucket deleted (by someone else, or another tool) while the page shows it: dropping a file there, and
// refreshing the list, each say what happened in a sentence a user can act on, never the server's error code.
// (The wrong-region case, SSE not offered in ap-chengdu, is in browser-mode.spec.ts.)
import { expect, test } from './fixtures';
import { storeClient } from './store-client';

const BUCKET = 'gone-1250000000';
const SENTENCE = `The bucket cos://${BUCKET} does not exist; check its name, or pick another bucket.`;

test('a bucket deleted under the page: the drop and the refresh say so in a sentence, not a code', async ({ page, coffer }) => {
  const client = await storeClient(coffer);
  try {
    expect(await coffer.api('buckets.create', { connectionId: 'local', bucket: BUCKET, region: 'ap-guangzhou', defaultEncryption: true })).toMatchObject({ ok: true });
    await page.goto(coffer.url);
    await page.getByRole('navigation', { name: 'Places' }).getByText('gone', { exact: true }).click();
    await expect(page.getByText('Drop files here, or click Upload')).toBeVisible();

    await client.deleteBucket(BUCKET);
    await page.getByTestId('drop-zone').drop({ files: { name: 'late.txt', mimeType: 'text/plain', buffer: Buffer.from('too late') } });
    await expect(page.getByRole('region', { name: 'Transfers' }).getByText(SENTENCE)).toBeVisible();

    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect(page.getByTestId('drop-zone').getByText(SENTENCE)).toBeVisible();
    // The code is for support, inside the closed "Details" of each notice.
    for (const code of await page.getByText('NoSuchBucket', { exact: true }).all()) await expect(code).toBeHidden();
    // Nothing was left behind for the file.
    expect((await client.listBuckets()).buckets.map((b) => b.name)).not.toContain(BUCKET);
  } finally {
    await client.close();
  }
});
