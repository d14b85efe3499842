// Progress coalescing for transfers: a download can produce thousands of chunks a second, and every event
// crosses IPC and re-renders a row, so events are passed on at most once per interval (the first at once, the
// latest value of each interval at its end, and whatever is pending when the transfer ends).

export interface Coalescer<T> {
  push(value: T): void;
  /** Emits the pending value now (if any) and stops the timer; call when the transfer ends, either way. */
  flush(): void;
}

export function coalesce<T>(listener: ((value: T) => void) | undefined, intervalMs = 100): Coalescer<T> {
  if (!listener) return { push() {}, flush() {} };
  let last = -Infinity;
  let pending: { value: T } | undefined;
  let timer: NodeJS.Timeout | undefined;
  // A listener that throws inside the timer would otherwise become an uncaught exception; it is kept and
  // rethrown to the transfer on its next push/flush instead.
  let listenerError: unknown;

  const emit = (value: T) => {
    last = Date.now();
    listener(value);
  };
  const rethrow = () => {
    if (listenerError !== undefined) {
      const e = listenerError;
      listenerError = undefined;
      throw e;
    }
  };

  return {
    push(value) {
      rethrow();
      const wait = last + intervalMs - Date.now();
      if (wait <= 0 && !timer) {
        pending = undefined;
        emit(value);
        return;
      }
      pending = { value };
      if (!timer) {
        timer = setTimeout(() => {
          timer = undefined;
          const p = pending;
          pending = undefined;
          if (p) {
            try {
              emit(p.value);
            } catch (e) {
              listenerError = e;
            }
          }
        }, Math.max(wait, 0));
        timer.unref();
      }
    },
    flush() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      rethrow();
      const p = pending;
      pending = undefined;
      if (p) emit(p.value);
    },
  };
}
