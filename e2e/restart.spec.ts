// Coffer stopped in the middle of an upload (Ctrl-C) and started again: the upload is listed as stopped when Coffer
// closed, asks for its file again (a page's file cannot be read after a restart), and when the same file is dropped
// again the page sends only what comes after the parts already on the server; the object is the file, encrypted.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CosClient } from '../app/cos/client';
import { expect, startHost, test } from './fixtures';

const BUCKET = 'my-files-1250000000';

/** Parts the server acknowledged, as the upload's journal in COFFER_HOME records them. */
async function journalledParts(home: string): Promise<number> {
  for (const name of await readdir(join(home, 'journals')).catch(() => [] as string[])) {
    if (!name.endsWith('.json')) continue;
    try {
      return Object.keys(JSON.parse(await readFile(join(home, 'journals', name), 'utf8')).parts).length;
    } catch {
      // Being replaced: read on the next poll.
    }
  }
  return 0;
}

test('an upload interrupted by Ctrl-C is listed after the restart and finishes when its file is dropped again', async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  const home = await mkdtemp(join(tmpdir(), 'coffer-e2e-restart-'));
  const file = join(home, 'film.mov');
  const data = randomBytes(96 * 1024 * 1024);
  await writeFile(file, data);
  let first = await startHost(home);
  const logs: string[] = [];
  try {
    await first.host.ready();
    await page.goto(first.host.url);
    await expect(page.getByText('Drop files here, or click Upload')).toBeVisible();
    await page.getByTestId('upload-files-input').setInputFiles(file);
    await expect.poll(() => journalledParts(home), { intervals: [50], timeout: 60_000 }).toBeGreaterThan(0);
    expect(await first.host.stop()).toBe(0);
    expect(first.host.log()).toContain('coffer: stopped.');
    logs.push(first.host.log());

    first = await startHost(home);
    await page.goto(first.host.url);
    const transfers = page.getByRole('region', { name: 'Transfers' });
    await expect(transfers).toContainText('Stopped when Coffer closed');
    await expect(transfers).toContainText('Drop the same files again to continue');
    const offsets: number[] = [];
    page.on('request', (r) => {
      const m = /\/upload\/[^?]+\?.*offset=(\d+)/.exec(r.url());
      if (m) offsets.push(Number(m[1]));
    });
    await page.getByTestId('upload-files-input').setInputFiles(file);
    await expect(page.getByRole('grid').getByRole('row').filter({ hasText: 'film.mov' })).toContainText('Encrypted (SSE-COS)', { timeout: 120_000 });
    const jobs = (await first.host.api('jobs.list', {})) as { value: { jobs: Array<{ state: string }> } };
    expect(jobs.value.jobs.map((j) => j.state)).toEqual(['completed']);
    // The page sent the file from where the parts kept on the server end, not from its start.
    expect(offsets).toHaveLength(1);
    expect(offsets[0]).toBeGreaterThan(0);
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
    logs.push(first.host.log());
    if (testInfo.status !== testInfo.expectedStatus) await testInfo.attach('coffer-host.log', { body: logs.join('\n--- restarted ---\n'), contentType: 'text/plain' });
    await rm(home, { recursive: true, force: true });
  }
});
