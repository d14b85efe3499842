// The embedded store of COFFER_HOME as every front end runs it (the app, the browser host, and a `coffer` command
// with no other connection): a child process (its SQLite is synchronous and must never run on the app's main or UI
// thread). `ensure()` finds a store already serving COFFER_HOME (its address and pid are in store.json, written by
// the store itself) or starts one on a random loopback port; `stop()` ends the one this process started with SIGTERM
// (the store drains, removes its record and exits) and waits for it. Before a start, the folder's keyring is checked
// here (reading only), so a missing keyring is said in one sentence and nothing is created; then the credentials
// are created, before the first start.
import { DEFAULT_APPID, DEFAULT_REGION } from '../store/config';
import { loadOrCreateCredentials } from '../store/credentials-file';
import { readStoreRecord } from '../store/running-record';
import { cofferPaths, ensureCofferHome } from '../vault/coffer-home';
import { ServiceError } from './service-error';
import { nodeLauncher, storeLaunchSpec, type ChildHandle, type LaunchSpec, type ProcessLauncher, type StorePaths } from './store-launch';

export interface EmbeddedStoreInfo {
  url: string;
  appid: string;
  region: string;
  /** The store's own API credentials: they stay in this process (for the COS client), never cross to a UI. */
  credentials: { secretId: string; secretKey: string };
  /** True when this process started the store (and stops it). */
  started: boolean;
  pid: number;
}

export interface EmbeddedStoreOptions {
  home: string;
  launcher?: ProcessLauncher;
  launchSpec?: (paths: StorePaths) => LaunchSpec;
  /** How long a starting store may take to listen (default 60 s: the sources compile on first start). */
  readyTimeoutMs?: number;
  /** How long a SIGTERMed store may take to drain before it is killed (default 15 s). */
  stopTimeoutMs?: number;
  /**
   * A store this process starts stops when this process ends, however it ends (a crash, a signal, `process.exit`),
   * instead of living on: for a command-line run, whose store serves only that command. Needs a launcher that
   * honours LaunchSpec.lifeline (nodeLauncher does).
   */
  lifeline?: boolean;
  log?: (line: string) => void;
}

