// axe in every view, in English and 简体中文, in the light and the dark theme (the system's, emulated; in dark the
// colour rules only, see a11y-support.ts): the main window with an empty bucket and with rows (a folder, a file
// uploaded from the page), the transfers panel holding that upload, the details pane, the add-account and new-bucket
// dialogs, Settings, and the Unlock screen (Coffer started again with a passphrase vault). Any serious or critical violation fails, named with its elements.
import { expect, startHost, test } from './fixtures';
import { expectNoSeriousViolations, words, type Lang } from './a11y-support';
import { storeClient } from './store-client';

// The vault gets a passphrase here (for the Unlock screen), never this machine's keychain (the host inherits this).
process.env.COFFER_VAULT_PROTECTOR = 'passphrase';

const BUCKET = 'my-files-1250000000';

for (const lang of ['en', 'zh-CN'] as Lang[]) {
  test.describe(lang, () => {
    // The first run follows the system language (the browser's here).
    test.use({ locale: lang });

    test(`every view, light and dark, has no serious or critical accessibility violation (${lang})`, async ({ page, coffer }) => {
      // Fourteen axe runs and two starts of Coffer: about a minute on a quiet machine, several on a busy one.
      test.setTimeout(420_000);
      const w = (key: string) => words(lang, key);
      const client = await storeClient(coffer);

      await page.goto(coffer.url);
      const grid = page.getByRole('grid');
      await expect(grid).toBeVisible();
      await expect(page.getByText(w('table.empty'))).toBeVisible();
      await expectNoSeriousViolations(page, 'the main window, empty bucket');

      // Rows: a folder from another tool, and a file uploaded from the page (a job in the transfers panel).
      await client.putObject(BUCKET, '2026/photo.jpg', Buffer.from('jpeg'));
      const chooser = page.waitForEvent('filechooser');
      await page.keyboard.press('Control+u');
      await (await chooser).setFiles({ name: 'report.txt', mimeType: 'text/plain', buffer: Buffer.from('quarterly numbers\n') });
      const row = grid.getByRole('row').filter({ hasText: 'report.txt' });
      await expect(row).toBeVisible();
      await page.keyboard.press('F5');
      await expect(grid.getByRole('row').filter({ hasText: '2026/' })).toBeVisible();
      await expect(page.locator('.transfers')).toContainText('report.txt');
      await expect(row.getByText(w('encryption.encrypted').replace('{{mode}}', 'SSE-COS'))).toBeVisible();
      await expectNoSeriousViolations(page, 'the main window with rows and the transfers panel with a job');

      // The details pane of the file.
      await row.click();
      const pane = page.getByRole('complementary', { name: w('details.title') });
      await expect(pane.getByRole('heading', { name: 'report.txt' })).toBeVisible();
      await expectNoSeriousViolations(page, 'the details pane', '.details-pane');

      // The add-account dialog, the new-bucket dialog and Settings, each closed with Esc.
      const places = page.getByRole('navigation', { name: w('sidebar.label') });
      await places.getByRole('button', { name: w('accounts.addButton') }).click();
      await expect(page.getByRole('dialog', { name: w('accounts.add.title') })).toBeVisible();
      await expectNoSeriousViolations(page, 'the add-account dialog', '[role=dialog]');
      await page.keyboard.press('Escape');
      await expect(page.getByRole('dialog')).toHaveCount(0);

      await places.getByRole('button', { name: w('newBucket.button') }).first().click();
      await expect(page.getByRole('dialog', { name: w('newBucket.title') })).toBeVisible();
      await expectNoSeriousViolations(page, 'the new-bucket dialog', '[role=dialog]');
      await page.keyboard.press('Escape');
      await expect(page.getByRole('dialog')).toHaveCount(0);

      await page.getByRole('navigation').getByRole('button', { name: w('settings.title'), exact: true }).click();
      await expect(page.getByRole('dialog', { name: w('settings.title'), exact: true })).toBeVisible();
      await expectNoSeriousViolations(page, 'Settings', '[role=dialog]');
      await page.keyboard.press('Escape');
      await expect(page.getByRole('dialog')).toHaveCount(0);

      // The Unlock screen: a vault under a passphrase (made by generating an SSE-C key), Coffer started again.
      expect(await coffer.api('ssec.generate', { name: 'a11y key', vaultPassphrase: 'correct horse battery' })).toMatchObject({ ok: true });
      expect(await coffer.stop()).toBe(0);
      const again = await startHost(coffer.home);
      try {
        await page.goto(again.host.url);
        await expect(page.getByRole('button', { name: w('unlock.unlock'), exact: true })).toBeVisible();
        await expectNoSeriousViolations(page, 'the Unlock screen');
      } finally {
        await again.host.stop();
      }
    });
  });
}
