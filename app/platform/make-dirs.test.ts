// makeDirs: creates what is missing (with the mode asked for), accepts what exists, and fails at once, naming the
// folder, where Node's recursive mkdir would spin forever (procfs) or where a file is in the way.
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeDirs } from './make-dirs';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'make-dirs-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('creates every missing level with the mode asked for, and accepts folders that exist', async () => {
  const deep = join(dir, 'a', 'b', 'c');
  await makeDirs(deep, 0o700);
  for (const d of [join(dir, 'a'), join(dir, 'a', 'b'), deep]) expect((await stat(d)).mode & 0o777).toBe(0o700);
  await makeDirs(deep);
  await makeDirs(dir);
  // Two at once both succeed (one of them finds the other's folder).
  await Promise.all([makeDirs(join(dir, 'x', 'y')), makeDirs(join(dir, 'x', 'y'))]);
});

it('names a file that stands where a folder must be', async () => {
  await writeFile(join(dir, 'file'), 'x');
  await expect(makeDirs(join(dir, 'file', 'sub'))).rejects.toMatchObject({ code: 'ENOTDIR', message: `could not create the folder ${join(dir, 'file')}: it is a file, not a folder` });
});

it.runIf(process.platform === 'linux')('fails at once under /proc, where a recursive mkdir never returns', async () => {
  const started = Date.now();
  await expect(makeDirs('/proc/coffer-no-such-folder/sub')).rejects.toMatchObject({
    code: 'ENOENT',
    message: 'could not create the folder /proc/coffer-no-such-folder: this location cannot hold folders',
  });
  expect(Date.now() - started).toBeLessThan(1000);
});
