// Files chosen while no bucket is open yet (Coffer still opening, or the first bucket not made yet) are never
// dropped silently: they go to the first bucket that opens.
import { act, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { BUCKET } from '../test-support/memory-bridge';
import { renderApp } from '../test-support/render-app';

describe('uploading before a bucket is open', () => {
  it('waits for the first bucket to open, then uploads there', async () => {
    const { bridge, model, user } = await renderApp({ objects: {}, buckets: [] });
    expect(model.listing.getState().location).toBeNull();
    const file = new File(['hello'], 'early.txt', { type: 'text/plain' });
    await user.upload(screen.getByTestId('upload-files-input'), file);
    expect(bridge.uploads).toHaveLength(0);
    await act(async () => {
      await model.listing.getState().open({ connectionId: 'local', bucket: BUCKET, prefix: '' });
    });
    await waitFor(() => expect(bridge.uploads).toHaveLength(1));
    expect(bridge.uploads[0]).toMatchObject({ bucket: BUCKET, prefix: '' });
    expect(bridge.uploads[0]!.files.map((f) => f.file.name)).toEqual(['early.txt']);
  });
});
