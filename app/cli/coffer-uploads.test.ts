// `coffer uploads ls|abort` (issue 12 §5): incomplete multipart uploads are listed with their parts and bytes,
// aborted one at a time or all older than an age after the same confirmation as `rm -r`, and aborting one that
// this machine could resume also removes its journal, so the next `cp` of that file starts cleanly. The real bin
// against a real store; uploads are left incomplete with a client of the same store, or by a real Ctrl-C.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cofferAsync, HoldingProxy, journalsIn, json, partFrom, startCliBed, startCoffer, waitUntil, type CliBed } from './test-support/cli-bed';

let bed: CliBed;

beforeAll(async () => {
  bed = await startCliBed('coffer-uploads-');
});
afterAll(() => bed?.close());

/** Starts an upload and sends parts of these sizes, never completing it. */
async function leaveIncomplete(bucket: string, key: string, partSizes: number[]): Promise<string> {
  const { uploadId } = await bed.client.initiateMultipartUpload(bucket, key);
  for (const [i, size] of partSizes.entries()) await bed.client.uploadPart(bucket, key, uploadId, i + 1, randomBytes(size));
  return uploadId;
}

async function uploadIdsOnServer(bucket: string): Promise<string[]> {
  return (await bed.client.listMultipartUploads(bucket)).uploads.map((u) => `${u.key} ${u.uploadId}`).sort();
}

interface Listed {
  uploads: Array<{ key: string; uploadId: string; parts: number; bytes: number; initiated: string }>;
  total: { uploads: number; parts: number; bytes: number };
}

