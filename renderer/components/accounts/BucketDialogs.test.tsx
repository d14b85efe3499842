// The bucket dialogs' rules as a user meets them: a new bucket's name checked against COS's rule for the region picked
// (its length limit moves with the region), encryption on by default only where the region offers it, private or
// public-read; default encryption turned off only after saying what that means; and a bucket that holds objects
// deleted only after "Delete all N objects" is typed, emptied step by step with the count on screen.
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { failWith } from '../../test-support/memory-accounts';
import { bucket } from '../../test-support/memory-bridge';
import { renderApp } from '../../test-support/render-app';

async function openNewBucket(app: Awaited<ReturnType<typeof renderApp>>) {
  await app.user.click(await screen.findByRole('button', { name: /New bucket/ }));
  return screen.findByRole('dialog', { name: 'New bucket' });
}

async function pickRegion(app: Awaited<ReturnType<typeof renderApp>>, dialog: HTMLElement, name: RegExp) {
  await app.user.click(within(dialog).getByRole('button', { name: /Region/ }));
  await app.user.click(await screen.findByRole('option', { name }));
}

describe('New bucket', () => {
  it('checks the length for the region picked, and marks where encryption is offered', async () => {
    const app = await renderApp({ objects: {} });
    const dialog = await openNewBucket(app);
    const name = within(dialog).getByRole('textbox', { name: 'Name' });
    await app.user.click(name);
    await app.user.paste('a'.repeat(22));
    // In ap-guangzhou a 10-digit APPID leaves 60 − 18 − 12 − 11 = 19 characters.
    expect(within(dialog).getByText('Too long for this region: use at most 19 characters.')).toBeTruthy();
    await app.user.clear(name);
    await app.user.paste('a'.repeat(21));
    await pickRegion(app, dialog, /Beijing · ap-beijing/);
    expect(within(dialog).queryByText(/Too long for this region/)).toBeNull();
    await app.user.type(name, '-');
    expect(within(dialog).getByText('A bucket name cannot start or end with “-”.')).toBeTruthy();
    expect(within(dialog).getByRole('button', { name: 'Create bucket' }).hasAttribute('disabled')).toBe(true);
    expect(app.bridge.callsOf('buckets.create')).toHaveLength(0);

    await app.user.click(within(dialog).getByRole('button', { name: /Region/ }));
    const chengdu = await screen.findByRole('option', { name: /Chengdu · ap-chengdu/ });
    expect(within(chengdu).getByText('No server-side encryption')).toBeTruthy();
    expect(within(await screen.findByRole('option', { name: /Guangzhou · ap-guangzhou/ })).getByText('Encryption offered')).toBeTruthy();
    await app.user.click(chengdu);
    const encrypt = within(dialog).getByRole('checkbox', { name: 'Encrypt new objects by default' }) as HTMLInputElement;
    expect(encrypt.checked).toBe(false);
    expect(encrypt.disabled).toBe(true);
    expect(within(dialog).getByText(/COS offers no server-side encryption in ap-chengdu/)).toBeTruthy();

    await app.user.clear(name);
    await app.user.type(name, 'shared');
    await app.user.click(within(dialog).getByRole('radio', { name: 'Public: anyone with a link may read' }));
    await app.user.click(within(dialog).getByRole('button', { name: 'Create bucket' }));
    await expect.poll(() => app.bridge.callsOf('buckets.create')).toEqual([
      { connectionId: 'local', bucket: 'shared-1250000000', region: 'ap-chengdu', defaultEncryption: false, access: 'public-read' },
    ]);
  });

  it('keeps the focus in the dialog after the service refuses, so Esc still closes it', async () => {
    const app = await renderApp({ objects: {}, handlers: { 'buckets.create': () => failWith('conflict', 'BucketNameYours', 'yours already') } });
    const dialog = await openNewBucket(app);
    await app.user.type(within(dialog).getByRole('textbox', { name: 'Name' }), 'photos');
    await app.user.click(within(dialog).getByRole('button', { name: 'Create bucket' }));
    expect(await within(dialog).findByRole('alert')).toBeTruthy();
    expect(dialog.contains(document.activeElement)).toBe(true);
    await app.user.keyboard('{Escape}');
    await expect.poll(() => screen.queryByRole('dialog', { name: 'New bucket' })).toBeNull();
  });

  it('encrypts by default where the region offers it, and is private unless asked', async () => {
    const app = await renderApp({ objects: {} });
    const dialog = await openNewBucket(app);
    await app.user.type(within(dialog).getByRole('textbox', { name: 'Name' }), 'photos');
    const encrypt = within(dialog).getByRole('checkbox', { name: 'Encrypt new objects by default' }) as HTMLInputElement;
    await expect.poll(() => encrypt.checked).toBe(true);
    await app.user.click(within(dialog).getByRole('button', { name: 'Create bucket' }));
    await expect.poll(() => app.bridge.callsOf('buckets.create')).toEqual([
      { connectionId: 'local', bucket: 'photos-1250000000', region: 'ap-guangzhou', defaultEncryption: true, access: 'private' },
    ]);
  });
});

