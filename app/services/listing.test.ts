// A folder's page as the window lists it, searched by name: case and accents do not matter ("RESUME" finds
// "Résumé.pdf"), as in a file manager; folders are searched the same way.
import { describe, expect, it } from 'vitest';
import { useStoreClient } from './test-support/store-client';
import { listFolders, listPage } from './listing';

const BUCKET = 'search-1250000000';

const store = useStoreClient(async (client) => {
  await client.createBucket(BUCKET);
  for (const key of ['docs/Résumé 2026.pdf', 'docs/resume-old.txt', 'docs/notes.txt', 'docs/Ébauches/plan.txt', 'docs/photos/a.jpg']) await client.putObject(BUCKET, key, Buffer.from('x'));
});

const names = async (nameFilter: string) => {
  const page = await listPage(store.client, BUCKET, { prefix: 'docs/', nameFilter });
  return [...page.folders.map((x) => `${x.name}/`), ...page.objects.map((o) => o.name)];
};

describe('searching a folder by name', () => {
  it('ignores case and accents, in files and folders', async () => {
    expect(await names('RESUME')).toEqual(['Résumé 2026.pdf', 'resume-old.txt']);
    expect(await names('résumé')).toEqual(['Résumé 2026.pdf', 'resume-old.txt']);
    expect(await names('ebauche')).toEqual(['Ébauches/']);
    expect(await names('notes')).toEqual(['notes.txt']);
    expect(await names('nothing like it')).toEqual([]);
  });
});

describe("a folder's subfolders alone", () => {
  it('reads every page of the folder and keeps only its subfolders, searched like the list', async () => {
    // "zz/" and "raw/" come after 1,100 files: on the second page of the listing.
    const keys = [...Array.from({ length: 1100 }, (_, i) => `many/f${String(i).padStart(4, '0')}.txt`), 'many/raw/x.cr2', 'many/zz/Ünter.txt'];
    for (let at = 0; at < keys.length; at += 50) await Promise.all(keys.slice(at, at + 50).map((k) => store.client.putObject(BUCKET, k, Buffer.from('x'))));
    expect((await listPage(store.client, BUCKET, { prefix: 'many/' })).folders).toEqual([]);
    expect(await listFolders(store.client, BUCKET, { prefix: 'many/' })).toEqual({ folders: [{ prefix: 'many/raw/', name: 'raw' }, { prefix: 'many/zz/', name: 'zz' }], complete: true });
    expect(await listFolders(store.client, BUCKET, { prefix: 'many/', nameFilter: 'RA' })).toEqual({ folders: [{ prefix: 'many/raw/', name: 'raw' }], complete: true });
    await expect(listFolders(store.client, BUCKET, { prefix: 'many' })).rejects.toMatchObject({ code: 'BadPrefix' });
  });
});
