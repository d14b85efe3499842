// Settings in browser mode, as a user does it: the default encryption changed to SSE-KMS, and the next dropped file
// is SSE-KMS on the server (HEAD); an SSE-C key generated (the vault created under a passphrase), exported as a
// download, used for an upload (SSE-C under that key on the server), downloaded again through the window, then
// removed after the warning named the file that may still need it; the language switched to 简体中文 and back without
// a reload. The settings view is photographed in both languages into docs/screenshots/. The key's bytes reach the
// page only as the exported file: never in a WebSocket frame.
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { PROJECT_ROOT } from '../app/services/store-launch';
import { expect, test } from './fixtures';
import { storeClient } from './store-client';

// The vault gets a passphrase here, never this machine's keychain (the host inherits this).
process.env.COFFER_VAULT_PROTECTOR = 'passphrase';

const BUCKET = 'my-files-1250000000';
const SHOTS = join(PROJECT_ROOT, 'docs', 'screenshots');
const row = (page: Page, name: string) => page.getByRole('grid').getByRole('row').filter({ hasText: name });

async function openSettings(page: Page, title = 'Settings') {
  await page.getByRole('navigation').getByRole('button', { name: title, exact: true }).click();
  const dialog = page.getByRole('dialog', { name: title, exact: true });
  await expect(dialog).toBeVisible();
  return dialog;
}

async function closeSettings(page: Page) {
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
}

test('the default encryption changed in Settings applies to the next upload (SSE-KMS on the server)', async ({ page, coffer }) => {
  await page.goto(coffer.url);
  await expect(page.getByText('Drop files here, or click Upload')).toBeVisible();
  const settings = await openSettings(page);
  // react-aria's radios are labels over a hidden input: the label is what a user clicks.
  await settings.getByText('SSE-KMS: encrypted with a key from Tencent Cloud KMS (key management service)', { exact: true }).click();
  await expect(settings.getByRole('radio', { name: 'SSE-KMS: encrypted with a key from Tencent Cloud KMS (key management service)' })).toBeChecked();
  await expect(settings.getByRole('status')).toHaveText('Saved.');
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.screenshot({ path: join(SHOTS, 'settings.png') });
  await closeSettings(page);

  await expect(page.getByRole('button', { name: 'Encryption: SSE-KMS (for new uploads)' })).toBeVisible();
  await page.getByTestId('drop-zone').drop({ files: { name: 'budget.txt', mimeType: 'text/plain', buffer: Buffer.from('next year') } });
  await expect(row(page, 'budget.txt')).toContainText('Encrypted (SSE-KMS)');
  const client = await storeClient(coffer);
  expect((await client.headObject(BUCKET, 'budget.txt')).encryption.mode).toBe('SSE-KMS');

  // Saved in COFFER_HOME, for the next start and for `coffer cp`.
  expect(JSON.parse(await readFile(join(coffer.home, 'settings.json'), 'utf8'))).toMatchObject({ defaultEncryption: { mode: 'sse-kms' } });
  await client.close();
});

