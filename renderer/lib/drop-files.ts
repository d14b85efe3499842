// Files and folders dropped on the table. What was dropped must be taken during the drop event itself (the browser
// empties the DataTransfer afterwards); that is the one synchronous step, and it must stay short for a drop of
// 10,000 files. A dropped item's File costs next to nothing to take (getAsFile asks the disk nothing), but asking
// whether an item is a folder (webkitGetAsEntry) asks the disk each time: 0.15 to 0.3 ms an item here, seconds of
// frozen window for a big drop. So a drop of up to ASK_EVERY_ITEM items asks each one, and a bigger drop asks
// only the items whose name has no known file type (folders, and files like "Makefile"); the others are taken as
// the files their names say. A folder named like a file ("photos.jpg") in such a drop is read whole by the desktop
// app (the core walks the path it is given); in the browser it cannot be read when its turn comes, and its upload
// item fails saying so (upload-sender.ts): nothing is lost, and dropping that folder by itself uploads what it
// holds. The rest runs in time slices: folders are listed (the browser answers about 100 entries a call, sometimes
// thousands), and the File of each file in them is asked for, FILE_READERS at a time. A big folder's upload starts
// with the first files found and takes the rest as the walk finds them, so reading overlaps uploading. Paths under
// the drop are kept, so folders keep their structure.
import type { MoreFiles, PageFile } from '../bridge/bridge';
import { timeSlicer } from './time-slice';

/**
 * File objects asked for at once. Each is a round trip to the browser process (which reads the file's size and
 * date); 64 in flight keep it busy, and the answers still arrive in tasks of a few milliseconds. With 8 at a time the
 * entries of a dropped folder of 10,000 files took about 6 s to read here, with 64 to 100 about 3 s; 256 in flight
 * made tasks of up to 90 ms.
 */
const FILE_READERS = 64;
/** Drops of at most this many items ask every item whether it is a folder (about 50 ms at most). */
export const ASK_EVERY_ITEM = 200;

/** One dropped item: its entry when the browser was asked for it, its File when taken at once. */
export interface DroppedItem {
  entry?: FileSystemEntry;
  file?: File;
  /** A dropped folder's handle (File System Access), asked for during the drop when `takeDropEntries` may. */
  handle?: Promise<FileSystemHandle | null>;
}

/** DataTransferItem.getAsFileSystemHandle (Chromium; not yet in TypeScript's DOM types). */
type WithHandle = DataTransferItem & { getAsFileSystemHandle?: () => Promise<FileSystemHandle | null> };

export interface DropEntries {
  items: DroppedItem[];
}

/**
 * Call synchronously inside the drop handler. `folderHandles`: walk dropped folders through their File System
 * Access handles where the browser has them. Measured here on a folder of 10,000 files, the handles list the
 * folder and give its Files in 1.0 to 1.5 s, the entries (FileSystemEntry.file) in 2.5 to 3 s. But a File from a
 * handle has no path on disk for the desktop app (Electron's webUtils.getPathForFile answers ''), so the
 * transport that reads files by path walks the entries.
 */
export function takeDropEntries(dt: DataTransfer, { folderHandles = false }: { folderHandles?: boolean } = {}): DropEntries {
  const items = dt.items;
  // A browser without DataTransfer.items (none that Coffer supports, but the File list is the standard's floor).
  if (!items) return { items: Array.from(dt.files ?? [], (file) => ({ file })) };
  const askEach = items.length <= ASK_EVERY_ITEM;
  const taken: DroppedItem[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (item.kind !== 'file') continue;
    const file = item.getAsFile?.() ?? undefined;
    if (file && !askEach && file.type !== '') {
      taken.push({ file });
      continue;
    }
    const entry = item.webkitGetAsEntry?.() ?? undefined;
    const handle = folderHandles && entry?.isDirectory ? askHandle(item) : undefined;
    if (entry) taken.push({ entry, file: (entry.isFile && file) || undefined, ...(handle ? { handle } : {}) });
    else if (file) taken.push({ file });
  }
  return { items: taken };
}

/** The item's handle, or none where the browser has no such call or refuses it (the entry is walked then). */
function askHandle(item: DataTransferItem): Promise<FileSystemHandle | null> | undefined {
  try {
    return (item as WithHandle).getAsFileSystemHandle?.();
  } catch {
    return undefined;
  }
}

