// `npm start`: until the app shell lands, this serves the embedded store of COFFER_HOME (env COFFER_HOME, else the
// platform's app-data folder) so a newcomer has a working, encrypted COS endpoint on this machine. Its data is in
// COFFER_HOME/store, its keyring in COFFER_HOME/keyring.json (outside the data folder; without it the data is
// unreadable), and its address in COFFER_HOME/store.json so that `coffer` commands use this running store.
// Options after `npm start --` go to `coffer-store serve` (e.g. `npm start -- --port 9100`).
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
    withPort: (port) => `npm start -- --port ${port}`,
  });
}
