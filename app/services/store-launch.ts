// How the embedded store's child process is started: which script, with which arguments, node flags and
// environment. This is the one place that knows; the supervisor (embedded-store.ts) only runs what it is given,
// through a launcher: a plain Node child process here and in the browser host, Electron's utilityProcess in the
// app (its process.execPath is the Electron binary, and the packaged app runs with RunAsNode off).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { STORE_ENV, STORE_NODE_ARGS } from '../store/launch-settings';

export interface LaunchSpec {
  /** The entry script (a bundle, or the TypeScript entry through tsx). */
  script: string;
  args: string[];
  /** Flags for node itself: the store's launch settings. */
  nodeArgs: string[];
  env: Record<string, string>;
  /**
   * The child's standard input is a pipe this process holds open and never writes to; the store (`--lifeline`) stops
   * when it closes, which happens when this process ends, however it ends.
   */
  lifeline?: boolean;
}

export interface ChildHandle {
  pid: number | undefined;
  stdout: Readable | null;
  stderr: Readable | null;
  kill(signal?: NodeJS.Signals): boolean;
  /** Settles once the process has exited (or could not start). */
  exited: Promise<{ code: number | null; signal: string | null }>;
}

export type ProcessLauncher = (spec: LaunchSpec) => ChildHandle;

/** The folder holding package.json: two levels above app/services (and above dist/main in the bundled app). */
export const PROJECT_ROOT = join(import.meta.dirname, '..', '..');

export interface StorePaths {
  /** COFFER_HOME/store */
  store: string;
  /** COFFER_HOME/keyring.json */
  storeKeyring: string;
  /** COFFER_HOME/store.json */
  storeRecord: string;
}

/** The store child's entry in an installed app: the bundle `npm run dist` builds for it (app/main/build.ts). */
export const SHIPPED_STORE_ENTRY = join('dist', 'store', 'coffer-store.mjs');

/**
 * The script that runs `coffer-store`: in a checkout the coffer-store bin (which runs the prebuilt bundle in dist/cli,
 * rebuilding it first if a source changed); in an installed app, which ships neither bin/ nor the sources, the
 * store bundle built for it.
 */
export function storeEntry(root = PROJECT_ROOT): string {
  const bin = join(root, 'bin', 'coffer-store.mjs');
  return existsSync(bin) ? bin : join(root, SHIPPED_STORE_ENTRY);
}

/**
 * `coffer-store serve` for COFFER_HOME's store on a random loopback port, recording its address in store.json,
 * through storeEntry.
 *
 * `lifeline`: a store for one command, which stops when this process ends (see LaunchSpec.lifeline). It serves a
 * few requests, so its WebAssembly (SQLite) runs on V8's baseline compiler only: otherwise V8 starts an optimizing
 * compile of it in the background after the first requests, and the process waits for that compile before it can
 * exit (0.2–2 s of every command, measured; bin/coffer.mjs sets the same flag for itself).
 */
export function storeLaunchSpec(paths: StorePaths, root = PROJECT_ROOT, opts: { lifeline?: boolean } = {}): LaunchSpec {
  const args = ['serve', '--data', paths.store, '--keyring', paths.storeKeyring, '--record', paths.storeRecord, '--host', '127.0.0.1', '--port', '0'];
  const spec: LaunchSpec = { script: storeEntry(root), args, nodeArgs: [...STORE_NODE_ARGS], env: { ...STORE_ENV } };
  if (!opts.lifeline) return spec;
  return { ...spec, args: [...args, '--lifeline'], nodeArgs: [...spec.nodeArgs, '--liftoff-only'], lifeline: true };
}

/**
 * A Node child process. It gets its own process group, so a Ctrl-C in the terminal reaches only the parent,
 * which stops its work first and then the store (SIGTERM), in that order.
 */
export const nodeLauncher: ProcessLauncher = (spec) => {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  // The store must not inherit credentials meant for the `coffer` CLI's own connection.
  delete env.COFFER_SECRET_ID;
  delete env.COFFER_SECRET_KEY;
  const child = spawn(process.execPath, [...spec.nodeArgs, spec.script, ...spec.args], {
    env: { ...env, ...spec.env },
    stdio: [spec.lifeline ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    detached: process.platform !== 'win32',
    windowsHide: true,
  });
  // The write end of the lifeline stays open, unwritten, until this process exits; an error on it (the store gone
  // first) is of no interest.
  child.stdin?.on('error', () => {});
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: null, signal: null }));
  });
  return {
    pid: child.pid,
    stdout: child.stdout,
    stderr: child.stderr,
    kill: (signal) => child.kill(signal),
    exited,
  };
};
