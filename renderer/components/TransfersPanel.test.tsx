// The transfers panel: totals, a job's progress in words, its actions, failures as sentences, a job from
// before a restart, and the server's unfinished uploads with Abort (asked first).
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { BUCKET, T0, job, object } from '../test-support/memory-bridge';
import { renderApp } from '../test-support/render-app';

const running = job({
  id: 'job-run',
  subject: 'film.mov',
  progress: { bytesDone: 50_000_000, bytesTotal: 200_000_000, filesDone: 0, filesTotal: 1, filesFailed: 0, rate: 2_000_000, etaSeconds: 75 },
});
const failed = job({
  id: 'job-failed',
  state: 'failed',
  subject: 'a.txt',
  others: 2,
  finishedAt: T0,
  progress: { bytesDone: 10, bytesTotal: 10, filesDone: 1, filesTotal: 3, filesFailed: 2, rate: 0, etaSeconds: null },
  failures: [{ key: 'b.txt', error: { kind: 'integrity', code: 'not-encrypted', message: 'The server stored b.txt without the encryption asked for; it was deleted.', details: { requestId: 'req-9' } } }],
});
const restored = job({ id: 'job-old', state: 'interrupted', subject: 'album', restored: true, createdAt: '2026-12-01T10:00:00.000Z' });

