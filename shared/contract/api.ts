// The surface the renderer calls, derived from `channels`: one namespace per domain, one named function per
// channel (`coffer.objects.list(request)`), each answering an envelope. The Electron preload exposes exactly
// this as `window.coffer` (never a generic invoke); the browser transport builds the same object over the
// WebSocket, so nothing above renderer/bridge can tell them apart.
import type { ActionOf, ChannelName, DomainOf, Request, Response } from './channels';
import type { Envelope } from './errors';
import type { AppEvent } from './events';

export type ChannelFunction<C extends ChannelName> = (request: Request<C>) => Promise<Envelope<Response<C>>>;

export type CofferApi = {
  [D in DomainOf<ChannelName>]: { [C in Extract<ChannelName, `${D}.${string}`> as ActionOf<C>]: ChannelFunction<C> };
};

/**
 * What the Electron preload exposes as `window.coffer`. `onEvent` returns the function that unsubscribes.
 * `pathForFile` is webUtils.getPathForFile for a dropped or picked File ('' when it has none); it takes
 * `unknown` because this package knows no DOM types.
 */
export type CofferPreload = CofferApi & {
  onEvent(listener: (event: AppEvent) => void): () => void;
  pathForFile(file: unknown): string;
};
