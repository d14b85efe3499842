// What the preload exposes as `window.coffer` (the contract's CofferPreload): one namespace per domain with one
// named function per channel, each bound to its own channel name (the page can never choose a channel: there is
// no generic invoke), the one event subscription, and the path of a dropped or picked File.
import type { CofferPreload } from '../../shared/contract/api';
import { PRELOAD_CHANNELS, PRELOAD_EVENT_CHANNEL } from './channels';

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export interface WebUtilsLike {
  getPathForFile(file: never): string;
}

export function buildPreloadApi(ipcRenderer: IpcRendererLike, webUtils: WebUtilsLike): CofferPreload {
  const api: Record<string, Record<string, unknown>> = {};
  for (const channel of PRELOAD_CHANNELS) {
    const dot = channel.indexOf('.');
    const domain = channel.slice(0, dot);
    const action = channel.slice(dot + 1);
    // A function per channel; only a plain-data request crosses (the context bridge copies it).
    (api[domain] ??= {})[action] = (request: unknown) => ipcRenderer.invoke(channel, request);
  }
  return {
    ...(api as unknown as Omit<CofferPreload, 'onEvent' | 'pathForFile'>),
    onEvent(listener) {
      const relay = (_event: unknown, payload: unknown) => listener(payload as Parameters<typeof listener>[0]);
      ipcRenderer.on(PRELOAD_EVENT_CHANNEL, relay);
      return () => void ipcRenderer.removeListener(PRELOAD_EVENT_CHANNEL, relay);
    },
    pathForFile(file) {
      try {
        return webUtils.getPathForFile(file as never) || '';
      } catch {
        return '';
      }
    },
  } as CofferPreload;
}
