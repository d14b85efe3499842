#!/usr/bin/env node
// The README's test command. Runs every suite (vitest: app/, shared/, renderer/; then Playwright e2e in Chromium
// against browser mode) and ends with one plain line CI reads: "N passed, N failed". Exit code is non-zero if
// anything failed or nothing ran. `--no-e2e` runs only vitest; other arguments go to vitest.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'coffer-tests-'));
const args = process.argv.slice(2);
const withE2e = !args.includes('--no-e2e');
const extra = args.filter((a) => a !== '--no-e2e');
let passed = 0;
let failed = 0;
let skipped = 0;

const report = join(dir, 'vitest.json');
const run = spawnSync(
  process.execPath,
  ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extra],
  { stdio: 'inherit' },
);
try {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  passed += json.numPassedTests ?? 0;
  failed += (json.numFailedTests ?? 0) + (json.numRuntimeErrorTestSuites ?? 0);
  skipped += (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
  if (json.numFailedTestSuites && !json.numFailedTests) failed += json.numFailedTestSuites;
} catch (err) {
  console.error(`vitest wrote no report (${err.message}); counting the run as failed`);
  failed += 1;
}
if (run.status !== 0 && failed === 0) failed = 1;

if (withE2e) {
  // Playwright drives Debian's Chromium (it cannot download its own browsers here); without one the e2e suite
  // cannot run, and that is a failure, not a silent skip.
  const chromium = process.env.COFFER_E2E_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    console.error(`e2e: no Chromium at ${chromium} (install Debian's chromium, or set COFFER_E2E_CHROMIUM); the e2e suite counts as failed`);
    failed += 1;
  } else {
    const e2eReport = join(dir, 'e2e.json');
    const e2e = spawnSync(
      process.execPath,
      ['node_modules/@playwright/test/cli.js', 'test', '-c', 'e2e/playwright.config.ts', '--project', 'browser', '--reporter=list,json'],
      { stdio: 'inherit', env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: e2eReport } },
    );
    try {
      const stats = JSON.parse(readFileSync(e2eReport, 'utf8')).stats ?? {};
      passed += stats.expected ?? 0;
      failed += (stats.unexpected ?? 0) + (stats.flaky ?? 0);
      skipped += stats.skipped ?? 0;
      if (e2e.status !== 0 && !stats.unexpected && !stats.flaky) failed += 1;
    } catch (err) {
      console.error(`playwright wrote no report (${err.message}); counting the e2e run as failed`);
      failed += 1;
    }
  }
}

rmSync(dir, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
