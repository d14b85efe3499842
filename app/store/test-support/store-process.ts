// Runs `coffer-store` as a real child process (the way users run it), for crash and CLI tests.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STORE_ENV, STORE_NODE_ARGS } from '../launch-settings';
import { TEST_CREDENTIALS } from './store-fixture';
import { COFFER_STORE_BIN } from '../../cli/test-support/bins';

const BIN = COFFER_STORE_BIN;

export interface StoreProcess {
  child: ChildProcess;
  port: number;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function storeArgs(dataDir: string, keyringPath: string, extra: string[] = []): string[] {
  return ['--data', dataDir, '--keyring', keyringPath, '--secret-id', TEST_CREDENTIALS.secretId, '--secret-key', TEST_CREDENTIALS.secretKey, ...extra];
}

export interface SpawnOptions {
  env?: Record<string, string>;
  /** Extra `serve` flags. */
  extra?: string[];
  /** Flags for node itself (e.g. --cpu-prof). */
  nodeArgs?: string[];
  /** Entry script: the coffer-store bin (which runs the bundle in dist/cli) unless told otherwise. */
  bin?: string;
  /** Start without the launch settings users get (launch-settings.ts), e.g. to measure what they change. */
  untuned?: boolean;
}

export async function spawnStore(dataDir: string, keyringPath: string, opts: SpawnOptions = {}): Promise<StoreProcess> {
  const { env = {}, extra = [], nodeArgs = [], bin = BIN, untuned = false } = opts;
  // Started the way the coffer-store bin starts itself (its shebang), unless asked not to.
  const launchArgs = untuned ? [] : STORE_NODE_ARGS;
  const launchEnv = untuned ? {} : STORE_ENV;
  const child = spawn(process.execPath, [...launchArgs, ...nodeArgs, bin, 'serve', ...storeArgs(dataDir, keyringPath, ['--port', '0', ...extra])], {
    env: { ...process.env, ...launchEnv, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`store did not start: ${out} ${err}`)), 30_000);
    const check = () => {
      const m = /Coffer store listening on https?:\/\/[^:]+:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout!.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`store exited before listening: ${out} ${err}`));
    });
  });
  return { child, port, stdout: () => out, stderr: () => err, exited };
}

/** Runs a one-shot CLI command (fsck, keys, rotate-key…) to completion. */
export function runCli(args: string[], env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Temp directories and child store processes of one test file, cleaned up after each test:
 * `const scope = storeScope('coffer-crash-'); afterEach(() => scope.cleanup());`
 */
export function storeScope(prefix: string) {
  let root: string | undefined;
  const procs: StoreProcess[] = [];
  return {
    /** A fresh root with the data directory and a keyring path outside it. */
    async dirs(): Promise<{ root: string; dataDir: string; keyring: string }> {
      root = await mkdtemp(join(tmpdir(), prefix));
      return { root, dataDir: join(root, 'data'), keyring: join(root, 'keys', 'keyring.json') };
    },
    /** Kills the process at cleanup if the test has not stopped it. */
    track(p: StoreProcess): StoreProcess {
      procs.push(p);
      return p;
    },
    async cleanup(): Promise<void> {
      for (const p of procs.splice(0)) p.child.kill('SIGKILL');
      if (root) await rm(root, { recursive: true, force: true });
      root = undefined;
    },
  };
}
