// The set-up most service tests share: a real store on a random port and a client for it, started before the
// file's tests (with what `seed` puts in it) and stopped after them.
import { afterAll, beforeAll } from 'vitest';
import type { CosClient } from '../../cos/client';
import { testClient } from '../../cos/client/test-support/client-fixture';
import { startFixture, type StoreFixture } from '../../store/test-support/store-fixture';

export interface StoreClient {
  /** Set once the file's `beforeAll` has run. */
  fixture: StoreFixture;
  client: CosClient;
}

export function useStoreClient(seed: (client: CosClient) => Promise<void>): StoreClient {
  const store = {} as StoreClient;
  beforeAll(async () => {
    store.fixture = await startFixture();
    store.client = testClient(store.fixture.port);
    await seed(store.client);
  });
  afterAll(async () => {
    await store.client?.close();
    await store.fixture?.close();
  });
  return store;
}
