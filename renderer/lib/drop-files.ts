// Files and folders dropped on the table. What was dropped must be taken during the drop event itself (the browser
// empties the DataTransfer afterwards); that is the one synchronous step, and it must stay short for a drop of
// 10,000 files. A dropped item's File costs next to nothing to take (getAsFile asks the disk nothing), but asking
// whether an item is a folder (webkitGetAsEntry) asks the disk each time: 0.15 to 0.3 ms an item here, seconds of
// frozen window for a big drop. So a drop of up to ASK_EVERY_ITEM items asks each one, and a bigger drop asks
// only the items whose name has no known file type (folders, and files like "Makefile"); the others are taken as
// the files their names say. A folder named like a file ("photos.jpg") in such a drop is read whole by the desktop
// app (the core walks the path it is given); in the browser it cannot be read when its turn comes, and its upload
// item fails saying so (upload-sender.ts): nothing is lost, and dropping that folder by itself uploads what it
// holds. The rest runs in time slices: folders are listed (the browser answers about 100
// entries a call), then the File of each file in them is asked for, a few at a time. Paths under the drop are
// kept, so folders keep their structure.
import type { PageFile } from '../bridge/bridge';
import { timeSlicer } from './time-slice';

/** File objects asked for at once: enough to hide the round trip to the browser, few enough to keep tasks short. */
const FILE_READERS = 8;
/** Drops of at most this many items ask every item whether it is a folder (about 50 ms at most). */
export const ASK_EVERY_ITEM = 200;

/** One dropped item: its entry when the browser was asked for it, its File when taken at once. */
export interface DroppedItem {
  entry?: FileSystemEntry;
  file?: File;
}

export interface DropEntries {
  items: DroppedItem[];
}

/** Call synchronously inside the drop handler. */
export function takeDropEntries(dt: DataTransfer): DropEntries {
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
    if (entry) taken.push({ entry, file: (entry.isFile && file) || undefined });
    else if (file) taken.push({ file });
  }
  return { items: taken };
}

export interface DroppedFiles {
  files: PageFile[];
  /** Paths under the drop that could not be read (gone since, or not permitted). */
  unreadable: string[];
  /** Folders under the drop that hold nothing ('album/empty/'): no file makes them, so they are made as folders. */
  emptyFolders: string[];
}

/** The files under the dropped items, folders walked, in the order dropped. */
export async function collectDroppedFiles(taken: DropEntries): Promise<DroppedFiles> {
  const slice = timeSlicer();
  const found: Array<{ entry?: FileSystemFileEntry; file?: File }> = [];
  const unreadable: string[] = [];
  const emptyFolders: string[] = [];
  for (const { entry, file } of taken.items) {
    if (!entry || entry.isFile) found.push({ entry: entry as FileSystemFileEntry | undefined, file });
    else await listFiles(entry, found, { unreadable, emptyFolders }, slice);
  }
  const files: Array<PageFile | undefined> = new Array<PageFile | undefined>(found.length);
  let next = 0;
  const reader = async () => {
    while (next < found.length) {
      const i = next++;
      const { entry, file: given } = found[i]!;
      const path = entry ? relativePath(entry) : '';
      const file = given ?? (await new Promise<File>((resolve, reject) => entry!.file(resolve, reject)).catch(() => undefined));
      if (file) files[i] = { file, relativePath: path || file.name };
      else unreadable.push(path);
      const turn = slice();
      if (turn) await turn;
    }
  };
  await Promise.all(Array.from({ length: Math.min(FILE_READERS, found.length) }, reader));
  return { files: files.filter((f): f is PageFile => f !== undefined), unreadable, emptyFolders };
}

const relativePath = (entry: FileSystemEntry) => entry.fullPath.replace(/^\/+/, '');

/** The file entries under `entry`, in order. */
async function listFiles(
  entry: FileSystemEntry,
  out: Array<{ entry?: FileSystemFileEntry }>,
  notes: { unreadable: string[]; emptyFolders: string[] },
  slice: () => Promise<void> | undefined,
): Promise<void> {
  if (entry.isFile) {
    out.push({ entry: entry as FileSystemFileEntry });
    return;
  }
  if (!entry.isDirectory) return;
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries answers in batches (about 100 in Chromium) until it answers an empty one.
  for (let first = true; ; first = false) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject)).catch(() => undefined);
    if (!batch) {
      notes.unreadable.push(`${relativePath(entry)}/`);
      return;
    }
    if (batch.length === 0) {
      if (first) notes.emptyFolders.push(`${relativePath(entry)}/`);
      break;
    }
    for (const child of batch) {
      await listFiles(child, out, notes, slice);
      const turn = slice();
      if (turn) await turn;
    }
  }
}

/** Files from <input type=file> (multiple, or webkitdirectory for a folder: webkitRelativePath keeps the structure). */
export function filesFromInput(list: FileList | null): PageFile[] {
  return Array.from(list ?? []).map((file) => ({ file, relativePath: file.webkitRelativePath || file.name }));
}
