// The contract over Electron IPC: exactly one ipcMain.handle per contract channel, nothing else. Every call is
// checked before anything runs: it must come from a window this app created, from its main frame, showing the
// app's own page (app://coffer/…); a foreign sender gets an 'access' refusal. Then the request is parsed with the
// channel's schema and answered by the same handlers the browser host serves (shared/contract/serve.ts).
import { channelNames, EVENT_IPC_CHANNEL, fail, serveRequest, type AppEvent, type Envelope, type Handlers } from '../../shared/contract';
import { toAppError } from '../services/errors';
import type { IpcMainInvokeEventLike, IpcMainLike, WebContentsLike } from './electron-api';
import { isAppUrl } from './security';

export interface IpcWiring {
  ipcMain: IpcMainLike;
  /** The web contents of the windows this app created. */
  isOurs(contents: WebContentsLike): boolean;
  /** The handlers of one window (its session: status views, dialogs parented to it). */
  handlersFor(contents: WebContentsLike): Handlers;
  log?: (line: string) => void;
}

/** Whether an IPC call may be served: our window, its main frame, our page. */
export function trustedSender(event: IpcMainInvokeEventLike, isOurs: (c: WebContentsLike) => boolean): boolean {
  const frame = event.senderFrame;
  if (!frame || !isAppUrl(frame.url)) return false;
  if (!isOurs(event.sender)) return false;
  // A sub-frame (an iframe the page was tricked into) has its own frame object.
  return event.sender.mainFrame === undefined || event.sender.mainFrame === frame;
}

export function registerIpc(w: IpcWiring): void {
  for (const name of channelNames) {
    w.ipcMain.handle(name, async (event, request): Promise<Envelope<unknown>> => {
      if (!trustedSender(event, w.isOurs)) {
        w.log?.(`refused ${name} from ${event.senderFrame?.url ?? 'an unknown frame'}`);
        return fail('access', 'ForeignSender', 'This request did not come from a Coffer window and was refused.');
      }
      return serveRequest(w.handlersFor(event.sender), name, request, { toAppError: (e) => toAppError(e) });
    });
  }
}

/** Sends one contract event to a window (the preload's onEvent receives it). */
export function sendEvent(contents: WebContentsLike, event: AppEvent): void {
  if (!contents.isDestroyed()) contents.send(EVENT_IPC_CHANNEL, event);
}
