#!/usr/bin/env node
// Runs the bundled command (dist/cli, scripts/bundle.mjs), rebuilt first if a source changed since it was built,
// so `npx coffer …` works right after `npm install` with no build step to remember.
import { setFlagsFromString } from 'node:v8';
import { loadEntry } from '../scripts/bundle.mjs';

// WebAssembly runs on V8's baseline compiler only. undici parses HTTP in WebAssembly; after a response or two V8
// starts an optimizing compile of its (very large) parser in the background, and Node waits for that compile to
// finish before the process exits: 0.1–0.3 s of CPU added to every command for code that is never run again. The
// baseline code is fast enough for the CLI's WebAssembly (the parser, and the CRC64 kernel at ~2 GB/s either way).
setFlagsFromString('--liftoff-only');

const { main } = await loadEntry('coffer');
process.exitCode = await main(process.argv.slice(2));