describe('transfers panel', () => {
  it('lists jobs with progress, speed and time left, failures as sentences, and jobs from before a restart', async () => {
    await renderApp({ objects: { [BUCKET]: [object('a.txt')] }, handlers: { 'jobs.list': () => ({ jobs: [restored, failed, running] }) } });
    const panel = screen.getByRole('region', { name: 'Transfers' });
    expect(within(panel).getByRole('heading').textContent).toBe('Transfers (1 running · 2 MB/s · 2 min left · 1 with failures)');
    const run = within(panel).getByRole('listitem', { name: 'Uploading “film.mov” to photos' });
    expect(within(run).getByText('50 MB of 200 MB · 2 MB/s · 2 min left')).toBeTruthy();
    expect((within(run).getByRole('progressbar') as HTMLProgressElement).value).toBe(25);
    const bad = within(panel).getByRole('listitem', { name: 'Uploaded “a.txt” and 2 more items to photos' });
    expect(within(bad).getByText('Finished with failures')).toBeTruthy();
    expect(bad.textContent).toContain('b.txt: The server stored b.txt without the encryption asked for; it was deleted.');
    expect(bad.textContent).toContain('and 1 more failure');
    const old = within(panel).getByRole('listitem', { name: 'Uploading “album” to photos' });
    expect(within(old).getByText('Stopped when Coffer closed')).toBeTruthy();
    expect(within(old).getByText('From before Coffer restarted.')).toBeTruthy();
  });

  it('says which dropped file could not be read in the window\'s language, naming it', async () => {
    const unread = job({
      id: 'job-unread',
      state: 'failed',
      subject: 'holiday.jpg',
      finishedAt: T0,
      progress: { bytesDone: 0, bytesTotal: 10, filesDone: 0, filesTotal: 1, filesFailed: 1, rate: 0, etaSeconds: null },
      // As the host says it (in English); the window says it again in its own language.
      failures: [{ key: 'trip/holiday.jpg', error: { kind: 'not-found', code: 'FileUnreadable', message: 'Coffer could not read “holiday.jpg” from your computer.', details: { key: 'trip/holiday.jpg' } } }],
    });
    await renderApp({ objects: {}, language: 'zh-CN', handlers: { 'jobs.list': () => ({ jobs: [unread] }) } });
    const panel = await screen.findByRole('region', { name: '传输' });
    await waitFor(() => expect(panel.textContent).toContain('Coffer 无法从你的电脑读取“holiday.jpg”。如果它是文件夹，请单独再拖入一次'));
    expect(panel.textContent).not.toContain('could not read');
  });

  it('says "so far" while a big drop is still being read, with no time left, and the final totals once it is', async () => {
    const reading = job({
      id: 'job-big',
      subject: 'f1.txt',
      others: 2199,
      adding: true,
      progress: { bytesDone: 5_500, bytesTotal: 120_000, filesDone: 55, filesTotal: 1200, filesFailed: 0, rate: 1000, etaSeconds: 65 },
    });
    const { bridge, frame } = await renderApp({ objects: { [BUCKET]: [object('a.txt')] }, handlers: { 'jobs.list': () => ({ jobs: [reading] }) } });
    const panel = screen.getByRole('region', { name: 'Transfers' });
    const item = await within(panel).findByRole('listitem', { name: /^Uploading “f1.txt”/ });
    expect(item.textContent).toContain('55 of 1200 files so far (still reading the dropped files)');
    expect(item.textContent).not.toMatch(/left/);
    expect(within(panel).getByRole('heading').textContent).not.toMatch(/left/);
    // The page gave the last files: the job's summary comes without `adding`, with the final totals.
    const { adding: _, ...sealed } = reading;
    bridge.emit({ type: 'job.state', jobId: 'job-big', state: 'running', job: { ...sealed, progress: { ...reading.progress, filesTotal: 3000, bytesTotal: 300_000 } } });
    frame();
    expect(item.textContent).toContain('55 of 3000 files');
    expect(item.textContent).not.toContain('so far');
    expect(item.textContent).toMatch(/left/);
  });

  it('counts a delete in items, not files (a folder\'s marker and its unfinished uploads go too)', async () => {
    const deleted = job({ id: 'job-del', kind: 'delete', state: 'completed', sse: null, subject: 'docs', finishedAt: T0, progress: { bytesDone: 0, bytesTotal: 0, filesDone: 3, filesTotal: 3, filesFailed: 0, rate: 0, etaSeconds: null } });
    await renderApp({ objects: {}, handlers: { 'jobs.list': () => ({ jobs: [deleted] }) } });
    const panel = screen.getByRole('region', { name: 'Transfers' });
    const item = await within(panel).findByRole('listitem', { name: /^Deleted “docs”/ });
    expect(item.textContent).toContain('3 of 3 items');
    expect(item.textContent).not.toContain('files');
  });

  it('clears the finished transfers in one press, leaving the running and the failed ones', async () => {
    const done = job({ id: 'job-done', state: 'completed', subject: 'done.txt', finishedAt: T0 });
    const stopped = job({ id: 'job-stopped', state: 'cancelled', subject: 'stopped.txt', finishedAt: T0 });
    const { user, bridge } = await renderApp({ objects: { [BUCKET]: [object('a.txt')] }, handlers: { 'jobs.list': () => ({ jobs: [done, stopped, failed, running] }) } });
    const panel = screen.getByRole('region', { name: 'Transfers' });
    await user.click(within(panel).getByRole('button', { name: 'Clear 2 finished' }));
    await waitFor(() => expect(bridge.callsOf('jobs.dismiss').map((r) => r.jobId).sort()).toEqual(['job-done', 'job-stopped']));
    await waitFor(() => expect(within(panel).queryByRole('button', { name: /^Clear/ })).toBeNull());
    expect(within(panel).queryByRole('listitem', { name: /done\.txt|stopped\.txt/ })).toBeNull();
    expect(within(panel).getByRole('listitem', { name: 'Uploading “film.mov” to photos' })).toBeTruthy();
    expect(within(panel).getByRole('listitem', { name: 'Uploaded “a.txt” and 2 more items to photos' })).toBeTruthy();
  });

  it('tells a finished job in the past tense, with the whole title on hover and an X (not a bin) to remove it, without the restart note', async () => {
    const done = job({ id: 'job-done', state: 'completed', restored: true, subject: 'report.pdf', others: 2, finishedAt: T0, progress: { bytesDone: 13, bytesTotal: 13, filesDone: 3, filesTotal: 3, filesFailed: 0, rate: 0, etaSeconds: null } });
    const { bridge, user } = await renderApp({ objects: {}, handlers: { 'jobs.list': () => ({ jobs: [done] }) } });
    const panel = screen.getByRole('region', { name: 'Transfers' });
    const item = within(panel).getByRole('listitem', { name: 'Uploaded “report.pdf” and 2 more items to photos' });
    expect(within(item).getByText('Uploaded “report.pdf” and 2 more items to photos').getAttribute('title')).toBe('Uploaded “report.pdf” and 2 more items to photos');
    expect(within(item).getByText('13 bytes of 13 bytes · 3 of 3 files')).toBeTruthy();
    expect(within(item).queryByText('From before Coffer restarted.')).toBeNull(); // done: nothing left to continue
    const remove = within(item).getByRole('button', { name: 'Remove from the list' });
    expect(remove.querySelector('svg')?.getAttribute('class')).toContain('lucide-x');
    await user.click(remove);
    expect(bridge.callsOf('jobs.dismiss')).toEqual([{ jobId: 'job-done' }]);
  });

  it('pauses, resumes, retries and cancels through the core', async () => {
    const { bridge, user } = await renderApp({ objects: {}, handlers: { 'jobs.list': () => ({ jobs: [running, failed] }) } });
    const panel = screen.getByRole('region', { name: 'Transfers' });
    const run = () => within(panel).getByRole('listitem', { name: 'Uploading “film.mov” to photos' });
    await user.click(within(run()).getByRole('button', { name: 'Pause' }));
    expect(bridge.callsOf('jobs.pause')).toEqual([{ jobId: 'job-run' }]);
    await waitFor(() => expect(within(run()).getByText('Paused')).toBeTruthy());
    await user.click(within(run()).getByRole('button', { name: 'Resume' }));
    expect(bridge.callsOf('jobs.resume')).toEqual([{ jobId: 'job-run' }]);
    const bad = within(panel).getByRole('listitem', { name: /a\.txt” and 2 more/ });
    await user.click(within(bad).getByRole('button', { name: 'Retry the failed files' }));
    expect(bridge.callsOf('jobs.retry')).toEqual([{ jobId: 'job-failed' }]);
    await waitFor(() => expect(within(run()).getByRole('button', { name: 'Cancel' })).toBeTruthy());
    await user.click(within(run()).getByRole('button', { name: 'Cancel' }));
    expect(bridge.callsOf('jobs.cancel')).toEqual([{ jobId: 'job-run' }]);
  });

  it("shows the server's unfinished uploads and aborts one only after asking", async () => {
    const { bridge, user } = await renderApp({
      objects: { [BUCKET]: [object('a.txt')] },
      handlers: { 'multipart.list': () => ({ uploads: [{ key: 'big.iso', uploadId: 'u-1', initiated: T0, ownedByJob: false }], truncated: false }) },
    });
    expect(await screen.findByText('1 unfinished upload on the server')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Abort the unfinished upload of big.iso' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Abort this unfinished upload?' });
    expect(bridge.callsOf('multipart.abort')).toHaveLength(0);
    await user.click(within(dialog).getByRole('button', { name: 'Abort' }));
    await waitFor(() => expect(bridge.callsOf('multipart.abort')).toEqual([{ connectionId: 'local', bucket: BUCKET, key: 'big.iso', uploadId: 'u-1' }]));
    await waitFor(() => expect(screen.queryByText('1 unfinished upload on the server')).toBeNull());
  });

  it('reads the unfinished uploads again on Refresh (the CLI may have left one meanwhile)', async () => {
    let uploads: Array<{ key: string; uploadId: string; initiated: string; ownedByJob: boolean }> = [];
    const { user } = await renderApp({ objects: { [BUCKET]: [object('a.txt')] }, handlers: { 'multipart.list': () => ({ uploads, truncated: false }) } });
    await screen.findByText('a.txt');
    expect(screen.queryByText('1 unfinished upload on the server')).toBeNull();
    uploads = [{ key: 'big.iso', uploadId: 'u-1', initiated: T0, ownedByJob: false }];
    await user.click(screen.getByRole('button', { name: 'Refresh' }));
    expect(await screen.findByText('1 unfinished upload on the server')).toBeTruthy();
  });
});
