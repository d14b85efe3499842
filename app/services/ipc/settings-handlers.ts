// The handlers of shared/contract/channels-settings.ts; createHandlers (handlers.ts) merges them.
import type { Handlers } from '../../../shared/contract';
import type { settingsChannels } from '../../../shared/contract/channels-settings';
import type { CofferCore } from '../core';
import type { Session } from './handlers';

export function settingsHandlers(core: CofferCore, session: Session): Pick<Handlers, keyof typeof settingsChannels> {
  void core;
  void session;
  return {};
}
