// A big drop is read in time slices: the walk gives the page back every few milliseconds instead of reading
// thousands of files in one task, and keeps the files in the order dropped.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dirEntry, dirHandle, fileEntry, fileHandle } from '../test-support/fake-entries';
import { ASK_EVERY_ITEM, FIRST_FOUND, collectDroppedFiles, takeDropEntries, type DroppedFiles } from './drop-files';

/** The files the answer holds, then the rest of a walk still going. */
async function everything(got: DroppedFiles) {
  const files = [...got.files];
  while (got.rest && !got.rest.more.drained) files.push(...(await got.rest.more.take(50)));
  return files;
}

afterEach(() => {
  vi.restoreAllMocks();
  delete (globalThis as { scheduler?: unknown }).scheduler;
});

describe('collectDroppedFiles', () => {
  it('yields to the page while it reads a drop of many files', async () => {
    // Each file takes 1 ms of the page's time; the walk must yield at least every 8 ms of it.
    let now = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    const entries = Array.from({ length: 400 }, (_, i) => {
      const e = fileEntry(`f${i}.txt`);
      const file = e.file.bind(e);
      return Object.assign(e, { file: (ok: (f: File) => void, fail?: (err: Error) => void) => ((now += 1), file(ok, fail)) });
    });
    const yields = vi.fn(() => Promise.resolve());
    (globalThis as { scheduler?: unknown }).scheduler = { yield: yields };
    const got = await collectDroppedFiles({ items: entries.map((entry) => ({ entry })) });
    expect(got.files.map((f) => f.relativePath)).toEqual(entries.map((_, i) => `f${i}.txt`));
    expect(got.unreadable).toEqual([]);
    expect(yields.mock.calls.length).toBeGreaterThanOrEqual(400 / 8 - 1);
  });

  it("takes a dropped file's File during the drop, and asks only the files inside folders for theirs", async () => {
    const asked: string[] = [];
    const counted = (e: FileSystemFileEntry) => Object.assign(e, { file: (ok: (f: File) => void) => (asked.push(e.fullPath), ok(new File(['x'], e.name))) });
    const top = counted(fileEntry('report.pdf'));
    const inner = counted(fileEntry('album/a.jpg'));
    const given = new File(['the report'], 'report.pdf');
    const dt = {
      files: [],
      items: [
        { kind: 'file', webkitGetAsEntry: () => top, getAsFile: () => given },
        { kind: 'file', webkitGetAsEntry: () => dirEntry('album', [inner]), getAsFile: () => new File([''], 'album') },
      ],
    } as unknown as DataTransfer;
    const got = await collectDroppedFiles(takeDropEntries(dt));
    expect(got.files.map((f) => f.relativePath)).toEqual(['report.pdf', 'album/a.jpg']);
    expect(got.files[0]!.file).toBe(given);
    expect(asked).toEqual(['/album/a.jpg']);
  });

  it('asks a big drop only about the items with no known file type, and keeps the drop order', async () => {
    // Asking an item for its entry asks the disk: a drop of thousands of files would freeze the window for seconds.
    const asked: string[] = [];
    const item = (name: string, entry: FileSystemEntry, type: string) => ({
      kind: 'file',
      getAsFile: () => new File(['x'], name, { type }),
      webkitGetAsEntry: () => (asked.push(name), entry),
    });
    const many = Array.from({ length: ASK_EVERY_ITEM }, (_, i) => item(`f${i}.txt`, fileEntry(`f${i}.txt`), 'text/plain'));
    const folder = item('album', dirEntry('album', [fileEntry('album/a.jpg')]), '');
    const dt = { files: [], items: [folder, ...many, item('Makefile', fileEntry('Makefile'), '')] } as unknown as DataTransfer;
    const got = await collectDroppedFiles(takeDropEntries(dt));
    expect(asked).toEqual(['album', 'Makefile']);
    // The files dropped as files come first, in the order dropped, then what the folders hold.
    expect((await everything(got)).map((f) => f.relativePath)).toEqual([...many.map((_, i) => `f${i}.txt`), 'Makefile', 'album/a.jpg']);

    // A drop of up to ASK_EVERY_ITEM items asks each one (a folder named "photos.jpg" is then still walked).
    asked.length = 0;
    const small = { files: [], items: [item('photos.jpg', dirEntry('photos.jpg', [fileEntry('photos.jpg/1.jpg')]), 'image/jpeg'), ...many.slice(1)] } as unknown as DataTransfer;
    const few = await collectDroppedFiles(takeDropEntries(small));
    expect(asked).toHaveLength(ASK_EVERY_ITEM);
    expect((await everything(few)).at(-1)!.relativePath).toBe('photos.jpg/1.jpg');
  });

  it('answers with the first files of a big folder and gives the rest as the walk finds them, in order', async () => {
    // Uploading a dropped folder of thousands of files starts with its first ones instead of waiting for the walk.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const names = Array.from({ length: 1000 }, (_, i) => `big/f${String(i).padStart(4, '0')}.txt`);
    const late = names.slice(FIRST_FOUND * 2).map((n) => fileEntry(n));
    // The second half of the folder is listed only once the test lets it: the answer must not wait for it.
    const big = dirEntry('big', names.slice(0, FIRST_FOUND * 2).map((n) => fileEntry(n)));
    const lister = big.createReader.bind(big);
    Object.assign(big, {
      createReader() {
        const first = lister();
        let calls = 0;
        return { readEntries: (ok: (e: FileSystemEntry[]) => void) => (++calls === 2 ? void gate.then(() => ok(late)) : first.readEntries(ok)) };
      },
    });
    const gone = Object.assign(fileEntry('more/gone.txt'), { file: (_ok: unknown, fail: (e: Error) => void) => fail(new Error('NotFoundError')) });
    const sub = dirEntry('more', [gone, dirEntry('more/empty', [])]);
    const got = await collectDroppedFiles({ items: [{ entry: big }, { entry: sub }] });
    expect(got.rest).toBeDefined();
    expect(got.files.length).toBeGreaterThanOrEqual(FIRST_FOUND);
    expect(got.files.length).toBeLessThanOrEqual(FIRST_FOUND * 2);
    expect(got.rest!.more.drained).toBe(false);
    release();
    expect((await everything(got)).map((f) => f.relativePath)).toEqual(names);
    expect(got.rest!.more.drained).toBe(true);
    // What the walk could not read, and the empty folders, are known at its end.
    expect(await got.rest!.finished).toEqual({ unreadable: ['more/gone.txt'], emptyFolders: ['more/empty/'] });
  });

  it("walks a dropped folder through its handle when it may (faster in Chromium), and through its entries when Files need paths", async () => {
    const asked: string[] = [];
    const handle = dirHandle('album', [fileHandle('a.jpg'), dirHandle('raw', [fileHandle('b.cr2'), fileHandle('gone.cr2', 'x', false)]), dirHandle('empty', [])]);
    const folderItem = () => ({
      kind: 'file',
      getAsFile: () => new File([''], 'album'),
      webkitGetAsEntry: () => dirEntry('album', [fileEntry('album/from-entries.jpg')]),
      getAsFileSystemHandle: () => (asked.push('album'), Promise.resolve(handle)),
    });
    const report = { kind: 'file', getAsFile: () => new File(['r'], 'report.pdf'), webkitGetAsEntry: () => fileEntry('report.pdf'), getAsFileSystemHandle: () => (asked.push('report.pdf'), Promise.resolve(null)) };
    const drop = () => ({ files: [], items: [folderItem(), report] }) as unknown as DataTransfer;

    const got = await collectDroppedFiles(takeDropEntries(drop(), { folderHandles: true }));
    // Only the folder is asked for its handle: a dropped file needs none.
    expect(asked).toEqual(['album']);
    expect(got.files.map((f) => f.relativePath)).toEqual(['report.pdf', 'album/a.jpg', 'album/raw/b.cr2']);
    expect(got.unreadable).toEqual(['album/raw/gone.cr2']);
    expect(got.emptyFolders).toEqual(['album/empty/']);

    asked.length = 0;
    const byEntries = await collectDroppedFiles(takeDropEntries(drop()));
    expect(asked).toEqual([]);
    expect(byEntries.files.map((f) => f.relativePath)).toEqual(['report.pdf', 'album/from-entries.jpg']);
  });
});

