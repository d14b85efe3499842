// The window without a mouse: arrows move the selection in the table (Shift extends it, Home/End and Page Up/Down
// jump), Space adds a row, Enter opens a folder or a file's details (and Esc comes back), Delete asks first and
// focus stays in the table afterwards, Esc clears the selection; and the live regions say when a transfer finished
// or failed.
import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { BUCKET, job, manyObjects, object } from '../test-support/memory-bridge';
import { renderApp } from '../test-support/render-app';

const grid = () => screen.getByRole('grid');
const rowOf = (name: string) => within(grid()).getByText(name).closest<HTMLElement>('[role=row]')!;
const selectedNames = () =>
  Array.from(grid().querySelectorAll<HTMLElement>('[role=row][aria-selected=true]')).map((r) => r.dataset.key);

async function start(objects = [object('a.txt'), object('b.txt'), object('c.txt'), object('d.txt'), object('2026/x.txt')]) {
  const app = await renderApp({ objects: { [BUCKET]: objects } });
  await screen.findByText(objects[0]!.key);
  return app;
}

describe('keyboard in the object table', () => {
  it('goes into a folder with Enter and up again with Backspace or Alt+Up, the focus staying in the table', async () => {
    const { user, model } = await start([object('a.txt'), object('2026/x.txt'), object('2026/y.txt'), object('2027/z.txt')]);
    await user.click(rowOf('2026/'));
    await user.keyboard('{Enter}');
    await screen.findByText('x.txt');
    // In the folder, on its first row, ready for the arrows (not on the page behind).
    await waitFor(() => expect(document.activeElement).toBe(rowOf('x.txt')), { timeout: 10_000 });
    await user.keyboard('{ArrowDown}');
    expect(selectedNames()).toEqual(['2026/y.txt']);
    await user.keyboard('{Backspace}');
    await screen.findByText('a.txt');
    expect(model.listing.getState().location?.prefix).toBe('');
    // Back on the folder just left; Backspace asked nothing about deleting.
    await waitFor(() => expect(document.activeElement).toBe(rowOf('2026/')), { timeout: 10_000 });
    expect(screen.queryByRole('alertdialog')).toBeNull();
    await user.keyboard('{ArrowDown}{Enter}');
    await screen.findByText('z.txt');
    // The keys go to the focused row: wait for the focus to reach the folder's first row, as a user sees it.
    await waitFor(() => expect(document.activeElement).toBe(rowOf('z.txt')), { timeout: 10_000 });
    await user.keyboard('{Alt>}{ArrowUp}{/Alt}');
    // The folder above is listed again first (under load that can take longer than waitFor's default second).
    await screen.findByText('a.txt', {}, { timeout: 10_000 });
    await waitFor(() => expect(document.activeElement).toBe(rowOf('2027/')), { timeout: 10_000 });
  });

  it('moves the selection with the arrows, extends it with Shift, and jumps with Home and End', async () => {
    const { user } = await start();
    // The folder comes first: 2026/, a.txt, b.txt, c.txt, d.txt.
    await user.click(rowOf('a.txt'));
    expect(selectedNames()).toEqual(['a.txt']);
    await user.keyboard('{ArrowDown}');
    expect(selectedNames()).toEqual(['b.txt']);
    await waitFor(() => expect(document.activeElement).toBe(rowOf('b.txt')));
    expect(rowOf('b.txt').tabIndex).toBe(0);
    expect(rowOf('a.txt').tabIndex).toBe(-1);
    // The grid is one Tab stop: a folder's name button inside a row is not another.
    expect(within(rowOf('2026/')).getByRole('button').tabIndex).toBe(-1);
    await user.keyboard('{Shift>}{ArrowDown}{ArrowDown}{/Shift}');
    expect(selectedNames()).toEqual(['b.txt', 'c.txt', 'd.txt']);
    await user.keyboard('{ArrowUp}');
    expect(selectedNames()).toEqual(['c.txt']);
    await user.keyboard('{Home}');
    expect(selectedNames()).toEqual(['2026/']);
    await user.keyboard('{End}');
    expect(selectedNames()).toEqual(['d.txt']);
    await waitFor(() => expect(document.activeElement).toBe(rowOf('d.txt')));
    // Ctrl moves the focus alone; Space then adds the focused row.
    await user.keyboard('{Control>}{ArrowUp}{/Control}');
    expect(selectedNames()).toEqual(['d.txt']);
    await user.keyboard(' ');
    expect(selectedNames()).toEqual(['c.txt', 'd.txt']);
    await user.keyboard(' ');
    expect(selectedNames()).toEqual(['d.txt']);
    await user.keyboard('{Control>}a{/Control}');
    expect(selectedNames()).toHaveLength(5);
    await user.keyboard('{Escape}');
    expect(selectedNames()).toEqual([]);
  });

  it('selects everything in the folder with Ctrl+A, the pages not loaded yet included', async () => {
    const { user, model, bridge } = await start(manyObjects(2500));
    await user.click(rowOf('file-00000.txt'));
    expect(model.listing.getState().truncated).toBe(true);
    await user.keyboard('{Control>}a{/Control}');
    // 2500 objects come in pages of 1000: all three are read, and all 2500 are selected (not the 1000 on screen).
    await waitFor(() => expect(model.listing.getState().selected.size).toBe(2500));
    expect(bridge.callsOf('objects.list')).toHaveLength(3);
    expect(model.listing.getState().selected.has('file-02499.txt')).toBe(true);
  });

  it('pages through a long virtualized list, bringing the new row on screen', async () => {
    const { user } = await start(manyObjects(500));
    await user.click(rowOf('file-00000.txt'));
    await user.keyboard('{PageDown}');
    const [first] = selectedNames();
    expect(Number(/\d+/.exec(first!)![0])).toBeGreaterThan(5);
    await user.keyboard('{End}');
    expect(selectedNames()).toEqual(['file-00499.txt']);
    await waitFor(() => expect(document.activeElement).toBe(rowOf('file-00499.txt')));
    expect(grid().getAttribute('aria-rowcount')).toBe('501');
    expect(rowOf('file-00499.txt').getAttribute('aria-rowindex')).toBe('501');
    await user.keyboard('{PageUp}');
    expect(Number(/\d+/.exec(selectedNames()[0]!)![0])).toBeLessThan(499);
  });

  it('Enter opens a folder, or shows a file in the details pane; Esc goes back to the row', async () => {
    const { user } = await start();
    await user.click(rowOf('b.txt'));
    await user.keyboard('{Enter}');
    const pane = await screen.findByRole('complementary', { name: 'Details' });
    await waitFor(() => expect(document.activeElement).toBe(pane));
    expect(within(pane).getByRole('heading', { name: 'b.txt' })).toBeTruthy();
    await user.keyboard('{Escape}');
    await waitFor(() => expect(document.activeElement).toBe(rowOf('b.txt')));

    await user.keyboard('{Home}{Enter}');
    await screen.findByText('x.txt');
    expect(within(screen.getByRole('navigation', { name: 'Location' })).getByText('2026')).toBeTruthy();
  });

  it('Delete asks first, deletes on confirmation, and keeps the focus in the table', async () => {
    const { user, bridge } = await start();
    await user.click(rowOf('d.txt'));
    await user.keyboard('{Delete}');
    const dialog = await screen.findByRole('alertdialog');
    // Cancel (focused first) keeps the file and returns to its row.
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    expect(bridge.callsOf('objects.delete')).toHaveLength(0);
    await waitFor(() => expect(document.activeElement).toBe(rowOf('d.txt')));

    await user.keyboard('{Delete}');
    const again = await screen.findByRole('alertdialog');
    expect(dialog).toBeTruthy();
    await user.click(within(again).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(within(grid()).queryByText('d.txt')).toBeNull());
    expect(bridge.callsOf('objects.delete')[0]).toMatchObject({ keys: ['d.txt'] });
    // The last row went away with its element: focus is on the row that is now last, not lost.
    await waitFor(() => expect(document.activeElement).toBe(rowOf('c.txt')));
  });
});

