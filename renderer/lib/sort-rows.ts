// The table's rows: folders first, then objects, in the chosen order. Name ascending is the server's own order,
// so the loaded pages are shown as they came; any other order sorts only what has been loaded so far (the table
// says so while more remain).
import type { EncryptionState, FolderRow, ObjectRow } from '../../shared/contract';
import type { Sort } from '../stores/listing-store';

export type Row = { kind: 'folder'; folder: FolderRow } | { kind: 'object'; object: ObjectRow };

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

const encryptionRank = (e: EncryptionState | undefined): number => {
  if (!e || e.state === 'checking') return 5;
  if (e.state === 'not-encrypted') return 0;
  if (e.state === 'error') return 1;
  return e.mode === 'SSE-C' ? 2 : e.mode === 'SSE-KMS' ? 3 : 4;
};

export function isServerOrder(sort: Sort): boolean {
  return sort.column === 'name' && sort.direction === 'asc';
}

export function sortRows(folders: FolderRow[], objects: ObjectRow[], sort: Sort, encryptionOf: (key: string) => EncryptionState | undefined): Row[] {
  const dir = sort.direction === 'asc' ? 1 : -1;
  const folderRows: Row[] = folders.map((folder) => ({ kind: 'folder', folder }));
  const objectRows: Row[] = objects.map((object) => ({ kind: 'object', object }));
  if (isServerOrder(sort)) return [...folderRows, ...objectRows];
  const byName = (a: string, b: string) => collator.compare(a, b);
  if (sort.column === 'name') folderRows.sort((a, b) => dir * byName(nameOf(a), nameOf(b)));
  const compare = (a: ObjectRow, b: ObjectRow): number => {
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
  };
  objectRows.sort((a, b) => {
    const oa = (a as Extract<Row, { kind: 'object' }>).object;
    const ob = (b as Extract<Row, { kind: 'object' }>).object;
    return dir * compare(oa, ob) || byName(oa.name, ob.name);
  });
  return [...folderRows, ...objectRows];
}

function nameOf(r: Row): string {
  return r.kind === 'folder' ? r.folder.name : r.object.name;
}
