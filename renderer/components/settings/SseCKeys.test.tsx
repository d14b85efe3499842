// Settings → SSE-C keys over the in-memory core: an imported key is checked as it is typed (32 bytes as base64 or
// hex, a name not taken, a passphrase for the first vault) and nothing is sent until it is right; a key file can be
// read instead of typed; a new key prompts an export, which warns first and saves as a download in browser mode;
// removing a key names what may still need it, and a default that named it returns to SSE-COS.
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { sseCKey } from '../../test-support/memory-settings';
import { renderApp } from '../../test-support/render-app';

type App = Awaited<ReturnType<typeof renderApp>>;
const HEX = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';

/** Pasted rather than typed key by key: the same events for the checks, in a fraction of the time. */
async function fill(app: App, field: HTMLElement, text: string) {
  await app.user.click(field);
  await app.user.paste(text);
}

async function openKeyDialog(app: App, button: 'Import a key' | 'Generate a key') {
  await app.user.click(screen.getByRole('button', { name: 'Settings' }));
  const settings = await screen.findByRole('dialog', { name: 'Settings' });
  const open = within(settings).getByRole('button', { name: button });
  await waitFor(() => expect(open.hasAttribute('disabled')).toBe(false));
  await app.user.click(open);
  return screen.findByRole('dialog', { name: button });
}

