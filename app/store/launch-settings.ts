// How a store process is started so that it stays small (issue 2: RSS ≤ 150 MB while streaming 4 GiB). Neither
// setting can be changed from inside a running process, so whoever starts the store applies them: the
// `coffer-store` bin through its shebang line (`env -S`, checked against these values by launch-settings.test.ts),
// tests and benchmarks through spawnStore, the app through its child-process launcher.
//
// - V8 young generation: semi-spaces of 1 MiB instead of up to 16. The store's garbage is short-lived request
//   objects; a large young generation only holds more of it.
// - glibc malloc: one arena for all threads (main, libuv pool, MD5 worker) instead of one per thread, each keeping
//   the 64 KiB socket, cipher and file buffers it once held. Other C libraries ignore the variable.
// Measured together (512 MiB PUTs through the bundled store, alternating runs with and without): ~25 MiB less RSS
// after streaming, same plain and SSE PUT rates. Lowering glibc's mmap/trim thresholds as well saved more memory
// but cost ~35% of the SSE PUT rate (an mmap and munmap per 64 KiB buffer), so it is not used.

export const STORE_NODE_ARGS: readonly string[] = ['--max-semi-space-size=1'];

export const STORE_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '1' };

/** The shebang line that starts `bin` with these settings (what bin/coffer-store.mjs must begin with). */
export function storeShebang(): string {
  const env = Object.entries(STORE_ENV).map(([k, v]) => `${k}=${v}`);
  return `#!/usr/bin/env -S ${[...env, 'node', ...STORE_NODE_ARGS].join(' ')}`;
}
