// What the preload exposes as window.coffer: a named function per contract channel (each bound to its own
// channel: the page cannot pick one), the one event subscription, and dropped files' paths.
import { describe, expect, it } from 'vitest';
import { channelNames, EVENT_IPC_CHANNEL } from '../../shared/contract';
import { PRELOAD_CHANNELS, PRELOAD_EVENT_CHANNEL } from './channels';
import { buildPreloadApi, type IpcRendererLike } from './preload-api';

function fakeIpc() {
  const invoked: Array<[string, unknown]> = [];
  const listeners = new Map<string, Set<(event: unknown, ...args: unknown[]) => void>>();
  const ipc: IpcRendererLike = {
    invoke: async (channel, request) => (invoked.push([channel, request]), { ok: true, value: channel }),
    on: (channel, l) => void (listeners.get(channel) ?? listeners.set(channel, new Set()).get(channel)!).add(l),
    removeListener: (channel, l) => void listeners.get(channel)?.delete(l),
  };
  return { ipc, invoked, listeners };
}

describe('the preload', () => {
  it('knows exactly the contract\'s channels and event channel', () => {
    expect([...PRELOAD_CHANNELS].sort()).toEqual([...channelNames].sort());
    expect(PRELOAD_EVENT_CHANNEL).toBe(EVENT_IPC_CHANNEL);
  });

  it('exposes one named function per channel, each invoking only its own channel with the request', async () => {
    const { ipc, invoked } = fakeIpc();
    const api = buildPreloadApi(ipc, { getPathForFile: () => '' }) as unknown as Record<string, Record<string, (r: unknown) => Promise<unknown>>>;
    for (const name of channelNames) {
      const [domain, action] = name.split('.') as [string, string];
      expect(typeof api[domain]![action]).toBe('function');
      expect(await api[domain]![action]!({ probe: name })).toEqual({ ok: true, value: name });
    }
    expect(invoked).toEqual(channelNames.map((n) => [n, { probe: n }]));
    // No generic door: nothing takes a channel name.
    expect(Object.keys(api).sort()).toEqual([...new Set(channelNames.map((n) => n.split('.')[0]!)), 'onEvent', 'pathForFile'].sort());
    expect('invoke' in api).toBe(false);
  });

  it('delivers events to a subscriber until it unsubscribes', () => {
    const { ipc, listeners } = fakeIpc();
    const api = buildPreloadApi(ipc, { getPathForFile: () => '' });
    const seen: unknown[] = [];
    const stop = api.onEvent((e) => seen.push(e));
    for (const l of listeners.get(EVENT_IPC_CHANNEL)!) l({ sender: 'ipc event (not passed on)' }, { type: 'connections.changed' });
    stop();
    expect(listeners.get(EVENT_IPC_CHANNEL)!.size).toBe(0);
    expect(seen).toEqual([{ type: 'connections.changed' }]);
  });

  it('gives a dropped file\'s path, and an empty one where there is none', () => {
    const { ipc } = fakeIpc();
    expect(buildPreloadApi(ipc, { getPathForFile: () => '/home/me/a.jpg' }).pathForFile({})).toBe('/home/me/a.jpg');
    expect(
      buildPreloadApi(ipc, {
        getPathForFile: () => {
          throw new TypeError('not a File');
        },
      }).pathForFile('nope'),
    ).toBe('');
  });
});
