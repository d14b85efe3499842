// The real Electron window, where an Electron binary exists: one window on app://coffer, the preload's one
// global and no Node in the page, and the first run's bucket. Where there is no binary (as on the CI machine:
// Electron 45 downloads it on first use and cannot here) the spec is skipped and says so.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { buildElectron } from '../app/main/build';
import { installedElectron } from '../app/main/launch';
import { PROJECT_ROOT } from '../app/services/store-launch';

const binary = installedElectron(PROJECT_ROOT);
// Said once, by the worker that runs the spec.
if (!binary && process.env.TEST_WORKER_INDEX !== undefined) process.stdout.write('e2e:electron: SKIPPED — no Electron binary in node_modules/electron (it downloads on first use, which failed or never ran here); nothing was tested.\n');

test('the desktop window opens on app://coffer with one bridge and no Node, on a bucket that encrypts by default', async () => {
  test.skip(!binary, 'No Electron binary on this machine: the desktop window cannot be tested here.');
  await buildElectron(PROJECT_ROOT);
  const home = await mkdtemp(join(tmpdir(), 'coffer-electron-e2e-'));
  const app = await electron.launch({ executablePath: binary!, args: [PROJECT_ROOT], env: { ...process.env, COFFER_HOME: home } as Record<string, string> });
  try {
    const page = await app.firstWindow();
    expect(page.url()).toBe('app://coffer/index.html');
    expect(await page.evaluate(() => [typeof (globalThis as { coffer?: unknown }).coffer, typeof (globalThis as { require?: unknown }).require, typeof (globalThis as { process?: unknown }).process])).toEqual(['object', 'undefined', 'undefined']);
    await expect(page.getByRole('navigation', { name: 'Places' }).getByText('my-files', { exact: true })).toBeVisible({ timeout: 60_000 });
    expect(app.windows()).toHaveLength(1);
  } finally {
    await app.close();
    await rm(home, { recursive: true, force: true });
  }
});
