// The commands run from the bundle in dist/cli (scripts/bundle.mjs): what `coffer --help` loads, that an edited
// source is never run from an old bundle, that a bundle which cannot be rebuilt is refused in plain words, and that
// the bundled store finds its MD5 worker.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CosClient } from '../cos/client';
import { APPID, REGION, TEST_CREDENTIALS } from '../store/test-support/store-fixture';
import { spawnStore, storeScope } from '../store/test-support/store-process';
import { COFFER_BIN } from './test-support/bins';

const ROOT = join(import.meta.dirname, '..', '..');
const DIST = join(ROOT, 'dist', 'cli');

interface Metafile {
  outputs: Record<string, { imports: Array<{ path: string; kind: string; external?: boolean }>; inputs: Record<string, unknown> }>;
}

/** The npm packages whose code runs when `file` is imported: its static imports, followed through the chunks. */
async function packagesLoadedBy(file: string): Promise<Set<string>> {
  const meta = JSON.parse(await readFile(join(DIST, 'meta.json'), 'utf8')) as Metafile;
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (out: string) => {
    if (seen.has(out)) return;
    seen.add(out);
    const o = meta.outputs[out]!;
    for (const input of Object.keys(o.inputs)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      if (m) packages.add(m[1]!);
    }
    for (const imp of o.imports) {
      if (imp.kind !== 'import-statement') continue;
      if (imp.external) {
        if (!imp.path.startsWith('node:')) packages.add(imp.path);
      } else visit(imp.path);
    }
  };
  visit(relative(ROOT, file));
  return packages;
}

describe('the coffer bundle', () => {
  it('loads no npm package but the MIME table before a command is chosen, so `coffer --help` starts about as fast as Node', async () => {
    // The MIME table is what the argument parser checks `--content-type` against; the COS client, the vault, the
    // engine and the store, with undici, zod and the XML parser, load only with the command that needs them.
    expect([...(await packagesLoadedBy(join(DIST, 'coffer.mjs')))].filter((p) => p !== 'mime')).toEqual([]);
    const help = spawnSync(process.execPath, [COFFER_BIN, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: coffer <command>/);
  });
});

describe('a copy of the project', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  /** The sources, bins and build script in a fresh folder; `withPackages` links this project's node_modules. */
  async function project(withPackages: boolean): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'coffer-bundle-'));
    dirs.push(dir);
    // app/ and shared/ (the IPC contract, which `npm start`'s entry imports through the host).
    for (const d of ['app', 'shared']) await cp(join(ROOT, d), join(dir, d), { recursive: true, filter: (src) => !/\.test\.ts$/.test(src) });
    for (const f of ['bin/coffer.mjs', 'scripts/bundle.mjs', 'scripts/undici-agent.mjs', 'tsconfig.json', 'package.json']) await cp(join(ROOT, f), join(dir, f));
    if (withPackages) await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    return dir;
  }
  const run = (dir: string, args: string[]) => spawnSync(process.execPath, [join(dir, 'bin', 'coffer.mjs'), ...args], { encoding: 'utf8', timeout: 60_000 });

  it('builds the bundle on first run, reuses it while nothing changed, and rebuilds after a source is edited', async () => {
    const dir = await project(true);
    const first = run(dir, ['--help']);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^Usage: coffer <command>/);
    const stamp = join(dir, 'dist', 'cli', 'build-stamp.json');
    const built = (await stat(stamp)).mtimeMs;

    expect(run(dir, ['--help']).status).toBe(0);
    expect((await stat(stamp)).mtimeMs).toBe(built);

    const source = join(dir, 'app', 'cli', 'coffer.ts');
    await writeFile(source, (await readFile(source, 'utf8')).replace('Usage: coffer <command>', 'Usage: coffer (edited) <command>'));
    const edited = run(dir, ['--help']);
    expect(edited.status, edited.stderr).toBe(0);
    expect(edited.stdout).toMatch(/^Usage: coffer \(edited\) <command>/);
    expect((await stat(stamp)).mtimeMs).toBeGreaterThan(built);
  });

  it('refuses to run a missing or stale bundle it cannot rebuild, and says to run npm install', async () => {
    const dir = await project(false);
    const r = run(dir, ['--help']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('coffer: dist/cli is missing or older than the sources and could not be rebuilt (esbuild is not installed); run `npm install`');
  });
});

describe('the bundled store', () => {
  const scope = storeScope('coffer-bundle-store-');
  afterAll(() => scope.cleanup());

  it('hashes uploads on its MD5 worker, found beside the bundle', async () => {
    const { dataDir, keyring } = await scope.dirs();
    const store = scope.track(await spawnStore(dataDir, keyring));
    const client = new CosClient({ endpoint: `http://127.0.0.1:${store.port}`, appid: APPID, region: REGION, credentials: async () => ({ ...TEST_CREDENTIALS }) });
    try {
      const bucket = `bundle-${APPID}`;
      await client.createBucket(bucket);
      // Above the 64 KiB that are kept inside the metadata database: a data file, hashed by the worker.
      const body = randomBytes(3 * 1024 * 1024);
      const put = await client.putObject(bucket, 'big.bin', body, { sse: { mode: 'SSE-COS' } });
      expect(put.etag.replace(/"/g, '')).toBe(createHash('md5').update(body).digest('hex'));
    } finally {
      await client.close();
    }
    expect(store.stderr()).not.toMatch(/worker/i);
  });
});
