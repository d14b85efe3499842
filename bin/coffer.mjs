#!/usr/bin/env node
// Runs the TypeScript entry point directly (through tsx), so `npx coffer …` works right after `npm install`
// with no build step to remember.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../app/cli/coffer.ts');
process.exitCode = await main(process.argv.slice(2));
