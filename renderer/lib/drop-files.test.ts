// A big drop is read in time slices: the walk gives the page back every few milliseconds instead of reading
// thousands of files in one task, and keeps the files in the order dropped.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dirEntry, fileEntry } from '../test-support/fake-entries';
import { ASK_EVERY_ITEM, collectDroppedFiles, takeDropEntries } from './drop-files';

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
    expect(got.files.map((f) => f.relativePath)).toEqual(['album/a.jpg', ...many.map((_, i) => `f${i}.txt`), 'Makefile']);

    // A drop of up to ASK_EVERY_ITEM items asks each one (a folder named "photos.jpg" is then still walked).
    asked.length = 0;
    const small = { files: [], items: [item('photos.jpg', dirEntry('photos.jpg', [fileEntry('photos.jpg/1.jpg')]), 'image/jpeg'), ...many.slice(1)] } as unknown as DataTransfer;
    const few = await collectDroppedFiles(takeDropEntries(small));
    expect(asked).toHaveLength(ASK_EVERY_ITEM);
    expect(few.files[0]!.relativePath).toBe('photos.jpg/1.jpg');
  });
});
