// The embedded store for a `coffer` run with no profile and no COFFER_ENDPOINT: the coffer-store whose data
// lives in COFFER_HOME. When one is already serving that folder (`npm start`, the app, or a longer `coffer` run),
// its URL is in COFFER_HOME/store.json (running-record.ts) and we connect to it; otherwise we start it in this
// process on a random loopback port for the duration of the command and record it there so other runs can share it
// meanwhile.
import { DEFAULT_APPID, DEFAULT_REGION, DEFAULT_ROTATION_DAYS, DEFAULT_SSE_REGIONS } from '../../store/config';
import { loadOrCreateCredentials } from '../../store/credentials-file';
import { readStoreRecord, writeStoreRecord } from '../../store/running-record';
import type { RunningStore } from '../../store/server';
import { cofferPaths, ensureCofferHome } from '../../vault/coffer-home';
import { CliError, EXIT } from './errors';

export interface EmbeddedStore {
  url: string;
  appid: string;
  region: string;
  credentials: { secretId: string; secretKey: string };
  /** True when this process started the store (and stops it on release). */
  started: boolean;
  release(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await res.body?.cancel();
    return true;
  } catch {
    return false;
  }
}

export async function openEmbeddedStore(home: string): Promise<EmbeddedStore> {
  await ensureCofferHome(home);
  const paths = cofferPaths(home);
  const dataDir = paths.store;
  const record = await readStoreRecord(paths.storeRecord);
  if (record && alive(record.pid) && (await answers(record.url))) {
    const { credentials } = await loadOrCreateCredentials(dataDir);
    return { appid: DEFAULT_APPID, region: DEFAULT_REGION, credentials, url: record.url, started: false, release: async () => {} };
  }

  const keyringPath = paths.storeKeyring;
  // Imported here, not above: a command that uses a running store (or COFFER_ENDPOINT) never loads the store.
  const [{ startStore }, { planStoreOpen }, { WrongKeyringError }] = await Promise.all([
    import('../../store/server'),
    import('../../store/store-binding'),
    import('../../store/sse/keyring'),
  ]);
  // Before anything is written (credentials included): the store opens only with the keyring its folder records.
  try {
    await planStoreOpen(dataDir, keyringPath);
  } catch (err) {
    if (err instanceof WrongKeyringError) {
      throw new CliError(EXIT.USAGE, `The embedded store in ${dataDir} was not opened: ${err.problem} Put this store's keyring back at ${keyringPath} (from your backup).`);
    }
    throw err;
  }
  const { credentials } = await loadOrCreateCredentials(dataDir);
  const base = { appid: DEFAULT_APPID, region: DEFAULT_REGION, credentials };
  let running: RunningStore;
  try {
    running = await startStore({
      dataDir,
      keyringPath,
      kmsPath: keyringPath.replace(/\.json$/, '.kms.json'),
      host: '127.0.0.1',
      port: 0,
      appid: DEFAULT_APPID,
      region: DEFAULT_REGION,
      credentials: [credentials],
      sseRegions: DEFAULT_SSE_REGIONS,
      rotationDays: DEFAULT_ROTATION_DAYS,
      clockSkewSeconds: 900,
      log: () => {},
    });
  } catch (err) {
    if (/in use/i.test((err as Error).message)) {
      throw new CliError(
        EXIT.FAILED,
        `The embedded store in ${dataDir} is in use by another process that did not record its address in ${paths.storeRecord}; stop it, or point COFFER_ENDPOINT at it.`,
      );
    }
    throw err;
  }
  const forget = await writeStoreRecord(paths.storeRecord, running.url);
  return {
    ...base,
    url: running.url,
    started: true,
    release: async () => {
      await forget();
      await running.close();
    },
  };
}
