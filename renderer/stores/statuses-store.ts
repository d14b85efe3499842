// The Encryption cells. Statuses are asked only for rows on screen; each request replaces the previous one, so
// rows that scrolled away stop being checked (and are asked again if they come back). Answers are kept by
// object version (ETag): a row whose ETag changed is asked again. A fresh upload's row arrives with its
// verified encryption (object.changed), so it is never HEADed.
import { createStore } from 'zustand/vanilla';
import type { EncryptionState, EventOf } from '../../shared/contract';
import type { Bridge } from '../bridge/bridge';
import type { Location } from './listing-store';

export interface StatusEntry {
  etag: string;
  encryption: EncryptionState;
}

export interface StatusRowRef {
  key: string;
  etag: string;
}

export interface StatusesState {
  /** Bumped on every change; entries are kept in one mutable Map so 100,000 rows do not copy on each update. */
  version: number;
  entries: Map<string, StatusEntry>;
  requestVisible(location: Location, rows: StatusRowRef[]): void;
  retry(location: Location, row: StatusRowRef): void;
  apply(events: Array<EventOf<'object.status'> | EventOf<'object.changed'>>): void;
}

export const statusId = (connectionId: string, bucket: string, key: string) => `${connectionId}\u0000${bucket}\u0000${key}`;

/** The view name of the table's requests: each one supersedes the last (shared/contract: objects.status). */
const TABLE_VIEW = 'table';
const RETRY_VIEW = 'retry';
const MAX_ROWS = 500;

export function createStatusesStore(bridge: Bridge) {
  let pending = new Set<string>();
  let lastTarget = '';

  return createStore<StatusesState>()((set, get) => ({
    version: 0,
    entries: new Map(),

    requestVisible(location, rows) {
      const { entries } = get();
      const target = `${location.connectionId}\u0000${location.bucket}`;
      const ask: StatusRowRef[] = [];
      const askIds = new Set<string>();
      for (const row of rows.slice(0, MAX_ROWS)) {
        const id = statusId(location.connectionId, location.bucket, row.key);
        const known = entries.get(id);
        if (known && known.etag === row.etag && known.encryption.state !== 'checking') continue;
        ask.push(row);
        askIds.add(id);
      }
      const unchanged = target === lastTarget && askIds.size === pending.size && [...askIds].every((id) => pending.has(id));
      if (unchanged) return;
      // Rows that scrolled away before their answer: forget them, so they are asked again when seen again.
      for (const id of pending) if (!askIds.has(id) && entries.get(id)?.encryption.state === 'checking') entries.delete(id);
      for (const row of ask) entries.set(statusId(location.connectionId, location.bucket, row.key), { etag: row.etag, encryption: { state: 'checking' } });
      const hadPending = pending.size > 0;
      pending = askIds;
      lastTarget = target;
      set((s) => ({ version: s.version + 1 }));
      if (ask.length === 0 && !hadPending) return;
      void bridge.api.objects.status({ connectionId: location.connectionId, bucket: location.bucket, view: TABLE_VIEW, rows: ask }).then((answer) => {
        if (answer.ok) return;
        const now = get().entries;
        for (const row of ask) {
          const id = statusId(location.connectionId, location.bucket, row.key);
          if (now.get(id)?.encryption.state === 'checking') now.set(id, { etag: row.etag, encryption: { state: 'error', error: answer.error } });
          pending.delete(id);
        }
        set((s) => ({ version: s.version + 1 }));
      });
    },

    retry(location, row) {
      const id = statusId(location.connectionId, location.bucket, row.key);
      get().entries.set(id, { etag: row.etag, encryption: { state: 'checking' } });
      set((s) => ({ version: s.version + 1 }));
      void bridge.api.objects.status({ connectionId: location.connectionId, bucket: location.bucket, view: RETRY_VIEW, rows: [row], force: true }).then((answer) => {
        if (answer.ok) return;
        get().entries.set(id, { etag: row.etag, encryption: { state: 'error', error: answer.error } });
        set((s) => ({ version: s.version + 1 }));
      });
    },

    apply(events) {
      if (events.length === 0) return;
      const { entries } = get();
      for (const e of events) {
        if (e.type === 'object.status') {
          const id = statusId(e.connectionId, e.bucket, e.key);
          entries.set(id, { etag: e.etag, encryption: e.encryption });
          if (e.encryption.state !== 'checking') pending.delete(id);
        } else if (e.change === 'put') {
          entries.set(statusId(e.connectionId, e.bucket, e.object.key), { etag: e.object.etag, encryption: e.encryption });
        } else if (e.change === 'deleted') {
          entries.delete(statusId(e.connectionId, e.bucket, e.key));
        }
      }
      set((s) => ({ version: s.version + 1 }));
    },
  }));
}

export type StatusesStore = ReturnType<typeof createStatusesStore>;
