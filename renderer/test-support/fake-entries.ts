// Stand-ins for the FileSystemEntry objects a browser gives for a drop (jsdom has none), and a drop's
// DataTransfer holding them.
export function fileEntry(path: string, content = 'x'): FileSystemFileEntry {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return {
    isFile: true,
    isDirectory: false,
    name,
    fullPath: `/${path}`,
    file: (ok: (f: File) => void) => ok(new File([content], name, { lastModified: Date.UTC(2026, 0, 2) })),
  } as unknown as FileSystemFileEntry;
}

export function dirEntry(path: string, children: FileSystemEntry[]): FileSystemDirectoryEntry {
  return {
    isFile: false,
    isDirectory: true,
    name: path.slice(path.lastIndexOf('/') + 1),
    fullPath: `/${path}`,
    createReader() {
      let given = false;
      // Like Chromium: the children in one batch, then an empty batch.
      return { readEntries: (ok: (e: FileSystemEntry[]) => void) => ok(given ? [] : ((given = true), children)) };
    },
  } as unknown as FileSystemDirectoryEntry;
}

export function dropData(entries: FileSystemEntry[]) {
  return {
    types: ['Files'],
    files: [],
    dropEffect: 'none',
    items: entries.map((e) => ({ kind: 'file', webkitGetAsEntry: () => e })),
  };
}

/** A dropped folder's File System Access handle: its children listed by values(), a file's File by getFile(). */
export function dirHandle(name: string, children: FileSystemHandle[]): FileSystemDirectoryHandle {
  return {
    kind: 'directory',
    name,
    async *values() {
      yield* children;
    },
  } as unknown as FileSystemDirectoryHandle;
}

export function fileHandle(name: string, content = 'x', readable = true): FileSystemFileHandle {
  return {
    kind: 'file',
    name,
    getFile: () => (readable ? Promise.resolve(new File([content], name)) : Promise.reject(new DOMException('gone', 'NotFoundError'))),
  } as unknown as FileSystemFileHandle;
}
