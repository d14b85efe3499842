// The object table over an in-memory core: virtualized rows, paging on scroll, statuses for visible rows only,
// the Encryption cell's words, empty and error states, and the notice when a partly loaded list is sorted.
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { VIEWPORT_HEIGHT } from '../test-support/setup';
import { BUCKET, manyObjects, object } from '../test-support/memory-bridge';
import { renderApp } from '../test-support/render-app';
import { PAGE_SIZE } from '../stores/listing-store';
import { ROW_HEIGHT } from './ObjectTable';

const dataRows = () => Array.from(document.querySelectorAll<HTMLElement>('[role=row][data-index]'));

async function scrollTo(top: number) {
  const box = screen.getByTestId('object-table-scroll');
  await act(async () => {
    box.scrollTop = top;
    fireEvent.scroll(box);
  });
}

describe('ObjectTable', () => {
  it('shows only the rows on screen out of 20,000, loading a page at a time', async () => {
    const { bridge } = await renderApp({ objects: { [BUCKET]: manyObjects(20_000) } });
    await screen.findByText('file-00000.txt');
    const rendered = dataRows().length;
    // 640 px of 32 px rows is 20 on screen, plus a few of overscan; never thousands.
    expect(rendered).toBeGreaterThanOrEqual(VIEWPORT_HEIGHT / ROW_HEIGHT);
    expect(rendered).toBeLessThan(40);
    expect(screen.queryByText('file-00500.txt')).toBeNull();
    // Only the first page was asked for.
    expect(bridge.callsOf('objects.list')).toHaveLength(1);
    expect(bridge.callsOf('objects.list')[0]).toMatchObject({ bucket: BUCKET, prefix: '', pageSize: PAGE_SIZE });
  });

  it('asks for the next page when scrolled near the end of what is loaded, and only then', async () => {
    const { bridge } = await renderApp({ objects: { [BUCKET]: manyObjects(20_000) } });
    await screen.findByText('file-00000.txt');
    await scrollTo(500 * ROW_HEIGHT);
    expect(bridge.callsOf('objects.list')).toHaveLength(1);
    await scrollTo((PAGE_SIZE - 30) * ROW_HEIGHT);
    await waitFor(() => expect(bridge.callsOf('objects.list')).toHaveLength(2));
    expect(bridge.callsOf('objects.list')[1]).toMatchObject({ marker: 'file-00999.txt' });
    await screen.findByText('file-00990.txt');
    expect(dataRows().length).toBeLessThan(40);
  });

  it('asks the encryption of the visible rows only, and drops what scrolled away', async () => {
    const { bridge, frame } = await renderApp({ objects: { [BUCKET]: manyObjects(5_000) } });
    await screen.findByText('file-00000.txt');
    await waitFor(() => expect(bridge.callsOf('objects.status')).toHaveLength(1));
    const first = bridge.callsOf('objects.status')[0]!;
    expect(first.rows.map((r) => r.key)).toEqual(Array.from({ length: VIEWPORT_HEIGHT / ROW_HEIGHT - 1 }, (_, i) => `file-${String(i).padStart(5, '0')}.txt`));
    expect(first.view).toBe('table');

    // An answer turns "Checking…" into words with an icon.
    const row0 = screen.getByText('file-00000.txt').closest('[role=row]') as HTMLElement;
    expect(within(row0).getByText('Checking…')).toBeTruthy();
    bridge.emit({ type: 'object.status', connectionId: 'local', bucket: BUCKET, key: 'file-00000.txt', etag: '"e0"', encryption: { state: 'encrypted', mode: 'SSE-COS' } });
    bridge.emit({ type: 'object.status', connectionId: 'local', bucket: BUCKET, key: 'file-00001.txt', etag: '"e1"', encryption: { state: 'not-encrypted' } });
    bridge.emit({
      type: 'object.status', connectionId: 'local', bucket: BUCKET, key: 'file-00002.txt', etag: '"e2"',
      encryption: { state: 'error', error: { kind: 'failed', code: 'SlowDown', message: 'The server is busy.', details: {} } },
    });
    await frame();
    expect(within(row0).getByText('Encrypted (SSE-COS)')).toBeTruthy();
    expect(screen.getByText('Not encrypted')).toBeTruthy();
    expect(screen.getByText(/Couldn't check/)).toBeTruthy();

    // Scrolling far: the new request names only the rows now on screen (the old ones are superseded).
    await scrollTo(3000 * ROW_HEIGHT);
    await waitFor(() => expect(bridge.callsOf('objects.status').length).toBeGreaterThanOrEqual(2));
    const last = bridge.callsOf('objects.status').at(-1)!;
    expect(last.rows.length).toBeLessThanOrEqual(VIEWPORT_HEIGHT / ROW_HEIGHT + 1);
    expect(last.rows.every((r) => r.key >= 'file-02999.txt' && r.key <= 'file-03021.txt')).toBe(true);

    // "Retry" asks again for that one row, skipping the cache.
    await scrollTo(0);
    await act(async () => screen.getByRole('button', { name: 'Retry' }).click());
    const retry = bridge.callsOf('objects.status').find((r) => r.force);
    expect(retry?.rows).toEqual([{ key: 'file-00002.txt', etag: '"e2"' }]);
  });

  it('shows folders first, opens one, and goes back with the breadcrumb', async () => {
    const { bridge, user } = await renderApp({ objects: { [BUCKET]: [object('z.txt'), object('2026/a.jpg'), object('2026/b.jpg'), object('a.txt')] } });
    await screen.findByText('z.txt');
    expect(dataRows().map((r) => r.textContent?.split('1.2')[0])).toEqual(['2026/', 'a.txt', 'z.txt']);
    await user.click(screen.getByRole('button', { name: '2026/' }));
    await screen.findByText('a.jpg');
    expect(bridge.callsOf('objects.list').at(-1)).toMatchObject({ prefix: '2026/' });
    const crumbs = screen.getByRole('navigation', { name: 'Location' });
    expect(within(crumbs).getByText('2026').getAttribute('aria-current')).toBe('page');
    await user.click(within(crumbs).getByRole('button', { name: 'photos' }));
    await screen.findByText('z.txt');
  });

  it('selects with the mouse as a file manager does: click one, Ctrl-click adds, Shift-click a range from the last click', async () => {
    const { user, model } = await renderApp({ objects: { [BUCKET]: ['a', 'b', 'c', 'd', 'e'].map((n) => object(`${n}.txt`)) } });
    await screen.findByText('e.txt');
    const row = (name: string) => dataRows().find((r) => r.textContent?.startsWith(name))!;
    const selected = () => [...model.listing.getState().selected].sort();
    await user.click(row('b.txt'));
    expect(selected()).toEqual(['b.txt']);
    await user.keyboard('{Shift>}');
    await user.click(row('d.txt'));
    await user.keyboard('{/Shift}');
    expect(selected()).toEqual(['b.txt', 'c.txt', 'd.txt']);
    await user.keyboard('{Control>}');
    await user.click(row('a.txt'));
    await user.keyboard('{/Control}');
    expect(selected()).toEqual(['a.txt', 'b.txt', 'c.txt', 'd.txt']);
    // The range runs from the last plain or Ctrl click (a.txt now).
    await user.keyboard('{Shift>}');
    await user.click(row('c.txt'));
    await user.keyboard('{/Shift}');
    expect(selected()).toEqual(['a.txt', 'b.txt', 'c.txt']);
  });

  it('shows the whole of a long name on hover, where the column cuts it short', async () => {
    const long = `${'quarterly-report-for-the-board-'.repeat(5)}final.pdf`;
    const folder = `${'archive-of-everything-'.repeat(4)}2026`;
    await renderApp({ objects: { [BUCKET]: [object(long), object(`${folder}/a.txt`)] } });
    expect((await screen.findByText(long)).getAttribute('title')).toBe(long);
    expect(screen.getByText(`${folder}/`).getAttribute('title')).toBe(`${folder}/`);
  });

  it('says when sorting covers only the rows loaded so far', async () => {
    const { user } = await renderApp({ objects: { [BUCKET]: manyObjects(2_500) } });
    await screen.findByText('file-00000.txt');
    expect(screen.queryByRole('note')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Size' }));
    expect(screen.getByRole('note').textContent).toBe('Sorted among the 1000 rows loaded so far; scroll down to load the rest.');
    expect(screen.getByRole('columnheader', { name: /Size/ }).getAttribute('aria-sort')).toBe('ascending');
  });

  it('says when folders further down were not read ahead (a folder of more than 5,000 names)', async () => {
    await renderApp({ objects: { [BUCKET]: [...manyObjects(6_000), object('zz/later.txt')] } });
    await screen.findByText('file-00000.txt');
    expect((await screen.findByRole('note')).textContent).toBe('This folder holds more than 5,000 items: folders further down join the top of the list as you scroll.');
  });

  it('shows the empty state of a bucket with nothing in it', async () => {
    await renderApp({ objects: {} });
    expect(await screen.findByText('Drop files here, or click Upload')).toBeTruthy();
  });

  it('shows a listing failure as a sentence with the code and request id under Details, and retries', async () => {
    let fail = true;
    const { bridge, user } = await renderApp({
      objects: { [BUCKET]: [object('a.txt')] },
      handlers: {
        'objects.list': () => {
          if (fail) throw Object.assign(new Error('Access was refused for cos://photos-1250000000: check the SecretKey.'), { code: 'AccessDenied' });
          return { folders: [], objects: [object('a.txt')], nextMarker: null, truncated: false };
        },
      },
    });
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('Access was refused for cos://photos-1250000000: check the SecretKey.')).toBeTruthy();
    expect(within(alert).getByText('Details')).toBeTruthy();
    expect(within(alert).getByText('Test')).toBeTruthy(); // the code, from the memory core's taxonomy
    expect(alert.textContent).not.toMatch(/at .*\.ts|Error:/);
    fail = false;
    await user.click(within(alert).getByRole('button', { name: 'Retry' }));
    await screen.findByText('a.txt');
    expect(bridge.callsOf('objects.list')).toHaveLength(2);
  });

  it('does not repeat the window banner when the listing fails for the same reason', async () => {
    const { bridge, frame } = await renderApp({
      objects: { [BUCKET]: [object('a.txt')] },
      handlers: {
        'objects.list': () => {
          throw new Error('Coffer stopped running in the background.');
        },
      },
    });
    expect(await screen.findAllByText('Coffer stopped running in the background.')).toHaveLength(1);
    bridge.emit({ type: 'store.state', running: false, error: { kind: 'failed', code: 'Test', message: 'Coffer stopped running in the background.', details: {} } });
    await frame();
    await waitFor(() => expect(screen.getAllByText('Coffer stopped running in the background.')).toHaveLength(1));
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
  });

  it('shows a new upload at once with its verified encryption, without asking for its status', async () => {
    const { bridge, frame } = await renderApp({ objects: { [BUCKET]: [object('a.txt')] } });
    await screen.findByText('a.txt');
    bridge.emit({
      type: 'object.changed', connectionId: 'local', bucket: BUCKET, change: 'put',
      object: object('new.pdf', { etag: '"n"' }), encryption: { state: 'encrypted', mode: 'SSE-COS' },
    });
    bridge.emit({ type: 'object.changed', connectionId: 'local', bucket: BUCKET, change: 'put', object: object('album/x.jpg'), encryption: { state: 'encrypted', mode: 'SSE-COS' } });
    await frame();
    const row = screen.getByText('new.pdf').closest('[role=row]') as HTMLElement;
    expect(within(row).getByText('Encrypted (SSE-COS)')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'album/' })).toBeTruthy();
    await new Promise((r) => setTimeout(r, 200));
    expect(bridge.callsOf('objects.status').flatMap((c) => c.rows.map((r) => r.key))).not.toContain('new.pdf');
  });

  it('keeps the row elements while scrolling and shows the new rows in them (no element made or dropped per frame)', async () => {
    await renderApp({ objects: { [BUCKET]: manyObjects(5_000) } });
    await screen.findByText('file-00000.txt');
    await scrollTo(50 * ROW_HEIGHT);
    await screen.findByText('file-00050.txt');
    const before = dataRows();
    await scrollTo(100 * ROW_HEIGHT);
    await screen.findByText('file-00100.txt');
    const after = dataRows();
    expect(after).toHaveLength(before.length);
    expect(after.every((el, i) => el === before[i])).toBe(true);
    // In index order in the document too (what a screen reader walks), each placed at its row.
    expect(after.map((el) => Number(el.dataset.index))).toEqual(after.map((_, i) => Number(after[0]!.dataset.index) + i));
    expect(screen.queryByText('file-00050.txt')).toBeNull();
    const row100 = screen.getByText('file-00100.txt').closest<HTMLElement>('[role=row]')!;
    expect(row100.getAttribute('aria-rowindex')).toBe('102');
    expect(row100.style.transform).toBe(`translateY(${100 * ROW_HEIGHT}px)`);
  });

  it('keeps the keyboard focus on its row when the rows scroll, and lets go once that row is off screen', async () => {
    const { user } = await renderApp({ objects: { [BUCKET]: manyObjects(5_000) } });
    await screen.findByText('file-00000.txt');
    await scrollTo(20 * ROW_HEIGHT);
    await user.click(await screen.findByText('file-00024.txt'));
    expect(document.activeElement?.textContent).toContain('file-00024.txt');
    // Two rows further: the elements now show other rows; the focus moved with file-00024.txt.
    await scrollTo(22 * ROW_HEIGHT);
    expect((document.activeElement as HTMLElement).dataset.index).toBe('24');
    expect(document.activeElement?.textContent).toContain('file-00024.txt');
    await scrollTo(500 * ROW_HEIGHT);
    expect(document.activeElement).toBe(document.body);
  });

  it('turns the "Checking…" icon only for rows being checked, not for rows rendered off screen', async () => {
    const { bridge } = await renderApp({ objects: { [BUCKET]: manyObjects(5_000) } });
    await screen.findByText('file-00000.txt');
    await waitFor(() => expect(bridge.callsOf('objects.status')).toHaveLength(1));
    const icon = (name: string) => screen.getByText(name).closest('[role=row]')!.querySelector('.enc svg')!;
    expect(icon('file-00000.txt').classList.contains('spin')).toBe(true);
    // Rendered below the screen (overscan), never asked: the same words, a still icon.
    const below = dataRows().at(-1)!;
    expect(Number(below.dataset.index)).toBeGreaterThanOrEqual(VIEWPORT_HEIGHT / ROW_HEIGHT);
    expect(within(below).getByText('Checking…')).toBeTruthy();
    expect(below.querySelector('.enc svg')!.classList.contains('spin')).toBe(false);
  });
});
