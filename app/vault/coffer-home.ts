// COFFER_HOME: the one folder holding an instance's settings, vault, journals and the embedded store's data.
// `COFFER_HOME` in the environment wins (tests and users isolate an instance with it); otherwise the
// platform's app-data folder. The folder is private to the user (0700).

import { chmod, stat } from 'node:fs/promises';
import { homedir as osHomedir } from 'node:os';
import path from 'node:path';
import { makeDirs } from '../platform/make-dirs';

export const COFFER_HOME_MODE = 0o700;

export interface CofferHomeOptions {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  homedir?: string;
  cwd?: string;
}

/** Where COFFER_HOME is, without touching the disk. */
export function resolveCofferHome(opts: CofferHomeOptions = {}): string {
  const env = opts.env ?? process.env;
  const platform = opts.platform ?? process.platform;
  const p = platform === 'win32' ? path.win32 : path.posix;
  const explicit = env.COFFER_HOME?.trim();
  if (explicit) return p.resolve(opts.cwd ?? process.cwd(), explicit);
  const home = opts.homedir ?? osHomedir();
  switch (platform) {
    case 'darwin':
      return p.join(home, 'Library', 'Application Support', 'Coffer');
    case 'win32':
      return p.join(env.APPDATA?.trim() || p.join(home, 'AppData', 'Roaming'), 'Coffer');
    default: {
      // XDG: a relative XDG_CONFIG_HOME is invalid and must be ignored.
      const xdg = env.XDG_CONFIG_HOME?.trim();
      return p.join(xdg && p.isAbsolute(xdg) ? xdg : p.join(home, '.config'), 'coffer');
    }
  }
}

/** The well-known paths inside COFFER_HOME. */
export function cofferPaths(home: string): {
  home: string;
  settings: string;
  vault: string;
  journals: string;
  store: string;
  /** The embedded store's keyring: beside its data directory, never inside it. */
  storeKeyring: string;
  /** Where a running embedded store records its address (running-record.ts). */
  storeRecord: string;
} {
  return {
    home,
    settings: path.join(home, 'settings.json'),
    vault: path.join(home, 'vault.json'),
    journals: path.join(home, 'journals'),
    store: path.join(home, 'store'),
    storeKeyring: path.join(home, 'keyring.json'),
    storeRecord: path.join(home, 'store.json'),
  };
}

/**
 * Creates COFFER_HOME (0700) if needed and narrows an existing folder that group/others can reach.
 * Refuses a path that is not a directory or (on POSIX) belongs to another user.
 */
export async function ensureCofferHome(home: string): Promise<string> {
  try {
    await makeDirs(home, COFFER_HOME_MODE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST' && (err as NodeJS.ErrnoException).code !== 'ENOTDIR') throw err;
  }
  const st = await stat(home).catch((err: NodeJS.ErrnoException) => {
    throw new Error(`COFFER_HOME ${home} cannot be used (${err.code ?? err.message})`, { cause: err });
  });
  if (!st.isDirectory()) throw new Error(`COFFER_HOME ${home} exists but is not a directory`);
  if (process.platform !== 'win32') {
    const uid = process.getuid?.();
    if (uid !== undefined && st.uid !== uid) {
      throw new Error(`COFFER_HOME ${home} belongs to another user (uid ${st.uid}); refusing to keep secrets there`);
    }
    if ((st.mode & 0o077) !== 0) await chmod(home, COFFER_HOME_MODE);
  }
  return home;
}
