// How the embedded store's child process is started: which script, with which arguments, node flags and
// environment. This is the one place that knows; the supervisor (embedded-store.ts) only runs what it is given,
// through a launcher: a plain Node child process here and in the browser host, Electron's utilityProcess in the
// app (its process.execPath is the Electron binary, and the packaged app runs with RunAsNode off).
import { spawn } from 'node:child_process';
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

/**
 * `coffer-store serve` for COFFER_HOME's store on a random loopback port, recording its address in store.json,
 * through the coffer-store bin (which runs the prebuilt bundle in dist/cli, rebuilding it first if a source changed).
 */
export function storeLaunchSpec(paths: StorePaths, root = PROJECT_ROOT): LaunchSpec {
  return {
    script: join(root, 'bin', 'coffer-store.mjs'),
    args: ['serve', '--data', paths.store, '--keyring', paths.storeKeyring, '--record', paths.storeRecord, '--host', '127.0.0.1', '--port', '0'],
    nodeArgs: [...STORE_NODE_ARGS],
    env: { ...STORE_ENV },
  };
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
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: process.platform !== 'win32',
    windowsHide: true,
  });
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
