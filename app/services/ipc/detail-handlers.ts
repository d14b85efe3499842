// The handlers of shared/contract/channels-details.ts; createHandlers (handlers.ts) merges them.
import type { Handlers } from '../../../shared/contract';
import type { detailChannels } from '../../../shared/contract/channels-details';
import type { CofferCore } from '../core';
import type { Session } from './handlers';

export function detailHandlers(core: CofferCore, session: Session): Pick<Handlers, keyof typeof detailChannels> {
  void core;
  void session;
  return {};
}
