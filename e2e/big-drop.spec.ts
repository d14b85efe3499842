// A big drop is taken without asking the disk about each item (drop-files.ts): 250 files and a folder whose name
// looks like a file's. The files upload; the folder cannot be read as a file, and its item fails with a sentence
// that says what to do, instead of the upload waiting for it forever. Dropped as the OS drops (CDP, real paths).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    await expect(page.getByText('Drop files here, or click Upload')).toBeVisible();
    const zone = (await page.getByTestId('drop-zone').boundingBox())!;
    const cdp = await page.context().newCDPSession(page);
    const at = { x: zone.x + zone.width / 2, y: zone.y + zone.height / 2 };
    for (const type of ['dragEnter', 'dragOver', 'drop'] as const) await cdp.send('Input.dispatchDragEvent', { type, ...at, data: { items: [], files: paths, dragOperationsMask: 1 } });

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
