// Fault injection for the crash tests: when COFFER_STORE_CRASH_AT names a point, the process kills itself with
// SIGKILL the moment it gets there — the same as a power cut or `kill -9` at exactly that step. Unset (always, in
// normal use) this is one string comparison.
const target = process.env.COFFER_STORE_CRASH_AT;

export type CrashPoint =
  | 'put:mid-body'
  | 'put:after-data-commit'
  | 'put:after-meta-commit'
  | 'complete:before-commit'
  | 'complete:after-commit'
  | 'rewrap:mid-pass';

export function crashPoint(name: CrashPoint): void {
  if (target === name) process.kill(process.pid, 'SIGKILL');
}
