// Running the real `coffer` bin as users do, for CLI tests: as a child process against a real store (a spawned
// coffer-store; a store inside the test process would be blocked by spawnSync), through a real terminal when a
// test needs one (util-linux `script` gives the child a pseudo-terminal, so isTTY and the y/N prompt are real),
// and with the helpers an interrupted upload needs (its journal in COFFER_HOME, a proxy that holds requests back).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CosClient } from '../../cos/client';
import { APPID, REGION, TEST_CREDENTIALS } from '../../store/test-support/store-fixture';
import { spawnStore, storeScope, type StoreProcess } from '../../store/test-support/store-process';
import { COFFER_BIN as BIN } from './bins';

export interface Run {
  code: number | null;
  signal?: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The test process's environment without any COFFER_ setting, with its own COFFER_HOME. */
export function baseEnv(home: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('COFFER_')) env[k] = v;
  env.COFFER_HOME = home;
  return env;
}

/** One run to completion (blocks this process: only against a store in another process). Standard input is empty. */
export function coffer(args: string[], env: Record<string, string>, input = ''): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], { env, input, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

export interface RunningCoffer {
  child: ChildProcess;
  exited: Promise<Run>;
  stderr: () => string;
}

/** A run that goes on while the test acts (sends it Ctrl-C, or serves it from this process). Standard input is empty. */
export function startCoffer(args: string[], env: Record<string, string>): RunningCoffer {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<Run>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, exited, stderr: () => stderr };
}

export function cofferAsync(args: string[], env: Record<string, string>): Promise<Run> {
  return startCoffer(args, env).exited;
}

export function json<T = Record<string, unknown>>(r: Run): T {
  return JSON.parse(r.stdout) as T;
}

/** Whether `script` (util-linux) is here to give a child a terminal. */
export const terminalAvailable = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

const shellQuote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/**
 * A run on a pseudo-terminal (stdin, stdout and stderr are all the terminal), typing `typed` (e.g. "y\n") into it.
 * What the terminal showed comes back in `stdout` (stderr included, lines ending in \r\n). `typed` must end the
 * conversation: the terminal does not pass an end of input on.
 */
export function cofferInTerminal(args: string[], env: Record<string, string>, typed: string): Promise<Run> {
  const command = [process.execPath, BIN, ...args].map(shellQuote).join(' ');
  const child = spawn('script', ['--quiet', '--return', '--command', command, '/dev/null'], { env: { ...env, SHELL: '/bin/sh' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  child.stdin.end(typed);
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: out.replaceAll('\r\n', '\n'), stderr: '' });
    });
  });
}

export interface CliBed {
  root: string;
  /** COFFER_HOME, the store's address and credentials. */
  env: Record<string, string>;
  store: StoreProcess;
  /** A client of the same store, to arrange and check what is on the server without the CLI. */
  client: CosClient;
  close(): Promise<void>;
}

/** A coffer-store child process, an environment pointing `coffer` at it, and a client of it. */
export async function startCliBed(tmpPrefix: string): Promise<CliBed> {
  const scope = storeScope(tmpPrefix);
  const dirs = await scope.dirs();
  const store = scope.track(await spawnStore(dirs.dataDir, dirs.keyring));
  const env = {
    ...baseEnv(join(dirs.root, 'home')),
    COFFER_ENDPOINT: `http://127.0.0.1:${store.port}`,
    COFFER_SECRET_ID: TEST_CREDENTIALS.secretId,
    COFFER_SECRET_KEY: TEST_CREDENTIALS.secretKey,
  };
  const client = new CosClient({ endpoint: env.COFFER_ENDPOINT, appid: APPID, region: REGION, credentials: async () => ({ ...TEST_CREDENTIALS }) });
  return {
    root: dirs.root,
    env,
    store,
    client,
    close: async () => {
      await client.close();
      await scope.cleanup();
    },
  };
}

/** Every key in a bucket, sorted. */
export async function keysIn(client: CosClient, bucket: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const page of client.listObjectPages(bucket)) keys.push(...page.contents.map((c) => c.key));
  return keys.sort();
}

/** The resume journals in COFFER_HOME (finished writes only: a write in progress is a `.tmp` file). */
export async function journalsIn(home: string): Promise<Array<{ file: string; key: string; uploadId: string; parts: number }>> {
  const dir = join(home, 'journals');
  const out: Array<{ file: string; key: string; uploadId: string; parts: number }> = [];
  for (const f of (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.json'))) {
    const j = JSON.parse(await readFile(join(dir, f), 'utf8').catch(() => '{}')) as { key?: string; uploadId?: string; parts?: object };
    if (j.key !== undefined) out.push({ file: join(dir, f), key: j.key, uploadId: j.uploadId ?? '', parts: Object.keys(j.parts ?? {}).length });
  }
  return out;
}

export async function waitUntil(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A proxy in front of the store that holds requests back: a matching request is not answered (it waits until the
 * proxy closes), or with `afterBytes` its answer stops after that many body bytes and then waits, as a stalled
 * network does. Everything else passes through untouched.
 */
export class HoldingProxy {
  private rules: Array<{ match: (method: string, url: string) => boolean; afterBytes?: number }> = [];

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number): Promise<HoldingProxy> {
    const holder: { p?: HoldingProxy } = {};
    const server = createServer((req, res) => {
      const rule = holder.p!.rules.find((r) => r.match(req.method ?? '', req.url ?? ''));
      if (rule && rule.afterBytes === undefined) {
        req.resume();
        return; // never answered
      }
      const up = request({ host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        if (!rule) {
          answer.pipe(res);
          return;
        }
        let left = rule.afterBytes!;
        answer.on('data', (chunk: Buffer) => {
          if (left <= 0) return;
          res.write(chunk.subarray(0, left));
          left -= chunk.length;
          if (left <= 0) answer.pause();
        });
      });
      up.on('error', () => res.socket?.destroy());
      req.pipe(up);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    holder.p = new HoldingProxy(server, (server.address() as AddressInfo).port);
    return holder.p;
  }

  hold(match: (method: string, url: string) => boolean, opts: { afterBytes?: number } = {}): void {
    this.rules.push({ match, afterBytes: opts.afterBytes });
  }

  /** Stops holding anything new back (requests already held stay held). */
  reset(): void {
    this.rules = [];
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

/** Upload Part requests with a part number of at least `n`. */
export const partFrom = (n: number) => (method: string, url: string) => {
  const m = /[?&]partNumber=(\d+)/.exec(url);
  return method === 'PUT' && m !== null && Number(m[1]) >= n;
};
