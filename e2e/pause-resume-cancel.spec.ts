// A 200 MB upload driven from the transfers panel: paused (its bytes stop moving), resumed (they move again) and
// cancelled, after which the server holds neither the object nor an unfinished multipart upload of it.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type CofferHost } from './fixtures';
import { storeClient } from './store-client';

const BUCKET = 'my-files-1250000000';
const SIZE = 200 * 1024 * 1024;

interface JobView {
  id: string;
  state: string;
  progress: { bytesDone: number; bytesTotal: number };
}

async function theJob(coffer: CofferHost): Promise<JobView | undefined> {
  const r = (await coffer.api('jobs.list', {})) as { value: { jobs: JobView[] } };
  return r.value.jobs[0];
}
const bytesDone = async (coffer: CofferHost) => (await theJob(coffer))?.progress.bytesDone ?? 0;

test('a 200 MB upload is paused, resumed and cancelled from the transfers panel, leaving nothing on the server', async ({ page, coffer }) => {
  test.setTimeout(180_000);
  const dir = await mkdtemp(join(tmpdir(), 'coffer-e2e-big-'));
  const file = join(dir, 'big.bin');
  await writeFile(file, randomBytes(SIZE));
  const client = await storeClient(coffer);
  try {
    await page.goto(coffer.url);
    await expect(page.getByText('Drop files here, or click Upload')).toBeVisible();
    await page.getByTestId('upload-files-input').setInputFiles(file);

    const job = page.getByRole('region', { name: 'Transfers' }).getByRole('listitem', { name: /big\.bin/ });
    const state = job.locator('.job-state');
    await expect(state).toHaveText('Running');
    await expect.poll(() => bytesDone(coffer), { intervals: [50] }).toBeGreaterThan(0);

    // Pause: parts already in flight may still land, then nothing moves.
    await job.getByRole('button', { name: 'Pause' }).click();
    await expect(state).toHaveText('Paused');
    await expect(job.getByRole('button', { name: 'Resume' })).toBeVisible();
    const pausedAt = await stableBytes(coffer);
    expect(pausedAt).toBeLessThan(SIZE);
    const shownWhilePaused = await job.getByRole('progressbar').getAttribute('value');
    // An observation window, not a wait for something: the bytes must stay where they are across it.
    await page.waitForTimeout(1_500);
    expect(await bytesDone(coffer)).toBe(pausedAt);
    expect(await job.getByRole('progressbar').getAttribute('value')).toBe(shownWhilePaused);

    // Resume: the bytes move on from where they stopped.
    await job.getByRole('button', { name: 'Resume' }).click();
    await expect(state).toHaveText('Running');
    await expect.poll(() => bytesDone(coffer), { intervals: [50], timeout: 60_000 }).toBeGreaterThan(pausedAt);
    const before = await theJob(coffer);
    expect(before!.state).toBe('running');

    // Cancel: the job says so, and the server keeps neither the object nor the parts sent so far.
    await job.getByRole('button', { name: 'Cancel' }).click();
    await expect(state).toHaveText('Cancelled');
    await expect(job.getByRole('button', { name: 'Pause' })).toBeHidden();
    await expect.poll(async () => (await client.listMultipartUploads(BUCKET)).uploads.map((u) => u.key), { timeout: 30_000 }).toEqual([]);
    const head = await client.headObject(BUCKET, 'big.bin').then(
      () => 'exists',
      (e: { status?: number }) => e.status,
    );
    expect(head).toBe(404);
    const listed = await client.listObjects(BUCKET, {});
    expect(listed.contents.map((o) => o.key)).toEqual([]);
  } finally {
    await client.close();
    await rm(dir, { recursive: true, force: true });
  }
});

/** The job's bytes once they stop changing (a part in flight at the pause may still finish). */
async function stableBytes(coffer: CofferHost): Promise<number> {
  let last = -1;
  await expect
    .poll(
      async () => {
        const now = await bytesDone(coffer);
        const same = now === last;
        last = now;
        return same;
      },
      { intervals: [700], timeout: 30_000 },
    )
    .toBe(true);
  return last;
}
