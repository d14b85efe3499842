// The commands' bundle: `coffer`, `coffer-store` and `npm start` run as plain JavaScript from dist/cli/, built by
// esbuild, so a start costs what Node's own start costs instead of a TypeScript compile (tsx took ~1 s per run).
//
// Built by `prepare` (so right after `npm install` / `npm ci`), by the tests' global setup, and by the bins
// themselves whenever it is stale. The build writes a stamp naming every source file it read, with its mtime and
// size, and a hash of each entry file it wrote; a bin compares them (a stat per source: a few milliseconds) before it
// imports the bundle. A developer who edits app/**/*.ts and runs `npx coffer` therefore gets a rebuild, never the old
// bundle.
//
// Layout: one .mjs per entry (ENTRIES) plus shared chunks named by their content, all in one folder (the store
// finds its worker as `./md5-worker.mjs` beside the chunk that spawns it). Commands import their heavy parts (the
// store, the COS client, the vault) with import(), which esbuild turns into chunks loaded only by the commands that
// need them: `coffer --help` loads a few small files and, of the packages, only the MIME table.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { basename, dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BUNDLE_DIR = join(ROOT, 'dist', 'cli');
const STAMP = join(BUNDLE_DIR, 'build-stamp.json');
export const META = join(BUNDLE_DIR, 'meta.json');

/** Output name → TypeScript source. The commands' entries export `main(argv): Promise<number>`. */
export const ENTRIES = {
  coffer: 'app/cli/coffer.ts',
  'coffer-store': 'app/cli/coffer-store.ts',
  'coffer-start': 'app/cli/coffer-start.ts',
  'coffer-app': 'app/main/launch.ts',
  'md5-worker': 'app/store/objects/md5-worker.ts',
};

/** Packages loaded from node_modules at run time instead of being bundled (see buildBundle). */
const EXTERNAL = ['node-sqlite3-wasm', 'cross-keychain', 'selfsigned', 'tsx', 'esbuild', 'electron'];

/**
 * Files that shape the output besides the sources it was built from. The packages' files are not checked one by one
 * (that would triple the cost of the check): npm rewrites node_modules/.package-lock.json whenever it changes
 * anything in node_modules. After editing a file inside node_modules by hand, run `npm run build`.
 */
const BUILD_INPUTS = ['scripts/bundle.mjs', 'tsconfig.json', 'package.json', 'node_modules/.package-lock.json'];

/** Chunks an earlier build left that nothing references any more are deleted once they are this old. */
const PRUNE_AFTER_MS = 60 * 60_000;

/** The path of an entry's bundled module. */
export function bundlePath(name) {
  return join(BUNDLE_DIR, `${name}.mjs`);
}

function fingerprint(path) {
  const s = statSync(join(ROOT, path), { throwIfNoEntry: false });
  return s ? [s.mtimeMs, s.size] : null;
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/**
 * True when the last build's stamp matches: every source it read still has the mtime and size it saw, and the
 * entry `name` (when given) is the file that build wrote (not one a concurrent build of other sources put there).
 */
export function isFresh(name) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(STAMP, 'utf8'));
    if (name !== undefined && stamp.outputs[name] !== sha256(readFileSync(bundlePath(name)))) return false;
  } catch {
    return false;
  }
  if (stamp.entries !== Object.keys(ENTRIES).join(',')) return false;
  for (const [path, [mtime, size]] of Object.entries(stamp.inputs)) {
    const now = fingerprint(path);
    if (!now || now[0] !== mtime || now[1] !== size) return false;
  }
  return true;
}

/** Writes a file so that a reader (a bin starting meanwhile) sees the old content or the new, never a torn one. */
function writeAtomic(path, contents) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, contents);
  renameSync(tmp, path);
}

/**
 * Builds dist/cli and writes its stamp. Safe to run in several processes at once: files are replaced by rename,
 * chunks are named by their content, and the stamp holds the hash of each entry it describes. A source saved during
 * the build leaves no stamp, so the next start builds again rather than trusting output that may predate the save.
 */
