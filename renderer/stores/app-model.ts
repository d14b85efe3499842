// All of the renderer's state, created once per window from a Bridge: the domain stores and the one event
// subscription that feeds them. Tests build it from an in-memory bridge and a manual frame scheduler.
import type { Bridge } from '../bridge/bridge';
import { createConnectionsStore } from './connections-store';
import { routeEvents, type FrameScheduler } from './event-router';
import { createListingStore } from './listing-store';
import { createShellStore } from './shell-store';
import { createStatusesStore } from './statuses-store';
import { createTransfersStore } from './transfers-store';
import { createUploadStore } from './upload-store';

export function createAppModel(bridge: Bridge, schedule: FrameScheduler = (f) => requestAnimationFrame(() => f())) {
  const connections = createConnectionsStore(bridge);
  const listing = createListingStore(bridge);
  const statuses = createStatusesStore(bridge);
  const transfers = createTransfersStore(bridge);
  const upload = createUploadStore();
  const shell = createShellStore(bridge);
  const stop = routeEvents(bridge, { connections, listing, statuses, transfers, onShellEvent: (e) => shell.getState().onEvent(e) }, schedule);
  return {
    bridge,
    connections,
    listing,
    statuses,
    transfers,
    upload,
    shell,
    /** First load: the vault, the places, the jobs (including unfinished ones from before a restart). */
    async start() {
      await Promise.all([shell.getState().loadVault(), connections.getState().load(), transfers.getState().load()]);
    },
    dispose: stop,
  };
}

export type AppModel = ReturnType<typeof createAppModel>;