describe('a bucket\'s menu', () => {
  it('turns default encryption off only after saying what that means', async () => {
    const app = await renderApp({ objects: {} });
    await app.user.click(await screen.findByRole('button', { name: 'Actions for bucket photos' }));
    await app.user.click(await screen.findByRole('menuitem', { name: 'Default encryption…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Default encryption of photos' });
    expect(within(dialog).getByText('New objects in photos are encrypted with SSE-COS when their upload asks for nothing else.')).toBeTruthy();
    await app.user.click(within(dialog).getByRole('radio', { name: 'No encryption' }));
    expect(within(dialog).getByText(/will be stored unencrypted/)).toBeTruthy();
    await app.user.click(within(dialog).getByRole('button', { name: 'Turn off default encryption' }));
    await expect.poll(() => app.bridge.callsOf('buckets.setEncryption')).toEqual([{ connectionId: 'local', bucket: 'photos-1250000000', defaultEncryption: null }]);
  });

  it('offers only "No encryption" where the region has none', async () => {
    const app = await renderApp({ objects: {}, buckets: [bucket({ name: 'far-1250000000', region: 'ap-chengdu', sseOffered: false, defaultEncryption: null })] });
    await app.user.click(await screen.findByRole('button', { name: 'Actions for bucket far' }));
    await app.user.click(await screen.findByRole('menuitem', { name: 'Default encryption…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Default encryption of far' });
    expect((within(dialog).getByRole('radio', { name: /SSE-COS/ }) as HTMLInputElement).disabled).toBe(true);
    expect(within(dialog).getByText('COS offers no server-side encryption in ap-chengdu.')).toBeTruthy();
  });

  it('deletes a bucket that holds objects only after "Delete all N objects" is typed, step by step', async () => {
    let left = 2500;
    const app = await renderApp({
      objects: {},
      handlers: {
        'buckets.contents': () => ({ objects: 2500, bytes: 7_500_000, uploads: 1 }),
        'buckets.empty': () => {
          const deleted = Math.min(1000, left);
          left -= deleted;
          return { deleted, aborted: deleted === 0 ? 1 : 0, done: deleted === 0, failures: [] };
        },
      },
    });
    await app.user.click(await screen.findByRole('button', { name: 'Actions for bucket photos' }));
    await app.user.click(await screen.findByRole('menuitem', { name: 'Delete bucket…' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Delete the bucket photos?' });
    expect(await within(dialog).findByText('photos holds 2,500 objects (7.5 MB). It also holds 1 unfinished upload.')).toBeTruthy();
    const go = within(dialog).getByRole('button', { name: 'Delete everything and the bucket' });
    expect(go.hasAttribute('disabled')).toBe(true);
    const field = within(dialog).getByRole('textbox', { name: 'To go on, type “Delete all 2500 objects”' });
    await app.user.type(field, 'Delete all 250 objects');
    expect(go.hasAttribute('disabled')).toBe(true);
    expect(app.bridge.callsOf('buckets.empty')).toHaveLength(0);
    await app.user.clear(field);
    await app.user.type(field, 'Delete all 2500 objects');
    await app.user.click(go);
    await expect.poll(() => app.bridge.callsOf('buckets.delete')).toEqual([{ connectionId: 'local', bucket: 'photos-1250000000' }]);
    expect(app.bridge.callsOf('buckets.empty')).toHaveLength(4);
  });

  it('deletes an empty bucket after one question', async () => {
    const app = await renderApp({ objects: {} });
    await app.user.click(await screen.findByRole('button', { name: 'Actions for bucket photos' }));
    await app.user.click(await screen.findByRole('menuitem', { name: 'Delete bucket…' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Delete the bucket photos?' });
    expect(await within(dialog).findByText(/photos is empty/)).toBeTruthy();
    await app.user.click(within(dialog).getByRole('button', { name: 'Delete bucket' }));
    await expect.poll(() => app.bridge.callsOf('buckets.delete')).toHaveLength(1);
    expect(app.bridge.callsOf('buckets.empty')).toHaveLength(0);
  });
});
