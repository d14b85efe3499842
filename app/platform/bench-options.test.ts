import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError, wholeNumberOption } from './bench-options';

const ROOT = join(import.meta.dirname, '..', '..');

describe('wholeNumberOption', () => {
  it('takes the fallback when absent and whole numbers ≥ 1 when given', () => {
    expect(wholeNumberOption('runs', undefined, 3)).toBe(3);
    expect(wholeNumberOption('runs', '1', 3)).toBe(1);
    expect(wholeNumberOption('files', '10000', 3)).toBe(10_000);
  });

  it.each(['', 'abc', '0', '-2', '1.5', '1e3', '0x10', '99999999999999999999'])('rejects %j, naming the flag and the value', (raw) => {
    expect(() => wholeNumberOption('size-mib', raw, 1)).toThrow(UsageError);
    expect(() => wholeNumberOption('size-mib', raw, 1)).toThrow(`--size-mib must be a whole number of at least 1, got ${JSON.stringify(raw)}`);
  });
});

describe('the benchmark scripts refuse bad flags before doing anything', () => {
  it.each([
    ['app/engine/bench/engine-bench.ts', ['--runs', 'two'], 'bench:engine: --runs must be a whole number of at least 1, got "two"'],
    ['app/store/bench/store-bench.ts', ['--size-mib', '0'], 'bench:store: --size-mib must be a whole number of at least 1, got "0"'],
    ['app/store/bench/store-bench.ts', ['--sise-mib', '8'], "bench:store: Unknown option '--sise-mib'"],
    ['app/cos/bench/crc64-bench.ts', ['--runs', '0'], 'bench:crc64: --runs must be a whole number of at least 1, got "0"'],
    ['app/cos/bench/listing-bench.ts', ['--pages', 'many'], 'bench:listing: --pages must be a whole number of at least 1, got "many"'],
    ['app/cli/bench/cli-bench.ts', ['--start-runs', 'x'], 'bench:cli: --start-runs must be a whole number of at least 1, got "x"'],
  ])('%s %j', (script, args, message) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, script), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')[0]).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.stdout).toBe('');
  });
});
