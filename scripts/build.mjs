#!/usr/bin/env node
// `npm run build` (and `prepare`, after every `npm install` / `npm ci`): bundles `coffer`, `coffer-store` and
// `npm start` into dist/cli (scripts/bundle.mjs says how and why). The bins rebuild on their own when a source
// changed; this is for a build up front.
import { relative } from 'node:path';
import { BUNDLE_DIR, ROOT, buildBundle } from './bundle.mjs';

const { ms, files } = await buildBundle();
console.log(`built ${relative(ROOT, BUNDLE_DIR)} (${files} files, ${(ms / 1000).toFixed(1)} s)`);
