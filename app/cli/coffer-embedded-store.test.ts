// `coffer` with no profile and no COFFER_ENDPOINT uses the embedded store of COFFER_HOME; when nothing serves it, the
// command starts it (app/services/embedded-store.ts: a child process, as in the app) for its own run. That store
// lives exactly as long as the command, however the command ends: killed outright, it leaves no store running and
// no address record behind.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { alive } from '../services/embedded-store';
import { baseEnv, coffer, waitUntil } from './test-support/cli-bed';
import { COFFER_BIN } from './test-support/bins';

async function record(home: string): Promise<{ url: string; pid: number } | undefined> {
  try {
    return JSON.parse(await readFile(join(home, 'store.json'), 'utf8')) as { url: string; pid: number };
  } catch {
    return undefined; // not there yet, or being written
  }
}

describe('the embedded store a command starts', () => {
  let home: string | undefined;
  afterEach(async () => {
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('stops when the command is killed (SIGKILL), leaving no store running and no store.json', async () => {
    home = await mkdtemp(join(tmpdir(), 'coffer-lifeline-'));
    const env = baseEnv(home);
    const made = coffer(['mb', 'cos://lifeline'], env);
    expect(made.code, made.stderr).toBe(0);

    // An upload from standard input that is still waiting for the rest of its input: the command is running.
    const cmd = spawn(process.execPath, [COFFER_BIN, 'cp', '-', 'cos://lifeline/piped.bin'], { env, stdio: ['pipe', 'ignore', 'pipe'] });
    const exited = new Promise((resolve) => cmd.on('close', resolve));
    cmd.stdin.write('the first bytes; more would follow');
    let running: { url: string; pid: number } | undefined;
    await waitUntil(async () => (running = await record(home!)) !== undefined, 'the store recorded its address');
    expect(running!.pid).not.toBe(cmd.pid); // a process of its own
    expect(alive(running!.pid)).toBe(true);

    cmd.kill('SIGKILL');
    await exited;
    await waitUntil(() => !alive(running!.pid), 'the store stopped');
    // It drained and removed its record, as on SIGTERM: the next command starts a store of its own.
    await expect(stat(join(home, 'store.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    const next = coffer(['ls', '--json'], env);
    expect(next.code, next.stderr).toBe(0);
    expect(JSON.parse(next.stdout)).toMatchObject({ buckets: [{ name: 'lifeline-1250000000' }] });
  });
});
