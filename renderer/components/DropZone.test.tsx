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

  it("follows a bucket whose default is SSE-KMS when the user chose nothing", async () => {
    await renderApp({ objects, buckets: [bucket({ defaultEncryption: { mode: 'SSE-KMS', kmsKeyId: 'k-1' } })] });
    await screen.findByText('2026/');
    fireEvent.dragEnter(screen.getByTestId('drop-zone'), { dataTransfer: dropData([]) });
    expect(screen.getByText('Drop to upload to photos — encrypted with SSE-KMS')).toBeTruthy();
  });

  it('says so when a dropped folder holds no files, and starts nothing', async () => {
    const { bridge } = await renderApp({ objects });
    await screen.findByText('2026/');
    const zone = screen.getByTestId('drop-zone');
    const data = dropData([dirEntry('empty', [dirEntry('empty/inner', [])])]);
    fireEvent.dragEnter(zone, { dataTransfer: data });
    fireEvent.drop(zone, { dataTransfer: data });
    expect(await screen.findByText('There were no files to upload: empty folders are not uploaded. To make a folder, use New folder.')).toBeTruthy();
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
    expect(await screen.findByText('Uploading report.pdf and 2 more files to photos / 2026')).toBeTruthy();
  });
});