/** Whether process `pid` is running (another user's process, which answers EPERM, counts as running). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await res.body?.cancel();
    return true;
  } catch {
    return false;
  }
}

const LISTENING = /Coffer store listening on (https?:\/\/\S+)/;

export class EmbeddedStore {
  private child?: ChildHandle;
  private info?: EmbeddedStoreInfo;
  private starting?: Promise<EmbeddedStoreInfo>;
  private stopping = false;
  private readonly exitListeners = new Set<(why: string) => void>();
  private readonly stderrTail: string[] = [];

  constructor(private readonly opts: EmbeddedStoreOptions) {}

  /** Called when a store this process started exits on its own (a crash); `ensure()` starts a new one. */
  onUnexpectedExit(listener: (why: string) => void): () => void {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  get current(): EmbeddedStoreInfo | undefined {
    return this.info;
  }

  /** The running store, found or started. Concurrent callers share one start. */
  ensure(): Promise<EmbeddedStoreInfo> {
    if (this.info && (this.info.started || alive(this.info.pid))) return Promise.resolve(this.info);
    this.info = undefined;
    this.starting ??= this.findOrStart().finally(() => (this.starting = undefined));
    return this.starting;
  }

  /** Stops the store if this process started it; a store found running belongs to whoever started it. */
  async stop(): Promise<void> {
    await this.starting?.catch(() => undefined);
    const child = this.child;
    this.info = undefined;
    if (!child) return;
    this.stopping = true;
    child.kill('SIGTERM');
    const timeout = this.opts.stopTimeoutMs ?? 15_000;
    const killed = await Promise.race([child.exited.then(() => false), delay(timeout, { unref: true }).then(() => true)]);
    if (killed) {
      this.opts.log?.(`the store did not stop within ${timeout} ms; killing it`);
      child.kill('SIGKILL');
      await child.exited;
    }
    this.child = undefined;
    this.stopping = false;
  }

  private async findOrStart(): Promise<EmbeddedStoreInfo> {
    const home = await ensureCofferHome(this.opts.home);
    const paths = cofferPaths(home);
    const base = async () => ({ appid: DEFAULT_APPID, region: DEFAULT_REGION, credentials: (await loadOrCreateCredentials(paths.store)).credentials });
    const found = await this.findRunning(paths.storeRecord);
    if (found) return (this.info = { ...(await base()), ...found, started: false });
    // Before anything is written (credentials included): the store opens only with the keyring its folder records.
    await checkKeyring(paths);
    const settings = await base();
    try {
      const started = await this.start(paths);
      return (this.info = { ...settings, ...started, started: true });
    } catch (err) {
      // Another process may have started the same store at the same moment (the lock refused ours): use it.
      if (err instanceof ServiceError && err.code === 'StoreInUse') {
        for (let i = 0; i < 20; i++) {
          const again = await this.findRunning(paths.storeRecord);
          if (again) return (this.info = { ...settings, ...again, started: false });
          await delay(250);
        }
      }
      throw err;
    }
  }

  private async findRunning(recordFile: string): Promise<{ url: string; pid: number } | undefined> {
    const record = await readStoreRecord(recordFile);
    if (record && alive(record.pid) && (await answers(record.url))) return record;
    return undefined;
  }

  private start(paths: StorePaths): Promise<{ url: string; pid: number }> {
    const spec = this.opts.launchSpec ? this.opts.launchSpec(paths) : storeLaunchSpec(paths, undefined, { lifeline: this.opts.lifeline });
    const child = (this.opts.launcher ?? nodeLauncher)(spec);
    this.child = child;
    this.stderrTail.length = 0;
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => {
      for (const line of d.split('\n')) if (line.trim()) this.stderrTail.push(line.trim());
      if (this.stderrTail.length > 20) this.stderrTail.splice(0, this.stderrTail.length - 20);
    });
    const timeoutMs = this.opts.readyTimeoutMs ?? 60_000;
    return new Promise((resolve, reject) => {
      let out = '';
      let settled = false;
      const timer = setTimeout(() => fail(new ServiceError('unavailable', 'StoreStartTimeout', `The embedded store did not start within ${Math.round(timeoutMs / 1000)} s; try again, and see its log: ${this.lastLines()}`)), timeoutMs);
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        child.kill('SIGKILL');
        this.child = undefined;
        reject(err);
      };
      child.stdout?.setEncoding('utf8');
      child.stdout?.on('data', (d: string) => {
        // Only the "listening" line is read: nothing the store prints is passed on (it may name credentials).
        if (settled) return;
        out += d;
        const m = LISTENING.exec(out);
        if (m) {
          settled = true;
          clearTimeout(timer);
          out = '';
          resolve({ url: m[1]!, pid: child.pid ?? 0 });
        } else if (out.length > 64 * 1024) out = out.slice(-1024);
      });
      void child.exited.then(({ code, signal }) => {
        if (!settled) {
          const tail = this.lastLines();
          if (/in use/i.test(tail)) {
            fail(new ServiceError('unavailable', 'StoreInUse', `The embedded store in ${paths.store} is in use by another process that did not record its address in ${paths.storeRecord}; stop that process and try again.`));
          } else {
            fail(new ServiceError('unavailable', 'StoreStartFailed', `The embedded store could not start (exit ${code ?? signal}): ${tail || 'no message'}`));
          }
          return;
        }
        if (this.child === child) {
          this.child = undefined;
          this.info = undefined;
          if (!this.stopping) for (const l of this.exitListeners) l(`the embedded store stopped unexpectedly (exit ${code ?? signal}): ${this.lastLines()}`);
        }
      });
    });
  }

  /** What the store said last that explains itself: its own message, else the error Node printed. */
  private lastLines(): string {
    const lines = this.stderrTail.filter((l) => !/^(\}|\]|at |Node\.js v|code:|requireStack|\^+$)/.test(l));
    const own = lines.filter((l) => /^(\[coffer-store\]|coffer-store:)/.test(l)).slice(-2);
    const picked = own.length > 0 ? own : lines.filter((l) => /Error\b|error:/i.test(l)).slice(-1);
    return (picked.length > 0 ? picked : lines.slice(-1)).map((l) => l.replace(/^\[coffer-store\]\s*/, '').replace(/^coffer-store:\s*/, '')).join(' / ');
  }
}

/**
 * Refuses, reading only, a keyring that is not the one the store's folder records (a missing one included), so
 * that no store is started, and no keyring created, for a folder whose objects another keyring seals. The store's
 * own code is loaded only here: finding a running store needs none of it.
 */
async function checkKeyring(paths: StorePaths): Promise<void> {
  const [{ planStoreOpen }, { WrongKeyringError }] = await Promise.all([import('../store/store-binding'), import('../store/sse/keyring')]);
  try {
    await planStoreOpen(paths.store, paths.storeKeyring);
  } catch (err) {
    if (err instanceof WrongKeyringError) {
      throw new ServiceError(
        'usage',
        'WrongKeyring',
        `The embedded store in ${paths.store} was not opened: ${err.problem} Put this store's keyring back at ${paths.storeKeyring} (from your backup).`,
        { path: paths.storeKeyring },
        { cause: err },
      );
    }
    throw err;
  }
}

/**
 * `unref`: the wait alone does not keep the process alive (a stop racing the child's exit). Waits that a caller is
 * awaiting stay referenced: a command-line process with nothing else to do would otherwise end in the middle.
 */
function delay(ms: number, opts: { unref?: boolean } = {}): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    if (opts.unref) timer.unref();
  });
}
