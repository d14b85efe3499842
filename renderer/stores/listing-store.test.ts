// The listing: pages follow markers, a late page for an old place is dropped, a filter starts over, and rows
// this app changed are folded in where they belong.
import { describe, expect, it, vi } from 'vitest';
import { createListingStore } from './listing-store';
import { BUCKET, createMemoryBridge, manyObjects, object } from '../test-support/memory-bridge';
import type { Handlers } from '../../shared/contract';

const loc = { connectionId: 'local', bucket: BUCKET, prefix: '' };

describe('listing store', () => {
  it('loads page after page with the marker until the end', async () => {
    const bridge = createMemoryBridge({ objects: { [BUCKET]: manyObjects(2_100) } });
    const store = createListingStore(bridge);
    await store.getState().open(loc);
    expect(store.getState()).toMatchObject({ status: 'ready', truncated: true, nextMarker: 'file-00999.txt' });
    await store.getState().loadMore();
    await store.getState().loadMore();
    await store.getState().loadMore(); // at the end: asks nothing
    expect(store.getState().objects).toHaveLength(2_100);
    expect(store.getState().truncated).toBe(false);
    expect(bridge.callsOf('objects.list').map((r) => r.marker)).toEqual([undefined, 'file-00999.txt', 'file-01999.txt']);
  });

  it("shows the subfolders of a folder's later pages at once, and each only once when its page loads", async () => {
    // "raw/" after 2,100 photos comes on the third page: the table shows folders first, so it must not wait there.
    const photos = manyObjects(2_100, 'album/');
    const bridge = createMemoryBridge({ objects: { [BUCKET]: [...photos, object('album/raw/x.cr2'), object('album/zz/y.txt')] } });
    const store = createListingStore(bridge);
    await store.getState().open({ ...loc, prefix: 'album/' });
    await vi.waitFor(() => expect(store.getState().folders.map((f) => f.prefix)).toEqual(['album/raw/', 'album/zz/']));
    expect(store.getState().objects).toHaveLength(1000);
    expect(bridge.callsOf('objects.folders')).toEqual([{ ...loc, prefix: 'album/' }]);
    for (let i = 0; i < 3; i++) await store.getState().loadMore();
    expect(store.getState().objects).toHaveLength(2_100);
    expect(store.getState().folders.map((f) => f.prefix)).toEqual(['album/raw/', 'album/zz/']);
    // A folder of one page asks nothing more.
    await store.getState().open({ ...loc, prefix: 'album/raw/' });
    expect(bridge.callsOf('objects.folders')).toHaveLength(1);
  });

  it('says when a folder has subfolders beyond the names read ahead, until the page that holds them loads', async () => {
    // 6,000 photos, then "zz/": more than the 5 pages objects.folders reads ahead.
    const bridge = createMemoryBridge({ objects: { [BUCKET]: [...manyObjects(6_000, 'big/'), object('big/zz/y.txt')] } });
    const store = createListingStore(bridge);
    await store.getState().open({ ...loc, prefix: 'big/' });
    await vi.waitFor(() => expect(store.getState().foldersPending).toBe(true));
    expect(store.getState().folders).toEqual([]);
    while (store.getState().truncated) await store.getState().loadMore();
    expect(store.getState().folders.map((f) => f.prefix)).toEqual(['big/zz/']);
    expect(store.getState().foldersPending).toBe(false);
    // A folder whose subfolders were all read ahead says nothing.
    await store.getState().open({ ...loc, prefix: '' });
    await vi.waitFor(() => expect(bridge.callsOf('objects.folders')).toHaveLength(1));
    expect(store.getState().foldersPending).toBe(false);
  });

  it('drops a page that arrives after the user went elsewhere', async () => {
    let release: () => void = () => {};
    const slow: Partial<Handlers> = {
      'objects.list': (r) =>
        r.prefix === 'slow/'
          ? new Promise((res) => (release = () => res({ folders: [], objects: [object('slow/x')], nextMarker: null, truncated: false })))
          : { folders: [], objects: [object('fast')], nextMarker: null, truncated: false },
    };
    const store = createListingStore(createMemoryBridge({ handlers: slow }));
    const first = store.getState().open({ ...loc, prefix: 'slow/' });
    await new Promise((r) => setTimeout(r, 0));
    await store.getState().open(loc);
    release();
    await first;
    expect(store.getState().objects.map((o) => o.key)).toEqual(['fast']);
  });

  it('sends the name filter and folds uploads, new folders and deletes into the loaded rows', async () => {
    const bridge = createMemoryBridge({ objects: { [BUCKET]: [object('b.txt'), object('d.txt'), object('report.pdf')] } });
    const store = createListingStore(bridge);
    await store.getState().open(loc);
    const put = (key: string) => ({ type: 'object.changed' as const, connectionId: 'local', bucket: BUCKET, change: 'put' as const, object: object(key), encryption: { state: 'encrypted' as const, mode: 'SSE-COS' as const } });
    store.getState().applyChanges([
      put('c.txt'),
      put('album/2026/x.jpg'),
      put('a.txt'),
      { type: 'object.changed', connectionId: 'local', bucket: BUCKET, change: 'deleted', key: 'd.txt' },
      { type: 'object.changed', connectionId: 'local', bucket: 'other-1250000000', change: 'deleted', key: 'b.txt' },
    ]);
    expect(store.getState().objects.map((o) => o.key)).toEqual(['a.txt', 'b.txt', 'c.txt', 'report.pdf']);
    expect(store.getState().folders).toEqual([{ prefix: 'album/', name: 'album' }]);

    await store.getState().setFilter('rep');
    expect(bridge.callsOf('objects.list').at(-1)).toMatchObject({ nameFilter: 'rep' });
    expect(store.getState().objects.map((o) => o.key)).toEqual(['report.pdf']);
  });

  it('folds a large batch (a 10,000-file drop) in one pass: sorted, replaced rows updated, a deleted selected row unselected', async () => {
    const bridge = createMemoryBridge({ objects: { [BUCKET]: [object('m-keep.txt'), object('m-replace.txt', { size: 1 }), object('m-gone.txt')] } });
    const store = createListingStore(bridge);
    await store.getState().open(loc);
    store.getState().select(['m-gone.txt', 'm-keep.txt']);
    const change = (key: string, size = 5) => ({ type: 'object.changed' as const, connectionId: 'local', bucket: BUCKET, change: 'put' as const, object: object(key, { size }), encryption: { state: 'encrypted' as const, mode: 'SSE-COS' as const } });
    const deleted = (key: string) => ({ type: 'object.changed' as const, connectionId: 'local', bucket: BUCKET, change: 'deleted' as const, key });
    const keys = Array.from({ length: 10_000 }, (_, i) => `f${String((i * 7919) % 10_000).padStart(5, '0')}.txt`);
    store.getState().applyChanges([
      ...keys.map((k) => change(k)),
      change('m-replace.txt', 99),
      deleted('m-gone.txt'),
      // Deleted, then uploaded again in the same frame: the upload is what stays.
      deleted('f00001.txt'),
      change('f00001.txt', 7),
    ]);
    const rows = store.getState().objects;
    expect(rows).toHaveLength(10_002);
    expect(rows.map((o) => o.key)).toEqual([...keys].sort().concat(['m-keep.txt', 'm-replace.txt']));
    expect(rows.find((o) => o.key === 'm-replace.txt')!.size).toBe(99);
    expect(rows.find((o) => o.key === 'f00001.txt')!.size).toBe(7);
    expect([...store.getState().selected]).toEqual(['m-keep.txt']);
  });
});
