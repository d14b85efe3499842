// The embedded store of COFFER_HOME as the app runs it: a child process (its SQLite is synchronous and must never
// run on the app's main or UI thread). `ensure()` finds a store already serving COFFER_HOME (its address and pid
// are in store.json, written by the store itself) or starts one on a random loopback port; `stop()` ends the one
// this process started with SIGTERM (the store drains, removes its record and exits) and waits for it.
// Credentials are created here before the first start, so the store never prints them.
import { DEFAULT_APPID, DEFAULT_REGION } from '../store/config';
import { loadOrCreateCredentials } from '../store/credentials-file';
import { readStoreRecord } from '../store/running-record';
import { cofferPaths, ensureCofferHome } from '../vault';
import { ServiceError } from './errors';
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
  log?: (line: string) => void;
}

function alive(pid: number): boolean {
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
    const killed = await Promise.race([child.exited.then(() => false), delay(timeout).then(() => true)]);
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
    const { credentials } = await loadOrCreateCredentials(paths.store);
    const base = { appid: DEFAULT_APPID, region: DEFAULT_REGION, credentials };
    const found = await this.findRunning(paths.storeRecord);
    if (found) return (this.info = { ...base, ...found, started: false });
    try {
      const started = await this.start(paths);
      return (this.info = { ...base, ...started, started: true });
    } catch (err) {
      // Another process may have started the same store at the same moment (the lock refused ours): use it.
      if (err instanceof ServiceError && err.code === 'StoreInUse') {
        for (let i = 0; i < 20; i++) {
          const again = await this.findRunning(paths.storeRecord);
          if (again) return (this.info = { ...base, ...again, started: false });
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
    const spec = (this.opts.launchSpec ?? storeLaunchSpec)(paths);
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
          if (/in use/i.test(tail)) fail(new ServiceError('unavailable', 'StoreInUse', `The embedded store in ${paths.store} is in use by another process that did not record its address; quit that process and start Coffer again.`));
          else fail(new ServiceError('unavailable', 'StoreStartFailed', `The embedded store could not start (exit ${code ?? signal}): ${tail || 'no message'}`));
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

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
