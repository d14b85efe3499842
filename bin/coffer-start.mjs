#!/usr/bin/env node
// `npm start`: until the app shell lands, this starts the embedded store in COFFER_HOME so a newcomer has a
// working COS endpoint on this machine. It delegates to `coffer-store serve`.
import { register } from 'tsx/esm/api';
import { homedir } from 'node:os';
import { join } from 'node:path';

register();
const home = process.env.COFFER_HOME ?? join(homedir(), '.coffer');
const { main } = await import('../app/cli/coffer-store.ts');
process.exitCode = await main(['serve', '--data', join(home, 'store'), '--keyring', join(home, 'keyring.json'), ...process.argv.slice(2)]);
