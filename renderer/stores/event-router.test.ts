// The one event subscription: events reach the stores once per animation frame, progress collapses to the
// latest per job, and order between a job's progress and its end is kept.
import { describe, expect, it, vi } from 'vitest';
import { createAppModel } from './app-model';
import { BUCKET, createMemoryBridge, job } from '../test-support/memory-bridge';
import { manualFrames } from '../test-support/render-app';

describe('event routing', () => {
  it('coalesces 500 progress events into one transfers-store update per frame, keeping the latest', async () => {
    const bridge = createMemoryBridge();
    const frames = manualFrames();
    const model = createAppModel(bridge, frames.schedule);
    bridge.emit({ type: 'job.added', job: job() });
    frames.flush();
    let updates = 0;
    model.transfers.subscribe(() => updates++);

    for (let i = 1; i <= 500; i++) {
      bridge.emit({ type: 'job.progress', jobId: 'job-1', progress: { ...job().progress, bytesDone: i, rate: i * 10, etaSeconds: 5 } });
    }
    expect(updates).toBe(0);
    expect(frames.pending).toBe(1);
    expect(frames.flush()).toBe(1);
    expect(updates).toBe(1);
    expect(model.transfers.getState().jobs['job-1']!.progress.bytesDone).toBe(500);

    // A frame with progress then the end: the end wins, in one update.
    bridge.emit({ type: 'job.progress', jobId: 'job-1', progress: { ...job().progress, bytesDone: 999 } });
    bridge.emit({ type: 'job.done', jobId: 'job-1', job: job({ state: 'completed', progress: { ...job().progress, bytesDone: 1000, filesDone: 1 } }) });
    frames.flush();
    expect(updates).toBe(2);
    expect(model.transfers.getState().jobs['job-1']).toMatchObject({ state: 'completed', progress: { bytesDone: 1000 } });
  });

  it('batches status answers into one statuses-store update per frame', () => {
    const bridge = createMemoryBridge();
    const frames = manualFrames();
    const model = createAppModel(bridge, frames.schedule);
    let updates = 0;
    model.statuses.subscribe(() => updates++);
    for (let i = 0; i < 100; i++) {
      bridge.emit({ type: 'object.status', connectionId: 'local', bucket: BUCKET, key: `k${i}`, etag: '"e"', encryption: { state: 'encrypted', mode: 'SSE-COS' } });
    }
    frames.flush();
    expect(updates).toBe(1);
    expect(model.statuses.getState().entries.size).toBe(100);
  });

  it('stops delivering after dispose', () => {
    const bridge = createMemoryBridge();
    const frames = manualFrames();
    const model = createAppModel(bridge, frames.schedule);
    model.dispose();
    bridge.emit({ type: 'job.added', job: job() });
    expect(frames.pending).toBe(0);
  });

  it('reads the settings again when they were saved elsewhere (another window or tab), but not under its own change', async () => {
    const bridge = createMemoryBridge();
    const frames = manualFrames();
    const here = createAppModel(bridge, frames.schedule);
    const there = createAppModel(bridge, frames.schedule);
    await Promise.all([here.settings.getState().load(), there.settings.getState().load()]);
    expect(here.settings.getState().settings.theme).toBe('system');

    await there.settings.getState().update({ theme: 'dark' });
    bridge.emit({ type: 'settings.changed' });
    frames.flush();
    await vi.waitFor(() => expect(here.settings.getState().settings.theme).toBe('dark'));

    // A change of this window still on its way is not undone by a read that started before it landed.
    const saving = here.settings.getState().update({ theme: 'light' });
    bridge.emit({ type: 'settings.changed' });
    frames.flush();
    expect(here.settings.getState().settings.theme).toBe('light');
    await saving;
    expect(here.settings.getState().settings.theme).toBe('light');
    here.dispose();
    there.dispose();
  });
});
