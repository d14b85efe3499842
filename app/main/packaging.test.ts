// What `npm run dist` ships, checked here where Electron cannot be downloaded: the app is staged as `npm run dist`
// stages it (scripts/stage-app.ts) and packed by electron-builder itself, with electron-builder.yml, into the
// unpacked Linux app (the `dir` target). Only the Electron binary is a stand-in: a file holding Electron's fuse
// sentinel and wire with Electron's defaults, which electron-builder flips as it would in the real binary. Then the
// app.asar it wrote is read back: the files it holds, the JavaScript in it, and the store bundle run from it.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { isBuiltin, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { electronVersion, failureSentence, linuxTargetsFor, main as dist } from '../../scripts/dist';
import { STAGE_DIR, stageApp } from '../../scripts/stage-app';
import { CosClient } from '../cos/client';
import { EmbeddedStore } from '../services/embedded-store';
import { PROJECT_ROOT, SHIPPED_STORE_ENTRY, storeEntry, storeLaunchSpec } from '../services/store-launch';
import { MAIN_BUNDLE, PRELOAD_BUNDLE, SHIPPED_PACKAGES } from './build';

// Read with the same asar, fuses and YAML modules electron-builder itself uses (they come with it).
const builderRequire = createRequire(createRequire(import.meta.url).resolve('app-builder-lib'));
const asar = builderRequire('@electron/asar') as {
  listPackage(archive: string, opts: { isPack: boolean }): string[];
  statFile(archive: string, file: string): { files?: unknown };
  extractFile(archive: string, file: string): Buffer;
  extractAll(archive: string, dest: string): void;
};
const fuses = builderRequire('@electron/fuses') as {
  getCurrentFuseWire(binary: string): Promise<Record<string, number | string>>;
  FuseV1Options: Record<string, number>;
};
const yaml = builderRequire('js-yaml') as { load(text: string): unknown };

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
// Electron's defaults, in @electron/fuses' order: RunAsNode, EnableCookieEncryption,
// EnableNodeOptionsEnvironmentVariable, EnableNodeCliInspectArguments, EnableEmbeddedAsarIntegrityValidation,
// OnlyLoadAppFromAsar, LoadBrowserProcessSpecificV8Snapshot, GrantFileProtocolExtraPrivileges.
const ELECTRON_DEFAULT_WIRE = '10110001';
const ON = '1'.charCodeAt(0);
const OFF = '0'.charCodeAt(0);

interface BuilderConfig {
  appId: string;
  productName: string;
  directories: { app: string; output: string };
  files: string[];
  asar: boolean;
  electronFuses: Record<string, boolean>;
  linux: { target: string[] };
  mac: { target: string[] };
  win: { target: string[] };
}

