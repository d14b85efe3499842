// The preload of the Coffer window (sandboxed; bundled to dist/preload/preload.cjs): exactly one global,
// `window.coffer`, built by preload-api.ts.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { buildPreloadApi } from './preload-api';

contextBridge.exposeInMainWorld('coffer', buildPreloadApi(ipcRenderer, webUtils));
