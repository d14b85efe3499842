// The handlers of shared/contract/channels-accounts.ts; createHandlers (handlers.ts) merges them.
import type { Handlers } from '../../../shared/contract';
import type { accountChannels } from '../../../shared/contract/channels-accounts';
import type { CofferCore } from '../core';
import type { Session } from './handlers';

export function accountHandlers(core: CofferCore, session: Session): Pick<Handlers, keyof typeof accountChannels> {
  void core;
  void session;
  return {};
}
