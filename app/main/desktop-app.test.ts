// The desktop app's main process, run in Node with fake Electron objects (no binary here) and the real core: the
// window's security settings, one handler per contract channel and nothing else, foreign senders and schema
// violations refused, navigation and new windows denied, permissions denied, the CSP on every response, the
// app:// scheme, single-instance, the window's bounds remembered, native dialogs, events, and a clean quit.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelNames, EVENT_IPC_CHANNEL } from '../../shared/contract';
import { CofferCore } from '../services/core';
import { startDesktopApp, type DesktopApp } from './desktop-app';
import type { IpcMainInvokeEventLike } from './electron-api';
import { CONTENT_SECURITY_POLICY } from './security';
import { fakeElectron, FakeBrowserWindow, FakeWebContents, type FakeElectron } from './test-support/fake-electron';

let root: string;
let home: string;
let e: FakeElectron;
let app: DesktopApp;
let win: FakeBrowserWindow;

async function start(electron: FakeElectron): Promise<DesktopApp | undefined> {
  return startDesktopApp(electron, {
    rendererDir: join(root, 'renderer'),
    preloadPath: join(root, 'preload.cjs'),
    env: {},
    openCore: (o) => CofferCore.open({ ...o, home }),
  });
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'coffer-desktop-'));
  home = join(root, 'home');
  await import('node:fs/promises').then((fs) => fs.mkdir(join(root, 'renderer'), { recursive: true }));
  await writeFile(join(root, 'renderer', 'index.html'), '<!doctype html><title>Coffer</title>');
  await writeFile(join(root, 'secret.txt'), 'outside the renderer');
  e = fakeElectron();
  app = (await start(e))!;
  win = FakeBrowserWindow.instances[0]!;
  await app.core.ready();
});

afterAll(async () => {
  await app?.core.close();
  if (root) await rm(root, { recursive: true, force: true });
});

const call = (channel: string, request: unknown, event: Partial<IpcMainInvokeEventLike> = {}) =>
  e.handlers.get(channel)!({ sender: win.webContents, senderFrame: win.webContents.mainFrame, ...event }, request) as Promise<{ ok: boolean; value?: never; error?: { kind: string; code: string; message: string } }>;

