// "New folder" and "New bucket…" check the name as it is typed and say what is wrong in the user's language,
// instead of sending it and showing the contract's refusal ("The objects.createFolder request was refused…").
import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { BUCKET, object } from '../test-support/memory-bridge';
import { renderApp } from '../test-support/render-app';

async function openDialog(user: Awaited<ReturnType<typeof renderApp>>['user'], button: RegExp) {
  await user.click(screen.getByRole('button', { name: button }));
  return screen.findByRole('dialog');
}

describe('New folder', () => {
  it('refuses a name too long for a key with a sentence, and sends nothing', async () => {
    const { bridge, user } = await renderApp({ objects: { [BUCKET]: [object('a.txt')] } });
    await screen.findByText('a.txt');
    const dialog = await openDialog(user, /^New folder$/);
    await user.click(within(dialog).getByRole('textbox', { name: 'Folder name' }));
    await user.paste('x'.repeat(900));
    expect(within(dialog).getByText('This name is too long. Choose a shorter one.')).toBeTruthy();
    expect(within(dialog).getByRole('button', { name: 'Create' }).hasAttribute('disabled')).toBe(true);
    expect(bridge.callsOf('objects.createFolder')).toHaveLength(0);
  });

  it('counts bytes, not letters: 300 Chinese characters are too long, 200 are fine', async () => {
    const { bridge, user } = await renderApp({ objects: { [BUCKET]: [object('a.txt')] } });
    await screen.findByText('a.txt');
    const dialog = await openDialog(user, /^New folder$/);
    const field = within(dialog).getByRole('textbox', { name: 'Folder name' });
    await user.click(field);
    await user.paste('文'.repeat(300));
    expect(within(dialog).getByText('This name is too long. Choose a shorter one.')).toBeTruthy();
    await user.clear(field);
    await user.paste('文'.repeat(200));
    expect(within(dialog).queryByText('This name is too long. Choose a shorter one.')).toBeNull();
    await user.click(within(dialog).getByRole('button', { name: 'Create' }));
    expect(bridge.callsOf('objects.createFolder')).toEqual([{ connectionId: 'local', bucket: BUCKET, key: `${'文'.repeat(200)}/` }]);
  });

  it('treats " . " like "." (spaces around a name are dropped)', async () => {
    const { bridge, user } = await renderApp({ objects: { [BUCKET]: [object('a.txt')] } });
    await screen.findByText('a.txt');
    const dialog = await openDialog(user, /^New folder$/);
    await user.type(within(dialog).getByRole('textbox', { name: 'Folder name' }), ' . ');
    expect(within(dialog).getByText('A folder name cannot contain “/”, “\\” or invisible control characters, or be “.” or “..”.')).toBeTruthy();
    expect(bridge.callsOf('objects.createFolder')).toHaveLength(0);
  });

  it('says so while typing the name of a folder that is already here, and creates nothing', async () => {
    const { bridge, user } = await renderApp({ objects: { [BUCKET]: [object('docs/a.txt'), object('b.txt')] } });
    await screen.findByText('docs/');
    const dialog = await openDialog(user, /^New folder$/);
    await user.type(within(dialog).getByRole('textbox', { name: 'Folder name' }), 'docs');
    expect(within(dialog).getByText('There is already a folder “docs” here.')).toBeTruthy();
    expect((within(dialog).getByRole('button', { name: 'Create' }) as HTMLButtonElement).disabled).toBe(true);
    await user.type(within(dialog).getByRole('textbox', { name: 'Folder name' }), '-2026');
    expect(within(dialog).queryByText(/already a folder/)).toBeNull();
    expect(bridge.callsOf('objects.createFolder')).toHaveLength(0);
  });

  it('says before Create that a backslash or a control character cannot be in a folder name, in the window\'s language', async () => {
    const { bridge, user } = await renderApp({ objects: { [BUCKET]: [object('a.txt')] }, language: 'zh-CN' });
    await screen.findByText('a.txt');
    const dialog = await openDialog(user, /^新建文件夹$/);
    const field = within(dialog).getAllByRole('textbox')[0]!;
    await user.type(field, 'back\\slash');
    expect(dialog.textContent).toContain('文件夹名称不能包含“/”、“\\”或不可见的控制字符');
    await user.clear(field);
    fireEvent.change(field, { target: { value: 'nul\u0000name' } });
    expect(dialog.textContent).toContain('文件夹名称不能包含');
    expect(bridge.callsOf('objects.createFolder')).toHaveLength(0);
  });
});

describe('New bucket', () => {
  it('says which characters a bucket name may use, and creates nothing until it is right', async () => {
    const { bridge, user } = await renderApp({ objects: {} });
    const dialog = await openDialog(user, /New bucket/);
    const field = within(dialog).getByRole('textbox', { name: 'Name' });
    await user.type(field, 'My_Photos!');
    const hint = 'Use lowercase letters (a–z), digits and “-”, starting and ending with a letter or digit.';
    expect(within(dialog).getByText(hint)).toBeTruthy();
    expect(within(dialog).getByRole('button', { name: 'Create bucket' }).hasAttribute('disabled')).toBe(true);
    expect(bridge.callsOf('buckets.create')).toHaveLength(0);
    await user.clear(field);
    await user.type(field, 'my-photos');
    expect(within(dialog).queryByText(hint)).toBeNull();
    await user.click(within(dialog).getByRole('button', { name: 'Create bucket' }));
    expect(bridge.callsOf('buckets.create')[0]).toMatchObject({ bucket: 'my-photos-1250000000' });
  });
});
