// `npm start`: the desktop app when Electron's binary is here (and a display to show it on), else browser mode,
// said in one line; `npm start -- --browser` asks for browser mode. Electron 45 downloads its binary on the first
// `require('electron')`; that download is tried in a child process (it prints progress and may fail: "fetch
// failed" where there is no network), so a failure is one sentence, never a stack.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBrowserMode, type HostIo } from '../host/cli';
import { buildRenderer, rendererBuildNeeded } from '../host/renderer-build';
import { PROJECT_ROOT } from '../services/store-launch';
import { buildElectron, electronBuildNeeded } from './build';

export type ElectronProbe = { path: string } | { reason: string };

/** The installed binary, without downloading anything. */
export function installedElectron(root = PROJECT_ROOT): string | undefined {
  const dir = join(root, 'node_modules', 'electron');
  try {
    const rel = readFileSync(join(dir, 'path.txt'), 'utf8').trim();
    const bin = join(dir, 'dist', rel);
    return rel && existsSync(bin) ? bin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The binary, downloading it the way `require('electron')` does when it is missing (in a child process: its
 * progress and errors are read, not shown). `onSlow` is called once if the download takes more than a few seconds.
 */
export function findElectron(root = PROJECT_ROOT, opts: { timeoutMs?: number; onSlow?: () => void } = {}): Promise<ElectronProbe> {
  const installed = installedElectron(root);
  if (installed) return Promise.resolve({ path: installed });
  if (!existsSync(join(root, 'node_modules', 'electron', 'package.json'))) return Promise.resolve({ reason: 'Electron is not installed' });
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', "process.stdout.write(String(require('electron')))"], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err = (err + String(d)).slice(-8000)));
    const slow = setTimeout(() => opts.onSlow?.(), 3_000);
    const limit = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 300_000);
    const done = (probe: ElectronProbe) => {
      clearTimeout(slow);
      clearTimeout(limit);
      resolve(probe);
    };
    child.once('error', (e) => done({ reason: `Electron's download did not finish: ${e.message}` }));
    child.once('exit', (code, signal) => {
      const path = out.trim();
      if (code === 0 && path && existsSync(path)) return done({ path });
      if (signal) return done({ reason: "Electron's download did not finish in time" });
      const said = err.match(/(fetch failed|ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|certificate[^\n]*)/)?.[1];
      done({ reason: `Electron's binary could not be downloaded${said ? `: ${said}` : ''}` });
    });
  });
}

/** Where Electron cannot show a window although its binary is there. */
export function noDisplay(env: NodeJS.ProcessEnv, platform = process.platform): string | undefined {
  if (platform !== 'linux') return undefined;
  return env.DISPLAY || env.WAYLAND_DISPLAY ? undefined : 'there is no display (DISPLAY is not set)';
}

export async function main(argv: string[], io: HostIo = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`), env: process.env }): Promise<number> {
  if (argv.includes('--browser') || argv.includes('--help') || argv.includes('-h')) return runBrowserMode(argv, io);
  const root = io.root ?? PROJECT_ROOT;
  const probe = await findElectron(root, { onSlow: () => io.err("coffer: downloading the desktop app's Electron binary (first start only)…") });
  const why = 'reason' in probe ? probe.reason : noDisplay(io.env);
  if (why) {
    io.err(`coffer: the desktop app cannot start here (${why}); opening Coffer in your browser instead.`);
    return runBrowserMode(argv, io);
  }
  const bin = (probe as { path: string }).path;
  try {
    const renderer = rendererBuildNeeded(root);
    if (renderer) {
      io.err(`coffer: building the window (${renderer})…`);
      await buildRenderer(root);
    }
    if (electronBuildNeeded(root)) await buildElectron(root);
  } catch (e) {
    io.err(`coffer: the desktop app could not be built: ${(e as Error).message}`);
    return 1;
  }
  const env = { ...io.env };
  delete env.ELECTRON_RUN_AS_NODE;
  const child = spawn(bin, [root, ...argv.filter((a) => a !== '--no-open')], { stdio: 'inherit', env });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  return new Promise((resolve) => {
    child.once('error', (err) => {
      io.err(`coffer: Electron could not be started (${err.message}); run \`npm start -- --browser\`.`);
      resolve(1);
    });
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 + 2 : 1)));
  });
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) process.exitCode = await main(process.argv.slice(2));