describe('the desktop window', () => {
  it('is one window with context isolation, the sandbox, no Node, no webview, in its own persistent partition, loading app://coffer', () => {
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    expect(win.options.webPreferences).toEqual({
      preload: join(root, 'preload.cjs'),
      partition: 'persist:coffer',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
    });
    expect(win.webContents.mainFrame.url).toBe('app://coffer/index.html');
    expect(win.shown).toBe(true);
    // The scheme is privileged (standard, secure) before the app is ready, as Electron requires.
    expect(e.calls.indexOf('registerSchemesAsPrivileged')).toBeLessThan(e.calls.indexOf('ready'));
    expect(e.privileged).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }]);
    expect([...e.sessions.keys()]).toEqual(['persist:coffer']);
  });

  it('registers exactly one IPC handler per contract channel, and nothing else', () => {
    expect([...e.handlers.keys()].sort()).toEqual([...channelNames].sort());
  });

  it('serves a request from its own window, and refuses foreign senders, foreign pages, sub-frames and schema violations', async () => {
    expect(await call('app.info', {})).toMatchObject({ ok: true, value: { transport: 'electron', nativeDialogs: true, filePaths: true } });
    const stranger = new FakeWebContents();
    stranger.mainFrame = { url: 'app://coffer/index.html' };
    expect(await call('app.info', {}, { sender: stranger, senderFrame: stranger.mainFrame })).toMatchObject({ ok: false, error: { kind: 'access', code: 'ForeignSender' } });
    expect(await call('app.info', {}, { senderFrame: { url: 'https://attacker.example/' } })).toMatchObject({ ok: false, error: { code: 'ForeignSender' } });
    expect(await call('app.info', {}, { senderFrame: { url: 'app://coffer/index.html' } })).toMatchObject({ ok: false, error: { code: 'ForeignSender' } });
    expect(await call('app.info', {}, { senderFrame: null })).toMatchObject({ ok: false, error: { code: 'ForeignSender' } });
    expect(await call('objects.list', { connectionId: 'local', bucket: '../../etc' })).toMatchObject({ ok: false, error: { kind: 'usage', code: 'BadRequest' } });
    expect(await call('app.info', { extra: true })).toMatchObject({ ok: false, error: { kind: 'usage', code: 'BadRequest' } });
    // A streamed source is for browser mode; here files come by path.
    const streamed = await call('jobs.startUpload', { connectionId: 'local', bucket: 'my-files-1250000000', prefix: '', sse: { mode: 'sse-cos' }, items: [{ key: 'a', source: { kind: 'stream', streamId: 'stream-0001', name: 'a', size: 1, lastModified: '2026-01-02T00:00:00.000Z' } }] });
    expect(streamed).toMatchObject({ ok: false, error: { kind: 'unavailable' } });
  });

  it('denies navigation, redirects, webviews and new windows; only allow-listed links go to the system browser', () => {
    const contents = new FakeWebContents();
    e.appEvents.emit('web-contents-created', {}, contents);
    expect(contents.attempt('will-navigate', 'https://attacker.example/')).toBe(true);
    expect(contents.attempt('will-navigate', 'app://coffer/other.html')).toBe(true);
    expect(contents.attempt('will-frame-navigate', 'file:///etc/passwd')).toBe(true);
    expect(contents.attempt('will-redirect', 'https://attacker.example/')).toBe(true);
    expect(contents.attempt('will-attach-webview', 'about:blank')).toBe(true);
    for (const url of ['https://attacker.example/', 'http://cloud.tencent.com/', 'file:///etc/passwd', 'javascript:alert(1)', 'https://user:pw@cloud.tencent.com/']) {
      expect(contents.openHandler!({ url })).toEqual({ action: 'deny' });
    }
    expect(e.opened).toEqual([]);
    expect(contents.openHandler!({ url: 'https://cloud.tencent.com/document/product/436' })).toEqual({ action: 'deny' });
    expect(e.opened).toEqual(['https://cloud.tencent.com/document/product/436']);
  });

  it('denies every permission request and check', () => {
    const s = e.sessions.get('persist:coffer')!;
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'hid', 'openExternal']) {
      let granted: boolean | undefined;
      s.permissionRequest!(win.webContents, permission, (g) => (granted = g));
      expect(granted).toBe(false);
      expect(s.permissionCheck!(win.webContents, permission)).toBe(false);
    }
    expect(s.deviceCheck!({})).toBe(false);
  });

  it('puts the strict CSP on every response, and serves only the renderer\'s files on app://coffer', async () => {
    const s = e.sessions.get('persist:coffer')!;
    let headers: Record<string, string[]> | undefined;
    s.headersListener!({ url: 'app://coffer/index.html', responseHeaders: { 'content-security-policy': ["default-src *"] } }, (r) => (headers = r.responseHeaders));
    expect(headers).toEqual({ 'Content-Security-Policy': [CONTENT_SECURITY_POLICY], 'X-Content-Type-Options': ['nosniff'] });
    expect(CONTENT_SECURITY_POLICY).toBe("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'");
    const serve = s.protocolHandlers.get('app')!;
    const page = await serve(new Request('app://coffer/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await page.text()).toContain('<title>Coffer</title>');
    for (const url of ['app://coffer/../secret.txt', 'app://coffer/%2e%2e/secret.txt', 'app://other/index.html', 'app://coffer/missing.js']) {
      expect((await serve(new Request(url))).status).toBe(404);
    }
  });

  it('sends the core\'s events to its window on the one event channel', () => {
    app.core.emitEvent({ type: 'connections.changed' });
    expect(win.webContents.sent).toContainEqual([EVENT_IPC_CHANNEL, { type: 'connections.changed' }]);
  });

  it('answers "Upload files…" and "Save as…" with the native dialogs', async () => {
    e.dialogAnswers.open = ['/home/me/a.jpg', '/home/me/b.jpg'];
    expect(await call('dialogs.pickFiles', {})).toEqual({ ok: true, value: { paths: ['/home/me/a.jpg', '/home/me/b.jpg'] } });
    e.dialogAnswers.save = '/home/me/out.pdf';
    expect(await call('dialogs.saveAs', { suggestedName: 'out.pdf' })).toEqual({ ok: true, value: { path: '/home/me/out.pdf' } });
    e.dialogAnswers.open = [];
    expect(await call('dialogs.pickFolder', {})).toEqual({ ok: true, value: { path: null } });
  });

  it('remembers the window\'s size and position in COFFER_HOME/window.json', async () => {
    win.bounds = { x: 40, y: 60, width: 1000, height: 700 };
    win.emit('close');
    await expect.poll(async () => JSON.parse(await readFile(join(home, 'window.json'), 'utf8').catch(() => '{}'))).toEqual({ x: 40, y: 60, width: 1000, height: 700, maximized: false });
    const second = await app.createWindow();
    expect((second as FakeBrowserWindow).options).toMatchObject({ x: 40, y: 60, width: 1000, height: 700 });
  });

  it('lets a second start hand over to the first one: it quits without a window', async () => {
    const other = fakeElectron({ lock: false });
    expect(await start(other)).toBeUndefined();
    expect(other.quits).toBe(1);
    expect(FakeBrowserWindow.instances).toHaveLength(0);
    expect(other.handlers.size).toBe(0);
    // The guard against the first start's fakes being replaced is restored for the remaining test.
    FakeBrowserWindow.instances = [win];
  });

  it('on quit, pauses transfers and stops the store it started before letting the app end', async () => {
    const record = join(home, 'store.json');
    expect((await stat(record)).isFile()).toBe(true);
    e.app.quit();
    await expect.poll(() => e.quits, { timeout: 30_000 }).toBe(2);
    await expect(stat(record)).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await stat(join(home, 'jobs.json'))).isFile()).toBe(true);
  });
});
