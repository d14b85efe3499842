#!/usr/bin/env -S MALLOC_ARENA_MAX=1 node --max-semi-space-size=1
// The shebang applies the store's launch settings (app/store/launch-settings.ts explains them; a test keeps the two
// in step). Started as `node bin/coffer-store.mjs`, the store runs without them.
// Runs the bundled command (dist/cli, scripts/bundle.mjs), rebuilt first if a source changed since it was built,
// so `npx coffer-store …` works right after `npm install` with no build step to remember.
import { loadEntry } from '../scripts/bundle.mjs';

const { main } = await loadEntry('coffer-store');
process.exitCode = await main(process.argv.slice(2));
