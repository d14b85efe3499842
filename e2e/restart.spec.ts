// Coffer stopped in the middle of an upload (Ctrl-C) and started again: the upload is listed as stopped when Coffer
// closed, asks for its file again (a page's file cannot be read after a restart), and finishes when the same file
// is dropped again; the object on the server is the file, encrypted.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CosClient } from '../app/cos/client';
import { expect, startHost, test } from './fixtures';

const BUCKET = 'my-files-1250000000';

test('an upload interrupted by Ctrl-C is listed after the restart and finishes when its file is dropped again', async ({ page }) => {
  test.setTimeout(180_000);
  const home = await mkdtemp(join(tmpdir(), 'coffer-e2e-restart-'));
  const file = join(home, 'film.mov');
  const data = randomBytes(96 * 1024 * 1024);
  await writeFile(file, data);
  let first = await startHost(home);
  try {
    await first.host.ready();
    await page.goto(first.host.url);
    await expect(page.getByText('Drop files here, or click Upload')).toBeVisible();
    await page.getByTestId('upload-files-input').setInputFiles(file);
    await expect
      .poll(async () => {
        const r = (await first.host.api('jobs.list', {})) as { value: { jobs: Array<{ progress: { bytesDone: number } }> } };
        return r.value.jobs[0]?.progress.bytesDone ?? 0;
      }, { intervals: [50] })
      .toBeGreaterThan(0);
    expect(await first.host.stop()).toBe(0);
    expect(first.host.log()).toContain('coffer: stopped.');

    first = await startHost(home);
    await page.goto(first.host.url);
    const transfers = page.getByRole('region', { name: 'Transfers' });
    await expect(transfers).toContainText('Stopped when Coffer closed');
    await expect(transfers).toContainText('Drop the same files again to continue');
    await page.getByTestId('upload-files-input').setInputFiles(file);
    await expect(page.getByRole('grid').getByRole('row').filter({ hasText: 'film.mov' })).toContainText('Encrypted (SSE-COS)', { timeout: 120_000 });
    const jobs = (await first.host.api('jobs.list', {})) as { value: { jobs: Array<{ state: string }> } };
    expect(jobs.value.jobs.map((j) => j.state)).toEqual(['completed']);
    // The stored object is the file, byte for byte, encrypted.
    const { url } = JSON.parse(await readFile(join(home, 'store.json'), 'utf8'));
    const credentials = await first.host.storeSecrets();
    const client = new CosClient({ endpoint: url, appid: '1250000000', region: 'ap-guangzhou', credentials: async () => credentials });
    try {
      const got = await client.getObjectBuffer(BUCKET, 'film.mov');
      expect(createHash('md5').update(got).digest('hex')).toBe(createHash('md5').update(data).digest('hex'));
      expect((await client.headObject(BUCKET, 'film.mov')).encryption.mode).toBe('SSE-COS');
    } finally {
      await client.close();
    }
  } finally {
    await first.host.stop();
    await rm(home, { recursive: true, force: true });
  }
});