describe('coffer uploads', () => {
  it('lists incomplete uploads under a name (the object and its folder, not neighbours) with the parts and bytes they hold', async () => {
    await bed.client.createBucket('listed');
    const big = await leaveIncomplete('listed', 'logs/big.bin', [3000, 2000]);
    await leaveIncomplete('listed', 'logs', [100]);
    await leaveIncomplete('listed', 'logs2/other.bin', [10]);
    await leaveIncomplete('listed', 'logsX.txt', []);

    const ls = await cofferAsync(['uploads', 'ls', 'cos://listed/logs'], bed.env);
    expect(ls.code, ls.stderr).toBe(0);
    expect(ls.stdout).toMatch(new RegExp(`^\\S+Z +2 parts, 4.9 KiB  ${big}  logs/big\\.bin$`, 'm'));
    expect(ls.stdout).toContain('2 incomplete uploads at cos://listed/logs and under cos://listed/logs/ hold 3 parts (5.0 KiB); `coffer uploads abort` removes them\n');
    expect(ls.stdout).not.toMatch(/logs2|logsX/);
    const doc = json<Listed>(await cofferAsync(['uploads', 'ls', 'cos://listed', '--json'], bed.env));
    expect(doc.total).toEqual({ uploads: 4, parts: 4, bytes: 5110 });
    expect(doc.uploads.find((u) => u.uploadId === big)).toMatchObject({ key: 'logs/big.bin', parts: 2, bytes: 5000 });
    expect(Number.isNaN(Date.parse(doc.uploads[0]!.initiated))).toBe(false);
  });

  it('aborts the one upload of a key, and asks which when a key has several', async () => {
    await bed.client.createBucket('single');
    const twiceA = await leaveIncomplete('single', 'twice.bin', [100]);
    const twiceB = await leaveIncomplete('single', 'twice.bin', []);
    const which = await cofferAsync(['uploads', 'abort', 'cos://single/twice.bin'], bed.env);
    expect(which.code).toBe(2);
    expect(which.stderr).toMatch(new RegExp(`cos://single/twice\\.bin has 2 incomplete uploads: (${twiceA}|${twiceB}) \\(started .*Name one with --upload-id ID\\.`));
    const one = await cofferAsync(['uploads', 'abort', 'cos://single/twice.bin', '--upload-id', twiceA], bed.env);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toBe(`aborted the incomplete upload ${twiceA} of cos://single/twice.bin (1 part, 100 B no longer held)\n`);
    expect(await uploadIdsOnServer('single')).toEqual([`twice.bin ${twiceB}`]);
    const gone = await cofferAsync(['uploads', 'abort', 'cos://single/twice.bin', '--upload-id', twiceA], bed.env);
    expect(gone.code).toBe(3);
    expect(gone.stderr).toContain(`cos://single/twice.bin has no incomplete upload with ID ${twiceA}`);
  });

  it('aborts every upload older than an age only once told to (--yes), lists them with --dry-run, refuses without a terminal', async () => {
    await bed.client.createBucket('aged');
    const big = await leaveIncomplete('aged', 'logs/big.bin', [3000, 2000]);
    const small = await leaveIncomplete('aged', 'logs/small.bin', [10]);
    const neighbour = await leaveIncomplete('aged', 'logs2/other.bin', [10]);

    const young = await cofferAsync(['uploads', 'abort', 'cos://aged/logs', '--older-than', '1d'], bed.env);
    expect(young.code, young.stderr).toBe(0);
    expect(young.stdout).toContain('no incomplete uploads at cos://aged/logs and under cos://aged/logs/ started more than 1d ago; nothing to abort');
    const refused = await cofferAsync(['uploads', 'abort', 'cos://aged/logs', '--older-than', '0s'], bed.env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('coffer: about to abort 2 incomplete uploads (4.9 KiB) at cos://aged/logs and under cos://aged/logs/ started more than 0s ago:');
    expect(refused.stderr).toContain('There is no terminal to confirm on: pass --yes to abort these 2 incomplete uploads, or --dry-run to only list them. Nothing was aborted.');
    const dry = await cofferAsync(['uploads', 'abort', 'cos://aged/logs', '--older-than', '0s', '--dry-run', '--json'], bed.env);
    expect(json<{ wouldAbort: Array<{ uploadId: string }> }>(dry).wouldAbort.map((u) => u.uploadId).sort()).toEqual([big, small].sort());
    expect(await uploadIdsOnServer('aged')).toHaveLength(3);
    const all = await cofferAsync(['uploads', 'abort', 'cos://aged/logs', '--older-than', '0s', '-y'], bed.env);
    expect(all.code, all.stderr).toBe(0);
    expect(await uploadIdsOnServer('aged')).toEqual([`logs2/other.bin ${neighbour}`]);

    const badAge = await cofferAsync(['uploads', 'abort', 'cos://aged', '--older-than', 'a week'], bed.env);
    expect(badAge.code).toBe(2);
    expect(badAge.stderr).toContain('--older-than takes an age with a unit s, m, h, d or w (e.g. 7d, 12h), not "a week".');
  });

  it('aborting an upload this machine could resume removes its journal, and the next cp of the file starts cleanly', async () => {
    await bed.client.createBucket('resume');
    const proxy = await HoldingProxy.start(bed.store.port);
    try {
      const src = join(bed.root, 'film.bin');
      const body = randomBytes(17 * 1024 * 1024); // above the single-PUT threshold (16 MiB): 4 parts of 5 MiB
      await writeFile(src, body);
      proxy.hold(partFrom(2));
      const run = startCoffer(['cp', src, 'cos://resume/film.bin', '--part-size', '5M'], { ...bed.env, COFFER_ENDPOINT: `http://127.0.0.1:${proxy.port}` });
      await waitUntil(async () => (await journalsIn(bed.env.COFFER_HOME!)).some((j) => j.key === 'film.bin' && j.parts === 1), 'part 1 is journalled');
      run.child.kill('SIGINT');
      expect((await run.exited).code).toBe(130);
    } finally {
      await proxy.close();
    }
    const src = join(bed.root, 'film.bin');
    const ls = await cofferAsync(['uploads', 'ls', 'cos://resume'], bed.env);
    expect(ls.stdout).toContain(`resumable here: the same \`coffer cp\` of ${src} continues it`);

    const abort = await cofferAsync(['uploads', 'abort', 'cos://resume/film.bin'], bed.env);
    expect(abort.code, abort.stderr).toBe(0);
    expect(abort.stdout).toMatch(new RegExp(`^aborted the incomplete upload \\S+ of cos://resume/film\\.bin \\(1 part, 5\\.0 MiB no longer held\\); the resume journal for ${src.replaceAll('.', '\\.')} was removed\\n$`));
    expect(await journalsIn(bed.env.COFFER_HOME!)).toEqual([]);
    expect((await bed.client.listMultipartUploads('resume')).uploads).toEqual([]);

    const again = await cofferAsync(['cp', src, 'cos://resume/film.bin', '--part-size', '5M'], bed.env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toMatch(/resuming|no longer exists/);
    expect((await bed.client.headObject('resume', 'film.bin')).size).toBe(17 * 1024 * 1024);
  });
});
