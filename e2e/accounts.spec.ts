// Accounts and buckets in browser mode, as a user does it: a COS-compatible store added as an account at its URL (the
// app's own embedded store, with its keys from COFFER_HOME), first with a wrong SecretKey (its sentence, nothing
// kept), then the right one (the vault created under a passphrase, the account and its buckets in the sidebar); a
// bucket created with its name checked as typed, its default encryption turned off, and deleted with everything in
// it after "Delete all N objects" was typed. The SecretKey crosses the WebSocket only inward, in the requests that
// carry it; nothing the page receives holds it. The two dialogs are photographed into docs/screenshots/.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { PROJECT_ROOT } from '../app/services/store-launch';
import { expect, test } from './fixtures';
import { storeClient } from './store-client';

// The vault gets a passphrase here, never this machine's keychain (the host inherits this).
process.env.COFFER_VAULT_PROTECTOR = 'passphrase';

const SHOTS = join(PROJECT_ROOT, 'docs', 'screenshots');

/** Frames the page sent and received, apart: a secret may go in, never come out. */
function recordFramesApart(page: Page) {
  const sent: string[] = [];
  const received: string[] = [];
  page.on('websocket', (ws) => {
    ws.on('framesent', (f) => sent.push(String(f.payload)));
    ws.on('framereceived', (f) => received.push(String(f.payload)));
  });
  return { sent, received };
}

