// The table's rows: folders first, then objects, in the chosen order. Name ascending is the server's own order,
// so the loaded pages are shown as they came (the store's own arrays, no copy); any other order sorts only what
// has been loaded so far (the table says so while more remain). A page appended to a sorted list is sorted on its
// own and merged in, so scrolling through 100,000 rows sorts each row once, not once per page.
import type { EncryptionState, FolderRow, ObjectRow } from '../../shared/contract';
import type { Sort } from '../stores/listing-store';

/** A folder ({prefix, name}) or an object ({key, …}): the store's own records, never wrapped. */
export type Row = FolderRow | ObjectRow;

export const isFolder = (row: Row): row is FolderRow => 'prefix' in row;
export const rowKey = (row: Row): string => (isFolder(row) ? row.prefix : row.key);

/** The rows in table order, read by index (folders first). */
export interface SortedRows {
  readonly folders: readonly FolderRow[];
  readonly objects: readonly ObjectRow[];
  readonly length: number;
  at(index: number): Row | undefined;
}

/** What a sort was made from, so the next call can extend it instead of starting over. */
export interface SortMemo {
  sort: Sort;
  /** Changes whenever the encryption answers the order depends on change (0 when sorting by anything else). */
  encryptionVersion: number;
  folders: { source: readonly FolderRow[]; sorted: readonly FolderRow[] };
  objects: { source: readonly ObjectRow[]; sorted: readonly ObjectRow[] };
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
const byName = (a: string, b: string) => collator.compare(a, b);

const encryptionRank = (e: EncryptionState | undefined): number => {
  if (!e || e.state === 'checking') return 5;
  if (e.state === 'not-encrypted') return 0;
  if (e.state === 'error') return 1;
  return e.mode === 'SSE-C' ? 2 : e.mode === 'SSE-KMS' ? 3 : 4;
};

export function isServerOrder(sort: Sort): boolean {
  return sort.column === 'name' && sort.direction === 'asc';
}

function rowsOf(folders: readonly FolderRow[], objects: readonly ObjectRow[]): SortedRows {
  const split = folders.length;
  return { folders, objects, length: split + objects.length, at: (i) => (i < split ? folders[i] : objects[i - split]) };
}

/**
 * The rows in `sort` order. `memo` is the previous call's (pass what this returns next time): when the new
 * arrays only add rows at the end of the previous ones (a page arrived), only the new rows are sorted and merged.
 */
export function sortRows(
  folders: readonly FolderRow[],
  objects: readonly ObjectRow[],
  sort: Sort,
  encryptionOf: (key: string) => EncryptionState | undefined,
  encryptionVersion = 0,
  memo?: SortMemo,
): { rows: SortedRows; memo?: SortMemo } {
  if (isServerOrder(sort)) return { rows: rowsOf(folders, objects) };
  const dir = sort.direction === 'asc' ? 1 : -1;
  const compareFolders = (a: FolderRow, b: FolderRow) => dir * byName(a.name, b.name);
  const compareObjects = (a: ObjectRow, b: ObjectRow): number => dir * compareBy(sort, a, b, encryptionOf) || byName(a.name, b.name);
  const reuse = memo && memo.sort.column === sort.column && memo.sort.direction === sort.direction && memo.encryptionVersion === encryptionVersion ? memo : undefined;
  const next: SortMemo = {
    sort,
    encryptionVersion,
    // Folders have only a name: by any other column they stay in the server's order.
    folders: { source: folders, sorted: sort.column === 'name' ? extendSorted(reuse?.folders, folders, compareFolders) : folders },
    objects: { source: objects, sorted: extendSorted(reuse?.objects, objects, compareObjects) },
  };
  return { rows: rowsOf(next.folders.sorted, next.objects.sorted), memo: next };
}

function compareBy(sort: Sort, a: ObjectRow, b: ObjectRow, encryptionOf: (key: string) => EncryptionState | undefined): number {
  switch (sort.column) {
    case 'name':
      return byName(a.name, b.name);
    case 'size':
      return a.size - b.size;
    case 'lastModified':
      return a.lastModified < b.lastModified ? -1 : a.lastModified > b.lastModified ? 1 : 0;
    case 'storageClass':
      return a.storageClass.localeCompare(b.storageClass);
    case 'encryption':
      return encryptionRank(encryptionOf(a.key)) - encryptionRank(encryptionOf(b.key));
    default: {
      const never: never = sort.column;
      return never;
    }
  }
}

/** `source` sorted, reusing `prev.sorted` when `source` is `prev.source` with rows added at its end. */
function extendSorted<T>(prev: { source: readonly T[]; sorted: readonly T[] } | undefined, source: readonly T[], compare: (a: T, b: T) => number): readonly T[] {
  if (prev && prev.source === source) return prev.sorted;
  if (!prev || !startsWith(source, prev.source)) return [...source].sort(compare);
  const added = source.slice(prev.source.length).sort(compare);
  if (added.length === 0) return prev.sorted;
  // Merge: the earlier row wins ties, as a stable sort of the whole would keep it.
  const old = prev.sorted;
  const out = new Array<T>(old.length + added.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < old.length && j < added.length) out[k++] = compare(added[j]!, old[i]!) < 0 ? added[j++]! : old[i++]!;
  while (i < old.length) out[k++] = old[i++]!;
  while (j < added.length) out[k++] = added[j++]!;
  return out;
}

/** Whether `list` begins with exactly the records of `head` (the same objects: a page appended, nothing replaced). */
function startsWith<T>(list: readonly T[], head: readonly T[]): boolean {
  if (head.length > list.length) return false;
  for (let i = 0; i < head.length; i++) if (list[i] !== head[i]) return false;
  return true;
}
