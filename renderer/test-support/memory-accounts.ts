// The memory bridge's answers for shared/contract/channels-accounts.ts (see memory-bridge.ts).
import type { Handlers } from '../../shared/contract';
import type { accountChannels } from '../../shared/contract/channels-accounts';

export function accountMemoryHandlers(): Pick<Handlers, keyof typeof accountChannels> {
  return {};
}
