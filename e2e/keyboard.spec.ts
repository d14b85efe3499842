// The keyboard only, no mouse: Ctrl+U uploads a file (the file chooser), Tab reaches the table, the arrows select
// its row, Enter opens its details (focus moves into the pane), Tab reaches the share link's "Create link", then
// "Copy" (the clipboard holds the link), Esc goes back to the row, and Delete asks first, then deletes it from the
// server. The live region says the upload finished, with its encryption.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { storeClient } from './store-client';

const BUCKET = 'my-files-1250000000';

interface Focused {
  role: string;
  text: string;
  key: string;
}
/** What has the focus: its role, its label or text, and (for rows) the key. (A string: e2e code has no DOM types.) */
const focused = (page: Page) =>
  page.evaluate<Focused>(`(() => {
    const el = document.activeElement;
    return { role: el?.getAttribute('role') ?? el?.tagName.toLowerCase() ?? '', text: (el?.getAttribute('aria-label') ?? el?.textContent ?? '').trim(), key: el?.dataset?.key ?? '' };
  })()`);

/** Presses Tab until `match` holds for the focused element (at most `max` times). */
async function tabTo(page: Page, match: (f: Focused) => boolean, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (match(await focused(page))) return;
  }
  throw new Error(`Tab never reached it; focus is on ${JSON.stringify(await focused(page))}`);
}

test('keyboard only: upload, select, details, share link copied, delete after confirmation', async ({ page, coffer, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: coffer.origin });
  const client = await storeClient(coffer);
  await client.putObject(BUCKET, 'a-first.txt', Buffer.from('first'));

  await page.goto(coffer.url);
  const grid = page.getByRole('grid');
  await expect(grid.getByRole('row').filter({ hasText: 'a-first.txt' })).toBeVisible();

  // Ctrl+U: the file chooser; the upload's row appears and the live region says it is done and encrypted.
  const chooser = page.waitForEvent('filechooser');
  await page.keyboard.press('Control+u');
  await (await chooser).setFiles({ name: 'report.txt', mimeType: 'text/plain', buffer: Buffer.from('quarterly numbers\n') });
  await expect(grid.getByRole('row').filter({ hasText: 'report.txt' })).toBeVisible();
  await expect(page.getByTestId('announce-polite')).toHaveText('1 file uploaded, encrypted (SSE-COS)');

  // Tab into the table (sidebar → toolbar → table), then the arrow selects the next row.
  await tabTo(page, (f) => f.role === 'row');
  expect((await focused(page)).key).toBe('a-first.txt');
  await page.keyboard.press('ArrowDown');
  await expect.poll(async () => (await focused(page)).key).toBe('report.txt');
  await expect(grid.getByRole('row', { selected: true })).toHaveAttribute('data-key', 'report.txt');
  // The focused row shows a ring (drawn inside it, where the scrolling box does not clip it).
  expect(await page.evaluate<string>('(() => { const s = getComputedStyle(document.activeElement); return `${s.outlineStyle} ${s.outlineWidth}`; })()')).toBe('solid 2px');

  // Enter: the details pane, with the focus in it.
  await page.keyboard.press('Enter');
  const pane = page.getByRole('complementary', { name: 'Details' });
  await expect(pane.getByRole('heading', { name: 'report.txt' })).toBeVisible();
  await expect(pane).toBeFocused();

  // The share link, created and copied from the keyboard.
  await tabTo(page, (f) => f.text === 'Create link');
  await page.keyboard.press('Enter');
  const link = pane.getByRole('textbox', { name: 'Share link' });
  await expect(link).toHaveValue(/q-sign-algorithm=sha1/);
  await tabTo(page, (f) => f.text === 'Copy');
  await page.keyboard.press('Enter');
  await expect(pane.getByRole('button', { name: 'Copied' })).toBeVisible();
  expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(await link.inputValue());

  // Esc: back to the row; Delete asks first (Cancel has the focus), Tab to Delete, Enter.
  await page.keyboard.press('Escape');
  await expect.poll(async () => (await focused(page)).key).toBe('report.txt');
  await page.keyboard.press('Delete');
  const ask = page.getByRole('alertdialog');
  await expect(ask).toBeVisible();
  await expect(ask.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(ask.getByRole('button', { name: 'Delete' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(grid.getByRole('row').filter({ hasText: 'report.txt' })).toHaveCount(0);
  expect((await client.listObjects(BUCKET, {})).contents.map((o) => o.key)).toEqual(['a-first.txt']);
  // The focus stayed in the table.
  await expect.poll(async () => (await focused(page)).role).toBe('row');
});
