#!/usr/bin/env -S MALLOC_ARENA_MAX=1 node --max-semi-space-size=1
// The shebang applies the store's launch settings (app/store/launch-settings.ts explains them; a test keeps the two
// in step). Started as `node bin/coffer-store.mjs`, the store runs without them.
// Runs the TypeScript entry point directly (through tsx), so `npx coffer-store …` works right after
// `npm install` with no build step to remember. The packaged app bundles the same module instead.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../app/cli/coffer-store.ts');
process.exitCode = await main(process.argv.slice(2));
