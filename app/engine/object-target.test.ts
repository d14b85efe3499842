// The one rule for what a cos:// address names, and listing by it against the real store: `pics` with a recursive
// command is the object pics and pics/…, never pics2/… or picsX.txt (issue 12 §2).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CosClient } from '../cos/client';
import { testClient } from '../cos/client/test-support/client-fixture';
import { startFixture, type StoreFixture } from '../store/test-support/store-fixture';
import { describeEmptyTarget, describeTarget, listTarget, resolveTarget, targetBase, type ObjectTarget } from './object-target';

describe('resolveTarget', () => {
  it.each([
    ['pics', true, { exactKey: 'pics', prefix: 'pics/' }, 'at cos://b/pics and under cos://b/pics/', ''],
    ['2026/album', true, { exactKey: '2026/album', prefix: '2026/album/' }, 'at cos://b/2026/album and under cos://b/2026/album/', '2026/'],
    ['2026/album/', true, { prefix: '2026/album/' }, 'under cos://b/2026/album/', '2026/album/'],
    ['', true, { prefix: '' }, 'in cos://b', ''],
    ['2026/album', false, { exactKey: '2026/album' }, 'at cos://b/2026/album', '2026/'],
  ] as Array<[string, boolean, ObjectTarget, string, string]>)('%j (recursive %s)', (key, recursive, target, where, base) => {
    expect(resolveTarget(key, recursive)).toEqual(target);
    expect(describeTarget('b', target)).toBe(where);
    expect(targetBase(target)).toBe(base);
  });

  it('says plainly what an empty target means', () => {
    expect(describeEmptyTarget('b', resolveTarget('pics', true))).toBe('there is no object cos://b/pics and nothing under cos://b/pics/');
    expect(describeEmptyTarget('b', resolveTarget('pics/', true))).toBe('there is nothing under cos://b/pics/');
    expect(describeEmptyTarget('b', resolveTarget('', true))).toBe('the bucket cos://b is empty');
  });
});

describe('listTarget', () => {
  let f: StoreFixture;
  let client: CosClient;
  beforeAll(async () => {
    f = await startFixture();
    client = testClient(f.port);
    await client.createBucket('names');
    for (const key of ['pics', 'pics!', 'pics/a.txt', 'pics/sub/b.txt', 'pics2/keep.txt', 'picsX.txt', 'pic']) await client.putObject('names', key, Buffer.from(key));
  });
  afterAll(async () => {
    await client?.close();
    await f?.close();
  });

  const keys = async (target: ObjectTarget, delimiter?: string) => {
    const out: string[] = [];
    const prefixes: string[] = [];
    for await (const page of listTarget(client, 'names', target, { delimiter })) {
      out.push(...page.contents.map((c) => c.key));
      prefixes.push(...page.commonPrefixes);
    }
    return { keys: out, prefixes };
  };

  it('lists the object of a name first, then its folder, and nothing that only starts like it', async () => {
    expect((await keys(resolveTarget('pics', true))).keys).toEqual(['pics', 'pics/a.txt', 'pics/sub/b.txt']);
    expect(await keys(resolveTarget('pics', true), '/')).toEqual({ keys: ['pics', 'pics/a.txt'], prefixes: ['pics/sub/'] });
    expect((await keys(resolveTarget('pics/', true))).keys).toEqual(['pics/a.txt', 'pics/sub/b.txt']);
    // A name that is only an object, and one that is neither (`pic` sorts before `pics`, `pics!` after it).
    expect((await keys(resolveTarget('picsX.txt', true))).keys).toEqual(['picsX.txt']);
    expect((await keys(resolveTarget('pi', true))).keys).toEqual([]);
  });
});
