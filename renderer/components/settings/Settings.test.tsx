// Settings as a user meets it, over the in-memory core: opened from the gear in the sidebar; the default encryption
// (with a KMS key id, or none after asking once) and the concurrency are saved as they are changed and the next drop
// uploads with the new default; theme and language apply at once, sizes and dates included; a settings file the core
// could not read is said.
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { dropData, fileEntry } from '../../test-support/fake-entries';
import { BUCKET, object } from '../../test-support/memory-bridge';
import { sseCKey } from '../../test-support/memory-settings';
import { renderApp } from '../../test-support/render-app';

type App = Awaited<ReturnType<typeof renderApp>>;

async function openSettings({ user }: App) {
  await user.click(screen.getByRole('button', { name: 'Settings' }));
  return screen.findByRole('dialog', { name: 'Settings' });
}

async function drop(app: App, name: string) {
  const before = app.bridge.callsOf('jobs.startUpload').length;
  fireEvent.drop(screen.getByTestId('drop-zone'), { dataTransfer: dropData([fileEntry(name)]) });
  await waitFor(() => expect(app.bridge.callsOf('jobs.startUpload')).toHaveLength(before + 1));
  return app.bridge.callsOf('jobs.startUpload')[before]!;
}

afterEach(() => {
  delete document.documentElement.dataset.theme;
});

