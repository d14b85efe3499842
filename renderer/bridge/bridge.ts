// The only door between the page and the core. It picks the transport once: the Electron preload's
// `window.coffer` when present, else the browser host's WebSocket at this page's origin. Everything above
// receives a Bridge and cannot tell which one it got.
import type { CofferPreload } from '../../shared/contract';
import { browserBridge } from './browser-transport';
import type { Bridge } from './bridge-types';
import { electronBridge } from './electron-transport';

export type { Bridge, MoreFiles, PageFile, UploadFilesRequest } from './bridge-types';

declare global {
  interface Window {
    coffer?: CofferPreload;
  }
}

export function createBridge(win: Window & typeof globalThis = window): Bridge {
  if (win.coffer) return electronBridge(win.coffer);
  return browserBridge({
    location: win.location,
    WebSocket: win.WebSocket,
    fetch: win.fetch.bind(win),
    document: win.document,
  });
}
