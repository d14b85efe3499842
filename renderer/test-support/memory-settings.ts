// The memory bridge's answers for shared/contract/channels-settings.ts (see memory-bridge.ts).
import type { Handlers } from '../../shared/contract';
import type { settingsChannels } from '../../shared/contract/channels-settings';

export function settingsMemoryHandlers(): Pick<Handlers, keyof typeof settingsChannels> {
  return {};
}
