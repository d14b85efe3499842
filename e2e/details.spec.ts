// Object details in browser mode, in Chromium: the pane shows a file's facts; a share link opened in a fresh browser
// context (no login, no token) downloads a plain and an SSE-COS file; the public address of a file in a public-read
// bucket opens a plain file and is refused for an encrypted one — as the pane said beforehand; a file renamed and a
// folder moved keep their encryption; an image, a text file and a PDF previewed. The public-read bucket is made
// with the official COS SDK against the embedded store, as any other tool would.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import COS from 'cos-nodejs-sdk-v5';
import type { Browser, Locator, Page } from '@playwright/test';
import { PROJECT_ROOT } from '../app/services/store-launch';
import { expect, test, type CofferHost } from './fixtures';
import { storeClient } from './store-client';

const PUBLIC = 'public-1250000000';
const MY_FILES = 'my-files-1250000000';
const REGION = 'ap-guangzhou';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

/** The official SDK pointed at the store Coffer started (its address from COFFER_HOME/store.json). */
async function sdk(coffer: CofferHost): Promise<{ call(method: string, params: Record<string, unknown>): Promise<unknown> }> {
  await coffer.ready();
  const { url } = JSON.parse(await readFile(join(coffer.home, 'store.json'), 'utf8')) as { url: string };
  const { secretId, secretKey } = await coffer.storeSecrets();
  const cos = new COS({ SecretId: secretId, SecretKey: secretKey, Ip: new URL(url).host, Protocol: 'http:' } as ConstructorParameters<typeof COS>[0]);
  return {
    call: (method, params) =>
      new Promise((resolve, reject) => (cos as unknown as Record<string, (p: unknown, cb: (e: unknown, d: unknown) => void) => void>)[method]!.call(cos, params, (e, d) => (e ? reject(e) : resolve(d)))),
  };
}

