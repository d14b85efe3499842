// The Electron entry point (bundled to dist/main/main.js, package.json "main"). Everything it does is in
// desktop-app.ts, which takes these modules injected.
import { app, BrowserWindow, dialog, ipcMain, protocol, safeStorage, screen, session, shell, utilityProcess } from 'electron';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../services/store-launch';
import { startDesktopApp } from './desktop-app';
import type { ElectronDeps } from './electron-api';

const deps = { app, BrowserWindow, dialog, ipcMain, protocol, safeStorage, screen, session, shell, utilityProcess } as unknown as ElectronDeps;

startDesktopApp(deps, {
  rendererDir: join(PROJECT_ROOT, 'dist', 'renderer'),
  preloadPath: join(PROJECT_ROOT, 'dist', 'preload', 'preload.cjs'),
  log: (line) => process.stderr.write(`coffer: ${line}\n`),
}).catch((err: unknown) => {
  dialog.showErrorBox('Coffer could not start', (err as Error).message);
  app.exit(1);
});
