// Builds what Electron loads: the main process (dist/main/main.js, ESM) and the sandboxed preload
// (dist/preload/preload.cjs: a sandboxed preload must be one CommonJS file that requires only `electron`). Run by
// `npm start` when the binary is there and the bundles are missing or older than their sources, and by
// `node --import tsx app/main/build.ts`.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT } from '../services/store-launch';

export const MAIN_BUNDLE = join('dist', 'main', 'main.js');
export const PRELOAD_BUNDLE = join('dist', 'preload', 'preload.cjs');

function newest(path: string): number {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(path).reduce((m, n) => Math.max(m, newest(join(path, n))), st.mtimeMs);
}

/** Whether the bundles are missing or older than app/, shared/ or package.json. */
export function electronBuildNeeded(root = PROJECT_ROOT): boolean {
  const built = Math.min(newest(join(root, MAIN_BUNDLE)), newest(join(root, PRELOAD_BUNDLE)));
  if (built === 0) return true;
  if (!existsSync(join(root, 'app'))) return false;
  return ['app', 'shared', 'package.json'].some((p) => newest(join(root, p)) > built);
}

export async function buildElectron(root = PROJECT_ROOT): Promise<void> {
  const { build } = await import('esbuild');
  const common = { absWorkingDir: root, bundle: true, platform: 'node' as const, external: ['electron'], sourcemap: 'linked' as const, logLevel: 'warning' as const };
  await build({ ...common, entryPoints: [join(root, 'app', 'main', 'main.ts')], outfile: join(root, MAIN_BUNDLE), format: 'esm', target: 'node22', packages: 'external' });
  await build({ ...common, entryPoints: [join(root, 'app', 'preload', 'preload.ts')], outfile: join(root, PRELOAD_BUNDLE), format: 'cjs', target: 'chrome130' });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await buildElectron();