test('an SSE-C key: generate, export, upload with it, download again, remove (warned)', async ({ page, coffer, frames }) => {
  await page.goto(coffer.url);
  await expect(page.getByText('Drop files here, or click Upload')).toBeVisible();
  let settings = await openSettings(page);
  await settings.getByRole('button', { name: 'Generate a key' }).click();
  const add = page.getByRole('dialog', { name: 'Generate a key' });
  await add.getByLabel('Name', { exact: true }).fill('e2e key');
  // The first key creates the vault; no keychain here, so a passphrase.
  await add.getByLabel('Vault passphrase', { exact: true }).fill('correct horse battery');
  await add.getByLabel('The passphrase again', { exact: true }).fill('correct horse battery');
  await add.getByRole('button', { name: 'Generate' }).click();
  await expect(add.getByText('Export a copy now and keep it somewhere safe', { exact: false })).toBeVisible();

  await add.getByRole('button', { name: 'Export' }).click();
  const ask = page.getByRole('alertdialog', { name: 'Export the key “e2e key”?' });
  await expect(ask).toContainText('Whoever has this file can read every file encrypted with this key.');
  const saving = page.waitForEvent('download');
  await ask.getByRole('button', { name: 'Export to a file' }).click();
  const keyFile = await saving;
  expect(keyFile.suggestedFilename()).toBe('e2e key.key');
  const keyText = (await readFile(await keyFile.path())).toString('utf8').trim();
  const key = Buffer.from(keyText, 'base64');
  expect(key).toHaveLength(32);
  await expect(ask).toContainText('Your browser is saving e2e key.key.');
  await ask.getByRole('button', { name: 'Close' }).click();

  // The default for uploads becomes SSE-C with this key.
  await settings.getByText('SSE-C: encrypted with your own key', { exact: true }).click();
  await expect(settings.getByRole('radio', { name: 'SSE-C: encrypted with your own key' })).toBeChecked();
  await expect(settings.getByRole('button', { name: 'e2e key SSE-C key' })).toBeVisible();
  await closeSettings(page);

  const data = randomBytes(200_000);
  await page.getByTestId('drop-zone').drop({ files: { name: 'private.bin', mimeType: 'application/octet-stream', buffer: data } });
  await expect(row(page, 'private.bin')).toContainText('Encrypted (SSE-C)');
  const client = await storeClient(coffer);
  await expect(client.headObject(BUCKET, 'private.bin')).rejects.toMatchObject({ status: 400 });
  const head = await client.headObject(BUCKET, 'private.bin', { sseCustomerKey: key });
  expect(head.encryption).toEqual({ mode: 'SSE-C', keyMd5: createHash('md5').update(key).digest('base64') });

  // Downloaded through the window: the core finds the object's key in the vault.
  await row(page, 'private.bin').click();
  const downloading = page.waitForEvent('download');
  await page.getByRole('toolbar').getByRole('button', { name: 'Download', exact: true }).click();
  const file = await downloading;
  expect((await readFile(await file.path())).equals(data)).toBe(true);

  settings = await openSettings(page);
  await settings.getByRole('button', { name: 'Remove “e2e key”' }).click();
  const remove = page.getByRole('alertdialog', { name: 'Remove the key “e2e key”?' });
  await expect(remove).toContainText('Files encrypted with this key cannot be read without it.');
  await expect(remove).toContainText('Coffer uploaded 1 file with this key, which may still need it:');
  await expect(remove.getByRole('list', { name: 'Files that may need this key' })).toContainText('private.bin');
  await remove.getByRole('button', { name: 'Remove key' }).click();
  await expect(settings.getByText('No keys yet.')).toBeVisible();
  // The default that named it is SSE-COS again.
  await expect(settings.getByRole('radio', { name: 'SSE-COS: encrypted by the storage service' })).toBeChecked();

  // The key crossed to the page only as the exported file.
  for (const f of frames) {
    expect(f).not.toContain(keyText);
    expect(f).not.toContain(key.toString('hex'));
  }
  await client.close();
});

test('the language changes to 简体中文 and back without a reload', async ({ page, coffer }) => {
  await page.goto(coffer.url);
  await expect(page.getByText('Drop files here, or click Upload')).toBeVisible();
  // A mark on this page's window: a reload would lose it. (Expressions as text: e2e/ compiles without DOM types.)
  await page.evaluate('window.notReloaded = true');
  let settings = await openSettings(page);
  await settings.getByText('简体中文', { exact: true }).click();
  settings = page.getByRole('dialog', { name: '设置', exact: true });
  await expect(settings.getByRole('heading', { name: '外观与语言' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.screenshot({ path: join(SHOTS, 'settings-zh-CN.png') });
  await closeSettings(page);
  await expect(page.getByRole('navigation', { name: '位置' }).getByText('本机')).toBeVisible();
  await expect(page.getByText('将文件拖到这里，或点击“上传”')).toBeVisible();

  settings = await openSettings(page, '设置');
  await settings.getByText('English', { exact: true }).click();
  await expect(page.getByRole('dialog', { name: 'Settings', exact: true })).toBeVisible();
  await closeSettings(page);
  await expect(page.getByRole('navigation', { name: 'Places' }).getByText('This computer')).toBeVisible();
  expect(await page.evaluate('window.notReloaded')).toBe(true);

  // The choice is kept in COFFER_HOME (browser mode's address, and so its storage, changes with each start).
  expect(JSON.parse(await readFile(join(coffer.home, 'settings.json'), 'utf8'))).toMatchObject({ language: 'en' });
});

test('the dark theme applies at once', async ({ page, coffer }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(coffer.url);
  await expect(page.getByText('Drop files here, or click Upload')).toBeVisible();
  const background = () => page.evaluate<string>('getComputedStyle(document.body).backgroundColor');
  expect(await background()).toBe('rgb(255, 255, 255)');
  const settings = await openSettings(page);
  await settings.getByText('Dark', { exact: true }).click();
  await expect.poll(background).toBe('rgb(27, 30, 36)');
  await settings.getByText('As the system', { exact: true }).click();
  await expect.poll(background).toBe('rgb(255, 255, 255)');
});