/** A one-page PDF (a filled square, no fonts), with a correct cross-reference table. */
function onePagePdf(): Buffer {
  const content = '0 0.4 0.8 rg 40 40 120 120 re f';
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Resources << >> >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

const row = (page: Page, name: string) => page.getByRole('grid').getByRole('row').filter({ hasText: name });
const pane = (page: Page) => page.getByRole('complementary', { name: 'Details' });

async function openBucket(page: Page, coffer: CofferHost, short: string): Promise<void> {
  await page.goto(coffer.url);
  await page.getByRole('navigation', { name: 'Places' }).getByText(short, { exact: true }).click();
  await expect(page.getByRole('navigation', { name: 'Location' }).locator('[aria-current="page"]')).toHaveText(short);
}

/** Opens `url` in a new browser context: no cookies, no token, nobody signed in. */
async function openAsStranger(browser: Browser, url: string): Promise<{ status: number; text: string }> {
  const context = await browser.newContext();
  try {
    const stranger = await context.newPage();
    const res = await stranger.goto(url);
    return { status: res!.status(), text: await stranger.locator('body').innerText() };
  } finally {
    await context.close();
  }
}

async function makeShareLink(details: Locator, expiry: string): Promise<string> {
  const share = details.getByRole('region', { name: 'Share link' });
  await share.getByRole('button', { name: /Link works for/ }).click();
  await details.page().getByRole('option', { name: expiry }).click();
  await share.getByRole('button', { name: 'Create link' }).click();
  const link = share.getByRole('textbox', { name: 'Share link' });
  await expect(link).toHaveValue(/q-sign-algorithm=sha1/);
  return link.inputValue();
}

test('details, share links and public addresses: what the pane says is what a stranger gets', async ({ page, coffer, browser }) => {
  const cos = await sdk(coffer);
  await cos.call('putBucket', { Bucket: PUBLIC, Region: REGION, ACL: 'public-read' });
  await cos.call('putObject', { Bucket: PUBLIC, Region: REGION, Key: 'plain.txt', Body: 'plain words', ContentType: 'text/plain', Headers: { 'x-cos-meta-project': 'coffer' } });
  await cos.call('putObject', { Bucket: PUBLIC, Region: REGION, Key: 'sealed.txt', Body: 'sealed words', ContentType: 'text/plain', ServerSideEncryption: 'AES256' });

  await openBucket(page, coffer, 'public');
  await row(page, 'plain.txt').click();
  const details = pane(page);
  await expect(details.getByRole('heading', { name: 'plain.txt' })).toBeVisible();
  const facts = details.getByRole('region', { name: 'Information' });
  await expect(facts).toContainText('11 bytes');
  await expect(facts).toContainText('text/plain');
  await expect(facts).toContainText('Standard');
  await expect(facts).toContainText(/"[0-9a-f]{32}"/);
  await expect(facts).toContainText('CRC64');
  await expect(facts).toContainText('project');
  await expect(details.getByRole('region', { name: 'Encryption' })).toContainText('Not encrypted');
  const access = details.getByRole('region', { name: 'Who can open it' });
  await expect(access).toContainText('Anyone with this address can open the file.');
  const plainAddress = await access.getByRole('textbox', { name: 'Public address' }).inputValue();
  expect(await openAsStranger(browser, plainAddress)).toEqual({ status: 200, text: 'plain words' });
  const plainLink = await makeShareLink(details, '1 hour');
  expect(await openAsStranger(browser, plainLink)).toEqual({ status: 200, text: 'plain words' });

  await row(page, 'sealed.txt').click();
  await expect(details.getByRole('heading', { name: 'sealed.txt' })).toBeVisible();
  await expect(details.getByRole('region', { name: 'Encryption' })).toContainText('Encrypted (SSE-COS)');
  await expect(details.getByRole('region', { name: 'Encryption' })).toContainText('cannot be opened through a public address');
  await expect(access.getByRole('note')).toContainText('This address will not open the file: it is encrypted');
  const sealedLink = await makeShareLink(details, '7 days');
  await expect(details.getByRole('region', { name: 'Share link' })).toContainText('Anyone with this link can download the file until');
  // For the README: the pane from its top, beside the whole table.
  await page.setViewportSize({ width: 1440, height: 900 });
  await details.evaluate((el) => el.scrollTo({ top: 0 }));
  await page.screenshot({ path: join(PROJECT_ROOT, 'docs', 'screenshots', 'details-pane.png') });
  // As said: the public address is refused, the share link works, for a visitor with no login at all.
  const sealedAddress = await access.getByRole('textbox', { name: 'Public address' }).inputValue();
  expect((await openAsStranger(browser, sealedAddress)).status).toBe(403);
  expect(await openAsStranger(browser, sealedLink)).toEqual({ status: 200, text: 'sealed words' });
});

test('a file renamed and a folder moved keep their encryption, as a file manager does it', async ({ page, coffer }) => {
  const client = await storeClient(coffer);
  await client.putObject(MY_FILES, 'draft.txt', Buffer.from('draft'), { sse: { mode: 'SSE-COS' } });
  for (const k of ['album/a.txt', 'album/b.txt']) await client.putObject(MY_FILES, k, Buffer.from(k), { sse: { mode: 'SSE-COS' } });
  await client.putObject(MY_FILES, 'archive/', Buffer.alloc(0));
  await page.goto(coffer.url);

  await row(page, 'draft.txt').click();
  await pane(page).getByRole('button', { name: 'Rename draft.txt…' }).click();
  const rename = page.getByRole('dialog', { name: 'Rename draft.txt' });
  await rename.getByRole('textbox', { name: 'New name' }).fill('final.txt');
  await rename.getByRole('button', { name: 'Rename' }).click();
  await expect(row(page, 'final.txt')).toContainText('Encrypted (SSE-COS)');
  await expect(row(page, 'draft.txt')).toHaveCount(0);
  expect((await client.headObject(MY_FILES, 'final.txt')).encryption).toEqual({ mode: 'SSE-COS' });
  await expect(client.headObject(MY_FILES, 'draft.txt')).rejects.toMatchObject({ status: 404 });

  await page.getByRole('grid').getByRole('button', { name: 'album/' }).click({ button: 'right' });
  await page.getByRole('menu', { name: 'Actions for album' }).getByRole('menuitem', { name: 'Move to…' }).click();
  const move = page.getByRole('dialog', { name: 'Move album' });
  await move.getByRole('button', { name: 'archive' }).click();
  await move.getByRole('button', { name: 'Move to archive' }).click();
  await expect(page.getByRole('region', { name: 'Transfers' })).toContainText('Moved “album”');
  await expect(page.getByRole('grid').getByRole('button', { name: 'album/' })).toHaveCount(0);
  await page.getByRole('grid').getByRole('button', { name: 'archive/' }).click();
  await page.getByRole('grid').getByRole('button', { name: 'album/' }).click();
  await expect(row(page, 'a.txt')).toContainText('Encrypted (SSE-COS)');
  await expect(row(page, 'b.txt')).toContainText('Encrypted (SSE-COS)');
  expect((await client.listObjects(MY_FILES, { prefix: 'album/' })).contents).toEqual([]);
});

test('a folder deleted from the right-click menu goes with everything in it, after a question that says so', async ({ page, coffer }) => {
  const client = await storeClient(coffer);
  for (const k of ['trip/a.jpg', 'trip/day 2/b.jpg', 'trip/', 'tripod.txt']) await client.putObject(MY_FILES, k, Buffer.from(k));
  await page.goto(coffer.url);

  await page.getByRole('grid').getByRole('button', { name: 'trip/' }).click({ button: 'right' });
  await page.getByRole('menu', { name: 'Actions for trip' }).getByRole('menuitem', { name: 'Delete' }).click();
  const ask = page.getByRole('alertdialog', { name: 'Delete the folder “trip” and everything in it?' });
  await expect(ask).toContainText('Everything inside the folder goes too');
  await ask.getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByRole('region', { name: 'Transfers' })).toContainText('Deleted “trip” from my-files');
  await expect(page.getByRole('grid').getByRole('button', { name: 'trip/' })).toHaveCount(0);
  await expect(row(page, 'tripod.txt')).toBeVisible();
  expect((await client.listObjects(MY_FILES, { prefix: 'trip' })).contents.map((o) => o.key)).toEqual(['tripod.txt']);
});

