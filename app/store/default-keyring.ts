// Where `coffer-store` keeps a store's keyring when no --keyring is given: $XDG_CONFIG_HOME/coffer-store (outside
// the data folder, as it must be), in a file named by the store's id, so the default follows the data folder
// wherever it is moved or copied to. Earlier versions named the file by a hash of the data folder's absolute path;
// a store made with such a file keeps using it where it is (it is not renamed: a script may name it with --keyring,
// and its KMS keys and backups sit beside it), found by that hash, or after a move by the path the folder
// recorded (store-binding.ts) — always verified against the folder's record like any other keyring.
import { createHash, randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { readKeyringIdentity } from './sse/keyring';
import { inspectDataFolder } from './store-binding';

function keyringDir(): string {
  return join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'coffer-store');
}

/** The default keyring of store `storeId`. */
export function keyringPathForStore(storeId: string): string {
  return join(keyringDir(), `keyring-${storeId}.json`);
}

/** Where versions before store-id.json put the keyring of the data folder at `dataDir` (a hash of its path). */
export function pathHashKeyringPath(dataDir: string): string {
  const id = createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 16);
  return join(keyringDir(), `keyring-${id}.json`);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * The keyring path for `dataDir` when none is given, read without changing anything; for a folder that holds no
 * store yet, also the id the new store must be created with (StoreConfig.newStoreId) for the path to be its.
 */
export async function defaultKeyring(dataDir: string): Promise<{ path: string; newStoreId?: string }> {
  const { record, hasMeta } = await inspectDataFolder(dataDir);
  if (record) {
    const byId = keyringPathForStore(record.storeId);
    if (await exists(byId)) return { path: byId };
    // A store made with the old default: at its path's hash, or (moved since) where the folder recorded it, if
    // that is in the default keyring folder too (a keyring given with --keyring is never picked up by itself).
    const last = record.keyring?.lastPath;
    const older = [pathHashKeyringPath(dataDir), ...(last && dirname(last) === keyringDir() ? [last] : [])];
    for (const path of older) {
      const identity = await readKeyringIdentity(path).catch(() => undefined);
      if (identity?.storeId === record.storeId) return { path };
    }
    return { path: byId };
  }
  // Made by an earlier version and never opened since: its id is inside meta.db, its keyring at the old place.
  if (hasMeta) return { path: pathHashKeyringPath(dataDir) };
  const newStoreId = randomBytes(16).toString('hex');
  return { path: keyringPathForStore(newStoreId), newStoreId };
}
