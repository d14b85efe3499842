// The encryption popover: it starts from the default encryption in Settings; "No encryption" is confirmed once
// ("Upload without encryption?"); keeping encryption changes nothing; once confirmed, drops upload without asking
// again.
import { screen, waitFor, fireEvent } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { BUCKET, object } from '../test-support/memory-bridge';
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
    expect(dialog.textContent).toContain('stored unencrypted');
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
});
