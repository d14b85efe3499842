// `npm start`'s choice: the desktop app where Electron's binary (and a display) is, else browser mode, said in
// one line; `--browser` asks for browser mode.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findElectron, installedElectron, main, noDisplay } from './launch';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'coffer-launch-'));
  await mkdir(join(root, 'dist', 'renderer'), { recursive: true });
  await writeFile(join(root, 'dist', 'renderer', 'index.html'), '<!doctype html><title>Coffer</title>');
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('launch', () => {
  it('finds an installed Electron binary without downloading, and says why there is none', async () => {
    expect(installedElectron(root)).toBeUndefined();
    expect(await findElectron(root)).toEqual({ reason: 'Electron is not installed' });
    const dir = join(root, 'node_modules', 'electron');
    await mkdir(join(dir, 'dist'), { recursive: true });
    await writeFile(join(dir, 'path.txt'), 'electron');
    await writeFile(join(dir, 'dist', 'electron'), '');
    expect(installedElectron(root)).toBe(join(dir, 'dist', 'electron'));
    await rm(join(root, 'node_modules'), { recursive: true });
  });

  it('needs a display on Linux', () => {
    expect(noDisplay({}, 'linux')).toBe('there is no display (DISPLAY is not set)');
    expect(noDisplay({ DISPLAY: ':99' }, 'linux')).toBeUndefined();
    expect(noDisplay({}, 'darwin')).toBeUndefined();
  });

  it('without Electron, says so in one line and runs browser mode', async () => {
    const home = join(root, 'home');
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['--no-open'], { out: (l) => out.push(l), err: (l) => err.push(l), env: { COFFER_HOME: home }, stopSignal: Promise.resolve('SIGTERM'), root });
    expect(code).toBe(0);
    expect(err[0]).toBe('coffer: the desktop app cannot start here (Electron is not installed); opening Coffer in your browser instead.');
    expect(out[0]).toMatch(/^Coffer is running at http:\/\/127\.0\.0\.1:\d+\/#token=/);
  });

  it('goes straight to browser mode with --browser', async () => {
    const err: string[] = [];
    const out: string[] = [];
    expect(await main(['--browser', '--no-open'], { out: (l) => out.push(l), err: (l) => err.push(l), env: { COFFER_HOME: join(root, 'home2') }, stopSignal: Promise.resolve('SIGTERM'), root })).toBe(0);
    expect(err.some((l) => l.includes('desktop app cannot start'))).toBe(false);
    expect(out[0]).toMatch(/^Coffer is running at /);
  });
});
