// Recursive commands read a name as a folder: `cos://b/pics -r` is the object `pics` and everything under
// `pics/`, never `pics2/…` or `picsX.txt` (issue 12 §2). A recursive delete says what it will delete and asks on
// a terminal (a real pseudo-terminal here), refuses without one unless told --yes, and only lists with --dry-run.
// The real bin against a real store; what is on the server afterwards is read with a client of the same store.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cofferAsync, cofferInTerminal, json, keysIn, startCliBed, terminalAvailable, type CliBed } from './test-support/cli-bed';

let bed: CliBed;

beforeAll(async () => {
  bed = await startCliBed('coffer-recursive-');
});
afterAll(() => bed?.close());

async function put(bucket: string, keys: Record<string, string>): Promise<void> {
  await bed.client.createBucket(bucket);
  for (const [key, body] of Object.entries(keys)) await bed.client.putObject(bucket, key, Buffer.from(body));
}

describe('coffer rm --recursive', () => {
  it('deletes the object and the folder a name means, never its neighbours, and only once it was told to', async () => {
    await put('rmr', { pics: 'the object', 'pics/a.txt': 'aaaa', 'pics/sub/b.txt': 'bb', 'pics2/keep.txt': 'keep', 'picsX.txt': 'keep too' });
    const all = ['pics', 'pics/a.txt', 'pics/sub/b.txt', 'pics2/keep.txt', 'picsX.txt'];

    // No terminal and no --yes: it says what it would delete, refuses (exit 2) and deletes nothing.
    const refused = await cofferAsync(['rm', 'cos://rmr/pics', '--recursive'], bed.env);
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toContain('coffer: about to delete 3 objects (16 B) at cos://rmr/pics and under cos://rmr/pics/:\n  cos://rmr/pics\n  cos://rmr/pics/a.txt\n  cos://rmr/pics/sub/b.txt\n');
    expect(refused.stderr).toContain('There is no terminal to confirm on: pass --yes to delete these 3 objects, or --dry-run to only list them. Nothing was deleted.');
    expect(await keysIn(bed.client, 'rmr')).toEqual(all);

    // --dry-run lists every one and deletes nothing.
    const dry = await cofferAsync(['rm', 'cos://rmr/pics', '-r', '--dry-run', '--json'], bed.env);
    expect(dry.code, dry.stderr).toBe(0);
    expect(json(dry)).toMatchObject({ bucket: 'rmr', exactKey: 'pics', prefix: 'pics/', dryRun: true, bytes: 16, deleted: [] });
    expect(json<{ wouldDelete: Array<{ key: string }> }>(dry).wouldDelete.map((o) => o.key)).toEqual(['pics', 'pics/a.txt', 'pics/sub/b.txt']);
    expect(await keysIn(bed.client, 'rmr')).toEqual(all);
  });

  it('deletes at once with --yes (for scripts); a name ending in / is only what is under it; nothing there is not found', async () => {
    await put('rmyes', { pics: 'the object', 'pics/a.txt': 'aaaa', 'pics2/keep.txt': 'keep' });
    const yes = await cofferAsync(['rm', 'cos://rmyes/pics/', '-r', '--yes'], bed.env);
    expect(yes.code, yes.stderr).toBe(0);
    expect(yes.stdout).toBe('deleted cos://rmyes/pics/a.txt\n');
    expect(await keysIn(bed.client, 'rmyes')).toEqual(['pics', 'pics2/keep.txt']);

    const none = await cofferAsync(['rm', 'cos://rmyes/nope', '-r', '--yes'], bed.env);
    expect(none.code).toBe(3);
    expect(none.stderr).toContain('Nothing to delete: there is no object cos://rmyes/nope and nothing under cos://rmyes/nope/.');
  });

  it.skipIf(!terminalAvailable)('asks on a terminal: anything but y keeps everything, y deletes the object and its folder only', async () => {
    await put('rmtty', { pics: 'the object', 'pics/a.txt': 'aaaa', 'pics2/keep.txt': 'keep', 'picsX.txt': 'keep too' });

    const no = await cofferInTerminal(['rm', 'cos://rmtty/pics', '-r'], bed.env, '\n');
    expect(no.code, no.stdout).toBe(1);
    expect(no.stdout).toContain('coffer: about to delete 2 objects (14 B) at cos://rmtty/pics and under cos://rmtty/pics/:');
    expect(no.stdout).toContain('Delete these 2 objects? [y/N] ');
    expect(no.stdout).toContain('coffer: Not confirmed; nothing was deleted.');
    expect(await keysIn(bed.client, 'rmtty')).toEqual(['pics', 'pics/a.txt', 'pics2/keep.txt', 'picsX.txt']);

    const yes = await cofferInTerminal(['rm', 'cos://rmtty/pics', '-r'], bed.env, 'y\n');
    expect(yes.code, yes.stdout).toBe(0);
    expect(yes.stdout).toContain('deleted cos://rmtty/pics\ndeleted cos://rmtty/pics/a.txt\n');
    expect(await keysIn(bed.client, 'rmtty')).toEqual(['pics2/keep.txt', 'picsX.txt']);
  });
});

