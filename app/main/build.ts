// Builds what Electron loads: the main process (dist/main/main.js, ESM) and the sandboxed preload
// (dist/preload/preload.cjs: a sandboxed preload must be one CommonJS file that requires only `electron`). Run by
// `npm start` when the binary is there and the bundles are missing or older than their sources, and by
// `node --import tsx app/main/build.ts`. buildShipped builds the same for the installers (`npm run dist`), plus the
// embedded store's child, with nothing a checkout's build carries for developers: no source maps, no test hooks.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Plugin } from 'esbuild';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT, SHIPPED_STORE_ENTRY } from '../services/store-launch';

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

/**
 * Packages left out of the shipped bundles. node-sqlite3-wasm reads its .wasm from beside its own file, so it ships
 * as a package (the one in the installers' node_modules). @napi-rs/keyring is cross-keychain's optional native
 * addon, which the project does not ship (the app's vault uses Electron's safeStorage; cross-keychain catches the
 * failed import).
 */
export const SHIPPED_PACKAGES = ['node-sqlite3-wasm'];
const NOT_SHIPPED = ['@napi-rs/keyring'];

/**
 * Test hooks, replaced in the shipped bundles by modules that do nothing: the crash points the crash tests use to
 * SIGKILL the store at chosen steps (COFFER_STORE_CRASH_AT) must not be reachable from an installed app.
 */
const TEST_HOOK_STUBS: Record<string, string> = {
  [join('app', 'store', 'crash-points.ts')]: 'export function crashPoint(_name) {}',
};

function withoutTestHooks(root: string): Plugin {
  const stubs = new Map(Object.entries(TEST_HOOK_STUBS).map(([rel, contents]) => [join(root, rel), contents]));
  return {
    name: 'coffer-without-test-hooks',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        const contents = stubs.get(args.path);
        return contents === undefined ? undefined : { contents, loader: 'js' };
      });
    },
  };
}

/** The store child's entry: runs `coffer-store` with the child's arguments, as bin/coffer-store.mjs does in a checkout. */
function storeChildEntry(root: string): Plugin {
  return {
    name: 'coffer-store-child-entry',
    setup(b) {
      b.onResolve({ filter: /^coffer-store-child$/ }, () => ({ path: 'coffer-store-child', namespace: 'coffer-entry' }));
      b.onLoad({ filter: /.*/, namespace: 'coffer-entry' }, () => ({
        contents: `import { main } from ${JSON.stringify(join(root, 'app', 'cli', 'coffer-store.ts'))};\nprocess.exitCode = await main(process.argv.slice(2));\n`,
        loader: 'js',
        resolveDir: root,
      }));
    },
  };
}

/**
 * Builds what the installers ship into `out`, laid out like the checkout: out/dist/main, out/dist/preload and
 * out/dist/store (where app/services/store-launch.ts finds the store's entry when there is no bin/). Main and store
 * have their packages bundled in, except SHIPPED_PACKAGES, so the app's node_modules holds only those; no source
 * maps; test hooks stubbed out.
 */
export async function buildShipped(out: string, root = PROJECT_ROOT): Promise<void> {
  const { build, stop } = await import('esbuild');
  const plugins = [withoutTestHooks(root)];
  // Bundled CommonJS packages call require() for Node's modules; an ES module has none of its own.
  const banner = { js: "import { createRequire as __cofferCreateRequire } from 'node:module';\nconst require = __cofferCreateRequire(import.meta.url);" };
  // Less text to read and scan at each start; names are kept, so stack traces keep their function names.
  const common = { absWorkingDir: root, bundle: true, platform: 'node' as const, sourcemap: false, minifyWhitespace: true, minifySyntax: true, logLevel: 'warning' as const };
  try {
    await build({ ...common, plugins, entryPoints: [join(root, 'app', 'main', 'main.ts')], outfile: join(out, MAIN_BUNDLE), format: 'esm', target: 'node22', banner, external: ['electron', ...SHIPPED_PACKAGES, ...NOT_SHIPPED] });
    await build({ ...common, plugins, entryPoints: [join(root, 'app', 'preload', 'preload.ts')], outfile: join(out, PRELOAD_BUNDLE), format: 'cjs', target: 'chrome130', external: ['electron'] });
    // The md5 worker is found as ./md5-worker.mjs beside the chunk that starts it (app/store/workers/spawn-worker.ts).
    await build({
      ...common,
      plugins: [...plugins, storeChildEntry(root)],
      entryPoints: { [basename(SHIPPED_STORE_ENTRY, '.mjs')]: 'coffer-store-child', 'md5-worker': join(root, 'app', 'store', 'objects', 'md5-worker.ts') },
      outdir: join(out, dirname(SHIPPED_STORE_ENTRY)),
      outExtension: { '.js': '.mjs' },
      splitting: true,
      format: 'esm',
      target: 'node22',
      banner,
      external: [...SHIPPED_PACKAGES, ...NOT_SHIPPED],
    });
  } finally {
    await stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await buildElectron();
