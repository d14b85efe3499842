// Rename and move as a user meets them: the new name checked as typed (no "/", not unchanged); a taken name asked
// about (keep both → the core is asked again with that answer); a folder renamed as a move job; items moved into a
// folder picked in the dialog, after asking about the names taken there; the right-click menu offering the same.
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fail } from '../../../shared/contract';
import { BUCKET, object } from '../../test-support/memory-bridge';
import { renderApp } from '../../test-support/render-app';

const objects = { [BUCKET]: [object('notes.txt'), object('todo.txt'), object('album/a.jpg'), object('archive/old.txt'), object('archive/2025/x.txt')] };

describe('rename', () => {
  it('checks the name as typed, and asks before replacing a taken name', async () => {
    const { bridge, user } = await renderApp({ objects, handlers: { 'objects.rename': (r) => ({ key: r.onConflict === 'keep-both' ? 'todo (2).txt' : r.move.to }) } });
    // The core's answer to a taken name, before the user chose what to do about it.
    const core = bridge.api.objects.rename;
    bridge.api.objects.rename = async (r) =>
      r.onConflict ? core(r) : fail('conflict', 'DestinationExists', 'todo.txt already exists at the top of the bucket; choose whether to replace it or keep both.', { key: 'todo.txt' });

    await user.click(await screen.findByText('notes.txt'));
    const pane = await screen.findByRole('complementary', { name: 'Details' });
    await user.click(within(pane).getByRole('button', { name: 'Rename notes.txt…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Rename notes.txt' });
    const field = within(dialog).getByRole('textbox', { name: 'New name' });
    const submit = within(dialog).getByRole('button', { name: 'Rename' });
    expect(submit.hasAttribute('disabled') || submit.getAttribute('data-disabled') !== null).toBe(true);
    await user.clear(field);
    await user.type(field, 'a/b.txt');
    const rule = 'A name cannot contain “/”, “\\” or invisible control characters, or be “.” or “..”.';
    expect(within(dialog).getByText(rule)).toBeTruthy();
    // A "\" too: Windows reads it as a folder, and New folder refuses it the same way.
    await user.clear(field);
    await user.type(field, 'a\\b.txt');
    expect(within(dialog).getByText(rule)).toBeTruthy();
    await user.clear(field);
    await user.type(field, 'todo.txt');
    await user.click(within(dialog).getByRole('button', { name: 'Rename' }));

    const ask = await screen.findByRole('alertdialog', { name: 'todo.txt already exists there' });
    expect(within(ask).queryByRole('button', { name: 'Skip these' })).toBeNull();
    await user.click(within(ask).getByRole('button', { name: 'Keep both' }));
    await waitFor(() => expect(bridge.callsOf('objects.rename')).toEqual([{ connectionId: 'local', bucket: BUCKET, move: { from: 'notes.txt', to: 'todo.txt' }, onConflict: 'keep-both' }]));
  });

  it('renames a folder as a move job of everything under it', async () => {
    const { bridge, user } = await renderApp({ objects });
    const row = (await screen.findByText('album/')).closest('[role=row]') as HTMLElement;
    fireEvent.contextMenu(row, { clientX: 40, clientY: 60 });
    const menu = await screen.findByRole('menu', { name: 'Actions for album' });
    expect(within(menu).getAllByRole('menuitem').map((i) => i.textContent?.trim())).toEqual(['Open', 'Download', 'Rename…', 'Move to…', 'Encrypt in place', 'Delete…Del']);
    await user.click(within(menu).getByRole('menuitem', { name: 'Rename…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Rename the folder album' });
    const field = within(dialog).getByRole('textbox', { name: 'New name' });
    await user.clear(field);
    await user.type(field, 'photos{Enter}');
    await waitFor(() => expect(bridge.callsOf('jobs.startMove')).toEqual([{ connectionId: 'local', bucket: BUCKET, moves: [{ from: 'album/', to: 'photos/' }], onConflict: 'ask' }]));
    expect(bridge.callsOf('objects.moveConflicts')).toHaveLength(1);
  });
});

describe('the right-click menu', () => {
  it('opens from the keyboard on the focused row, acts on the whole selection, and gives focus back on Escape', async () => {
    const { user } = await renderApp({ objects });
    await user.click(await screen.findByText('notes.txt'));
    fireEvent.click(screen.getByText('todo.txt'), { ctrlKey: true });
    const row = screen.getByText('todo.txt').closest('[role=row]') as HTMLElement;
    row.focus();
    // The Menu key and Shift+F10 fire "contextmenu" with no pointer position.
    fireEvent.contextMenu(row, { clientX: 0, clientY: 0 });
    const menu = await screen.findByRole('menu', { name: 'Actions for 2 items' });
    expect(within(menu).getAllByRole('menuitem').map((i) => i.textContent?.trim())).toEqual(['Download', 'Move to…', 'Encrypt in place', 'Delete…Del']);
    await waitFor(() => expect(menu.contains(document.activeElement)).toBe(true));
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('menu')).toBeNull());
    // The menu hands the focus back once it has closed (after its exit transition).
    await waitFor(() => expect(document.activeElement).toBe(row));
  });

  it('asks before deleting, as the toolbar does', async () => {
    const { bridge, user } = await renderApp({ objects });
    const row = (await screen.findByText('notes.txt')).closest('[role=row]') as HTMLElement;
    fireEvent.contextMenu(row, { clientX: 40, clientY: 60 });
    await user.click(within(await screen.findByRole('menu')).getByRole('menuitem', { name: /Delete/ }));
    const ask = await screen.findByRole('alertdialog', { name: 'Delete “notes.txt”?' });
    expect(bridge.callsOf('objects.delete')).toEqual([]);
    await user.click(within(ask).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(bridge.callsOf('objects.delete')).toEqual([{ connectionId: 'local', bucket: BUCKET, keys: ['notes.txt'] }]));
  });
});

