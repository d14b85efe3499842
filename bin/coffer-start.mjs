#!/usr/bin/env node
// `npm start`: until the app shell lands, this starts the embedded store in COFFER_HOME (env COFFER_HOME, else
// the platform's app-data folder) so a newcomer has a working, encrypted COS endpoint on this machine. The store
// keeps its data in COFFER_HOME/store and its keyring beside it, outside the data directory, and records its address
// in COFFER_HOME/store.json so that `coffer` commands use this running store.
import { register } from 'tsx/esm/api';

register();
const { resolveCofferHome, ensureCofferHome, cofferPaths } = await import('../app/vault/coffer-home.ts');
const home = await ensureCofferHome(resolveCofferHome());
const paths = cofferPaths(home);
const { main } = await import('../app/cli/coffer-store.ts');
process.exitCode = await main(['serve', '--data', paths.store, '--keyring', paths.storeKeyring, '--record', paths.storeRecord, ...process.argv.slice(2)]);