describe('live regions', () => {
  it('say politely when an upload finished, with its encryption, and assertively when a transfer failed', async () => {
    const { bridge } = await start();
    const polite = screen.getByTestId('announce-polite');
    const assertive = screen.getByTestId('announce-assertive');
    expect(polite.getAttribute('aria-live')).toBe('polite');
    expect(polite.textContent).toBe('');
    const progress = { bytesDone: 3000, bytesTotal: 3000, filesDone: 3, filesTotal: 3, filesFailed: 0, rate: 0, etaSeconds: null };
    act(() => bridge.emit({ type: 'job.done', jobId: 'job-1', job: job({ state: 'completed', progress }) }));
    expect(polite.textContent).toBe('3 files uploaded, encrypted (SSE-COS)');
    act(() => bridge.emit({ type: 'job.done', jobId: 'job-2', job: job({ id: 'job-2', state: 'completed', sse: { mode: 'none' }, progress: { ...progress, filesDone: 1 } }) }));
    expect(polite.textContent).toBe('1 file uploaded, not encrypted');

    const error = { kind: 'failed' as const, code: 'SlowDown', message: 'The server is busy. Try again in a minute.', details: {} };
    act(() =>
      bridge.emit({
        type: 'job.done',
        jobId: 'job-3',
        job: job({ id: 'job-3', state: 'failed', progress: { ...progress, filesDone: 2, filesFailed: 1 }, failures: [{ key: 'a.txt', error }] }),
      }),
    );
    expect(assertive.getAttribute('aria-live')).toBe('assertive');
    expect(assertive.textContent).toBe('a.txt: 1 file could not be transferred. The server is busy. Try again in a minute.');
  });
});

describe('dialogs from the keyboard', () => {
  it('Esc closes a dialog and gives the focus back to the button that opened it', async () => {
    const { user } = await start();
    const places = screen.getByRole('navigation', { name: 'Places' });
    for (const [button, dialog] of [
      ['Add COS account', 'Add COS account'],
      ['Settings', 'Settings'],
    ] as const) {
      const opener = within(places).getByRole('button', { name: button });
      act(() => opener.focus());
      await user.keyboard('{Enter}');
      await screen.findByRole('dialog', { name: dialog });
      await user.keyboard('{Escape}');
      await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
      await waitFor(() => expect(document.activeElement).toBe(opener));
    }
  });
});
