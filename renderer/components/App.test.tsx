// The window as a first-time user meets it: the embedded store as "This computer", its bucket with region
// and lock badge opened by itself, ready for a drop; the same in 简体中文; and "Unlock Coffer" when the vault
// needs its passphrase.
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { BUCKET, bucket } from '../test-support/memory-bridge';
import { renderApp } from '../test-support/render-app';

describe('the window', () => {
  it('opens the first bucket on first run, with its region and default-encryption badge', async () => {
    const { bridge } = await renderApp({ objects: {}, buckets: [bucket(), bucket({ name: 'plain-1250000000', defaultEncryption: null, region: 'ap-beijing' })] });
    const places = screen.getByRole('navigation', { name: 'Places' });
    expect(within(places).getByText('This computer')).toBeTruthy();
    const photos = within(places).getByRole('button', { name: /^photos/ });
    expect(photos.textContent).toContain('ap-guangzhou');
    expect(within(photos).getByRole('img', { name: 'Encrypts new files by default' })).toBeTruthy();
    expect(within(within(places).getByRole('button', { name: /^plain/ })).queryByRole('img')).toBeNull();
    expect(await screen.findByText('Drop files here, or click Upload')).toBeTruthy();
    expect(bridge.callsOf('objects.list')[0]).toMatchObject({ bucket: BUCKET, prefix: '' });
    await waitFor(() => expect(photos.getAttribute('aria-current')).toBe('location'));
  });

  it('says "Opening your buckets…" while the first bucket list is on its way, not "Choose a bucket"', async () => {
    let answer!: () => void;
    const arrived = new Promise<void>((resolve) => (answer = resolve));
    await renderApp({ objects: {}, whileStarting: true, handlers: { 'buckets.list': async () => (await arrived, { buckets: [bucket()] }) } });
    expect((await screen.findByRole('status')).textContent).toBe('Opening your buckets…');
    expect(screen.queryByText(/Choose a bucket/)).toBeNull();
    answer();
    expect(await screen.findByText('Drop files here, or click Upload')).toBeTruthy();
    expect(screen.queryByText('Opening your buckets…')).toBeNull();
  });

  it('speaks 简体中文 when asked', async () => {
    await renderApp({ objects: {}, language: 'zh-CN' });
    expect(screen.getByText('本机')).toBeTruthy();
    expect(await screen.findByText('将文件拖到这里，或点击“上传”')).toBeTruthy();
  });

  it('asks for the passphrase when the vault is locked, and never keeps it in the page', async () => {
    let unlocked = false;
    const { bridge, user } = await renderApp({
      objects: {},
      handlers: {
        'vault.status': () => ({ state: unlocked ? 'unlocked' : 'locked', protector: 'passphrase' }),
        'vault.unlock': (r) => {
          if (r.passphrase !== 'correct horse') throw new Error('That passphrase is not right; try again.');
          unlocked = true;
          return { state: 'unlocked', protector: 'passphrase' };
        },
      },
    });
    expect(screen.getByRole('heading', { name: 'Unlock Coffer' })).toBeTruthy();
    const field = screen.getByLabelText(/Passphrase/) as HTMLInputElement;
    await user.type(field, 'wrong');
    await user.click(screen.getByRole('button', { name: 'Unlock' }));
    expect(await screen.findByText('That passphrase is not right; try again.')).toBeTruthy();
    expect(field.value).toBe('');
    await user.type(field, 'correct horse');
    await user.click(screen.getByRole('button', { name: 'Unlock' }));
    await screen.findByRole('navigation', { name: 'Places' });
    expect(bridge.callsOf('vault.unlock').map((r) => r.passphrase)).toEqual(['wrong', 'correct horse']);
    expect(document.body.innerHTML).not.toContain('correct horse');
  });
});
