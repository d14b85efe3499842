// Where the user can go: the app's facts (transport, dialogs), the connections ("This computer", COS accounts)
// and each connection's buckets with their region and default encryption.
import { createStore } from 'zustand/vanilla';
import type { AppError, Bucket, Connection, Response } from '../../shared/contract';
import type { Bridge } from '../bridge/bridge';

export type AppInfo = Response<'app.info'>;

export interface ConnectionsState {
  info: AppInfo | null;
  connections: Connection[];
  buckets: Record<string, Bucket[] | undefined>;
  bucketErrors: Record<string, AppError | undefined>;
  status: 'loading' | 'ready' | 'error';
  error: AppError | null;
  load(): Promise<void>;
  loadBuckets(connectionId: string): Promise<void>;
  createBucket(connectionId: string, name: string, region: string): Promise<AppError | null>;
}

export function createConnectionsStore(bridge: Bridge) {
  return createStore<ConnectionsState>()((set, get) => ({
    info: null,
    connections: [],
    buckets: {},
    bucketErrors: {},
    status: 'loading',
    error: null,

    async load() {
      set({ status: 'loading', error: null });
      const [info, list] = await Promise.all([bridge.api.app.info({}), bridge.api.connections.list({})]);
      if (!info.ok || !list.ok) {
        set({ status: 'error', error: !info.ok ? info.error : !list.ok ? list.error : null });
        return;
      }
      set({ info: info.value, connections: list.value.connections, status: 'ready' });
      await Promise.all(list.value.connections.filter((c) => c.state === 'ready').map((c) => get().loadBuckets(c.id)));
    },

    async loadBuckets(connectionId) {
      const answer = await bridge.api.buckets.list({ connectionId });
      if (answer.ok) set((s) => ({ buckets: { ...s.buckets, [connectionId]: answer.value.buckets }, bucketErrors: { ...s.bucketErrors, [connectionId]: undefined } }));
      else set((s) => ({ bucketErrors: { ...s.bucketErrors, [connectionId]: answer.error } }));
    },

    async createBucket(connectionId, name, region) {
      const answer = await bridge.api.buckets.create({ connectionId, bucket: name, region, defaultEncryption: true });
      if (!answer.ok) return answer.error;
      await get().loadBuckets(connectionId);
      return null;
    },
  }));
}

export type ConnectionsStore = ReturnType<typeof createConnectionsStore>;

export function findBucket(state: Pick<ConnectionsState, 'buckets'>, connectionId: string, bucket: string): Bucket | undefined {
  return state.buckets[connectionId]?.find((b) => b.name === bucket);
}
