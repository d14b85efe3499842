// The desktop app's main process, wired from injected Electron objects (main.ts passes the real ones; tests pass
// fakes and check every setting without a binary): one instance (a second start focuses the first window), the
// app:// scheme and its session hardened before any page loads, the core (embedded store in a utility process,
// vault kept by safeStorage), one handler per contract channel with sender checks, one window with its size and
// position remembered, and a quit that pauses transfers and stops the store before the process ends.
import type { Handlers } from '../../shared/contract';
import { CofferCore, type CoreOptions } from '../services/core';
import { createHandlers } from '../services/ipc/handlers';
import { nativeDialogs } from './dialogs';
import type { BrowserWindowLike, ElectronDeps, WebContentsLike } from './electron-api';
import { registerIpc, sendEvent } from './ipc';
import { handleAppProtocol, registerAppScheme } from './protocol';
import { APP_ORIGIN, guardWebContents, hardenSession, PARTITION, webPreferences } from './security';
import { utilityLauncher } from './utility-launcher';
import { loadWindowState, MIN_SIZE, rememberWindowState } from './window-state';

export interface DesktopOptions {
  rendererDir: string;
  preloadPath: string;
  env?: NodeJS.ProcessEnv;
  /** Opens the core (tests may pass their own). */
  openCore?: (opts: CoreOptions) => Promise<CofferCore>;
  log?: (line: string) => void;
}

export interface DesktopApp {
  core: CofferCore;
  windows: ReadonlySet<BrowserWindowLike>;
  createWindow(): Promise<BrowserWindowLike>;
}

/**
 * Starts the app. Call it before the app is ready (it registers the privileged scheme first). Resolves with
 * undefined when another instance already runs (this one quits after handing over).
 */
export async function startDesktopApp(e: ElectronDeps, opts: DesktopOptions): Promise<DesktopApp | undefined> {
  const log = opts.log ?? (() => {});
  registerAppScheme(e.protocol);
  if (!e.app.requestSingleInstanceLock()) {
    e.app.quit();
    return undefined;
  }
  const windows = new Set<BrowserWindowLike>();
  const sessions = new Map<WebContentsLike, Handlers>();

  e.app.on('web-contents-created', (_event, contents) => guardWebContents(contents, e.shell, log));
  e.app.on('second-instance', () => {
    const win = [...windows][0];
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });

  await e.app.whenReady();
  const ses = e.session.fromPartition(PARTITION);
  hardenSession(ses);
  handleAppProtocol(ses.protocol, opts.rendererDir);

  const core = await (opts.openCore ?? ((o) => CofferCore.open(o)))({
    env: opts.env ?? process.env,
    transport: 'electron',
    version: e.app.getVersion(),
    safeStorage: e.safeStorage,
    launcher: utilityLauncher(e.utilityProcess),
    log,
  });

  registerIpc({ ipcMain: e.ipcMain, isOurs: (c) => sessions.has(c), handlersFor: (c) => sessions.get(c)!, log });
  core.on('event', (event) => {
    for (const contents of sessions.keys()) sendEvent(contents, event);
  });

  async function createWindow(): Promise<BrowserWindowLike> {
    const state = await loadWindowState(core.home, e.screen);
    const win = new e.BrowserWindow({
      ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
      width: state.width,
      height: state.height,
      minWidth: MIN_SIZE.width,
      minHeight: MIN_SIZE.height,
      show: false,
      title: 'Coffer',
      webPreferences: webPreferences(opts.preloadPath),
    });
    windows.add(win);
    const contents = win.webContents;
    const sessionId = `window-${contents.id}`;
    sessions.set(contents, createHandlers(core, { id: sessionId, transport: 'electron', dialogs: nativeDialogs(e.dialog, win) }));
    contents.on('destroyed', () => {
      sessions.delete(contents);
      core.endSession(sessionId);
    });
    win.on('closed', () => windows.delete(win));
    rememberWindowState(win, core.home);
    win.once('ready-to-show', () => {
      if (state.maximized) win.maximize();
      win.show();
    });
    await win.loadURL(`${APP_ORIGIN}/index.html`);
    return win;
  }

  e.app.on('window-all-closed', () => e.app.quit());
  let coreClosed = false;
  let closing = false;
  e.app.on('before-quit', (event) => {
    if (coreClosed) return;
    // Transfers pause and are saved, the store stops; then the quit goes on.
    event.preventDefault();
    if (closing) return;
    closing = true;
    void core.close().finally(() => {
      coreClosed = true;
      e.app.quit();
    });
  });

  await createWindow();
  return { core, windows, createWindow };
}
