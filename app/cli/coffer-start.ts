// `npm run store`: serves the embedded store of COFFER_HOME (env COFFER_HOME, else the platform's app-data folder)
// on 127.0.0.1:9000, so SDKs, scripts and share links have a fixed address for the store the app uses. Its data is in
// COFFER_HOME/store, its keyring in COFFER_HOME/keyring.json (outside the data folder; without it the data is
// unreadable), and its address in COFFER_HOME/store.json so that `coffer` commands use this running store.
// Options after `npm run store --` go to `coffer-store serve` (e.g. `npm run store -- --port 9100`).
import { cofferPaths, ensureCofferHome, resolveCofferHome } from '../vault/coffer-home';
import { main as storeMain } from './coffer-store';

export async function main(argv: string[]): Promise<number> {
  let paths;
  try {
    paths = cofferPaths(await ensureCofferHome(resolveCofferHome()));
  } catch (err) {
    console.error(`npm start: ${(err as Error).message}`);
    return 1;
  }
  return storeMain(['serve', '--data', paths.store, '--keyring', paths.storeKeyring, '--record', paths.storeRecord, ...argv], {
    withPort: (port) => `npm run store -- --port ${port}`,
  });
}
