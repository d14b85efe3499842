// Files chosen while no bucket is open yet (Coffer still opening, or the first bucket not made yet) are never
// dropped silently: they go to the first bucket that opens. A file whose name is taken in the folder on screen is
// asked about first: replace, keep both (uploaded as "name (2).ext"), skip, or cancel.
import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { BUCKET, bucket, object } from '../test-support/memory-bridge';
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

describe('uploading onto names that are taken', () => {
  const pick = (names: string[]) => names.map((n) => new File([n], n, { type: 'text/plain' }));

  it('asks first; keeps both under a new name, skips, replaces, or uploads nothing when cancelled', async () => {
    const { bridge, user } = await renderApp({ objects: { [BUCKET]: [object('report.pdf'), object('report (2).pdf'), object('notes.txt')] } });
    await screen.findByText('notes.txt');
    const input = screen.getByTestId('upload-files-input');
    const uploaded = () => bridge.uploads.map((u) => u.files.map((f) => f.relativePath));

    await user.upload(input, pick(['report.pdf', 'new.txt']));
    let ask = await screen.findByRole('alertdialog', { name: 'report.pdf already exists there' });
    expect(ask.textContent).toContain('Keep both uploads yours under a new name, such as “report (2).pdf”.');
    expect(bridge.uploads).toHaveLength(0);
    await user.click(within(ask).getByRole('button', { name: 'Keep both' }));
    // "report (2).pdf" is taken too: the next free name.
    await waitFor(() => expect(uploaded()).toEqual([['report (3).pdf', 'new.txt']]));

    await user.upload(input, pick(['notes.txt', 'other.txt']));
    ask = await screen.findByRole('alertdialog', { name: 'notes.txt already exists there' });
    await user.click(within(ask).getByRole('button', { name: 'Skip these' }));
    await waitFor(() => expect(uploaded().at(-1)).toEqual(['other.txt']));

    await user.upload(input, pick(['notes.txt']));
    ask = await screen.findByRole('alertdialog', { name: 'notes.txt already exists there' });
    await user.click(within(ask).getByRole('button', { name: 'Replace' }));
    await waitFor(() => expect(uploaded().at(-1)).toEqual(['notes.txt']));

    await user.upload(input, pick(['notes.txt']));
    ask = await screen.findByRole('alertdialog', { name: 'notes.txt already exists there' });
    await user.click(within(ask).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    expect(bridge.uploads).toHaveLength(3);
  });
});


describe('uploading to a bucket whose region offers no encryption', () => {
  it('says so before the drop, asks once before uploading unencrypted, and uploads nothing when declined', async () => {
    const { bridge, user } = await renderApp({ buckets: [bucket({ region: 'ap-chengdu', sseOffered: false, defaultEncryption: null })], objects: { [BUCKET]: [object('notes.txt')] } });
    await screen.findByText('notes.txt');
    // The toolbar does not promise what cannot apply here.
    const button = screen.getByRole('button', { name: 'No encryption here: ap-chengdu offers none (for new uploads)' });
    expect(button.textContent).toBe('No encryption here');
    // Its popover says why, whatever mode is chosen there.
    await user.click(button);
    expect(await screen.findByText('ap-chengdu offers no encryption: files uploaded to this bucket are stored unencrypted, once you agree.')).toBeTruthy();
    await user.keyboard('{Escape}');
    const input = screen.getByTestId('upload-files-input');

    await user.upload(input, new File(['a'], 'a.txt', { type: 'text/plain' }));
    let ask = await screen.findByRole('alertdialog', { name: 'Upload without encryption?' });
    expect(ask.textContent).toContain('This bucket is in ap-chengdu, where the storage service offers no encryption');
    await user.click(within(ask).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    expect(bridge.uploads).toHaveLength(0);

    await user.upload(input, new File(['b'], 'b.txt', { type: 'text/plain' }));
    ask = await screen.findByRole('alertdialog', { name: 'Upload without encryption?' });
    await user.click(within(ask).getByRole('button', { name: 'Upload without encryption' }));
    await waitFor(() => expect(bridge.uploads).toHaveLength(1));
    expect(bridge.uploads[0]!.sse).toEqual({ mode: 'none' });

    // Asked once for this bucket.
    await user.upload(input, new File(['c'], 'c.txt', { type: 'text/plain' }));
    await waitFor(() => expect(bridge.uploads).toHaveLength(2));
    expect(bridge.uploads[1]!.sse).toEqual({ mode: 'none' });
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });
});