export interface DroppedFiles {
  files: PageFile[];
  /** Paths under the drop that could not be read (gone since, or not permitted). */
  unreadable: string[];
  /** Folders under the drop that hold nothing ('album/empty/'): no file makes them, so they are made as folders. */
  emptyFolders: string[];
  /**
   * A big folder still being walked: `files` then holds the files dropped as files and the first found inside the
   * folders, `more` gives the rest as they are found, and `finished` the complete unreadable and empty-folder lists
   * (the two above are then empty). Uploading starts with what is found and overlaps the walk.
   */
  rest?: { more: MoreFiles; finished: Promise<{ unreadable: string[]; emptyFolders: string[] }> };
}

/** Files found inside the dropped folders before the upload starts with them; the rest follow as they are found. */
export const FIRST_FOUND = 200;

/**
 * The files under the dropped items: the files dropped as files first (in the order dropped, all of them before the
 * answer: only they can be asked about a name already taken), then the insides of the folders, walked. The answer
 * comes when the walk is over or once FIRST_FOUND files are known, whichever is first.
 */
export async function collectDroppedFiles(taken: DropEntries): Promise<DroppedFiles> {
  const found = new FoundFiles();
  const unreadable: string[] = [];
  const emptyFolders: string[] = [];
  const slice = timeSlicer();
  const loose = taken.items.filter(({ entry }) => !entry || entry.isFile).map(({ entry, file }) => toRead(file, entry as FileSystemFileEntry | undefined));
  await readFiles(loose, found, unreadable, slice);
  const folders = taken.items.filter(({ entry }) => entry?.isDirectory);
  if (folders.length === 0) return { files: found.takeNow(Number.POSITIVE_INFINITY), unreadable, emptyFolders };
  const finished = (async () => {
    for (const { entry, handle } of folders) {
      // What cannot be read is noted as unreadable, down to the folder itself, and the walk goes on.
      try {
        const folder = await handle?.catch(() => null);
        if (folder?.kind === 'directory') await walkHandle(folder as FileSystemDirectoryHandle, relativePath(entry!), found, { unreadable, emptyFolders }, slice);
        else await walkFolder(entry as FileSystemDirectoryEntry, found, { unreadable, emptyFolders }, slice);
      } catch {
        unreadable.push(`${relativePath(entry!)}/`);
      }
    }
    found.end();
  })();
  await found.reached(FIRST_FOUND);
  const files = found.takeNow(Number.POSITIVE_INFINITY);
  if (found.ended) return { files, unreadable, emptyFolders };
  return { files, unreadable: [], emptyFolders: [], rest: { more: found, finished: finished.then(() => ({ unreadable, emptyFolders })) } };
}

/**
 * Each file's File (asked of its entry when the drop did not give it), FILE_READERS at a time, into `found` in the
 * order listed as soon as they are read, with the page given back every few milliseconds.
 */
async function readFiles(
  list: ToRead[],
  found: FoundFiles,
  unreadable: string[],
  slice: () => Promise<void> | undefined,
): Promise<void> {
  // Each slot: the file read, null when it could not be, undefined while still asked.
  const read = new Array<PageFile | null | undefined>(list.length);
  let next = 0;
  let flushed = 0;
  const flush = () => {
    const ready: PageFile[] = [];
    for (; flushed < list.length && read[flushed] !== undefined; flushed++) if (read[flushed]) ready.push(read[flushed]!);
    found.push(ready);
  };
  const reader = async () => {
    while (next < list.length) {
      const i = next++;
      const { path, file: given, read: ask } = list[i]!;
      const file = given ?? (await ask!().catch(() => undefined));
      read[i] = file ? { file, relativePath: path || file.name } : null;
      if (!file) unreadable.push(path);
      if (i === flushed) flush();
      const turn = slice();
      if (turn) await turn;
    }
  };
  await Promise.all(Array.from({ length: Math.min(FILE_READERS, list.length) }, reader));
  flush();
}

/** A file to read: its File when the drop gave it, else how to ask for it; its path under the drop ('' for a dropped file). */
interface ToRead {
  path: string;
  file?: File;
  read?: () => Promise<File>;
}

