// When a failed attempt is worth repeating and how long to wait first. Only transient failures qualify: 5xx,
// SlowDown, and transport failures (resets, timeouts, a body cut short). A 4xx is the caller's problem and is
// never retried. Whether the *request* may be repeated (idempotent method, replayable body) is the caller's
// half of the decision; this module only judges the failure.
import { CosAbortError, CosNetworkError, CosServiceError } from './errors';

export interface RetryPolicy {
  /** Total attempts including the first (default 3). */
  attempts: number;
  /** Base delay in ms for exponential backoff (default 100). */
  baseDelayMs: number;
  /** Upper bound of one wait in ms (default 5000). */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 100, maxDelayMs: 5_000 };

const TRANSIENT_CODES = new Set(['SlowDown', 'ServiceUnavailable', 'InternalError', 'KmsFreqControl', 'RequestTimeout']);

export function isTransient(err: unknown): boolean {
  if (err instanceof CosNetworkError) return true;
  if (err instanceof CosServiceError) {
    if (err.status >= 500) return true;
    // Inside a 200 (copy/complete) the status says nothing; the code does. RequestTimeout is a 400 that COS
    // sends when it gave up waiting for the body, which a fresh attempt can fix.
    return TRANSIENT_CODES.has(err.code) && (err.in200 || err.code === 'SlowDown' || err.code === 'RequestTimeout');
  }
  return false;
}

/**
 * "Full jitter" (AWS architecture blog, 2015): a uniform wait in [0, min(max, base·2^n)]. Spreading retries
 * over the whole window stops many clients that failed together from retrying together.
 */
export function backoffDelay(policy: RetryPolicy, retryIndex: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retryIndex);
  return Math.floor(random() * ceiling);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(new CosAbortError('The operation was aborted'));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CosAbortError('The operation was aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
