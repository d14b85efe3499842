// Long loops in the page (a drop of 10,000 files) run in slices of a few milliseconds and give the event loop back
// between them, so that no task keeps the window from painting or answering for more than a frame.

/** Lets the browser paint and handle input: scheduler.yield where it exists, else a MessageChannel hop (no 4 ms clamp). */
export function yieldToPage(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (typeof scheduler?.yield === 'function') return scheduler.yield();
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/** Returns a check to call inside a loop: it yields once the current slice has run `sliceMs`. */
export function timeSlicer(sliceMs = 8): () => Promise<void> | undefined {
  let started = performance.now();
  return () => {
    if (performance.now() - started < sliceMs) return undefined;
    return yieldToPage().then(() => {
      started = performance.now();
    });
  };
}
