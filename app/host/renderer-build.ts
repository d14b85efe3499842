// The window's files (dist/renderer) are built by vite. In a checkout they are built when missing or older than
// their sources, at start, so `npm start` never needs a build step to remember; a packaged app ships them built.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SOURCES = ['renderer', 'shared', 'vite.config.ts', 'package.json'];

function newestMtime(path: string): number {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(path)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, name)));
  }
  return newest;
}

/** Why the renderer must be built, or undefined when dist/renderer is there and newer than its sources. */
export function rendererBuildNeeded(root: string): string | undefined {
  const shell = join(root, 'dist', 'renderer', 'index.html');
  if (!existsSync(shell)) return 'it has not been built yet';
  if (!existsSync(join(root, 'renderer'))) return undefined;
  const built = statSync(shell).mtimeMs;
  return SOURCES.some((s) => newestMtime(join(root, s)) > built) ? 'its sources changed since it was built' : undefined;
}

/** Runs `vite build` in `root`; rejects with vite's last lines when it fails. */
export function buildRenderer(root: string): Promise<void> {
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  return new Promise((resolve, reject) => {
    if (!existsSync(vite)) return reject(new Error('vite is not installed; run `npm install`'));
    const child = spawn(process.execPath, [vite, 'build', '--logLevel', 'error'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err = (err + String(d)).slice(-4000)));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`vite build failed (exit ${code}): ${err.trim().split('\n').slice(-3).join(' / ')}`))));
  });
}