let tmp: string;
let unpacked: string;
let archive: string;
let binary: string;
let shipped: string[];
const config = yaml.load(readFileSync(join(PROJECT_ROOT, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
const rootPackage = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += String(d)));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(' ')} failed: ${err}`))));
  });
}

/** A Linux Electron distribution whose binary is a stand-in carrying the fuse wire Electron ships with. */
function fakeElectronDist(dir: string): string {
  mkdirSync(join(dir, 'resources'), { recursive: true });
  const wire = Buffer.concat([Buffer.from('not an executable '), Buffer.from(SENTINEL), Buffer.from([1, ELECTRON_DEFAULT_WIRE.length]), Buffer.from(ELECTRON_DEFAULT_WIRE), Buffer.from(' end')]);
  writeFileSync(join(dir, 'electron'), wire);
  chmodSync(join(dir, 'electron'), 0o755);
  return dir;
}

function isFile(path: string): boolean {
  return asar.statFile(archive, path).files === undefined;
}

function shippedText(path: string): string {
  return asar.extractFile(archive, path).toString('utf8');
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'coffer-packaging-'));
  // The window, built into this test's own folder (other runs may be rebuilding the checkout's dist/renderer).
  await run(process.execPath, [join(PROJECT_ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'error', '--outDir', join(tmp, 'renderer'), '--emptyOutDir']);
  await stageApp(join(tmp, 'app'), { renderer: join(tmp, 'renderer') });
  const { build, Platform, Arch } = await import('electron-builder');
  await build({
    projectDir: PROJECT_ROOT,
    targets: Platform.LINUX.createTarget('dir', Arch.x64),
    publish: 'never',
    config: { directories: { app: join(tmp, 'app'), output: join(tmp, 'release') }, electronDist: fakeElectronDist(join(tmp, 'electron')) },
  });
  unpacked = join(tmp, 'release', 'linux-unpacked');
  binary = join(unpacked, 'coffer');
  archive = join(unpacked, 'resources', 'app.asar');
  shipped = asar.listPackage(archive, { isPack: false }).map((p) => p.replace(/^[/\\]/, '').split('\\').join('/')).filter(isFile);
}, 240_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('electron-builder.yml', () => {
  it('names the app and builds AppImage and deb on Linux, a dmg on macOS and an NSIS installer on Windows, from the staged app', () => {
    expect(config.appId).toBe('com.coffer.desktop');
    expect(config.productName).toBe('Coffer');
    expect(config.directories.app).toBe(STAGE_DIR.split('\\').join('/'));
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.asar).toBe(true);
    expect(config.files).toEqual(['package.json', 'dist/main/main.js', 'dist/preload/preload.cjs', 'dist/renderer/**', 'dist/store/**', '!**/*.map']);
  });

  it('sets the fuses for every platform: no ELECTRON_RUN_AS_NODE, NODE_OPTIONS or --inspect; encrypted cookies; only a validated app.asar', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      grantFileProtocolExtraPrivileges: false,
      resetAdHocDarwinSignature: true,
    });
  });
});

describe('the packed app', () => {
  it('has its fuses flipped in the Electron binary', async () => {
    const wire = await fuses.getCurrentFuseWire(binary);
    const fuse = (name: string) => wire[fuses.FuseV1Options[name]];
    expect(fuse('RunAsNode')).toBe(OFF);
    expect(fuse('EnableNodeOptionsEnvironmentVariable')).toBe(OFF);
    expect(fuse('EnableNodeCliInspectArguments')).toBe(OFF);
    expect(fuse('EnableCookieEncryption')).toBe(ON);
    expect(fuse('OnlyLoadAppFromAsar')).toBe(ON);
    expect(fuse('EnableEmbeddedAsarIntegrityValidation')).toBe(ON);
    expect(fuse('GrantFileProtocolExtraPrivileges')).toBe(OFF);
  });

  it('ships the bundles, the window and node-sqlite3-wasm only: no sources, tests, test support, e2e, source maps or bins', () => {
    // All of it inside app.asar (nothing unpacked beside it), where the integrity check covers it.
    expect(readdirSync(join(unpacked, 'resources'))).toEqual(['app.asar']);
    const allowed = [/^package\.json$/, /^dist\/main\/main\.js$/, /^dist\/preload\/preload\.cjs$/, /^dist\/renderer\/[^]+$/, /^dist\/store\/[^/]+\.mjs$/, /^node_modules\/node-sqlite3-wasm\/[^]+$/];
    expect(shipped.filter((p) => !allowed.some((re) => re.test(p)))).toEqual([]);
    const forbidden = [/\.test\./, /test-support/, /(^|\/)e2e\//, /(^|\/)fixtures\//, /\.map$/, /\.tsx?$/, /^bin\//, /^app\//, /^scripts\//];
    expect(shipped.filter((p) => forbidden.some((re) => re.test(p)))).toEqual([]);
    for (const p of [MAIN_BUNDLE, PRELOAD_BUNDLE, SHIPPED_STORE_ENTRY, join('dist', 'store', 'md5-worker.mjs'), join('dist', 'renderer', 'index.html')]) {
      expect(shipped).toContain(p.split('\\').join('/'));
    }
  });

  it('ships no development package: its node_modules holds the runtime packages the bundles load, all of them dependencies', () => {
    const packages = new Set(shipped.filter((p) => p.startsWith('node_modules/')).map((p) => p.split('/').slice(1, p.split('/')[1].startsWith('@') ? 3 : 2).join('/')));
    expect([...packages].sort()).toEqual([...SHIPPED_PACKAGES].sort());
    for (const name of packages) {
      expect(rootPackage.dependencies[name]).toBeDefined();
      expect(rootPackage.devDependencies[name]).toBeUndefined();
    }
    const appPackage = JSON.parse(shippedText('package.json')) as { main: string; type: string; dependencies: Record<string, string>; devDependencies?: unknown };
    expect(appPackage.main).toBe('dist/main/main.js');
    expect(appPackage.type).toBe('module');
    expect(Object.keys(appPackage.dependencies).sort()).toEqual([...SHIPPED_PACKAGES].sort());
    expect(appPackage.devDependencies).toBeUndefined();
  });

  it("imports nothing from packages it does not ship, and the window's page finds every file it refers to", () => {
    const js = shipped.filter((p) => /\.(m|c)?js$/.test(p) && !p.startsWith('node_modules/') && !p.startsWith('dist/renderer/'));
    const imported = new Set<string>();
    for (const p of js) {
      for (const m of shippedText(p).matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)"([^"./][^"]*)"/g)) imported.add(m[1]);
    }
    // Names shaped like a module specifier (the pattern also meets text such as `from"..."` inside messages).
    const specifiers = [...imported].filter((name) => /^(@[\w.-]+\/)?[\w.-]+(\/[\w./-]*)?$/.test(name) || name.startsWith('node:'));
    const foreign = specifiers.filter((name) => !isBuiltin(name) && name !== 'electron' && !SHIPPED_PACKAGES.includes(name) && name !== '@napi-rs/keyring');
    expect(specifiers).toContain('electron');
    expect(foreign).toEqual([]);
    const page = shippedText('dist/renderer/index.html');
    const refs = [...page.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((m) => `dist/renderer/${m[1]}`);
    expect(refs.length).toBeGreaterThan(0);
    expect(refs.filter((r) => !shipped.includes(r))).toEqual([]);
  });

  it('has no test hooks in its JavaScript (the store crash points, the CLI crash test)', () => {
    const js = shipped.filter((p) => /\.(m|c)?js$/.test(p) && !p.startsWith('node_modules/'));
    const hooks = js.filter((p) => /COFFER_STORE_CRASH_AT|COFFER_CRASH_TEST/.test(shippedText(p)));
    expect(hooks).toEqual([]);
    // In the store, the crash points were the only thing that killed its own process.
    expect(js.filter((p) => p.startsWith('dist/store/') && shippedText(p).includes('SIGKILL'))).toEqual([]);
  });

  it('runs the embedded store from its bundle, as the app starts it, and a crash point named in its environment does nothing', async () => {
    const root = join(tmp, 'extracted');
    asar.extractAll(archive, root);
    const home = join(tmp, 'home');
    let script = '';
    const store = new EmbeddedStore({
      home,
      launchSpec: (paths) => {
        const spec = storeLaunchSpec(paths, root);
        script = spec.script;
        // The crash tests' switch: a checkout's store would SIGKILL itself in the middle of the PUT below.
        return { ...spec, env: { ...spec.env, COFFER_STORE_CRASH_AT: 'put:mid-body' } };
      },
    });
    try {
      const info = await store.ensure();
      expect(script).toBe(join(root, SHIPPED_STORE_ENTRY));
      // A checkout runs the bin instead, which rebuilds dist/cli when a source changed.
      expect(storeEntry(PROJECT_ROOT)).toBe(join(PROJECT_ROOT, 'bin', 'coffer-store.mjs'));
      const client = new CosClient({ endpoint: info.url, appid: info.appid, region: info.region, credentials: async () => info.credentials });
      const bucket = `shipped-${info.appid}`;
      const body = randomBytes(1024 * 1024 + 7);
      try {
        await client.createBucket(bucket);
        expect((await client.putObject(bucket, 'a.bin', body, { sse: { mode: 'SSE-COS' } })).encryption).toEqual({ mode: 'SSE-COS' });
        // Buffer.equals: a deep toEqual walks a MiB byte by byte and takes seconds.
        expect((await client.getObjectBuffer(bucket, 'a.bin')).equals(body)).toBe(true);
      } finally {
        await client.close();
      }
    } finally {
      await store.stop();
    }
  });
});

describe('npm run dist', () => {
  it('refuses an argument it does not know, saying which one it takes', async () => {
    const said: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (said.push(String(chunk)), true));
    try {
      expect(await dist(['--linux'])).toBe(2);
    } finally {
      spy.mockRestore();
    }
    expect(said.join('')).toBe('npm run dist: unknown argument --linux; the only one is --dir (the unpacked app, no installer).\n');
  });

  it('builds the AppImage alone on Linux, saying why, until package.json names a homepage and a maintainer with an email', () => {
    const ours = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(linuxTargetsFor(ours, 'linux')).toEqual({
      targets: ['AppImage'],
      note: 'npm run dist: no .deb this time: a .deb must name the project\'s homepage and maintainer, so set `homepage` and `author` with an email ("Name <email>") in package.json; building the AppImage only.',
    });
    expect(linuxTargetsFor({ homepage: 'https://example.org/coffer', author: 'A Person' }, 'linux')?.note).toMatch(/set `author` with an email/);
    expect(linuxTargetsFor({ homepage: 'https://example.org/coffer', author: 'A Person <a@example.org>' }, 'linux')).toBeUndefined();
    expect(linuxTargetsFor({ homepage: 'https://example.org/coffer', author: { name: 'A Person', email: 'a@example.org' } }, 'linux')).toBeUndefined();
    expect(linuxTargetsFor({}, 'darwin')).toBeUndefined();
  });

  it('says in one sentence that Electron could not be downloaded, naming the version and platform', async () => {
    const { build, Platform, Arch } = await import('electron-builder');
    const port = await closedPort();
    const err = await build({
      projectDir: PROJECT_ROOT,
      targets: Platform.LINUX.createTarget('dir', Arch.x64),
      publish: 'never',
      config: {
        directories: { app: join(tmp, 'app'), output: join(tmp, 'release-offline') },
        electronDownload: { mirror: `http://127.0.0.1:${port}/`, cache: join(tmp, 'electron-cache') },
      },
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeDefined();
    const sentence = failureSentence(err, electronVersion(), 'linux-x64');
    expect(sentence).toMatch(new RegExp(`^npm run dist: Electron ${electronVersion().replace(/\./g, '\\.')} for linux-x64 could not be downloaded \\(connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\), so the build stopped; .*ELECTRON_MIRROR`));
    expect(sentence.split('\n')).toHaveLength(1);
    expect(sentence).not.toMatch(/\bat .*:\d+:\d+/);
  }, 120_000);
});
