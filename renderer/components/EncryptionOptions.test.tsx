// The encryption popover: it starts from the default encryption in Settings; "No encryption" is confirmed once
// ("Upload without encryption?"); keeping encryption changes nothing; once confirmed, drops upload without asking
// again.
import { screen, waitFor, fireEvent } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { BUCKET, bucket, object } from '../test-support/memory-bridge';
import { dropData, fileEntry } from '../test-support/fake-entries';
import { renderApp } from '../test-support/render-app';

describe('encryption options', () => {
  it('asks "Upload without encryption?" once, and only a confirmation turns encryption off', async () => {
    const { user, model, bridge } = await renderApp({ objects: { [BUCKET]: [object('a.txt')] } });
    await screen.findByText('a.txt');

    expect(screen.getByRole('button', { name: 'Encryption: SSE-COS (for new uploads)' }).textContent).toBe('Encryption: SSE-COS');
    await user.click(screen.getByRole('button', { name: 'Encryption: SSE-COS (for new uploads)' }));
    await user.click(screen.getByRole('radio', { name: 'No encryption' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Upload without encryption?' });
    // This bucket encrypts new files by default: the files will be encrypted anyway, and the question says so.
    expect(dialog.textContent).toContain('This bucket encrypts every new file itself (SSE-COS), so your files are still stored encrypted');
    await user.click(screen.getByRole('button', { name: 'Keep encryption' }));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    expect(model.upload.getState().choice).toEqual({ mode: 'sse-cos' });
    expect((screen.getByRole('radio', { name: 'SSE-COS: encrypted by the storage service' }) as HTMLInputElement).checked).toBe(true);

    // Still in the popover: choose it again and confirm.
    await user.click(screen.getByRole('radio', { name: 'No encryption' }));
    await user.click(await screen.findByRole('button', { name: 'Upload without encryption' }));
    expect(model.upload.getState().choice).toEqual({ mode: 'none' });
    // Escape closes the popover once the confirmation has gone and focus is back in it (slow machines included).
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    await waitFor(() => expect(document.activeElement?.closest('.popover')).toBeTruthy());
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.getByRole('button', { name: 'Encryption: No encryption (for new uploads)' }).textContent).toBe('No encryption'));

    // A drop now uploads without encryption and without asking again.
    const data = dropData([fileEntry('plain.txt')]);
    fireEvent.drop(screen.getByTestId('drop-zone'), { dataTransfer: data });
    await waitFor(() => expect(bridge.callsOf('jobs.startUpload')).toHaveLength(1));
    expect(bridge.callsOf('jobs.startUpload')[0]!.sse).toEqual({ mode: 'none' });
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });

  it('warns that files will be stored unencrypted where the bucket encrypts nothing by default', async () => {
    const { user } = await renderApp({ objects: { [BUCKET]: [object('a.txt')] }, buckets: [bucket({ defaultEncryption: null })] });
    await screen.findByText('a.txt');
    await user.click(screen.getByRole('button', { name: /^Encryption: / }));
    await user.click(screen.getByRole('radio', { name: 'No encryption' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Upload without encryption?' });
    expect(dialog.textContent).toContain('Files you upload from now on are stored unencrypted');
  });
});