const toRead = (file: File | undefined, entry: FileSystemFileEntry | undefined): ToRead => ({
  path: entry ? relativePath(entry) : '',
  ...(file ? { file } : { read: () => new Promise<File>((resolve, reject) => entry!.file(resolve, reject)) }),
});

const relativePath = (entry: FileSystemEntry) => entry.fullPath.replace(/^\/+/, '');

/** Files read as a folder is listed, this many at a time: the upload starts before a big folder is fully listed. */
const LISTED_BATCH = 256;

/** The files under a dropped folder's handle, read in batches as it is listed, then its subfolders. */
async function walkHandle(
  folder: FileSystemDirectoryHandle,
  path: string,
  found: FoundFiles,
  notes: { unreadable: string[]; emptyFolders: string[] },
  slice: () => Promise<void> | undefined,
): Promise<void> {
  const subfolders: FileSystemDirectoryHandle[] = [];
  let files: ToRead[] = [];
  let empty = true;
  try {
    for await (const child of folder.values()) {
      empty = false;
      if (child.kind === 'directory') subfolders.push(child as FileSystemDirectoryHandle);
      else files.push({ path: `${path}/${child.name}`, read: () => (child as FileSystemFileHandle).getFile() });
      if (files.length >= LISTED_BATCH) {
        await readFiles(files, found, notes.unreadable, slice);
        files = [];
      }
    }
  } catch {
    notes.unreadable.push(`${path}/`);
    empty = false;
  }
  await readFiles(files, found, notes.unreadable, slice);
  if (empty) notes.emptyFolders.push(`${path}/`);
  for (const sub of subfolders) await walkHandle(sub, `${path}/${sub.name}`, found, notes, slice);
}

/** The files under a dropped folder, batch by batch as the browser lists it, then its subfolders. */
async function walkFolder(
  folder: FileSystemDirectoryEntry,
  found: FoundFiles,
  notes: { unreadable: string[]; emptyFolders: string[] },
  slice: () => Promise<void> | undefined,
): Promise<void> {
  const reader = folder.createReader();
  const subfolders: FileSystemDirectoryEntry[] = [];
  // readEntries answers in batches (about 100 in Chromium, sometimes thousands) until it answers an empty one.
  for (let first = true; ; first = false) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject)).catch(() => undefined);
    if (!batch) {
      notes.unreadable.push(`${relativePath(folder)}/`);
      break;
    }
    if (batch.length === 0) {
      if (first) notes.emptyFolders.push(`${relativePath(folder)}/`);
      break;
    }
    const files = batch.filter((e) => e.isFile).map((entry) => toRead(undefined, entry as FileSystemFileEntry));
    subfolders.push(...(batch.filter((e) => e.isDirectory) as FileSystemDirectoryEntry[]));
    await readFiles(files, found, notes.unreadable, slice);
  }
  for (const sub of subfolders) await walkFolder(sub, found, notes, slice);
}

/** The walk's output: filled by the walk, emptied by the upload. */
class FoundFiles implements MoreFiles {
  private files: PageFile[] = [];
  private count = 0;
  /** The walk is over: nothing more will be pushed. */
  ended = false;
  private wake: Array<() => void> = [];

  push(files: PageFile[]): void {
    if (files.length === 0) return;
    this.files.push(...files);
    this.count += files.length;
    this.notify();
  }

  end(): void {
    this.ended = true;
    this.notify();
  }

  get drained(): boolean {
    return this.ended && this.files.length === 0;
  }

  /** Resolves once `n` files were found in all, or the walk is over. */
  async reached(n: number): Promise<void> {
    while (this.count < n && !this.ended) await this.next();
  }

  takeNow(max: number): PageFile[] {
    return this.files.splice(0, max);
  }

  async take(max: number): Promise<PageFile[]> {
    while (this.files.length === 0 && !this.ended) await this.next();
    return this.takeNow(max);
  }

  private next(): Promise<void> {
    return new Promise((resolve) => this.wake.push(resolve));
  }

  private notify(): void {
    for (const resolve of this.wake.splice(0)) resolve();
  }
}

/** Files from <input type=file> (multiple, or webkitdirectory for a folder: webkitRelativePath keeps the structure). */
export function filesFromInput(list: FileList | null): PageFile[] {
  return Array.from(list ?? []).map((file) => ({ file, relativePath: file.webkitRelativePath || file.name }));
}
