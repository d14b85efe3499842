// Acting on selected rows: Delete asks first and removes the rows the core deleted (a folder, with everything in
// it, as a job); Download in browser mode
// asks for an attachment and hands the finished file to the browser.
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { BUCKET, job, object } from '../test-support/memory-bridge';
import { renderApp } from '../test-support/render-app';

describe('selection actions', () => {
  it('deletes the selected file after asking, from the keyboard', async () => {
    const { bridge, user } = await renderApp({ objects: { [BUCKET]: [object('a.txt'), object('b.txt')] } });
    const row = (await screen.findByText('a.txt')).closest('[role=row]') as HTMLElement;
    await user.click(row);
    expect(row.getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(row, { key: 'Delete' });
    const dialog = await screen.findByRole('alertdialog', { name: 'Delete “a.txt”?' });
    expect(bridge.callsOf('objects.delete')).toHaveLength(0);
    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(screen.queryByText('a.txt')).toBeNull());
    expect(bridge.callsOf('objects.delete')).toEqual([{ connectionId: 'local', bucket: BUCKET, keys: ['a.txt'] }]);
    expect(screen.getByText('b.txt')).toBeTruthy();
  });

  it('deletes a folder with everything in it as a job, after saying so', async () => {
    const { bridge, user } = await renderApp({ objects: { [BUCKET]: [object('album/a.jpg'), object('album/deep/b.jpg'), object('c.txt')] } });
    const row = (await screen.findByText('album/')).closest('[role=row]') as HTMLElement;
    await user.click(row);
    await user.click(screen.getByRole('button', { name: 'Delete' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Delete the folder “album” and everything in it?' });
    expect(within(dialog).getByText(/Everything inside the folder goes too/)).toBeTruthy();
    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(bridge.callsOf('jobs.startDelete')).toEqual([{ connectionId: 'local', bucket: BUCKET, keys: [], prefixes: ['album/'] }]));
    expect(bridge.callsOf('objects.delete')).toHaveLength(0);
    expect(await screen.findByRole('listitem', { name: /^Deleting “/ })).toBeTruthy();
    // Once it is done, the list and the server's unfinished uploads (the folder's were aborted) are read again.
    const [lists, uploads] = [bridge.callsOf('objects.list').length, bridge.callsOf('multipart.list').length];
    bridge.emit({ type: 'job.done', jobId: 'job-1', job: job({ kind: 'delete', state: 'completed', sse: null }) });
    await waitFor(() => expect(bridge.callsOf('multipart.list').length).toBe(uploads + 1));
    expect(bridge.callsOf('objects.list').length).toBeGreaterThan(lists);
  });

  it('downloads as a browser attachment where there are no native dialogs', async () => {
    const { bridge, user, frame } = await renderApp({ objects: { [BUCKET]: [object('a.txt')] } });
    await user.click(await screen.findByText('a.txt'));
    await user.click(screen.getByRole('button', { name: 'Download' }));
    await waitFor(() => expect(bridge.callsOf('jobs.startDownload')).toHaveLength(1));
    expect(bridge.callsOf('jobs.startDownload')[0]).toMatchObject({ keys: ['a.txt'], prefixes: [], destination: { kind: 'attachment' } });
    bridge.emit({ type: 'job.done', jobId: 'job-1', job: job({ kind: 'download', state: 'completed', sse: null, attachment: { downloadId: 'd-1', name: 'a.txt' } }) });
    await frame();
    expect(bridge.attachments).toEqual([{ downloadId: 'd-1', name: 'a.txt' }]);
  });
});