test('a wrong account then a right one: the store at its URL, its buckets in the sidebar, no secret sent back', async ({ page, coffer }) => {
  await coffer.ready();
  const frames = recordFramesApart(page);
  const { url } = JSON.parse(await readFile(join(coffer.home, 'store.json'), 'utf8')) as { url: string };
  const { secretId, secretKey } = await coffer.storeSecrets();
  const wrongKey = `${secretKey.slice(0, -1)}${secretKey.endsWith('x') ? 'y' : 'x'}`;

  await page.goto(coffer.url);
  const places = page.getByRole('navigation', { name: 'Places' });
  await places.getByRole('button', { name: 'Add COS account' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add COS account' });
  // react-aria's radios are labels over a hidden input: the label is what a user clicks.
  await dialog.getByText('A Coffer store at an address', { exact: true }).click();
  await expect(dialog.getByRole('radio', { name: 'A Coffer store at an address' })).toBeChecked();
  await dialog.getByLabel('Name', { exact: true }).fill('Lab store');
  // Plain http to another machine is refused as it is typed.
  await dialog.getByLabel('Store address', { exact: true }).fill('http://192.0.2.7:9000');
  await expect(dialog.getByText('Use https:// for a store on another computer: plain http:// would send your files unprotected.')).toBeVisible();
  await dialog.getByLabel('Store address', { exact: true }).fill(url);
  await dialog.getByLabel('SecretId', { exact: true }).fill(secretId);
  await dialog.getByLabel('SecretKey', { exact: true }).fill(wrongKey);
  await dialog.getByLabel('Vault passphrase', { exact: true }).fill('correct horse battery');
  await dialog.getByLabel('The passphrase again', { exact: true }).fill('correct horse battery');
  await dialog.getByRole('button', { name: 'Add account' }).click();
  await expect(dialog.getByText('The SecretKey is wrong: it does not belong to this SecretId. Copy it again (all of it) and try again.')).toBeVisible();
  await expect(dialog.getByText('SignatureDoesNotMatch', { exact: true })).toBeHidden();
  // The focus stayed in the dialog through the request (a button disabled meanwhile would have dropped it to the
  // page, and Esc and Tab with it).
  expect(await dialog.evaluate((d) => d.contains(d.ownerDocument.activeElement))).toBe(true);
  // Tall enough for the whole dialog, its sentence included.
  await page.setViewportSize({ width: 1280, height: 1200 });
  await dialog.getByRole('alert').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(SHOTS, 'add-account.png') });
  // Nothing was kept: no vault, no account.
  expect(await coffer.api('vault.protection', {})).toMatchObject({ ok: true, value: { state: 'absent' } });

  await dialog.getByLabel('SecretKey', { exact: true }).fill(secretKey);
  await dialog.getByRole('button', { name: 'Test connection' }).click();
  await expect(dialog.getByText('Connected: 1 bucket found (APPID 1250000000).')).toBeVisible();
  await dialog.getByRole('button', { name: 'Add account' }).click();
  await expect(dialog).toBeHidden();

  const account = places.getByRole('listitem').filter({ hasText: 'Lab store (Coffer store)' });
  await expect(account.getByRole('button', { name: /^my-files/ })).toBeVisible();
  expect(await coffer.api('vault.protection', {})).toMatchObject({ ok: true, value: { state: 'unlocked', protector: 'passphrase' } });

  // Edit shows the SecretId masked, never the key.
  await account.getByRole('button', { name: 'Actions for Lab store' }).click();
  await page.getByRole('menuitem', { name: 'Edit…' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit account' });
  await expect(edit.getByText(`SecretId: ${secretId.slice(0, 4)}****${secretId.slice(-4)}`)).toBeVisible();
  await edit.getByRole('button', { name: 'Cancel' }).click();
  await expect(edit).toBeHidden();

  expect(frames.received.length).toBeGreaterThan(5);
  for (const f of frames.received) {
    expect(f).not.toContain(secretKey);
    expect(f).not.toContain(secretId);
  }
  // Inward, the key travels only in the requests that test or keep it.
  const carrying = frames.sent.filter((f) => f.includes(secretKey) || f.includes(wrongKey)).map((f) => (JSON.parse(f) as { channel?: string }).channel);
  expect(carrying.length).toBeGreaterThan(0);
  expect(new Set(carrying)).toEqual(new Set(['accounts.add', 'accounts.test']));
});

test('a bucket: its name checked as typed, its default encryption changed, deleted with what it holds', async ({ page, coffer }) => {
  await coffer.ready();
  const client = await storeClient(coffer);
  try {
    await page.goto(coffer.url);
    const places = page.getByRole('navigation', { name: 'Places' });
    await expect(places.getByText('my-files', { exact: true })).toBeVisible();
    await places.getByRole('button', { name: 'New bucket…' }).click();
    const dialog = page.getByRole('dialog', { name: 'New bucket' });
    const name = dialog.getByRole('textbox', { name: 'Name' });
    await name.fill('Holiday_Photos');
    await expect(dialog.getByText('Use lowercase letters (a–z), digits and “-”, starting and ending with a letter or digit.')).toBeVisible();
    await expect(dialog.getByRole('button', { name: 'Create bucket' })).toBeDisabled();
    await name.fill('holiday-photos-of-the-family-2026');
    await expect(dialog.getByText('Too long for this region: use at most 19 characters.')).toBeVisible();
    await name.fill('holiday-photos');
    await dialog.getByRole('button', { name: /Region/ }).click();
    const chengdu = page.getByRole('option', { name: /Chengdu · ap-chengdu/ });
    await expect(chengdu).toContainText('No server-side encryption');
    await expect(page.getByRole('option', { name: /Shanghai · ap-shanghai/ })).toContainText('Encryption offered');
    await page.getByRole('option', { name: /Shanghai · ap-shanghai/ }).click();
    await expect(dialog.getByRole('checkbox', { name: 'Encrypt new objects by default' })).toBeChecked();
    await page.screenshot({ path: join(SHOTS, 'create-bucket.png') });
    await dialog.getByRole('button', { name: 'Create bucket' }).click();
    await expect(dialog).toBeHidden();

    // The bucket's own row (the connection's item holds every bucket's).
    const row = places.locator('li.bucket-row').filter({ has: page.getByText('holiday-photos', { exact: true }) });
    await expect(row.getByRole('img', { name: 'Encrypts new files by default' })).toBeVisible();
    expect(await client.getBucketEncryption('holiday-photos-1250000000')).toMatchObject({ algorithm: 'AES256' });
    expect((await client.getBucketAcl('holiday-photos-1250000000', { region: 'ap-shanghai' })).canned).toBe('private');

    // Default encryption off, after the dialog says what that means.
    await row.getByRole('button', { name: 'Actions for bucket holiday-photos' }).click();
    await page.getByRole('menuitem', { name: 'Default encryption…' }).click();
    const enc = page.getByRole('dialog', { name: 'Default encryption of holiday-photos' });
    await expect(enc.getByText('New objects in holiday-photos are encrypted with SSE-COS when their upload asks for nothing else.')).toBeVisible();
    await enc.getByText('No encryption', { exact: true }).click();
    await enc.getByRole('button', { name: 'Turn off default encryption' }).click();
    await expect(enc).toBeHidden();
    await expect(row.getByRole('img', { name: 'Encrypts new files by default' })).toBeHidden();
    expect(await client.getBucketEncryption('holiday-photos-1250000000', { region: 'ap-shanghai' })).toBeNull();

    // Two files in it, then delete the bucket: only after typing the phrase.
    await page.getByTestId('drop-zone').drop({
      files: [
        { name: 'beach.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(2000, 1) },
        { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('sun') },
      ],
    });
    await expect(page.getByRole('grid').getByRole('row').filter({ hasText: 'notes.txt' })).toContainText('Encrypted (SSE-COS)');
    await row.getByRole('button', { name: 'Actions for bucket holiday-photos' }).click();
    await page.getByRole('menuitem', { name: 'Delete bucket…' }).click();
    const del = page.getByRole('alertdialog', { name: 'Delete the bucket holiday-photos?' });
    await expect(del.getByText(/holiday-photos holds 2 objects/)).toBeVisible();
    const go = del.getByRole('button', { name: 'Delete everything and the bucket' });
    await expect(go).toBeDisabled();
    await del.getByRole('textbox', { name: 'To go on, type “Delete all 2 objects”' }).fill('Delete all 2 objects');
    await go.click();
    await expect(del).toBeHidden();
    await expect(places.getByText('holiday-photos', { exact: true })).toBeHidden();
    expect((await client.listBuckets()).buckets.map((b) => b.name)).not.toContain('holiday-photos-1250000000');
  } finally {
    await client.close();
  }
});
