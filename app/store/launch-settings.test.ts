// The coffer-store bin starts itself with the store's launch settings: its shebang must say what the module says.
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { storeShebang } from './launch-settings';
import { spawnStore } from './test-support/store-process';

it('bin/coffer-store.mjs begins with the shebang that applies the launch settings', () => {
  const first = readFileSync(join(import.meta.dirname, '..', '..', 'bin', 'coffer-store.mjs'), 'utf8').split('\n')[0];
  expect(first).toBe(storeShebang());
});

it('a spawned store runs with them: the malloc variables in its environment and the V8 flag in its arguments', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'coffer-launch-'));
  const p = await spawnStore(join(dir, 'data'), join(dir, 'keys', 'keyring.json'));
  try {
    const environ = (await readFile(`/proc/${p.child.pid}/environ`, 'utf8')).split('\0');
    expect(environ).toContain('MALLOC_ARENA_MAX=1');
    const cmdline = (await readFile(`/proc/${p.child.pid}/cmdline`, 'utf8')).split('\0');
    expect(cmdline).toContain('--max-semi-space-size=1');
  } finally {
    p.child.kill('SIGTERM');
    await p.exited;
    await rm(dir, { recursive: true, force: true });
  }
});
