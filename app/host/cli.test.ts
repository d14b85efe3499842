// `npm start -- --browser` as a user meets it: one line with the address (token in the fragment), the browser
// opened unless --no-open (and one plain line when it cannot be), a stop that pauses transfers and stops the
// store it started, and plain sentences for bad options.
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CofferCore } from '../services/core';
import { runBrowserMode } from './cli';
import type { RunningHost } from './host-server';
import { browserCommand, openBrowser } from './open-browser';

const homes: string[] = [];
afterEach(async () => {
  for (const h of homes.splice(0)) await rm(h, { recursive: true, force: true });
});

/** A built window of its own, so these tests never wait for (or depend on) the real renderer build. */
let root: string | undefined;
async function builtRoot(): Promise<string> {
  if (root) return root;
  root = await mkdtemp(join(tmpdir(), 'coffer-root-'));
  await mkdir(join(root, 'dist', 'renderer'), { recursive: true });
  await writeFile(join(root, 'dist', 'renderer', 'index.html'), '<!doctype html><title>Coffer</title>');
  return root;
}

function io(home: string, stop: Promise<string>, open?: (url: string) => Promise<string | undefined>) {
  const out: string[] = [];
  const err: string[] = [];
  let ready!: (core: CofferCore) => void;
  const isReady = new Promise<CofferCore>((r) => (ready = r));
  return {
    out,
    err,
    isReady,
    io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env: { COFFER_HOME: home }, stopSignal: stop, open, onReady: (_host: RunningHost, core: CofferCore) => ready(core), root },
  };
}

describe('runBrowserMode', () => {
  beforeAll(async () => {
    await builtRoot();
  });
  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('prints the address with its token, opens the browser there, and stops the store it started on Ctrl-C', async () => {
    const home = await mkdtemp(join(tmpdir(), 'coffer-start-'));
    homes.push(home);
    let stop!: (s: string) => void;
    const opened: string[] = [];
    const t = io(home, new Promise((r) => (stop = r)), async (url) => void opened.push(url));
    const code = runBrowserMode([], t.io);
    const core = await t.isReady;
    expect(t.out[0]).toMatch(/^Coffer is running at http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{43}$/);
    expect(opened).toEqual([t.out[0]!.slice('Coffer is running at '.length)]);
    const address = t.out[0]!.slice('Coffer is running at '.length).split('/#')[0]!;
    expect((await fetch(`${address}/`)).headers.get('content-security-policy')).toContain("default-src 'none'");
    await core.ready();
    const { pid } = JSON.parse(await readFile(join(home, 'store.json'), 'utf8'));
    stop('SIGINT');
    expect(await code).toBe(0);
    expect(t.err.slice(-2)).toEqual(['coffer: stopping (unfinished transfers are listed when Coffer starts again)…', 'coffer: stopped.']);
    await expect(stat(join(home, 'store.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(() => process.kill(pid, 0)).toThrow();
    await expect(fetch(`${address}/`)).rejects.toThrow();
  });

  it('does not open a browser with --no-open, and says in one line when none could be opened', async () => {
    const home = await mkdtemp(join(tmpdir(), 'coffer-start-'));
    homes.push(home);
    const opened: string[] = [];
    const quiet = io(home, Promise.resolve('SIGTERM'), async (url) => void opened.push(url));
    expect(await runBrowserMode(['--no-open', '--port', '0'], quiet.io)).toBe(0);
    expect(opened).toEqual([]);
    const failing = io(home, Promise.resolve('SIGTERM'), async () => 'xdg-open is not installed');
    expect(await runBrowserMode([], failing.io)).toBe(0);
    expect(failing.err).toContain('coffer: could not open a browser (xdg-open is not installed); open the address above yourself.');
  });

  it('refuses unknown options and bad ports with a sentence and exit code 2', async () => {
    const t = io('/nonexistent', Promise.resolve('x'));
    expect(await runBrowserMode(['--frobnicate'], t.io)).toBe(2);
    expect(t.err[0]).toMatch(/^coffer: unknown option --frobnicate\n/);
    expect(await runBrowserMode(['--port', '99999'], t.io)).toBe(2);
    expect(t.err[1]).toBe('coffer: --port must be a number from 0 to 65535 (got "99999").');
  });
});

describe('openBrowser', () => {
  it('uses the platform opener, and reports a missing one instead of throwing', async () => {
    expect(browserCommand('linux', 'http://127.0.0.1:1/#token=a')).toEqual({ command: 'xdg-open', args: ['http://127.0.0.1:1/#token=a'] });
    expect(browserCommand('darwin', 'http://x/')).toEqual({ command: 'open', args: ['http://x/'] });
    expect(browserCommand('win32', 'http://x/?a=1&b=2').args).toEqual(['/c', 'start', '""', 'http://x/?a=1^&b=2']);
    const saved = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      expect(await openBrowser('http://127.0.0.1:1/', 'linux')).toBe('xdg-open is not installed');
    } finally {
      process.env.PATH = saved;
    }
  });
});
