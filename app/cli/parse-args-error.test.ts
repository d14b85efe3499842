// A mistyped option gets one plain sentence and the usage exit code from both command lines, naming the option as
// typed and never repeating a value given with it.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as coffer } from './coffer';
import type { Streams } from './coffer/output';

let home: string;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'coffer-args-'));
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

/** Runs `coffer` in this process with its own streams (as scripts see it: no terminal). */
async function run(argv: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  let stderr = '';
  let stdout = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk: Buffer, _enc, done) {
        append(chunk.toString());
        done();
      },
    });
  const streams: Streams = { stdout: sink((s) => (stdout += s)), stderr: sink((s) => (stderr += s)) };
  const code = await coffer(argv, { COFFER_HOME: home, PATH: process.env.PATH }, streams);
  return { code, stderr, stdout };
}

describe('coffer', () => {
  it.each([
    [['ls', '--frobnicate'], 'unknown option --frobnicate. See `coffer --help`.'],
    [['cp', 'a', 'cos://b/k', '--frobnicate=hunter2secret'], 'unknown option --frobnicate. See `coffer --help`.'],
    [['ls', '-rX'], 'unknown option -X. See `coffer --help`.'],
    [['cp', 'a', 'cos://b/k', '--sse'], '--sse needs a value. See `coffer --help`.'],
    [['ls', '--json=hunter2secret'], '--json takes no value. See `coffer --help`.'],
    [['cp', 'a', 'cos://b/k', '--sse-c-key', '-hunter2secret'], '--sse-c-key needs a value, but an option follows it; for a value that starts with "-", write --sse-c-key=VALUE. See `coffer --help`.'],
  ])('%j → %s', async (argv, sentence) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`coffer: ${sentence}`);
    expect(r.stderr).not.toContain('hunter2secret');
    expect(r.stdout).toBe('');
    // Refused before anything was set up: no vault, no store.
    expect(await readdir(home)).toEqual([]);
  });

  it('says the same in --json output', async () => {
    const r = await run(['ls', '--frobnicate', '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'Usage', message: 'unknown option --frobnicate. See `coffer --help`.', exitCode: 2 } });
  });
});

describe('coffer-store', () => {
  it('names an unknown option plainly, exits 2 and touches nothing', async () => {
    const data = join(home, 'store-data');
    const script = `const { main } = await import(${JSON.stringify(join(import.meta.dirname, 'coffer-store.ts'))}); process.exitCode = await main(process.argv.slice(1));`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, 'serve', '--data', data, '--frobnicate=hunter2secret'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('coffer-store: unknown option --frobnicate.');
    expect(r.stderr).not.toContain('hunter2secret');
    expect(r.stderr).not.toContain("as in '--");
    expect(await readdir(home)).toEqual([]);
  });
});
