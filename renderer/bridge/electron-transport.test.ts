// Electron's side: the preload's named functions are the API as they are, and dropped Files upload from their
// paths on disk (webUtils.getPathForFile), or fail with a sentence when a File has none.
import { describe, expect, it } from 'vitest';
import { channelNames, splitChannel, type CofferPreload } from '../../shared/contract';
import { electronBridge } from './electron-transport';

function fakePreload(paths: Map<File, string>) {
  const calls: Array<[string, unknown]> = [];
  const api: Record<string, Record<string, (r: unknown) => Promise<unknown>>> = {};
  for (const name of channelNames) {
    const [d, a] = splitChannel(name);
    (api[d] ??= {})[a] = async (r) => (calls.push([name, r]), { ok: true, value: { job: { id: 'j' } } });
  }
  const preload = { ...api, onEvent: () => () => {}, pathForFile: (f: unknown) => paths.get(f as File) ?? '' } as unknown as CofferPreload;
  return { preload, calls };
}

describe('electron transport', () => {
  it('uploads dropped files from their paths', async () => {
    const a = new File(['x'], 'a.txt');
    const { preload, calls } = fakePreload(new Map([[a, '/home/u/album/a.txt']]));
    const bridge = electronBridge(preload);
    await bridge.uploadFiles({ connectionId: 'local', bucket: 'photos-1250000000', prefix: 'p/', sse: { mode: 'sse-cos' }, files: [{ file: a, relativePath: 'album/a.txt' }] });
    expect(calls).toEqual([
      ['jobs.startUpload', { connectionId: 'local', bucket: 'photos-1250000000', prefix: 'p/', sse: { mode: 'sse-cos' }, items: [{ key: 'p/album/a.txt', source: { kind: 'path', path: '/home/u/album/a.txt' } }] }],
    ]);
    await bridge.api.objects.list({ connectionId: 'local', bucket: 'photos-1250000000' });
    expect(calls[1]![0]).toBe('objects.list');
  });

  it('refuses a File with no path on disk with a sentence, sending nothing', async () => {
    const { preload, calls } = fakePreload(new Map());
    const answer = await electronBridge(preload).uploadFiles({ connectionId: 'local', bucket: 'photos-1250000000', prefix: '', sse: { mode: 'sse-cos' }, files: [{ file: new File(['x'], 'pasted.png'), relativePath: 'pasted.png' }] });
    expect(answer).toMatchObject({ ok: false, error: { kind: 'usage', code: 'NoFilePath' } });
    expect(calls).toHaveLength(0);
  });
});