describe('move', () => {
  it('moves the selection into a folder picked in the dialog, after asking about taken names', async () => {
    const { bridge, user } = await renderApp({
      objects,
      handlers: { 'objects.moveConflicts': (r) => ({ conflicts: [{ from: r.moves[0]!.from, to: r.moves[0]!.to }], count: 1 }) },
    });
    await user.click(await screen.findByText('notes.txt'));
    fireEvent.click(screen.getByText('todo.txt'), { ctrlKey: true });
    await user.click(screen.getByRole('button', { name: 'Move the selected items to another folder' }));
    const dialog = await screen.findByRole('dialog', { name: 'Move 2 items' });
    // It opens where they are: a prompt to choose, not a refusal.
    expect(within(dialog).getByText('Choose the folder to move to: open it here, or go up with the path above.')).toBeTruthy();
    expect(within(dialog).getByRole('button', { name: /^Move to / }).hasAttribute('disabled')).toBe(true);
    await user.click(await within(dialog).findByRole('button', { name: 'archive' }));
    await user.click(await within(dialog).findByRole('button', { name: '2025' }));
    await user.click(within(dialog).getByRole('button', { name: 'Move to 2025' }));
    const ask = await screen.findByRole('alertdialog', { name: 'notes.txt already exists there' });
    expect(ask.textContent).toContain('Keep both gives the one you are moving or renaming a new name, such as “notes (2).txt”.');
    await user.click(within(ask).getByRole('button', { name: 'Skip these' }));
    await waitFor(() =>
      expect(bridge.callsOf('jobs.startMove')).toEqual([
        {
          connectionId: 'local',
          bucket: BUCKET,
          moves: [
            { from: 'notes.txt', to: 'archive/2025/notes.txt' },
            { from: 'todo.txt', to: 'archive/2025/todo.txt' },
          ],
          onConflict: 'skip',
        },
      ]),
    );
    // The job shows in Transfers.
    expect(await screen.findByText(/Moving “notes/)).toBeTruthy();
  });

  it('does nothing when the question about taken names is cancelled', async () => {
    const { bridge, user } = await renderApp({ objects, handlers: { 'objects.moveConflicts': (r) => ({ conflicts: [{ from: r.moves[0]!.from, to: r.moves[0]!.to }], count: 1 }) } });
    const row = (await screen.findByText('notes.txt')).closest('[role=row]') as HTMLElement;
    fireEvent.contextMenu(row, { clientX: 40, clientY: 60 });
    await user.click(within(await screen.findByRole('menu')).getByRole('menuitem', { name: 'Move to…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Move notes.txt' });
    await user.click(await within(dialog).findByRole('button', { name: 'album' }));
    await user.click(within(dialog).getByRole('button', { name: 'Move to album' }));
    await user.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    expect(bridge.callsOf('jobs.startMove')).toEqual([]);
  });
});