describe('Settings', () => {
  it('saves SSE-KMS with a key id as the default, and the next upload uses it', async () => {
    const app = await renderApp({ objects: { [BUCKET]: [object('a.txt')] } });
    await screen.findByText('a.txt');
    const dialog = await openSettings(app);
    const enc = within(dialog).getByRole('radiogroup', { name: 'Default encryption for new uploads' });
    expect((within(enc).getByRole('radio', { name: 'SSE-COS: encrypted by the storage service' }) as HTMLInputElement).checked).toBe(true);

    await app.user.click(within(enc).getByRole('radio', { name: 'SSE-KMS: encrypted with a key from Tencent Cloud KMS (key management service)' }));
    await waitFor(() => expect(app.bridge.callsOf('settings.update')).toEqual([{ settings: { defaultEncryption: { mode: 'sse-kms' } } }]));
    expect(await within(dialog).findByRole('status')).toHaveProperty('textContent', 'Saved.');
    const keyId = within(dialog).getByRole('textbox', { name: 'KMS key ID (optional)' });
    await app.user.type(keyId, 'kms-7{Enter}');
    await waitFor(() => expect(app.bridge.callsOf('settings.update').at(-1)).toEqual({ settings: { defaultEncryption: { mode: 'sse-kms', keyId: 'kms-7' } } }));

    await app.user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Settings' })).toBeNull());
    // Focus goes back to the gear (once the dialog's exit has run).
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Settings' })));
    expect(screen.getByRole('button', { name: 'Encryption: SSE-KMS (for new uploads)' })).toBeTruthy();
    expect((await drop(app, 'report.pdf')).sse).toEqual({ mode: 'sse-kms', keyId: 'kms-7' });
  });

  it('asks once before making "No encryption" the default; keeping encryption changes nothing', async () => {
    const app = await renderApp({ objects: { [BUCKET]: [object('a.txt')] } });
    await screen.findByText('a.txt');
    const dialog = await openSettings(app);
    await app.user.click(within(dialog).getByRole('radio', { name: 'No encryption' }));
    const ask = await screen.findByRole('alertdialog', { name: 'Upload without encryption by default?' });
    await app.user.click(within(ask).getByRole('button', { name: 'Keep encryption' }));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    expect(app.bridge.callsOf('settings.update')).toEqual([]);
    expect((within(dialog).getByRole('radio', { name: 'SSE-COS: encrypted by the storage service' }) as HTMLInputElement).checked).toBe(true);

    await app.user.click(within(dialog).getByRole('radio', { name: 'No encryption' }));
    await app.user.click(await screen.findByRole('button', { name: 'Upload without encryption by default' }));
    await waitFor(() => expect(app.bridge.callsOf('settings.update')).toEqual([{ settings: { defaultEncryption: { mode: 'none' } } }]));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    await app.user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Settings' })).toBeNull());
    // Asked once, in Settings: a drop now uploads unencrypted without a second question.
    expect((await drop(app, 'plain.txt')).sse).toEqual({ mode: 'none' });
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });

  it('saves parts and files in flight as whole numbers from 1 to 64', async () => {
    const app = await renderApp();
    const dialog = await openSettings(app);
    const parts = within(dialog).getByRole('textbox', { name: 'Parts sent at once, per file' });
    expect((parts as HTMLInputElement).value).toBe('4');
    await app.user.clear(parts);
    await app.user.type(parts, '8{Enter}');
    await waitFor(() => expect(app.bridge.callsOf('settings.update')).toEqual([{ settings: { partsInFlight: 8 } }]));
    const files = within(dialog).getByRole('textbox', { name: 'Files sent at once' });
    await app.user.clear(files);
    await app.user.type(files, '500');
    await app.user.tab();
    await waitFor(() => expect(app.bridge.callsOf('settings.update').at(-1)).toEqual({ settings: { filesInFlight: 64 } }));
    expect((files as HTMLInputElement).value).toBe('64');
  });

  it('changes theme and language at once, sizes and dates included, and back', async () => {
    const app = await renderApp({ objects: { [BUCKET]: [object('a.txt', { size: 13 })] } });
    // `hidden`: the table stays behind the Settings dialog, hidden from screen readers while it is open.
    const row = () => screen.getAllByRole('row', { hidden: true }).find((r) => r.textContent?.includes('a.txt'))!;
    await screen.findByText('a.txt');
    expect(row().textContent).toContain('13 bytes');
    const dateEn = within(row()).getByText(/2026/).textContent;
    const dialog = await openSettings(app);

    await app.user.click(within(dialog).getByRole('radio', { name: 'Dark' }));
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe('dark'));
    await app.user.click(within(dialog).getByRole('radio', { name: 'As the system' }));
    await waitFor(() => expect(document.documentElement.dataset.theme).toBeUndefined());

    await app.user.click(within(dialog).getByRole('radio', { name: '简体中文' }));
    expect(await screen.findByRole('dialog', { name: '设置' })).toBeTruthy();
    // The window behind the dialog (hidden from screen readers while it is open) is in Chinese too.
    expect(screen.getByRole('navigation', { name: '位置', hidden: true })).toBeTruthy();
    expect(document.documentElement.lang).toBe('zh-CN');
    await waitFor(() => expect(row().textContent).toContain('13字节'));
    expect(within(row()).getByText(/2026/).textContent).not.toBe(dateEn);
    expect(app.bridge.callsOf('settings.update')).toContainEqual({ settings: { language: 'zh-CN' } });

    await app.user.click(within(screen.getByRole('dialog', { name: '设置' })).getByRole('radio', { name: 'English' }));
    expect(await screen.findByRole('dialog', { name: 'Settings' })).toBeTruthy();
    await waitFor(() => expect(row().textContent).toContain('13 bytes'));
    expect(document.documentElement.lang).toBe('en');
  });

  it('starts in the language and theme saved in settings.json', async () => {
    await renderApp({ settings: { settings: { language: 'zh-CN', theme: 'light' } } });
    expect(await screen.findByRole('navigation', { name: '位置' })).toBeTruthy();
    expect(document.documentElement.dataset.theme).toBe('light');
  });

  it('says when the settings file could not be read', async () => {
    const app = await renderApp({ settings: { problem: '/home/u/.config/coffer/settings.json is damaged (…)' } });
    const dialog = await openSettings(app);
    expect(within(dialog).getByRole('alert').textContent).toMatch(/could not be read from the settings file, so Coffer is using their defaults/);
  });

  it('offers SSE-C as the default once a key exists, by its name', async () => {
    const app = await renderApp({ objects: { [BUCKET]: [object('a.txt')] }, settings: { keys: [sseCKey('family photos'), sseCKey('taxes')] } });
    await screen.findByText('a.txt');
    const dialog = await openSettings(app);
    const radio = within(dialog).getByRole('radio', { name: 'SSE-C: encrypted with your own key' });
    await waitFor(() => expect((radio as HTMLInputElement).disabled).toBe(false));
    await app.user.click(radio);
    await waitFor(() => expect(app.bridge.callsOf('settings.update')).toEqual([{ settings: { defaultEncryption: { mode: 'sse-c', vaultKeyId: 'key-family photos' } } }]));
    await app.user.click(within(dialog).getByRole('button', { name: /SSE-C key/ }));
    await app.user.click(await screen.findByRole('option', { name: 'taxes' }));
    await waitFor(() => expect(app.bridge.callsOf('settings.update').at(-1)).toEqual({ settings: { defaultEncryption: { mode: 'sse-c', vaultKeyId: 'key-taxes' } } }));
    await app.user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Settings' })).toBeNull());
    expect((await drop(app, 'return.pdf')).sse).toEqual({ mode: 'sse-c', vaultKeyId: 'key-taxes' });
  });
});
