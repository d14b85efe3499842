#!/usr/bin/env node
// `npm run store`: serves the embedded store of COFFER_HOME on 127.0.0.1:9000 for SDKs and scripts (app/cli/coffer-start.ts says where it keeps what).
// Runs the bundled command (dist/cli, scripts/bundle.mjs), rebuilt first if a source changed since it was built.
import { loadEntry } from '../scripts/bundle.mjs';

const { main } = await loadEntry('coffer-start');
process.exitCode = await main(process.argv.slice(2));
