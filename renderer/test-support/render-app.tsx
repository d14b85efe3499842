// Renders the whole window over an in-memory bridge, in English, with animation frames run by the test.
import { act, render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from '../components/App';
import { createI18n } from '../i18n/i18n';
import { createAppModel } from '../stores/app-model';
import { createMemoryBridge, type MemoryBridgeOptions } from './memory-bridge';

export function manualFrames() {
  let queue: Array<() => void> = [];
  return {
    schedule: (f: () => void) => void queue.push(f),
    /** Runs the frames scheduled so far; returns how many ran. */
    flush() {
      const run = queue;
      queue = [];
      for (const f of run) f();
      return run.length;
    },
    get pending() {
      return queue.length;
    },
  };
}

/**
 * `whileStarting`: render first and start the model without waiting, as main.tsx does, to see the window before the
 * first answers; by default the first answers are in before the window renders.
 */
export async function renderApp(opts: MemoryBridgeOptions & { language?: 'en' | 'zh-CN'; whileStarting?: boolean } = {}) {
  const bridge = createMemoryBridge(opts);
  const frames = manualFrames();
  const model = createAppModel(bridge, frames.schedule);
  const i18n = await createI18n(opts.language ?? 'en');
  const user = userEvent.setup();
  if (opts.whileStarting) void model.start();
  else {
    await act(async () => {
      await model.start();
    });
  }
  const view = render(<App model={model} i18n={i18n} storage={null} />);
  /** Delivers the events emitted so far (one animation frame). */
  const frame = () => act(() => void frames.flush());
  return { bridge, model, frames, frame, user, ...view };
}
