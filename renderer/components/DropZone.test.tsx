// Drag and drop: the overlay names the destination and the encryption that will really apply; a dropped
// folder keeps its structure; the upload starts with that encryption and shows in the transfers panel.
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { BUCKET, bucket, object } from '../test-support/memory-bridge';
import { dirEntry, dropData, fileEntry } from '../test-support/fake-entries';
import { renderApp } from '../test-support/render-app';

const objects = { [BUCKET]: [object('2026/old.txt')] };

describe('drop zone', () => {
  it('names the place and the bucket default while files hover, and the user choice once made', async () => {
    const { model } = await renderApp({ objects });
    await act(() => model.listing.getState().open({ connectionId: 'local', bucket: BUCKET, prefix: '2026/' }));
    const zone = screen.getByTestId('drop-zone');
    fireEvent.dragEnter(zone, { dataTransfer: dropData([]) });
    expect(screen.getByText('Drop to upload to photos / 2026 — encrypted with SSE-COS')).toBeTruthy();
    act(() => model.upload.getState().setChoice({ mode: 'sse-kms' }));
    expect(screen.getByText('Drop to upload to photos / 2026 — encrypted with SSE-KMS')).toBeTruthy();
    act(() => model.upload.getState().setChoice({ mode: 'none' }));
    expect(screen.getByText('Drop to upload to photos / 2026 — without encryption')).toBeTruthy();
    fireEvent.dragLeave(zone, { dataTransfer: dropData([]) });
    expect(screen.queryByText(/Drop to upload/)).toBeNull();
  });

  it('announces the default chosen in Settings, even on a bucket whose own default is SSE-KMS', async () => {
    await renderApp({ objects, buckets: [bucket({ defaultEncryption: { mode: 'SSE-KMS', kmsKeyId: 'k-1' } })] });
    await screen.findByText('2026/');
    fireEvent.dragEnter(screen.getByTestId('drop-zone'), { dataTransfer: dropData([]) });
    expect(screen.getByText('Drop to upload to photos — encrypted with SSE-COS')).toBeTruthy();
  });

  it('says that a bucket whose region offers no encryption takes files only unencrypted, and that Coffer asks first', async () => {
    await renderApp({ objects, buckets: [bucket({ region: 'ap-chengdu', sseOffered: false, defaultEncryption: null })] });
    await screen.findByText('2026/');
    fireEvent.dragEnter(screen.getByTestId('drop-zone'), { dataTransfer: dropData([]) });
    expect(screen.getByText('Drop to upload to photos — ap-chengdu offers no encryption: Coffer asks before uploading')).toBeTruthy();
  });

  it('makes a dropped folder that holds no files as a folder (the empty folders inside it too), and starts no upload', async () => {
    const { bridge } = await renderApp({ objects });
    await screen.findByText('2026/');
    const zone = screen.getByTestId('drop-zone');
    const data = dropData([dirEntry('empty', [dirEntry('empty/inner', [])]), dirEntry('blank', [])]);
    fireEvent.dragEnter(zone, { dataTransfer: data });
    fireEvent.drop(zone, { dataTransfer: data });
    await waitFor(() => expect(bridge.callsOf('objects.createFolder').map((r) => r.key)).toEqual(['empty/inner/', 'blank/']));
    expect(await screen.findByText('empty/')).toBeTruthy();
    expect(await screen.findByText('blank/')).toBeTruthy();
    expect(bridge.callsOf('jobs.startUpload')).toHaveLength(0);
  });

  it('uploads dropped files and folders with their structure and the announced encryption', async () => {
    const { bridge, model } = await renderApp({ objects });
    await act(() => model.listing.getState().open({ connectionId: 'local', bucket: BUCKET, prefix: '2026/' }));
    const zone = screen.getByTestId('drop-zone');
    const data = dropData([fileEntry('report.pdf'), dirEntry('album', [fileEntry('album/a.jpg'), dirEntry('album/raw', [fileEntry('album/raw/b.cr2')])])]);
    fireEvent.dragEnter(zone, { dataTransfer: data });
    fireEvent.drop(zone, { dataTransfer: data });
    expect(screen.queryByText(/Drop to upload/)).toBeNull();
    await waitFor(() => expect(bridge.callsOf('jobs.startUpload')).toHaveLength(1));
    const req = bridge.callsOf('jobs.startUpload')[0]!;
    expect(req).toMatchObject({ connectionId: 'local', bucket: BUCKET, prefix: '2026/', sse: { mode: 'sse-cos' } });
    expect(req.items.map((i) => i.key)).toEqual(['2026/report.pdf', '2026/album/a.jpg', '2026/album/raw/b.cr2']);
    expect(await screen.findByText('Uploading “report.pdf” and 1 more item to photos / 2026')).toBeTruthy();
  });

  it('uploads the files it could read and says which could not be read', async () => {
    const { bridge, model } = await renderApp({ objects });
    await act(() => model.listing.getState().open({ connectionId: 'local', bucket: BUCKET, prefix: '2026/' }));
    const zone = screen.getByTestId('drop-zone');
    const gone = { ...fileEntry('album/gone.jpg'), file: (_ok: unknown, fail: (e: Error) => void) => fail(new Error('NotFoundError')) } as unknown as FileSystemFileEntry;
    const data = dropData([dirEntry('album', [fileEntry('album/a.jpg'), gone, fileEntry('album/b.jpg')])]);
    fireEvent.dragEnter(zone, { dataTransfer: data });
    fireEvent.drop(zone, { dataTransfer: data });
    expect(await screen.findByText('Coffer could not read some of the dropped files: they were moved or deleted, or may not be read. Check them and drop them again.')).toBeTruthy();
    await waitFor(() => expect(bridge.callsOf('jobs.startUpload')).toHaveLength(1));
    expect(bridge.callsOf('jobs.startUpload')[0]!.items.map((i) => i.key)).toEqual(['2026/album/a.jpg', '2026/album/b.jpg']);
    expect(model.transfers.getState().error).toMatchObject({ code: 'UnreadableDropped', details: { path: 'album/gone.jpg' } });
  });

  it('starts one upload holding every file of a drop of thousands, in the order dropped', async () => {
    const { bridge, model } = await renderApp({ objects });
    await act(() => model.listing.getState().open({ connectionId: 'local', bucket: BUCKET, prefix: '' }));
    const zone = screen.getByTestId('drop-zone');
    const names = Array.from({ length: 3000 }, (_, i) => `f${String(i).padStart(5, '0')}.txt`);
    const data = dropData(names.map((n) => fileEntry(n)));
    fireEvent.dragEnter(zone, { dataTransfer: data });
    fireEvent.drop(zone, { dataTransfer: data });
    await waitFor(() => expect(bridge.callsOf('jobs.startUpload')).toHaveLength(1), { timeout: 20_000 });
    expect(bridge.callsOf('jobs.startUpload')[0]!.items.map((i) => i.key)).toEqual(names);
  }, 30_000);

  it('uploads a dropped folder of thousands of files as one upload, then makes its empty folders and says what it could not read', async () => {
    // The upload starts with the folder's first files while it is still walked; what the walk finds last (an empty
    // folder, a file gone meanwhile) is still acted on.
    const { bridge, model } = await renderApp({ objects });
    await act(() => model.listing.getState().open({ connectionId: 'local', bucket: BUCKET, prefix: '' }));
    const zone = screen.getByTestId('drop-zone');
    const names = Array.from({ length: 1500 }, (_, i) => `big/f${String(i).padStart(5, '0')}.txt`);
    const gone = { ...fileEntry('big/z/gone.jpg'), file: (_ok: unknown, fail: (e: Error) => void) => fail(new Error('NotFoundError')) } as unknown as FileSystemFileEntry;
    const data = dropData([dirEntry('big', [...names.map((n) => fileEntry(n)), dirEntry('big/z', [gone, dirEntry('big/z/empty', [])])])]);
    fireEvent.dragEnter(zone, { dataTransfer: data });
    fireEvent.drop(zone, { dataTransfer: data });
    await waitFor(() => expect(bridge.callsOf('jobs.startUpload')).toHaveLength(1), { timeout: 20_000 });
    expect(bridge.callsOf('jobs.startUpload')[0]!.items.map((i) => i.key)).toEqual(names);
    await waitFor(() => expect(bridge.callsOf('objects.createFolder').map((r) => r.key)).toEqual(['big/z/empty/']));
    expect(model.transfers.getState().error).toMatchObject({ code: 'UnreadableDropped', details: { path: 'big/z/gone.jpg' } });
  }, 30_000);
});

