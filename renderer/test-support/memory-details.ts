// The memory bridge's answers for shared/contract/channels-details.ts (see memory-bridge.ts).
import type { Handlers } from '../../shared/contract';
import type { detailChannels } from '../../shared/contract/channels-details';

export function detailMemoryHandlers(): Pick<Handlers, keyof typeof detailChannels> {
  return {};
}
