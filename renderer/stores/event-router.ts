// The one event subscription. Events are buffered and handed to the stores once per animation frame, each
// store getting one batch (one update): a 10,000-file drop or a fast scroll of status answers re-renders at most
// once a frame. Progress for the same job inside a frame collapses to the latest.
import type { AppEvent, EventOf } from '../../shared/contract';
import type { Bridge } from '../bridge/bridge';
import type { ConnectionsStore } from './connections-store';
import type { ListingStore } from './listing-store';
import type { StatusesStore } from './statuses-store';
import type { TransfersStore } from './transfers-store';

export type FrameScheduler = (flush: () => void) => void;

export interface RoutedStores {
  connections: ConnectionsStore;
  listing: ListingStore;
  statuses: StatusesStore;
  transfers: TransfersStore;
  /** Settings were saved somewhere: read them again. */
  onSettingsChanged(): void;
  /** The store's state and the vault's, for the app shell. */
  onShellEvent(event: EventOf<'store.state'> | EventOf<'vault.state'>): void;
}

export function routeEvents(bridge: Bridge, stores: RoutedStores, schedule: FrameScheduler): () => void {
  let buffer: AppEvent[] = [];
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    const batch = buffer;
    buffer = [];
    const lastProgress = new Map<string, number>();
    batch.forEach((e, i) => e.type === 'job.progress' && lastProgress.set(e.jobId, i));
    const jobs = batch.filter((e, i): e is Extract<AppEvent, { type: `job.${string}` }> => e.type.startsWith('job.') && (e.type !== 'job.progress' || lastProgress.get(e.jobId) === i));
    const statuses = batch.filter((e): e is EventOf<'object.status'> | EventOf<'object.changed'> => e.type === 'object.status' || e.type === 'object.changed');
    const changes = batch.filter((e): e is EventOf<'object.changed'> => e.type === 'object.changed');

    stores.transfers.getState().apply(jobs);
    stores.statuses.getState().apply(statuses);
    if (changes.length) stores.listing.getState().applyChanges(changes);
    for (const e of batch) {
      // A browser-mode download finished: hand the file to the browser's own download.
      if (e.type === 'job.done' && e.job.state === 'completed' && e.job.attachment) bridge.openAttachment(e.job.attachment.downloadId, e.job.attachment.name);
      if (e.type === 'store.state' || e.type === 'vault.state') stores.onShellEvent(e);
      else if (e.type === 'connections.changed') void stores.connections.getState().load();
      else if (e.type === 'settings.changed') stores.onSettingsChanged();
    }
  };

  return bridge.onEvent((event) => {
    buffer.push(event);
    if (!scheduled) {
      scheduled = true;
      schedule(flush);
    }
  });
}
