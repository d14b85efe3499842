#!/usr/bin/env node
// `prepare` (runs after `npm install` / `npm ci` in this checkout): links this package's own commands into
// node_modules/.bin, so `npx coffer …` and `npx coffer-store …` run this checkout's commands with no build step.
// (npm links the bins of dependencies, not those of the root package.)
import { chmodSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const binDir = join(root, 'node_modules', '.bin');
mkdirSync(binDir, { recursive: true });
for (const [name, target] of Object.entries(pkg.bin ?? {})) {
  const link = join(binDir, name);
  const abs = join(root, target);
  rmSync(link, { force: true });
  symlinkSync(relative(binDir, abs), link);
  chmodSync(abs, 0o755);
}