export async function buildBundle() {
  const { build, stop } = await import('esbuild');
  const started = Date.now();
  // esbuild's service process would otherwise stay beside a long-running command (a store) for its whole life.
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, src]) => [name, join(ROOT, src)])),
    outdir: BUNDLE_DIR,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    // Packages are bundled too: undici alone is ~100 files that Node would find, read and compile one by one at each
    // start. Left out: node-sqlite3-wasm (reads its .wasm from beside itself) and what is imported only on demand
    // (the OS keychain's client, the self-signed certificate generator).
    external: EXTERNAL,
    plugins: [undiciAgentOnly],
    // Less text for Node to read and V8 to scan at each start; names are kept, so are stack traces' function names.
    minifyWhitespace: true,
    minifySyntax: true,
    // Bundled CommonJS packages call require() for Node's modules; an ES module has none of its own.
    banner: { js: "import { createRequire as __cofferCreateRequire } from 'node:module';\nconst require = __cofferCreateRequire(import.meta.url);" },
    sourcemap: 'linked',
    metafile: true,
    write: false,
    logLevel: 'warning',
  }).finally(() => stop());
  mkdirSync(BUNDLE_DIR, { recursive: true });
  const entryPaths = new Map(Object.keys(ENTRIES).map((name) => [bundlePath(name), name]));
  const outputs = {};
  // Chunks first, entries after them: an entry never points at a chunk that is not there yet.
  const ordered = [...result.outputFiles].sort((a, b) => Number(entryPaths.has(a.path)) - Number(entryPaths.has(b.path)));
  for (const file of ordered) {
    writeAtomic(file.path, file.contents);
    if (entryPaths.has(file.path)) outputs[entryPaths.get(file.path)] = sha256(file.contents);
  }
  // esbuild's own account of the build (which sources went into which file, what each file imports): for reading
  // with esbuild's bundle analyzer, and for the test that keeps `coffer --help` free of packages.
  writeAtomic(META, JSON.stringify(result.metafile));
  pruneOldChunks(new Set([...result.outputFiles.map((f) => f.path), META]));

  const inputs = {};
  let changedDuringBuild = false;
  // Not files: packages (see BUILD_INPUTS) and the plugin's stand-in module (`namespace:path`).
  const sources = Object.keys(result.metafile.inputs).filter((path) => !path.split('/').includes('node_modules') && !path.startsWith(`${WITHOUT_HTTP2}:`));
  for (const path of [...sources, ...BUILD_INPUTS]) {
    const rel = relative(ROOT, join(ROOT, path)).split(sep).join('/');
    const fp = fingerprint(rel);
    if (!fp || fp[0] >= started) changedDuringBuild = true;
    inputs[rel] = fp;
  }
  if (changedDuringBuild) rmSync(STAMP, { force: true });
  else writeAtomic(STAMP, JSON.stringify({ entries: Object.keys(ENTRIES).join(','), builtAt: new Date().toISOString(), outputs, inputs }));
  return { ms: Date.now() - started, files: result.outputFiles.length };
}

/** Builds when stale (any entry); returns whether it built. */
export async function ensureBundle() {
  if (Object.keys(ENTRIES).every((name) => isFresh(name))) return false;
  await buildBundle();
  return true;
}

/**
 * What a bin calls: imports the entry `name` from a fresh bundle, building it first if a source changed or it was
 * never built. Without esbuild (an install without devDependencies) a stale bundle is an error, not a silent run.
 */
export async function loadEntry(name) {
  if (!isFresh(name)) {
    try {
      await buildBundle();
    } catch (err) {
      const why = err?.code === 'ERR_MODULE_NOT_FOUND' ? 'esbuild is not installed' : err.message;
      const command = basename(process.argv[1] ?? name, '.mjs');
      process.stderr.write(`${command}: dist/cli is missing or older than the sources and could not be rebuilt (${why}); run \`npm install\` in ${ROOT}.\n`);
      process.exit(1);
    }
  }
  // From Node 22.1 on, V8's compiled code for the bundle is kept between runs. Node 20 has no such cache: compiling
  // the bundle is about a fifth of a `coffer cp`'s start there.
  nodeModule.enableCompileCache?.(join(ROOT, 'dist', 'compile-cache'));
  return import(pathToFileURL(bundlePath(name)).href);
}

function pruneOldChunks(current) {
  const now = Date.now();
  for (const name of readdirSync(BUNDLE_DIR)) {
    const path = join(BUNDLE_DIR, name);
    if (current.has(path) || name === 'build-stamp.json') continue;
    const s = statSync(path, { throwIfNoEntry: false });
    // Recent ones may belong to a command still running from an earlier build (commands import chunks lazily, e.g.
    // after a passphrase prompt).
    if (s?.isFile() && now - s.mtimeMs > PRUNE_AFTER_MS) rmSync(path, { force: true });
  }
}

/**
 * `undici` imported by app code is scripts/undici-agent.mjs (its Agent and request API only). Should a new undici
 * move the files that names, the build fails saying it cannot resolve them: fix the paths there.
 *
 * undici's HTTP/2 client loads node:http2 (and with it node:tls) as it starts, 15–40 ms of every command measured
 * here, though HTTP/2 is used only by an Agent created with `allowH2`, which the COS client never sets
 * (app/cos/client/http-transport.ts). In the bundle that require fails, and undici goes on the way it does on a Node
 * built without HTTP/2 (client-h2.js catches it). An Agent given `allowH2: true` would then fail on its first h2
 * connection: drop this stub before turning HTTP/2 on.
 */
const H2_CLIENT = join('undici', 'lib', 'dispatcher', 'client-h2.js');
const WITHOUT_HTTP2 = 'coffer-without-http2';
const undiciAgentOnly = {
  name: 'undici-agent-only',
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, (args) => (args.importer.startsWith(join(ROOT, 'app') + sep) ? { path: join(ROOT, 'scripts', 'undici-agent.mjs') } : undefined));
    b.onResolve({ filter: /^node:http2$/ }, (args) => (args.importer.endsWith(H2_CLIENT) ? { path: 'node:http2', namespace: WITHOUT_HTTP2 } : undefined));
    b.onLoad({ filter: /.*/, namespace: WITHOUT_HTTP2 }, () => ({
      contents: "throw new Error('node:http2 is left out of the coffer bundle (scripts/bundle.mjs)');",
      loader: 'js',
    }));
  },
};