describe('SSE-C keys in Settings', () => {
  it('checks an imported key as it is typed, with a passphrase for the first vault, and sends only a valid one', async () => {
    const app = await renderApp();
    const dialog = await openKeyDialog(app, 'Import a key');
    const name = within(dialog).getByRole('textbox', { name: 'Name' });
    const key = within(dialog).getByLabelText('Key');
    await fill(app, name, 'from backup');
    await app.user.click(key);
    await app.user.paste(HEX.slice(2));
    expect(within(dialog).getByText('This is not a key: a key is 32 bytes, written as Base64 (44 characters) or hex (64 characters).')).toBeTruthy();
    await app.user.click(within(dialog).getByRole('button', { name: 'Import' }));
    expect(app.bridge.callsOf('ssec.import')).toEqual([]);

    // A pasted key with its line break and spaces is fine; base64 is too.
    await app.user.clear(key);
    await app.user.paste(` ${HEX.slice(0, 32)} ${HEX.slice(32)}\n`);
    expect(within(dialog).queryByText(/This is not a key/)).toBeNull();

    // No vault yet and nothing else to protect it: a passphrase, typed twice.
    const pass = within(dialog).getByLabelText('Vault passphrase');
    await fill(app, pass, 'short');
    expect(within(dialog).getByText('Use at least 8 characters.')).toBeTruthy();
    await fill(app, pass, ' but long now');
    await fill(app, within(dialog).getByLabelText('The passphrase again'), 'something else');
    expect(within(dialog).getByText('The two passphrases are not the same.')).toBeTruthy();
    await app.user.click(within(dialog).getByRole('button', { name: 'Import' }));
    expect(app.bridge.callsOf('ssec.import')).toEqual([]);
    await app.user.clear(within(dialog).getByLabelText('The passphrase again'));
    await fill(app, within(dialog).getByLabelText('The passphrase again'), 'short but long now');

    await app.user.click(within(dialog).getByRole('button', { name: 'Import' }));
    await waitFor(() => expect(app.bridge.callsOf('ssec.import')).toEqual([{ name: 'from backup', key: HEX, vaultPassphrase: 'short but long now' }]));
    expect(await within(dialog).findByText('The key “from backup” is now in the vault.')).toBeTruthy();
    await app.user.click(within(dialog).getByRole('button', { name: 'Close' }));
    const list = await screen.findByRole('list', { name: 'Your SSE-C keys' });
    expect(list.textContent).toContain('from backup');
    expect(list.textContent).toContain('XrY7u+Ae7tCTyyK7j1rNww==');
    // The key itself is in no answer, and not kept on the page.
    expect(document.body.innerHTML).not.toContain(HEX.slice(0, 16));
  });

  it('refuses a name already taken, whatever its case, and reads a key from a key file', async () => {
    const app = await renderApp({ settings: { keys: [sseCKey('Taxes')] } });
    const dialog = await openKeyDialog(app, 'Import a key');
    expect(within(dialog).queryByLabelText('Vault passphrase')).toBeNull();
    await fill(app, within(dialog).getByRole('textbox', { name: 'Name' }), 'taxes');
    expect(within(dialog).getByText('There is already a key with this name.')).toBeTruthy();
    await fill(app, within(dialog).getByRole('textbox', { name: 'Name' }), ' 2027');

    await app.user.upload(within(dialog).getByTestId('key-file-input'), new File(['not a key\n'], 'notes.txt'));
    expect(await within(dialog).findByText(/That file does not hold a key/)).toBeTruthy();
    await app.user.upload(within(dialog).getByTestId('key-file-input'), new File(['ABEiM0RVZneImaq7zN3u/wARIjNEVWZ3iJmqu8zd7v8=\n'], 'taxes.key'));
    await waitFor(() => expect(within(dialog).queryByText(/That file does not hold a key/)).toBeNull());
    await app.user.click(within(dialog).getByRole('button', { name: 'Import' }));
    await waitFor(() => expect(app.bridge.callsOf('ssec.import')).toEqual([{ name: 'taxes 2027', key: 'ABEiM0RVZneImaq7zN3u/wARIjNEVWZ3iJmqu8zd7v8=' }]));
  });

  it('a new key asks for a copy to be kept; the export warns, then saves as a download in the browser', async () => {
    const app = await renderApp({ settings: { keys: [sseCKey('old')] } });
    const dialog = await openKeyDialog(app, 'Generate a key');
    await fill(app, within(dialog).getByRole('textbox', { name: 'Name' }), 'photos');
    await app.user.click(within(dialog).getByRole('button', { name: 'Generate' }));
    expect(await within(dialog).findByText(/Export a copy now and keep it somewhere safe/)).toBeTruthy();
    await app.user.click(within(dialog).getByRole('button', { name: 'Export' }));

    const ask = await screen.findByRole('alertdialog', { name: 'Export the key “photos”?' });
    expect(ask.textContent).toContain('Whoever has this file can read every file encrypted with this key.');
    expect(ask.textContent).toContain('Without a copy, what this key encrypted is lost');
    await app.user.click(within(ask).getByRole('button', { name: 'Export to a file' }));
    expect(await within(ask).findByText('Your browser is saving photos.key. Move it somewhere safe.')).toBeTruthy();
    expect(app.bridge.attachments).toEqual([{ downloadId: 'once-key-1', name: 'photos.key' }]);
  });

  it('removing a key names what may still need it, and a default that named it returns to SSE-COS', async () => {
    const key = sseCKey('family');
    const app = await renderApp({
      settings: {
        keys: [key],
        settings: { defaultEncryption: { mode: 'sse-c', vaultKeyId: key.id } },
        usage: { [key.id]: { count: 3, recent: [{ connectionId: 'local', bucket: 'photos-1250000000', key: '2026/beach.jpg' }] } },
      },
    });
    await waitFor(() => expect(app.model.upload.getState().choice).toEqual({ mode: 'sse-c', vaultKeyId: key.id }));
    await app.user.click(screen.getByRole('button', { name: 'Settings' }));
    const settings = await screen.findByRole('dialog', { name: 'Settings' });
    await app.user.click(await within(settings).findByRole('button', { name: 'Remove “family”' }));
    const ask = await screen.findByRole('alertdialog', { name: 'Remove the key “family”?' });
    expect(await within(ask).findByText(/Coffer uploaded 3 files with this key, which may still need it/)).toBeTruthy();
    expect(within(ask).getByRole('list', { name: 'Files that may need this key' }).textContent).toContain('photos / 2026 / beach.jpg');
    await app.user.click(within(ask).getByRole('button', { name: 'Remove key' }));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    expect(app.bridge.callsOf('ssec.remove')).toEqual([{ id: key.id }]);
    await waitFor(() => expect(app.model.settings.getState().settings.defaultEncryption).toEqual({ mode: 'sse-cos' }));
    expect(app.model.upload.getState().choice).toEqual({ mode: 'sse-cos' });
    expect(within(settings).getByText('No keys yet.')).toBeTruthy();
  });
});
