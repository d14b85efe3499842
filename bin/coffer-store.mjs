#!/usr/bin/env node
// Runs the TypeScript entry point directly (through tsx), so `npx coffer-store …` works right after
// `npm install` with no build step to remember. The packaged app bundles the same module instead.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../app/cli/coffer-store.ts');
process.exitCode = await main(process.argv.slice(2));
