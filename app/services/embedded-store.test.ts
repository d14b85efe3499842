// The embedded store as the app runs it: a real child process (never the app's own thread), found again through
// store.json by another process of the same COFFER_HOME, stopped cleanly (SIGTERM: it drains, removes its record
// and exits 0), and started again after it dies.
import { mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedStore } from './embedded-store';
import { nodeLauncher, type ChildHandle, type ProcessLauncher } from './store-launch';

const homes: string[] = [];
const stores: EmbeddedStore[] = [];
async function home(): Promise<string> {
  const h = await mkdtemp(join(tmpdir(), 'coffer-embedded-'));
  homes.push(h);
  return h;
}
function track(s: EmbeddedStore): EmbeddedStore {
  stores.push(s);
  return s;
}

afterEach(async () => {
  for (const s of stores.splice(0)) await s.stop().catch(() => undefined);
  for (const h of homes.splice(0)) await rm(h, { recursive: true, force: true });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('EmbeddedStore', () => {
  it('runs the store as a child process, is found again by another process through store.json, and stops it cleanly', async () => {
    const h = await home();
    const children: ChildHandle[] = [];
    const launcher: ProcessLauncher = (spec) => {
      const c = nodeLauncher(spec);
      children.push(c);
      return c;
    };
    const first = track(new EmbeddedStore({ home: h, launcher }));
    const info = await first.ensure();
    expect(info.started).toBe(true);
    expect(info.pid).not.toBe(process.pid);
    expect(alive(info.pid)).toBe(true);
    expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // The store itself recorded where it listens; its credentials were made before it started, so it printed none.
    expect(JSON.parse(await readFile(join(h, 'store.json'), 'utf8'))).toEqual({ url: info.url, pid: info.pid });
    expect(JSON.parse(await readFile(join(h, 'store', 'credentials.json'), 'utf8')).secretKey).toBe(info.credentials.secretKey);

    const second = track(new EmbeddedStore({ home: h, launcher }));
    const found = await second.ensure();
    expect(found).toMatchObject({ url: info.url, pid: info.pid, started: false });
    expect(children).toHaveLength(1);
    await second.stop();
    expect(alive(info.pid)).toBe(true);

    await first.stop();
    expect(await children[0]!.exited).toEqual({ code: 0, signal: null });
    expect(alive(info.pid)).toBe(false);
    await expect(readFile(join(h, 'store.json'), 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('says when the store it started died, and starts a new one on the next request', async () => {
    const h = await home();
    const store = track(new EmbeddedStore({ home: h }));
    const said: string[] = [];
    store.onUnexpectedExit((why) => said.push(why));
    const before = await store.ensure();
    process.kill(before.pid, 'SIGKILL');
    await expect.poll(() => said.length, { timeout: 10_000 }).toBe(1);
    expect(said[0]).toMatch(/^the embedded store stopped unexpectedly \(exit SIGKILL\)/);
    const after = await store.ensure();
    expect(after.started).toBe(true);
    expect(after.pid).not.toBe(before.pid);
  });

  it('explains a store that cannot start instead of hanging', async () => {
    const h = await home();
    const store = track(new EmbeddedStore({ home: h, launchSpec: () => ({ script: join(h, 'missing.mjs'), args: [], nodeArgs: [], env: {} }) }));
    await expect(store.ensure()).rejects.toMatchObject({ kind: 'unavailable', code: 'StoreStartFailed', message: expect.stringMatching(/^The embedded store could not start \(exit 1\): .*Cannot find module/) });
  });
});

describe('EmbeddedStore before a start', () => {
  it("refuses a COFFER_HOME whose store's keyring is gone, in one sentence, and starts nothing and creates nothing", async () => {
    const h = await home();
    const first = new EmbeddedStore({ home: h });
    await first.ensure();
    await first.stop();
    await rename(join(h, 'keyring.json'), join(h, 'keyring.json.away'));
    const before = (await readdir(h)).sort();
    const launched: string[] = [];
    const launcher: ProcessLauncher = (spec) => {
      launched.push(spec.script);
      return nodeLauncher(spec);
    };
    const store = track(new EmbeddedStore({ home: h, launcher }));
    await expect(store.ensure()).rejects.toMatchObject({
      kind: 'usage',
      code: 'WrongKeyring',
      message: expect.stringMatching(/^The embedded store in \S+ was not opened: this store's objects are sealed by keyring [0-9a-f]{16} .*Put this store's keyring back at \S+keyring\.json \(from your backup\)\.$/s),
    });
    expect(launched).toEqual([]);
    expect((await readdir(h)).sort()).toEqual(before);
  });
});
