// The file a running store leaves beside its data so other processes can find it: `{ url, pid }`, written once it
// listens (0600) and removed when it stops, unless another process has since written its own. `npm start` (and
// later the app) serve COFFER_HOME's store with `coffer-store serve --record COFFER_HOME/store.json`; a `coffer`
// command that finds a live record connects to that store instead of opening the same data directory itself
// (which the store's lock would refuse).
import { readFile, rm } from 'node:fs/promises';
import { writeFileAtomic } from '../platform/durable-fs';

export interface StoreRecord {
  url: string;
  pid: number;
}

/** The record at `file`, or undefined when there is none or it is not one. */
export async function readStoreRecord(file: string): Promise<StoreRecord | undefined> {
  try {
    const r = JSON.parse(await readFile(file, 'utf8')) as Partial<StoreRecord>;
    return typeof r.url === 'string' && typeof r.pid === 'number' ? { url: r.url, pid: r.pid } : undefined;
  } catch {
    return undefined;
  }
}

/** Records this process as serving `url`; the returned function removes the record if it is still ours. */
export async function writeStoreRecord(file: string, url: string): Promise<() => Promise<void>> {
  const mine: StoreRecord = { url, pid: process.pid };
  // Renamed into place: a process reading at that moment sees the old record or the new one, never half of one
  // (which it would take for "no store running" and start a second).
  await writeFileAtomic(file, JSON.stringify(mine) + '\n', 0o600);
  return async () => {
    const now = await readStoreRecord(file);
    if (now?.pid === process.pid) await rm(file, { force: true });
  };
}
