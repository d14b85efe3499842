// The folder electron-builder packs into the installers (electron-builder.yml: directories.app), laid out as the
// app finds itself at run time: package.json, dist/main, dist/preload, dist/renderer, dist/store and a node_modules
// holding only the packages the bundles load at run time (SHIPPED_PACKAGES). Nothing else of the checkout is in it,
// so what ships is what is listed here: no sources, tests, source maps, bins or development packages.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildShipped, SHIPPED_PACKAGES } from '../app/main/build';
import { PROJECT_ROOT } from '../app/services/store-launch';

/** Where `npm run dist` stages the app (electron-builder.yml's directories.app). */
export const STAGE_DIR = join('dist', 'app');

interface PackageJson {
  name: string;
  version: string;
  description?: string;
  license?: string;
  author?: unknown;
  homepage?: string;
  dependencies?: Record<string, string>;
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/**
 * Builds the shipped bundles and assembles the app folder in `out` (emptied first), with the window built by vite
 * in `renderer` (default: the checkout's dist/renderer).
 */
export async function stageApp(out = join(PROJECT_ROOT, STAGE_DIR), opts: { root?: string; renderer?: string } = {}): Promise<void> {
  const root = opts.root ?? PROJECT_ROOT;
  const renderer = opts.renderer ?? join(root, 'dist', 'renderer');
  if (!existsSync(join(renderer, 'index.html'))) throw new Error(`${renderer} has not been built; run \`npm run build:renderer\` first.`);
  rmSync(out, { recursive: true, force: true });
  await buildShipped(out, root);
  cpSync(renderer, join(out, 'dist', 'renderer'), { recursive: true, filter: (src) => !src.endsWith('.map') });

  const pkg = readJson<PackageJson>(join(root, 'package.json'));
  const dependencies: Record<string, string> = {};
  for (const name of SHIPPED_PACKAGES) {
    const dir = join(root, 'node_modules', name);
    const shipped = readJson<PackageJson>(join(dir, 'package.json'));
    // Copied as it is installed: a package with dependencies of its own would need them copied too.
    if (Object.keys(shipped.dependencies ?? {}).length > 0) throw new Error(`${name} has dependencies of its own; stage-app.ts copies packages without them only.`);
    cpSync(dir, join(out, 'node_modules', name), { recursive: true });
    dependencies[name] = shipped.version;
  }
  const { name, version, description, license, author, homepage } = pkg;
  const app = { name, version, description, license, author, homepage, type: 'module', main: 'dist/main/main.js', dependencies };
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'package.json'), JSON.stringify(app, null, 2) + '\n');
}
