#!/usr/bin/env node
// Bundles the store (and its write worker) to plain JavaScript in dist/store/, the way the packaged app runs it:
// no TypeScript loader in the process. Dependencies stay in node_modules (node-sqlite3-wasm loads its .wasm file
// from beside its own module).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'store');
await build({
  entryPoints: {
    'coffer-store': join(root, 'app', 'cli', 'coffer-store-main.ts'),
    'md5-worker': join(root, 'app', 'store', 'objects', 'md5-worker.ts'),
  },
  outdir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
console.log(`built ${outdir}`);