test('previews an image, a text file and a PDF, fetched through the host without caching', async ({ page, coffer }) => {
  const client = await storeClient(coffer);
  await client.putObject(MY_FILES, 'dot.png', PNG, { contentType: 'image/png' });
  await client.putObject(MY_FILES, 'notes.md', Buffer.from('# Notes\nremember the milk\n'));
  await client.putObject(MY_FILES, 'square.pdf', onePagePdf(), { contentType: 'application/pdf' });
  const previews: Array<{ url: string; cache: string | undefined }> = [];
  page.on('response', (r) => r.url().includes('/preview/') && previews.push({ url: r.url(), cache: r.headers()['cache-control'] }));
  await page.goto(coffer.url);

  await row(page, 'dot.png').click();
  const image = pane(page).getByRole('img', { name: 'Preview of dot.png' });
  await expect(image).toBeVisible();
  await expect.poll(() => image.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(1);

  await row(page, 'notes.md').click();
  await expect(pane(page).getByLabel('Contents of notes.md')).toHaveText('# Notes\nremember the milk\n');

  await row(page, 'square.pdf').click();
  await expect(pane(page).getByRole('img', { name: 'Page 1 of 1 of square.pdf' })).toBeVisible();

  expect(previews).toHaveLength(3);
  for (const p of previews) expect(p.cache).toBe('no-store');
});
