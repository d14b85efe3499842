// Files and folders dropped on the table. The entries must be taken during the drop event itself (the browser
// empties the DataTransfer afterwards); that is the one synchronous step, and a dropped file's File is taken there
// too (getAsFile costs next to nothing; asking its entry for it later costs the page about a millisecond). The rest
// runs in time slices so that a drop of 10,000 files never holds the window: folders are listed (the browser
// answers about 100 entries a call), then the File of each file in them is asked for, a few at a time. Paths under
// the drop are kept, so folders keep their structure.
import type { PageFile } from '../bridge/bridge';
import { timeSlicer } from './time-slice';

/** File objects asked for at once: enough to hide the round trip to the browser, few enough to keep tasks short. */
const FILE_READERS = 8;

export interface DropEntries {
  /** What was dropped: files (with their File when the browser gave it at once) and folders. */
  entries: Array<{ entry: FileSystemEntry; file?: File }>;
  /** The plain files, when the browser gave no entries. */
  files: File[];
}

/** Call synchronously inside the drop handler. */
export function takeDropEntries(dt: DataTransfer): DropEntries {
  const entries: DropEntries['entries'] = [];
  const items = dt.items ?? [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry?.();
    if (entry) entries.push({ entry, file: (entry.isFile && item.getAsFile?.()) || undefined });
  }
  // The File list is only needed when the browser gives no entries; reading it costs a File per item.
  return { entries, files: entries.length === 0 ? Array.from(dt.files ?? []) : [] };
}

export interface DroppedFiles {
  files: PageFile[];
  /** Paths under the drop that could not be read (gone since, or not permitted). */
  unreadable: string[];
}

/** The files under the dropped entries (folders walked), or the plain files when the browser gave no entries. */
export async function collectDroppedFiles(taken: DropEntries): Promise<DroppedFiles> {
  if (taken.entries.length === 0) return { files: taken.files.map((file) => ({ file, relativePath: file.name })), unreadable: [] };
  const slice = timeSlicer();
  const fileEntries: Array<{ entry: FileSystemFileEntry; file?: File }> = [];
  const unreadable: string[] = [];
  for (const { entry, file } of taken.entries) {
    if (file) fileEntries.push({ entry: entry as FileSystemFileEntry, file });
    else await listFiles(entry, fileEntries, unreadable, slice);
  }
  const found: Array<PageFile | undefined> = new Array<PageFile | undefined>(fileEntries.length);
  let next = 0;
  const reader = async () => {
    while (next < fileEntries.length) {
      const i = next++;
      const { entry, file: given } = fileEntries[i]!;
      const path = relativePath(entry);
      const file = given ?? (await new Promise<File>((resolve, reject) => entry.file(resolve, reject)).catch(() => undefined));
      if (file) found[i] = { file, relativePath: path || file.name };
      else unreadable.push(path);
      const turn = slice();
      if (turn) await turn;
    }
  };
  await Promise.all(Array.from({ length: Math.min(FILE_READERS, fileEntries.length) }, reader));
  return { files: found.filter((f): f is PageFile => f !== undefined), unreadable };
}

const relativePath = (entry: FileSystemEntry) => entry.fullPath.replace(/^\/+/, '');

/** The file entries under `entry`, in order. */
async function listFiles(entry: FileSystemEntry, out: Array<{ entry: FileSystemFileEntry }>, unreadable: string[], slice: () => Promise<void> | undefined): Promise<void> {
  if (entry.isFile) {
    out.push({ entry: entry as FileSystemFileEntry });
    return;
  }
  if (!entry.isDirectory) return;
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries answers in batches (about 100 in Chromium) until it answers an empty one.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject)).catch(() => undefined);
    if (!batch) {
      unreadable.push(`${relativePath(entry)}/`);
      return;
    }
    if (batch.length === 0) break;
    for (const child of batch) {
      await listFiles(child, out, unreadable, slice);
      const turn = slice();
      if (turn) await turn;
    }
  }
}

/** Files from <input type=file> (multiple, or webkitdirectory for a folder: webkitRelativePath keeps the structure). */
export function filesFromInput(list: FileList | null): PageFile[] {
  return Array.from(list ?? []).map((file) => ({ file, relativePath: file.webkitRelativePath || file.name }));
}
