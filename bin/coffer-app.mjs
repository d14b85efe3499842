#!/usr/bin/env node
// `npm start`: opens Coffer, the desktop window where Electron can run, else browser mode (app/main/launch.ts).
// Runs the bundled command (dist/cli, scripts/bundle.mjs), rebuilt first if a source changed since it was built.
import { loadEntry } from '../scripts/bundle.mjs';

const { main } = await loadEntry('coffer-app');
process.exitCode = await main(process.argv.slice(2));
