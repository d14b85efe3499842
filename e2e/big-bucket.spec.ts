// A bucket of 20,000 objects in the real window: scrolled to its end, the last object's row shows (its pages were
// loaded as the user scrolled, never all at once) while the page holds only the few dozen rows on screen.
import { expect, test } from './fixtures';
import { fillBucket, storeClient } from './store-client';

const BUCKET = 'many-1250000000';
const COUNT = 20_000;
const keyOf = (i: number) => `item-${String(i).padStart(5, '0')}.txt`;

test('a bucket of 20,000 objects scrolls to its last row with only a few dozen rows in the page', async ({ page, coffer }) => {
  test.setTimeout(180_000);
  const client = await storeClient(coffer);
  try {
    expect(await coffer.api('buckets.create', { connectionId: 'local', bucket: BUCKET, region: 'ap-guangzhou', defaultEncryption: false })).toMatchObject({ ok: true });
    const ms = await fillBucket(client, BUCKET, COUNT, keyOf);
    test.info().annotations.push({ type: 'setup', description: `${COUNT} PUTs in ${(ms / 1000).toFixed(1)} s` });
  } finally {
    await client.close();
  }

  await page.goto(coffer.url);
  await page.getByRole('navigation', { name: 'Places' }).getByText('many', { exact: true }).click();
  const grid = page.getByRole('grid');
  await expect(grid.getByRole('row').filter({ hasText: keyOf(0) })).toBeVisible();

  // Scroll to the bottom of what is loaded, again and again: each time the next page arrives the table grows.
  const scroller = page.getByTestId('object-table-scroll');
  const last = grid.getByRole('row').filter({ hasText: keyOf(COUNT - 1) });
  const scrolling = performance.now();
  await expect
    .poll(
      async () => {
        await scroller.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
        return last.isVisible();
      },
      { timeout: 120_000, intervals: [100] },
    )
    .toBe(true);
  await expect(last).toBeInViewport();
  test.info().annotations.push({ type: 'scroll', description: `to the last row in ${((performance.now() - scrolling) / 1000).toFixed(1)} s` });
  await expect(grid).toHaveAttribute('aria-rowcount', String(COUNT + 1));
  // Virtualized: the rows on screen plus a small overscan, not 20,000.
  const inDom = await grid.getByRole('row').count();
  expect(inDom).toBeGreaterThan(5);
  expect(inDom).toBeLessThan(60);
});
