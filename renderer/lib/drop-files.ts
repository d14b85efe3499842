// Files and folders dropped on the table. The entries must be taken during the drop event itself (the browser
// empties the DataTransfer afterwards); the folder walk that follows is asynchronous and keeps each file's path
// under the drop so folders keep their structure.
import type { PageFile } from '../bridge/bridge';

/** Call synchronously inside the drop handler. */
export function takeDropEntries(dt: DataTransfer): { entries: FileSystemEntry[]; files: File[] } {
  const entries: FileSystemEntry[] = [];
  for (const item of Array.from(dt.items ?? [])) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry?.();
    if (entry) entries.push(entry);
  }
  return { entries, files: Array.from(dt.files ?? []) };
}

/** The files under the dropped entries (folders walked), or the plain files when the browser gave no entries. */
export async function collectDroppedFiles(taken: { entries: FileSystemEntry[]; files: File[] }): Promise<PageFile[]> {
  if (taken.entries.length === 0) return taken.files.map((file) => ({ file, relativePath: file.name }));
  const out: PageFile[] = [];
  for (const entry of taken.entries) await walk(entry, out);
  return out;
}

async function walk(entry: FileSystemEntry, out: PageFile[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ file, relativePath: entry.fullPath.replace(/^\/+/, '') || file.name });
    return;
  }
  if (!entry.isDirectory) return;
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries answers in batches (about 100 in Chromium) until it answers an empty one.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    for (const child of batch) await walk(child, out);
  }
}

/** Files from <input type=file> (multiple, or webkitdirectory for a folder: webkitRelativePath keeps the structure). */
export function filesFromInput(list: FileList | null): PageFile[] {
  return Array.from(list ?? []).map((file) => ({ file, relativePath: file.webkitRelativePath || file.name }));
}
