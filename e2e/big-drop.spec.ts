// Big drops, dropped as the OS drops (CDP, real paths). 250 files and a folder whose name looks like a file's: a big
// drop is taken without asking the disk about each item (drop-files.ts), so the files upload, and the folder, which
// cannot be read as a file, fails with a sentence that says what to do instead of the upload waiting for it forever.
// A folder of 1,200 files: walked through its handle while its first files already upload, as one upload; opened,
// it shows its subfolders first although the server lists them after the files.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

test('a drop of 250 files and a folder named like a file: the files upload, the folder says to drop it by itself', async ({ page, coffer }) => {
  const dir = await mkdtemp(join(tmpdir(), 'coffer-big-drop-'));
  try {
    const paths: string[] = [];
    for (let i = 0; i < 250; i++) {
      const p = join(dir, `note-${String(i).padStart(3, '0')}.txt`);
      await writeFile(p, `note ${i}\n`);
      paths.push(p);
    }
    await mkdir(join(dir, 'holiday.jpg'));
    await writeFile(join(dir, 'holiday.jpg', 'beach.png'), 'not really a png');
    paths.splice(100, 0, join(dir, 'holiday.jpg'));

    await page.goto(coffer.url);
    await osDrop(page, paths);

    const transfers = page.getByRole('region', { name: 'Transfers' });
    await expect(transfers.getByText('Coffer could not read “holiday.jpg” from your computer.', { exact: false })).toBeVisible({ timeout: 60_000 });
    await expect(transfers.getByText('If it is a folder, drop it again on its own', { exact: false })).toBeVisible();
    const list = await coffer.api('objects.list', { connectionId: 'local', bucket: (await firstBucket(coffer)), prefix: '', pageSize: 1000 });
    expect(list.ok).toBe(true);
    const keys = (list as { value: { objects: Array<{ key: string }> } }).value.objects.map((o) => o.key);
    expect(keys.filter((k) => k.startsWith('note-'))).toHaveLength(250);
    expect(keys).not.toContain('holiday.jpg');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

async function firstBucket(coffer: { api(channel: string, request: unknown): Promise<{ ok: boolean; value?: unknown }> }): Promise<string> {
  const r = (await coffer.api('buckets.list', { connectionId: 'local' })) as { value: { buckets: Array<{ name: string }> } };
  return r.value.buckets[0]!.name;
}

test('a dropped folder of 1,200 files, a subfolder and an empty one: one upload keeps the structure, makes the empty folder, and shows both first', async ({ page, coffer }) => {
  const dir = await mkdtemp(join(tmpdir(), 'coffer-folder-drop-'));
  try {
    const album = join(dir, 'album');
    await mkdir(join(album, 'raw'), { recursive: true });
    await mkdir(join(album, 'empty'));
    for (let i = 0; i < 1200; i++) await writeFile(join(album, `p-${String(i).padStart(4, '0')}.txt`), `photo ${i}\n`);
    await writeFile(join(album, 'raw', 'big.cr2'), Buffer.alloc(200_000, 3));

    await page.goto(coffer.url);
    await osDrop(page, [album]);
    await expect(page.getByRole('grid').getByRole('button', { name: 'album/' })).toBeVisible({ timeout: 60_000 });
    const bucket = await firstBucket(coffer);
    await expect
      .poll(async () => {
        const jobs = (await coffer.api('jobs.list', {})) as { value: { jobs: Array<{ state: string; progress: { filesDone: number } }> } };
        return jobs.value.jobs.map((j) => `${j.state} ${j.progress.filesDone}`);
      }, { timeout: 120_000 })
      .toEqual(['completed 1201']);
    const list = (await coffer.api('objects.list', { connectionId: 'local', bucket, prefix: 'album/', pageSize: 1000 })) as { value: { objects: Array<{ key: string }>; folders: Array<{ prefix: string }>; nextMarker: string } };
    const rest = (await coffer.api('objects.list', { connectionId: 'local', bucket, prefix: 'album/', pageSize: 1000, marker: list.value.nextMarker })) as typeof list;
    expect([...list.value.objects, ...rest.value.objects].filter((o) => /^album\/p-\d{4}\.txt$/.test(o.key))).toHaveLength(1200);
    // "raw/" comes on the listing's second page, after the files.
    expect(rest.value.folders.map((f) => f.prefix)).toEqual(['album/raw/']);
    await page.getByRole('grid').getByRole('button', { name: 'album/' }).click();
    const grid = page.getByRole('grid');
    await expect(grid.getByRole('button', { name: 'raw/' })).toBeVisible();
    await expect(grid.getByRole('button', { name: 'empty/' })).toBeVisible();
    const raw = (await coffer.api('objects.list', { connectionId: 'local', bucket, prefix: 'album/raw/', pageSize: 10 })) as { value: { objects: Array<{ key: string; size: number }> } };
    expect(raw.value.objects).toMatchObject([{ key: 'album/raw/big.cr2', size: 200_000 }]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

/** A drop as the OS delivers one: Chromium makes the Files (and a folder's entry and handle) from the paths. */
async function osDrop(page: Page, paths: string[]): Promise<void> {
  await expect(page.getByText('Drop files here, or click Upload')).toBeVisible();
  const zone = (await page.getByTestId('drop-zone').boundingBox())!;
  const cdp = await page.context().newCDPSession(page);
  const at = { x: zone.x + zone.width / 2, y: zone.y + zone.height / 2 };
  for (const type of ['dragEnter', 'dragOver', 'drop'] as const) await cdp.send('Input.dispatchDragEvent', { type, ...at, data: { items: [], files: paths, dragOperationsMask: 1 } });
  await cdp.detach();
}
