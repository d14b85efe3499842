// The e2e fixture: Coffer in browser mode as a user starts it (`npm start -- --browser --no-open`: the bundled
// command in dist/cli, built by global-setup.ts) with a temporary COFFER_HOME, on a random port; the page opened at the printed address; a
// Node WebSocket client with the same token to prepare objects through the contract; every WebSocket frame the
// page saw, for the secret check. The host's output is attached to the report when a test fails.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import WebSocket from 'ws';
import { PROJECT_ROOT } from '../app/services/store-launch';

export interface CofferHost {
  /** The printed address, with #token=… */
  url: string;
  origin: string;
  token: string;
  home: string;
  log(): string;
  /** Calls a contract channel over a WebSocket of its own (like a second tab). */
  api(channel: string, request: unknown): Promise<{ ok: boolean; value?: unknown; error?: { kind: string; code: string; message: string } }>;
  /** Stops the host as Ctrl-C does and waits for it to exit. */
  stop(): Promise<number | null>;
  /** The store's API credentials (secrets that must never reach the page). */
  storeSecrets(): Promise<{ secretId: string; secretKey: string }>;
  /** Waits until the first run's bucket exists (the store starts in the background). */
  ready(): Promise<void>;
}

export async function startHost(home: string): Promise<{ host: CofferHost; child: ChildProcess }> {
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin', 'coffer-app.mjs'), '--browser', '--no-open'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, COFFER_HOME: home, COFFER_ENDPOINT: '', COFFER_SECRET_ID: '', COFFER_SECRET_KEY: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Coffer did not start:\n${out}`)), 60_000);
    const check = () => {
      const m = /Coffer is running at (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    void exited.then(() => reject(new Error(`Coffer exited before it was ready:\n${out}`)));
  });
  const origin = url.split('/#')[0]!;
  const token = url.split('#token=')[1]!;
  const host: CofferHost = {
    url,
    origin,
    token,
    home,
    log: () => out,
    api: (channel, request) =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`${origin.replace('http', 'ws')}/ws?token=${token}`, { headers: { origin } });
        ws.on('open', () => ws.send(JSON.stringify({ id: 1, channel, request })));
        ws.on('message', (data) => {
          const msg = JSON.parse(String(data));
          if (msg.id === 1) {
            ws.close();
            resolve(msg.envelope);
          }
        });
        ws.on('error', reject);
      }),
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGINT');
      return exited;
    },
    async ready() {
      await expect
        .poll(async () => {
          const r = (await host.api('buckets.list', { connectionId: 'local' })) as { ok: boolean; value?: { buckets: unknown[] } };
          return r.ok ? r.value!.buckets.length : 0;
        }, { timeout: 60_000 })
        .toBeGreaterThan(0);
    },
    async storeSecrets() {
      return JSON.parse(await readFile(join(home, 'store', 'credentials.json'), 'utf8'));
    },
  };
  return { host, child };
}

/** Every WebSocket frame (both ways) the page exchanged with the host. */
export function recordFrames(page: Page): string[] {
  const frames: string[] = [];
  page.on('websocket', (ws) => {
    ws.on('framesent', (f) => frames.push(String(f.payload)));
    ws.on('framereceived', (f) => frames.push(String(f.payload)));
  });
  return frames;
}

export const test = base.extend<{ coffer: CofferHost; frames: string[] }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a fixture needs from this pattern.
  coffer: async ({}, use, testInfo) => {
    const home = await mkdtemp(join(tmpdir(), 'coffer-e2e-'));
    const { host, child } = await startHost(home);
    try {
      await use(host);
    } finally {
      await host.stop();
      if (child.exitCode === null) child.kill('SIGKILL');
      if (testInfo.status !== testInfo.expectedStatus) await testInfo.attach('coffer-host.log', { body: host.log(), contentType: 'text/plain' });
      await rm(home, { recursive: true, force: true });
    }
  },
  frames: async ({ page }, use) => {
    await use(recordFrames(page));
  },
});

export { expect };
