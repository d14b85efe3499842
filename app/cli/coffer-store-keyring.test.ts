// A data folder opens only with its own keyring (issue 12 §1): the folder records which keyring sealed its objects
// (store-id.json), every command refuses any other keyring (a missing one included) with exit 2 before touching
// anything, the default keyring follows a moved folder, admin commands refuse a folder that holds no store, and a
// rotation that leaves objects behind says so. Also `serve` on a taken port (§5): a plain sentence, before any
// credentials exist. Real processes, real files, a real store.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join, relative } from 'node:path';
import { newSdkClient } from '../store/test-support/store-fixture';
import { runCli, storeScope } from '../store/test-support/store-process';

const ROOT = join(import.meta.dirname, '..', '..');
const STORE_BIN = join(ROOT, 'bin', 'coffer-store.mjs');
const COFFER_BIN = join(ROOT, 'bin', 'coffer.mjs');
const START_BIN = join(ROOT, 'bin', 'coffer-start.mjs');
const scope = storeScope('coffer-keyring-');
afterEach(() => scope.cleanup());

const CREDS = ['--secret-id', 'AKIDcofferTestSecretId000000000000000', '--secret-key', 'cofferTestSecretKey0000000000000'];
const BUCKET = 'kr-1250000000';
const REGION = 'ap-guangzhou';
const REFUSED = /this store's objects are sealed by keyring [0-9a-f]{16} \(created \d{4}-\d\d-\d\d \d\d:\d\d UTC\); it was not found at (\S+)\./;

/** A test's folders, and an environment whose default keyring folder ($XDG_CONFIG_HOME/coffer-store) is its own. */
async function setup() {
  const { root } = await scope.dirs();
  const xdg = join(root, 'xdg');
  const env = { XDG_CONFIG_HOME: xdg, COFFER_STORE_KEYRING: '', COFFER_SECRET_ID: '', COFFER_SECRET_KEY: '' };
  return { root, xdg, env, keyDir: join(xdg, 'coffer-store') };
}

/** Every file under `dir` with its size and mtime: equal before and after means nothing was written. */
async function snapshot(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    let names: string[];
    try {
      names = await readdir(d);
    } catch {
      return;
    }
    for (const n of names.sort()) {
      const p = join(d, n);
      const st = await stat(p);
      if (st.isDirectory()) await walk(p);
      out.push(`${relative(dir, p)} ${st.size} ${st.mtimeMs}`);
    }
  };
  await walk(dir);
  return out;
}

/** `coffer-store serve` with `args`, until it listens; its stdout, port, and a stop that waits for the exit. */
async function serve(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [STORE_BIN, 'serve', '--port', '0', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', () => {
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    void exited.then((code) => reject(new Error(`serve exited ${code}: ${out} ${err}`)));
  });
  scope.track({ child, port, stdout: () => out, stderr: () => err, exited: exited.then((code) => ({ code, signal: null })) });
  return {
    port,
    stdout: () => out,
    stop: async () => {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    },
  };
}

/** Serves `args` once to put an SSE-COS object `a` (and `more` others) in it. */
async function storeWithObject(args: string[], env: Record<string, string>, more: string[] = []) {
  const s = await serve([...args, ...CREDS], env);
  const cos = newSdkClient(s.port);
  await cos.putBucket({ Bucket: BUCKET, Region: REGION });
  for (const key of ['a', ...more]) await cos.putObject({ Bucket: BUCKET, Region: REGION, Key: key, Body: `sealed ${key}`, ServerSideEncryption: 'AES256' });
  await s.stop();
}

