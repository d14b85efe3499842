#!/usr/bin/env node
// The README's test command. Runs every suite (vitest now; Playwright e2e joins later) and ends with one
// plain line CI reads: "N passed, N failed". Exit code is non-zero if anything failed or nothing ran.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'coffer-tests-'));
const report = join(dir, 'vitest.json');
const extra = process.argv.slice(2);
const run = spawnSync(
  process.execPath,
  ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extra],
  { stdio: 'inherit' },
);

let passed = 0;
let failed = 0;
try {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  passed += json.numPassedTests ?? 0;
  failed += (json.numFailedTests ?? 0) + (json.numRuntimeErrorTestSuites ?? 0);
  if (json.numFailedTestSuites && !json.numFailedTests) failed += json.numFailedTestSuites;
} catch (err) {
  console.error(`vitest wrote no report (${err.message}); counting the run as failed`);
  failed += 1;
}
rmSync(dir, { recursive: true, force: true });
if (run.status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
