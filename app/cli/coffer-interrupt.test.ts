// Ctrl-C during `coffer cp` (issue 12 §5): the run ends with exit 130 and one sentence saying what was kept and
// what to do, instead of nothing. A real `coffer cp` child gets a real SIGINT while a proxy holds some of its
// requests back; what the sentence promises (running the same command resumes) is then checked too.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tempPathsFor } from '../engine/download';
import { cofferAsync, HoldingProxy, journalsIn, keysIn, partFrom, startCliBed, startCoffer, waitUntil, type CliBed } from './test-support/cli-bed';

const MiB = 1024 * 1024;
let bed: CliBed;
let proxy: HoldingProxy;
/** The environment of a run that goes through the proxy. */
let viaProxy: Record<string, string>;

beforeAll(async () => {
  bed = await startCliBed('coffer-interrupt-');
  await bed.client.createBucket('intr');
  proxy = await HoldingProxy.start(bed.store.port);
  viaProxy = { ...bed.env, COFFER_ENDPOINT: `http://127.0.0.1:${proxy.port}` };
});
beforeEach(() => proxy.reset());
afterAll(async () => {
  await proxy?.close();
  await bed?.close();
});

describe('Ctrl-C during coffer cp', () => {
  it('of a multipart upload says how many parts are kept and that the same command resumes, which it does', async () => {
    const src = join(bed.root, 'big.bin');
    const body = randomBytes(21 * MiB); // 5 parts of 5 MiB
    await writeFile(src, body);
    proxy.hold(partFrom(3)); // parts 1 and 2 go through, the others never get an answer
    const run = startCoffer(['cp', src, 'cos://intr/big.bin', '--part-size', '5M'], viaProxy);
    const journalled = async () => (await journalsIn(bed.env.COFFER_HOME!)).find((j) => j.key === 'big.bin')?.parts ?? 0;
    await waitUntil(async () => (await journalled()) === 2, 'two parts are journalled');
    run.child.kill('SIGINT');
    const r = await run.exited;
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain(
      'coffer: interrupted: 2 of 5 parts of cos://intr/big.bin are kept on the server; run the same command to resume (or `coffer uploads abort cos://intr/big.bin` to discard them).\n',
    );

    const again = await cofferAsync(['cp', src, 'cos://intr/big.bin', '--part-size', '5M'], bed.env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`${src}: resuming the interrupted upload (2 of 5 parts were already uploaded)`);
    expect((await bed.client.headObject('intr', 'big.bin')).size).toBe(body.length);
  });

  it('of a folder upload says how many files were uploaded and which parts are kept', async () => {
    const dir = join(bed.root, 'dir');
    await mkdir(dir);
    await writeFile(join(dir, 'a.txt'), 'small a');
    await writeFile(join(dir, 'b.txt'), 'small b');
    await writeFile(join(dir, 'large.bin'), randomBytes(21 * MiB));
    proxy.hold(partFrom(2));
    const run = startCoffer(['cp', '-r', `${dir}/`, 'cos://intr/up/', '--part-size', '5M'], viaProxy);
    await waitUntil(async () => (await journalsIn(bed.env.COFFER_HOME!)).some((j) => j.key === 'up/large.bin' && j.parts === 1), 'part 1 is journalled');
    await waitUntil(async () => (await keysIn(bed.client, 'intr')).filter((k) => k.startsWith('up/')).length === 2, 'the small files are stored');
    // The server stored them; give the child a moment to take in the answers before it is interrupted.
    await new Promise((r) => setTimeout(r, 1000));
    run.child.kill('SIGINT');
    const r = await run.exited;
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain(
      'coffer: interrupted: 2 of 3 files were uploaded to cos://intr/up/; 1 of 5 parts of cos://intr/up/large.bin is kept on the server. ' +
        'Run the same command to finish (it uploads the files again, but not the kept parts).\n',
    );
  });

  it('of a download says how much is kept beside the destination', async () => {
    await bed.client.putObject('intr', 'down.bin', randomBytes(3 * MiB));
    proxy.hold((m, u) => m === 'GET' && u.startsWith('/down.bin'), { afterBytes: MiB });
    const dest = join(bed.root, 'down.bin');
    const run = startCoffer(['cp', 'cos://intr/down.bin', dest], viaProxy);
    const { temp } = tempPathsFor(dest);
    await waitUntil(async () => (await stat(temp).catch(() => undefined))?.size === MiB, 'the first MiB is on disk');
    run.child.kill('SIGINT');
    const r = await run.exited;
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain(`coffer: interrupted: 1.0 MiB of cos://intr/down.bin are kept beside ${dest}; run the same command to resume.\n`);
    expect(await readFile(temp)).toHaveLength(MiB);
  });
});