describe('a data folder opens only with its own keyring', () => {
  it('moved, with the default keyring: the keyring follows it (named by the store id), and nothing else is created', async () => {
    const { root, env, keyDir } = await setup();
    const before = join(root, 'before');
    await storeWithObject(['--data', before], env);
    const record = JSON.parse(await readFile(join(before, 'store-id.json'), 'utf8'));
    expect(record).toMatchObject({ format: 'coffer-store-id/1', storeId: expect.stringMatching(/^[0-9a-f]{32}$/), keyring: { id: expect.stringMatching(/^[0-9a-f]{16}$/) } });
    expect(JSON.stringify(record)).not.toMatch(/material/);
    expect(await readdir(keyDir)).toEqual([`keyring-${record.storeId}.json`, `keyring-${record.storeId}.kms.json`]);

    const after = join(root, 'moved', 'after');
    await mkdir(join(root, 'moved'));
    await rename(before, after);
    const fsck = runCli(['fsck', '--data', after], env);
    expect(fsck.stdout + fsck.stderr).toContain('1 objects checked (1 encrypted), 0 damaged');
    expect(fsck.code).toBe(0);
    const keys = runCli(['keys', '--data', after], env);
    expect(keys.code).toBe(0);
    expect(keys.stdout).toContain(`Keyring ${record.keyring.id} of store ${record.storeId}`);
    const s = await serve(['--data', after, ...CREDS], env);
    const got = await newSdkClient(s.port).getObject({ Bucket: BUCKET, Region: REGION, Key: 'a' });
    expect(String(got.Body)).toBe('sealed a');
    await s.stop();
    expect((await readdir(keyDir)).filter((n) => !n.endsWith('.kms.json'))).toEqual([`keyring-${record.storeId}.json`]);
  });

  it('moved, without the keyring it was made with: serve, fsck, keys, rotate-key and kms refuse (exit 2) and write nothing', async () => {
    const { root, env, keyDir } = await setup();
    const keyring = join(root, 'keys', 'keyring.json');
    const before = join(root, 'before');
    await storeWithObject(['--data', before, '--keyring', keyring], env);
    const after = join(root, 'after');
    await rename(before, after);
    const was = await snapshot(after);
    for (const cmd of [['serve', '--port', '0', ...CREDS], ['fsck'], ['keys'], ['rotate-key'], ['kms', 'list'], ['kms', 'create-key']]) {
      const r = runCli([...cmd, '--data', after], env);
      expect(r.code, `${cmd[0]}: ${r.stderr}`).toBe(2);
      const m = REFUSED.exec(r.stderr);
      expect(m, r.stderr).not.toBeNull();
      expect(m![1]).toMatch(new RegExp(`^${keyDir}/keyring-[0-9a-f]{32}\\.json$`));
      expect(r.stderr).toContain(`It was last used at ${keyring}.`);
      expect(r.stderr).toContain('Pass --keyring with the right file');
      expect(r.stdout).not.toMatch(/SecretKey|listening/);
    }
    expect(await snapshot(after)).toEqual(was);
    await expect(stat(keyDir)).rejects.toThrow(); // no keyring (nor KMS file, nor folder) made for it
    // Another store's keyring is refused the same way.
    const other = join(root, 'other-keys', 'keyring.json');
    await storeWithObject(['--data', join(root, 'other'), '--keyring', other], env);
    const wrong = runCli(['fsck', '--data', after, '--keyring', other], env);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/sealed by keyring [0-9a-f]{16} .*; \S+ is a keyring of another store/);
    expect(await snapshot(after)).toEqual(was);
    // With the right keyring it opens.
    expect(runCli(['fsck', '--data', after, '--keyring', keyring], env).code).toBe(0);
  });

  it("refuses `npm run store`'s (and the app's) folder opened by coffer-store without --keyring, naming where its keyring is", async () => {
    const { root, env } = await setup();
    const home = join(root, 'home');
    const child = spawn(process.execPath, [START_BIN, '--port', '0'], { env: { ...process.env, ...env, COFFER_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', () => /listening on/.test(out) && resolve());
      void exited.then((code) => reject(new Error(`npm start exited ${code}: ${out}`)));
    });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const was = await snapshot(join(home, 'store'));
    for (const cmd of ['fsck', 'keys', 'rotate-key']) {
      const r = runCli([cmd, '--data', join(home, 'store')], env);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(REFUSED);
      expect(r.stderr).toContain(`It was last used at ${join(home, 'keyring.json')}.`);
    }
    expect(await snapshot(join(home, 'store'))).toEqual(was);
    await expect(stat(join(root, 'xdg'))).rejects.toThrow();
  });

  it("refuses a keyring whose id matches but whose keys do not match the folder's check values", async () => {
    const { root, env } = await setup();
    const keyring = join(root, 'keys', 'keyring.json');
    const data = join(root, 'data');
    await storeWithObject(['--data', data, '--keyring', keyring], env);
    const file = join(data, 'store-id.json');
    const record = JSON.parse(await readFile(file, 'utf8'));
    const kcv = record.keyring.checks['1'] as string;
    record.keyring.checks['1'] = `${kcv.slice(0, -1)}${kcv.endsWith('0') ? '1' : '0'}`;
    await writeFile(file, JSON.stringify(record));
    const was = await snapshot(data);
    for (const cmd of [['fsck'], ['serve', '--port', '0', ...CREDS]]) {
      const r = runCli([...cmd, '--data', data, '--keyring', keyring], env);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`${keyring} has that id, but its keys do not match the check values in this folder's store-id.json`);
    }
    expect(await snapshot(data)).toEqual(was);
  });

  it('records a store made before store-id.json with the keyring that opens it (the old path-hash default still works, also after a move)', async () => {
    const { root, env, keyDir } = await setup();
    const data = join(root, 'data');
    // An older store: its keyring at the old default (a hash of the folder's path), and no record in the folder.
    const { createHash } = await import('node:crypto');
    const oldDefault = join(keyDir, `keyring-${createHash('sha256').update(data).digest('hex').slice(0, 16)}.json`);
    await storeWithObject(['--data', data, '--keyring', oldDefault], env);
    const { rm } = await import('node:fs/promises');
    await rm(join(data, 'store-id.json'));

    const keys = runCli(['keys', '--data', data], env);
    expect(keys.code, keys.stderr).toBe(0);
    const record = JSON.parse(await readFile(join(data, 'store-id.json'), 'utf8'));
    expect(record.keyring.lastPath).toBe(oldDefault);
    // Moved, it still finds its keyring where it was (the folder recorded it), and no new one is made.
    const moved = join(root, 'moved');
    await rename(data, moved);
    const r = runCli(['fsck', '--data', moved], env);
    expect(r.stdout + r.stderr).toContain('1 objects checked (1 encrypted), 0 damaged');
    expect(r.code).toBe(0);
    expect((await readdir(keyDir)).filter((n) => /^keyring-[0-9a-f]+\.json$/.test(n))).toEqual([oldDefault.split('/').pop()]);

    // An older store whose keyring is nowhere to be found is refused too, instead of getting a new one.
    await rm(join(moved, 'store-id.json'));
    const lost = runCli(['keys', '--data', moved], env);
    expect(lost.code).toBe(2);
    expect(lost.stderr).toMatch(/holds a Coffer store made before stores recorded their keyring, and its keyring was not found at \S+\. Pass --keyring/);
  });

  it('the embedded store of `coffer` refuses a COFFER_HOME whose keyring is gone, and creates none', async () => {
    const { root, env } = await setup();
    const home = join(root, 'home');
    const coffer = (args: string[]) => spawnSync(process.execPath, [COFFER_BIN, ...args], { env: { ...process.env, ...env, COFFER_HOME: home, COFFER_ENDPOINT: '' }, encoding: 'utf8', timeout: 120_000 });
    const made = coffer(['mb', 'cos://mine']);
    expect(made.status, made.stderr).toBe(0);
    await rename(join(home, 'keyring.json'), join(root, 'keyring-backup.json'));
    const was = await snapshot(home);
    const r = coffer(['ls']);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/sealed by keyring [0-9a-f]{16} .*it was not found at \S+keyring\.json\..*Put this store's keyring back at/);
    expect(await snapshot(home)).toEqual(was);
  });
});

