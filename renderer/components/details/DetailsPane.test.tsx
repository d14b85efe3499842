// The details pane over the in-memory core: a selected file's facts and its encryption in plain words; the public
// address of an encrypted file said not to work before anyone tries; a share link for the time chosen, with its
// SSE-C warning; a text preview; "Encrypt now" for a plain file; in 简体中文 too.
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { BUCKET, object } from '../../test-support/memory-bridge';
import { details } from '../../test-support/memory-details';
import { renderApp } from '../../test-support/render-app';

async function selectFile(name: string, opts: Parameters<typeof renderApp>[0] = {}) {
  const app = await renderApp({ objects: { [BUCKET]: [object('docs/report.pdf'), object('notes.txt'), object('docs/')] }, ...opts });
  await app.user.click(await screen.findByText(name));
  const pane = await screen.findByRole('complementary', { name: opts.language === 'zh-CN' ? '详细信息' : 'Details' });
  return { ...app, pane };
}

describe('the details pane', () => {
  it('shows the selected file\'s facts, metadata and what its encryption protects', async () => {
    const { pane } = await selectFile('notes.txt', {
      handlers: {
        'objects.details': (r) => ({ details: details(r.key, { size: 1_234_567, encryption: { mode: 'SSE-COS' }, metadata: { project: 'coffer' }, headers: { 'Cache-Control': 'no-cache' } }) }),
      },
    });
    expect(within(pane).getByRole('heading', { name: 'notes.txt' })).toBeTruthy();
    await within(pane).findByText('Encrypted (SSE-COS)');
    const facts = within(pane).getByRole('region', { name: 'Information' });
    for (const text of ['1.2 MB', '(1,234,567 bytes)', 'text/plain', 'Standard', '"9b2cf535f27731c974343645a3985328"', '14923418340843327471', 'project', 'coffer', 'Cache-Control', 'no-cache']) {
      expect(within(facts).getByText(text)).toBeTruthy();
    }
    const enc = within(pane).getByRole('region', { name: 'Encryption' });
    expect(enc.textContent).toContain('on its disks and in its backups');
    expect(enc.textContent).toContain('anyone allowed to read it');
    expect(enc.textContent).toContain('cannot be opened through a public address');
    expect(within(pane).getByRole('region', { name: 'Who can open it' }).textContent).toContain('Only people with credentials for this bucket');
  });

  it('says beforehand that the public address of an encrypted file will not open it', async () => {
    const { pane } = await selectFile('notes.txt', {
      handlers: {
        'objects.details': (r) => ({
          details: details(r.key, {
            encryption: { mode: 'SSE-COS' },
            access: { bucketAcl: 'public-read', objectAcl: 'private', publicUrl: `http://127.0.0.1:9000/${BUCKET}/notes.txt`, publicUrlBlocked: 'encrypted' },
          }),
        }),
      },
    });
    const access = await within(pane).findByRole('region', { name: 'Who can open it' });
    expect((within(access).getByRole('textbox', { name: 'Public address' }) as HTMLInputElement).value).toBe(`http://127.0.0.1:9000/${BUCKET}/notes.txt`);
    expect(within(access).getByRole('note').textContent).toMatch(/will not open the file: it is encrypted/);
  });

  it('makes a share link for the time chosen, with a copy button, and warns when an SSE-C file needs its key too', async () => {
    const { pane, bridge, user } = await selectFile('notes.txt', {
      handlers: {
        'objects.details': (r) => ({ details: details(r.key, { encryption: { mode: 'SSE-C', vaultKeyId: 'tax-key', keyMd5: 'abc' } }) }),
        'objects.share': (r) => ({ url: `http://127.0.0.1:9000/${r.bucket}/${r.key}?q-sign-algorithm=sha1`, expiresAt: '2026-12-09T10:04:00.000Z', needsSseCKey: true }),
      },
    });
    const share = await within(pane).findByRole('region', { name: 'Share link' });
    expect(within(pane).getByText('The key that opens it is in your vault: tax-key.')).toBeTruthy();
    await user.click(within(share).getByRole('button', { name: /Link works for/ }));
    await user.click(await screen.findByRole('option', { name: '7 days' }));
    await user.click(within(share).getByRole('button', { name: 'Create link' }));
    const link = (await within(share).findByRole('textbox', { name: 'Share link' })) as HTMLInputElement;
    expect(link.value).toBe(`http://127.0.0.1:9000/${BUCKET}/notes.txt?q-sign-algorithm=sha1`);
    expect(bridge.callsOf('objects.share')).toEqual([{ connectionId: 'local', bucket: BUCKET, key: 'notes.txt', expiresSeconds: 7 * 24 * 3600 }]);
    expect(within(share).getByRole('note').textContent).toMatch(/This link alone does not open the file/);
    expect(within(share).getByText(/work while Coffer runs here/)).toBeTruthy();
    expect(within(share).getByRole('button', { name: 'Copy' })).toBeTruthy();
  });

  it('previews a text file through the core', async () => {
    const { pane } = await selectFile('notes.txt');
    const preview = await within(pane).findByRole('region', { name: 'Preview' });
    await waitFor(() => expect(within(preview).getByLabelText('Contents of notes.txt').textContent).toBe('remember the milk'));
  });

  it('says an empty file is empty instead of showing an empty preview, and does not fetch it', async () => {
    const { pane, bridge } = await selectFile('notes.txt', { handlers: { 'objects.details': (r) => ({ details: details(r.key, { size: 0 }) }) } });
    const preview = await within(pane).findByRole('region', { name: 'Preview' });
    expect(within(preview).getByText('This file is empty (0 bytes): there is nothing to show.')).toBeTruthy();
    expect(bridge.callsOf('objects.preview')).toEqual([]);
  });

  it('offers "Encrypt now" for a plain file, with the encryption new uploads get', async () => {
    const { pane, bridge, user } = await selectFile('notes.txt');
    await user.click(await within(pane).findByRole('button', { name: 'Encrypt now (SSE-COS)' }));
    await waitFor(() => expect(bridge.callsOf('jobs.startEncrypt')).toHaveLength(1));
    expect(bridge.callsOf('jobs.startEncrypt')[0]).toMatchObject({ keys: ['notes.txt'], prefixes: [], sse: { mode: 'sse-cos' } });
  });

  it('explains a lost SSE-C key, and speaks 简体中文', async () => {
    const { pane } = await selectFile('notes.txt', {
      language: 'zh-CN',
      handlers: { 'objects.details': (r) => ({ details: details(r.key, { complete: false, encryption: { mode: 'SSE-C', vaultKeyId: null, keyMd5: null } }) }) },
    });
    const enc = await within(pane).findByRole('region', { name: '加密' });
    expect(within(enc).getByRole('note').textContent).toMatch(/如果该密钥丢失，任何人（包括您和存储服务）都无法读取/);
  });

  it('acts on several selected items together', async () => {
    const { bridge, user } = await renderApp({ objects: { [BUCKET]: [object('a.txt'), object('b.txt')] } });
    await user.click(await screen.findByText('a.txt'));
    fireEvent.click(screen.getByText('b.txt'), { ctrlKey: true });
    const pane = await screen.findByRole('complementary', { name: 'Details' });
    expect(within(pane).getByRole('heading', { name: '2 items selected' })).toBeTruthy();
    await user.click(within(pane).getByRole('button', { name: 'Encrypt 2 items in place' }));
    await waitFor(() => expect(bridge.callsOf('jobs.startEncrypt')[0]).toMatchObject({ keys: ['a.txt', 'b.txt'] }));
  });
});
