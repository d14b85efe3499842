// Encryption statuses: asked only for rows not known yet, each request replacing the last, rows that scrolled
// away forgotten (so they are asked again), a changed ETag asked again, a verified upload never asked.
import { describe, expect, it } from 'vitest';
import { createStatusesStore, statusId } from './statuses-store';
import { BUCKET, createMemoryBridge, object } from '../test-support/memory-bridge';

const loc = { connectionId: 'local', bucket: BUCKET, prefix: '' };
const refs = (...keys: string[]) => keys.map((key) => ({ key, etag: `"${key}"` }));
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('statuses store', () => {
  it('asks only unknown rows, supersedes scrolled-away ones and asks them again when they return', async () => {
    const bridge = createMemoryBridge();
    const store = createStatusesStore(bridge);
    store.getState().requestVisible(loc, refs('a', 'b', 'c'));
    store.getState().apply([{ type: 'object.status', connectionId: 'local', bucket: BUCKET, key: 'a', etag: '"a"', encryption: { state: 'encrypted', mode: 'SSE-COS' } }]);
    // Scrolled: b and c left the screen unanswered, d and a are on screen; a is known.
    store.getState().requestVisible(loc, refs('a', 'd'));
    // The same view again asks nothing new.
    store.getState().requestVisible(loc, refs('a', 'd'));
    // b comes back: asked again (its HEAD was superseded).
    store.getState().requestVisible(loc, refs('b'));
    await flush();
    expect(bridge.callsOf('objects.status').map((r) => r.rows.map((x) => x.key))).toEqual([['a', 'b', 'c'], ['d'], ['b']]);
    expect(store.getState().entries.has(statusId('local', BUCKET, 'c'))).toBe(false);
  });

  it('asks again when the ETag changed, and never for a row whose upload reported its encryption', async () => {
    const bridge = createMemoryBridge();
    const store = createStatusesStore(bridge);
    store.getState().apply([
      { type: 'object.status', connectionId: 'local', bucket: BUCKET, key: 'a', etag: '"old"', encryption: { state: 'not-encrypted' } },
      { type: 'object.changed', connectionId: 'local', bucket: BUCKET, change: 'put', object: object('n', { etag: '"n"' }), encryption: { state: 'encrypted', mode: 'SSE-KMS' } },
    ]);
    store.getState().requestVisible(loc, [{ key: 'a', etag: '"new"' }, { key: 'n', etag: '"n"' }]);
    await flush();
    expect(bridge.callsOf('objects.status').map((r) => r.rows)).toEqual([[{ key: 'a', etag: '"new"' }]]);
    expect(store.getState().entries.get(statusId('local', BUCKET, 'n'))?.encryption).toEqual({ state: 'encrypted', mode: 'SSE-KMS' });
  });

  it('turns a refused request into "Couldn\'t check" for its rows', async () => {
    const bridge = createMemoryBridge({
      handlers: {
        'objects.status': () => {
          throw new Error('The store is not running.');
        },
      },
    });
    const store = createStatusesStore(bridge);
    store.getState().requestVisible(loc, refs('a'));
    await flush();
    await flush();
    expect(store.getState().entries.get(statusId('local', BUCKET, 'a'))?.encryption).toMatchObject({ state: 'error', error: { message: 'The store is not running.' } });
  });
});