describe('admin commands on a folder that holds no store', () => {
  it('fsck, keys, rotate-key, kms and credentials say "not a Coffer store" and create nothing', async () => {
    const { root, env } = await setup();
    const typo = join(root, 'dtaa');
    const empty = join(root, 'empty');
    await mkdir(empty);
    const cases: Array<[string, string[]]> = [
      ...[['fsck'], ['keys'], ['rotate-key'], ['kms', 'list'], ['kms', 'create-key'], ['credentials']].map((cmd): [string, string[]] => [typo, cmd]),
      [empty, ['fsck']],
    ];
    for (const [dir, cmd] of cases) {
      const r = runCli([...cmd, '--data', dir], env);
      expect(r.code, `${cmd.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(`coffer-store: ${dir} is not a Coffer store`);
    }
    await expect(stat(typo)).rejects.toThrow();
    expect(await readdir(empty)).toEqual([]);
    expect(await readdir(root)).toEqual(['empty']);
  });
});

describe('rotate-key', () => {
  it('exits 1 and says how many objects it could not re-wrap', async () => {
    const { root, env } = await setup();
    const keyring = join(root, 'keys', 'keyring.json');
    const data = join(root, 'data');
    await storeWithObject(['--data', data, '--keyring', keyring], env, ['b', 'c']);
    // Damage one object's wrapped key in meta.db: it cannot be unwrapped, so not re-wrapped either.
    const { Database } = await import('../store/meta/sqlite-driver');
    const db = new Database(join(data, 'meta.db'));
    db.exec('PRAGMA locking_mode = EXCLUSIVE');
    db.run(`UPDATE objects SET sse = json_set(sse, '$.salt', ?) WHERE key = 'b'`, [Buffer.alloc(32, 7).toString('base64')]);
    db.close();
    const r = runCli(['rotate-key', '--data', data, '--keyring', keyring], env);
    expect(r.stdout).toContain('Master key 2 is now active; 2 object keys re-wrapped.');
    expect(r.stderr).toContain('could not re-wrap kr-1250000000/b');
    expect(r.stderr).toContain('coffer-store: 1 object is still sealed by an older master key');
    expect(r.code).toBe(1);
    const keys = JSON.parse(runCli(['keys', '--json', '--data', data, '--keyring', keyring], env).stdout);
    expect(keys).toEqual([expect.objectContaining({ id: 1, state: 'decrypt-only', objects: 1 }), expect.objectContaining({ id: 2, state: 'active', objects: 2 })]);
  });
});

describe('serve on a port another program holds', () => {
  async function holdPort(): Promise<{ server: Server; port: number }> {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { server, port: (server.address() as { port: number }).port };
  }

  it('says so in a plain sentence before any credentials are generated; a later start prints them every time', async () => {
    const { root, env } = await setup();
    const data = join(root, 'data');
    const held = await holdPort();
    try {
      const r = runCli(['serve', '--data', data, '--port', String(held.port)], env);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^coffer-store: port ${held.port} is in use by another program; start with \`coffer-store serve --port \\d+ …\`\\n$`));
      expect(r.stdout).toBe('');
      await expect(stat(data)).rejects.toThrow(); // no credentials, no store, nothing
      await expect(stat(join(root, 'xdg'))).rejects.toThrow();
    } finally {
      held.server.close();
    }
    const first = await serve(['--data', data], env);
    const secretKey = /SecretKey:\s+(\S+)/.exec(first.stdout())![1]!;
    expect(first.stdout()).toMatch(/^Generated credentials/);
    await first.stop();
    const second = await serve(['--data', data], env);
    expect(second.stdout()).toMatch(/^Credentials \(kept in \S+credentials\.json; `coffer-store credentials --data \S+` prints them again\):/);
    expect(second.stdout()).toContain(`SecretKey: ${secretKey}`);
    await second.stop();
    const shown = runCli(['credentials', '--data', data], env);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`SecretKey: ${secretKey}`);
  });

  it('`npm run store` tells the user to run `npm run store -- --port N`, and keeps no credentials', async () => {
    const { root } = await setup();
    const home = join(root, 'home');
    const held = await holdPort();
    const saved = process.env.COFFER_HOME;
    const errors: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void errors.push(a.join(' ')));
    try {
      process.env.COFFER_HOME = home;
      const { main } = await import('./coffer-start');
      expect(await main(['--port', String(held.port)])).toBe(1);
    } finally {
      spy.mockRestore();
      if (saved === undefined) delete process.env.COFFER_HOME;
      else process.env.COFFER_HOME = saved;
      held.server.close();
    }
    expect(errors.join('\n')).toMatch(new RegExp(`^coffer-store: port ${held.port} is in use by another program; start with \`npm run store -- --port \\d+\`$`));
    await expect(stat(join(home, 'store'))).rejects.toThrow();
  });
});
