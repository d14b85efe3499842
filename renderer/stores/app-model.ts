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
import { createSettingsStore } from './settings-store';
import { createSseCKeysStore } from './sse-c-keys-store';

export function createAppModel(bridge: Bridge, schedule: FrameScheduler = (f) => requestAnimationFrame(() => f())) {
  const connections = createConnectionsStore(bridge);
  const listing = createListingStore(bridge);
  const statuses = createStatusesStore(bridge);
  const transfers = createTransfersStore(bridge);
  const upload = createUploadStore();
  const shell = createShellStore(bridge);
  // The default encryption from Settings is what the next upload gets, over a one-off choice made before it.
  const settings = createSettingsStore(bridge, { onDefaultEncryption: (choice) => upload.getState().setChoice(choice) });
  const sseCKeys = createSseCKeysStore(bridge, { onDefaultReset: () => void settings.getState().load() });
  const stop = routeEvents(bridge, { connections, listing, statuses, transfers, onShellEvent: (e) => shell.getState().onEvent(e), onSettingsChanged: () => void settings.getState().changedElsewhere() }, schedule);
  return {
    bridge,
    connections,
    listing,
    statuses,
    transfers,
    upload,
    shell,
    settings,
    sseCKeys,
    /** First load: the vault, the places, the jobs (including unfinished ones from before a restart). */
    async start() {
      await Promise.all([shell.getState().loadVault(), connections.getState().load(), transfers.getState().load(), settings.getState().load()]);
    },
    /**
     * Refresh (the button, F5, Ctrl+R): the folder's rows and the bucket's unfinished uploads, both read again
     * (another program, the CLI say, may have changed either).
     */
    async refresh() {
      const location = listing.getState().location;
      await Promise.all([listing.getState().refresh(), location ? transfers.getState().loadIncomplete(location) : undefined]);
    },
    dispose: stop,
  };
}

export type AppModel = ReturnType<typeof createAppModel>;
