// Coffer in browser mode, in Chromium, as a new user meets it: the first run shows a bucket that encrypts by
// default; dropped files become rows that turn "Encrypted (SSE-COS)"; a folder is opened and left with the
// breadcrumb; and nothing the page receives carries a secret of the store.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../app/services/store-launch';
import { expect, test } from './fixtures';

const BUCKET = 'my-files-1250000000';

test('first run: the window opens on a bucket that encrypts by default, ready for a drop', async ({ page, coffer }) => {
  await page.goto(coffer.url);
  const places = page.getByRole('navigation', { name: 'Places' });
  await expect(places.getByText('This computer')).toBeVisible();
  await expect(places.getByText('my-files', { exact: true })).toBeVisible();
  await expect(places.getByRole('img', { name: 'Encrypts new files by default' })).toBeVisible();
  await expect(page.getByText('Drop files here, or click Upload')).toBeVisible();
});

test('two dropped files appear as rows that turn "Encrypted (SSE-COS)", and are stored so', async ({ page, coffer, frames }) => {
  await page.goto(coffer.url);
  await expect(page.getByText('Drop files here, or click Upload')).toBeVisible();
  await page.getByTestId('drop-zone').drop({
    files: [
      { name: 'report.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 quarterly numbers') },
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('remember the milk') },
    ],
  });
  const grid = page.getByRole('grid');
  for (const name of ['report.pdf', 'notes.txt']) {
    await expect(grid.getByRole('row').filter({ hasText: name })).toContainText('Encrypted (SSE-COS)');
  }
  const list = (await coffer.api('objects.list', { connectionId: 'local', bucket: BUCKET })) as { value: { objects: Array<{ key: string; size: number }> } };
  expect(list.value.objects.map((o) => [o.key, o.size])).toEqual([
    ['notes.txt', 17],
    ['report.pdf', 26],
  ]);
  await expect(page.getByRole('region', { name: 'Transfers' })).toContainText('Done');

  // No secret of the store crossed to the page, and none is in the built window.
  const { secretId, secretKey } = await coffer.storeSecrets();
  expect(frames.length).toBeGreaterThan(5);
  for (const f of frames) {
    expect(f).not.toContain(secretKey);
    expect(f).not.toContain(secretId);
  }
  const built = join(PROJECT_ROOT, 'dist', 'renderer');
  for (const file of await readdir(built, { recursive: true })) {
    const text = await readFile(join(built, file)).catch(() => Buffer.alloc(0));
    expect(text.includes(secretKey), file).toBe(false);
  }
});

test('files picked with the Upload button are uploaded encrypted too', async ({ page, coffer }) => {
  await page.goto(coffer.url);
  await expect(page.getByText('Drop files here, or click Upload')).toBeVisible();
  await page.getByTestId('upload-files-input').setInputFiles([
    { name: 'photo.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(300_000, 7) },
    { name: 'song.mp3', mimeType: 'audio/mpeg', buffer: Buffer.alloc(1000, 1) },
  ]);
  await expect(page.getByRole('grid').getByRole('row').filter({ hasText: 'photo.jpg' })).toContainText('Encrypted (SSE-COS)');
  await expect(page.getByRole('grid').getByRole('row').filter({ hasText: 'song.mp3' })).toContainText('Encrypted (SSE-COS)');
});

test('a folder is opened, and left again with the breadcrumb', async ({ page, coffer }) => {
  await coffer.ready();
  expect(await coffer.api('objects.createFolder', { connectionId: 'local', bucket: BUCKET, key: '2026/' })).toMatchObject({ ok: true });
  await page.goto(coffer.url);
  const grid = page.getByRole('grid');
  await grid.getByRole('button', { name: '2026/' }).click();
  const crumbs = page.getByRole('navigation', { name: 'Location' });
  await expect(crumbs.locator('[aria-current="page"]')).toHaveText('2026');
  await expect(page.getByText('Drop files here, or click Upload')).toBeVisible();
  // A file dropped here lands in the folder.
  await page.getByTestId('drop-zone').drop({ files: { name: 'inside.txt', mimeType: 'text/plain', buffer: Buffer.from('in 2026') } });
  await expect(grid.getByRole('row').filter({ hasText: 'inside.txt' })).toContainText('Encrypted (SSE-COS)');
  await crumbs.getByRole('button', { name: 'my-files' }).click();
  await expect(crumbs.locator('[aria-current="page"]')).toHaveText('my-files');
  await expect(grid.getByRole('button', { name: '2026/' })).toBeVisible();
  await expect(grid.getByRole('row').filter({ hasText: 'inside.txt' })).toHaveCount(0);
  const inside = (await coffer.api('objects.list', { connectionId: 'local', bucket: BUCKET, prefix: '2026/' })) as { value: { objects: Array<{ key: string }> } };
  expect(inside.value.objects.map((o) => o.key)).toEqual(['2026/inside.txt']);
});

test('an upload that cannot work says why in a sentence, not a code', async ({ page, coffer }) => {
  await coffer.ready();
  expect(await coffer.api('buckets.create', { connectionId: 'local', bucket: 'chengdu-1250000000', region: 'ap-chengdu', defaultEncryption: false })).toMatchObject({ ok: true });
  expect(await coffer.api('buckets.create', { connectionId: 'local', bucket: 'gone-1250000000', region: 'ap-guangzhou', defaultEncryption: true })).toMatchObject({ ok: true });
  await page.goto(coffer.url);
  const places = page.getByRole('navigation', { name: 'Places' });
  // A region without encryption: said before the drop, and asked before anything is uploaded unencrypted.
  await places.getByText('chengdu', { exact: true }).click();
  await expect(page.getByText('Drop files here, or click Upload')).toBeVisible();
  await expect(page.getByRole('button', { name: 'No encryption here: ap-chengdu offers none (for new uploads)' })).toBeVisible();
  await page.getByTestId('drop-zone').drop({ files: { name: 'a.txt', mimeType: 'text/plain', buffer: Buffer.from('a') } });
  const ask = page.getByRole('alertdialog', { name: 'Upload without encryption?' });
  await expect(ask).toContainText('This bucket is in ap-chengdu, where the storage service offers no encryption');
  await ask.getByRole('button', { name: 'Cancel' }).click();
  await expect(ask).toBeHidden();
  expect(await coffer.api('objects.list', { connectionId: 'local', bucket: 'chengdu-1250000000', prefix: '' })).toMatchObject({ ok: true, value: { objects: [] } });

  // A bucket deleted behind the window's back (in another tool): the drop fails with the core's sentence.
  await places.getByText('gone', { exact: true }).click();
  await expect(page.getByText('Drop files here, or click Upload')).toBeVisible();
  expect(await coffer.api('buckets.delete', { connectionId: 'local', bucket: 'gone-1250000000' })).toMatchObject({ ok: true });
  await page.getByTestId('drop-zone').drop({ files: { name: 'b.txt', mimeType: 'text/plain', buffer: Buffer.from('b') } });
  await expect(page.getByText('The bucket cos://gone-1250000000 does not exist; check its name, or pick another bucket.')).toBeVisible();
  await expect(page.getByText('NoSuchBucket', { exact: true })).toBeHidden();
  // A Chinese window says the same in Chinese: the core sent its sentence's phrase with it.
  expect(await coffer.api('settings.update', { settings: { language: 'zh-CN' } })).toMatchObject({ ok: true });
  await expect(page.getByText('存储桶 cos://gone-1250000000 不存在：请检查名称，或选择其他存储桶。')).toBeVisible();
});
