// The commands as users run them, for tests that start them as child processes: the bins, which run the bundle in
// dist/cli (scripts/bundle.mjs; vitest's global setup brings it up to date before any test file starts).
import { join } from 'node:path';

const BIN_DIR = join(import.meta.dirname, '..', '..', '..', 'bin');

/** `coffer` */
export const COFFER_BIN = join(BIN_DIR, 'coffer.mjs');
/** `coffer-store`; spawnStore (app/store/test-support/store-process.ts) adds the store's launch settings. */
export const COFFER_STORE_BIN = join(BIN_DIR, 'coffer-store.mjs');
/** `npm start` */
export const COFFER_START_BIN = join(BIN_DIR, 'coffer-start.mjs');