describe('cp -r, ls and encrypt -r', () => {
  beforeAll(async () => {
    await bed.client.createBucket('tree');
    const objects: Record<string, string> = {
      '2026/album': 'an object named like the folder',
      '2026/album/a.jpg': 'a',
      '2026/album/sub/b.jpg': 'bb',
      '2026/album2/c.jpg': 'not part of it',
      '2026/albumX.txt': 'not part of it either',
    };
    // Unencrypted, so `encrypt -r` has work to do and what it leaves alone stays visibly unencrypted.
    for (const [key, body] of Object.entries(objects)) await bed.client.putObject('tree', key, Buffer.from(body));
  });

  it('downloads the folder a name means, and reports the object of the same name instead of clashing with it', async () => {
    const restore = join(bed.root, 'restore');
    const r = await cofferAsync(['cp', 'cos://tree/2026/album', restore, '-r', '--json'], bed.env);
    expect(r.code, r.stderr).toBe(1); // one object could not be written: a partial failure
    expect(await readFile(join(restore, 'album', 'a.jpg'), 'utf8')).toBe('a');
    expect(await readFile(join(restore, 'album', 'sub', 'b.jpg'), 'utf8')).toBe('bb');
    expect(await readdir(restore)).toEqual(['album']); // no album2/, no albumX.txt
    expect(existsSync(join(restore, 'album2'))).toBe(false);
    const doc = json<{ objects: Array<{ key: string }>; failed: Array<{ key: string; error: string }>; exactKey: string; prefix: string }>(r);
    expect(doc.objects.map((o) => o.key).sort()).toEqual(['2026/album/a.jpg', '2026/album/sub/b.jpg']);
    expect(doc).toMatchObject({ exactKey: '2026/album', prefix: '2026/album/' });
    const sentence = `${join(restore, 'album')} is where the objects under tree/2026/album/ go (a folder), and a file cannot have the same name as a folder; nothing was written for it: download it on its own, to another name`;
    expect(doc.failed).toEqual([{ key: '2026/album', error: `${sentence}.` }]);
    expect(r.stderr).toContain(`coffer: could not download cos://tree/2026/album: ${sentence}`);
  });

  it('ls and ls -r show the object and the folder a name means; encrypt -r encrypts exactly those', async () => {
    const one = json<{ objects: Array<{ key: string }>; prefixes: string[] }>(await cofferAsync(['ls', 'cos://tree/2026/album', '--json'], bed.env));
    expect(one.objects.map((o) => o.key)).toEqual(['2026/album', '2026/album/a.jpg']);
    expect(one.prefixes).toEqual(['2026/album/sub/']);
    const all = json<{ objects: Array<{ key: string }> }>(await cofferAsync(['ls', '-r', 'cos://tree/2026/album', '--json'], bed.env));
    expect(all.objects.map((o) => o.key)).toEqual(['2026/album', '2026/album/a.jpg', '2026/album/sub/b.jpg']);

    const enc = await cofferAsync(['encrypt', '-r', 'cos://tree/2026/album', '--json'], bed.env);
    expect(enc.code, enc.stderr).toBe(0);
    const doc = json<{ objects: Array<{ key: string; state: string }> }>(enc);
    expect(doc.objects.map((o) => [o.key, o.state])).toEqual([
      ['2026/album', 'encrypted'],
      ['2026/album/a.jpg', 'encrypted'],
      ['2026/album/sub/b.jpg', 'encrypted'],
    ]);
    expect((await bed.client.headObject('tree', '2026/album2/c.jpg')).encryption.mode).toBe('none');
    expect((await bed.client.headObject('tree', '2026/albumX.txt')).encryption.mode).toBe('none');
  });
});
