// The table's order: folders first; name ascending is the server's own order (the loaded rows as they came, not
// copied); any other order sorts what is loaded, and a page appended is merged in without sorting the rest again.
import { describe, expect, it } from 'vitest';
import type { EncryptionState, ObjectRow } from '../../shared/contract';
import { object } from '../test-support/memory-bridge';
import { isFolder, rowKey, sortRows, type SortedRows } from './sort-rows';

const keys = (rows: SortedRows) => Array.from({ length: rows.length }, (_, i) => rowKey(rows.at(i)!));
// Sizes that repeat (ties fall back to the name) in an order unrelated to the keys.
const page = (from: number, count: number) => Array.from({ length: count }, (_, i) => object(`f-${String(from + i).padStart(5, '0')}`, { size: ((from + i) * 7919) % 97 }));
const noEncryption = () => undefined;

describe('sortRows', () => {
  it('shows the server order as loaded, folders first, without copying the rows', () => {
    const folders = [{ prefix: 'b/', name: 'b' }];
    const objects = [object('a.txt'), object('c.txt')];
    const { rows } = sortRows(folders, objects, { column: 'name', direction: 'asc' }, noEncryption);
    expect(keys(rows)).toEqual(['b/', 'a.txt', 'c.txt']);
    expect(rows.objects).toBe(objects);
    expect(isFolder(rows.at(0)!)).toBe(true);
    expect(rows.at(3)).toBeUndefined();
  });

  it('merges a page appended to rows sorted by size into place, in the order a full sort gives', () => {
    const sort = { column: 'size', direction: 'desc' } as const;
    const first = page(0, 1000);
    const before = sortRows([], first, sort, noEncryption);
    const both = [...first, ...page(1000, 1000)];
    const merged = sortRows([], both, sort, noEncryption, 0, before.memo);
    expect(keys(merged.rows)).toEqual(keys(sortRows([], both, sort, noEncryption).rows));
    const sizes = merged.rows.objects.map((o) => o.size);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
  });

  it('sorts only the new page when one arrives (the loaded rows are not compared again)', () => {
    // Sorting by encryption asks each compared row's state: the asks count the comparisons.
    let asks = 0;
    const encryptionOf = (key: string): EncryptionState => {
      asks++;
      return Number(key.slice(2)) % 3 ? { state: 'not-encrypted' } : { state: 'encrypted', mode: 'SSE-COS' };
    };
    const sort = { column: 'encryption', direction: 'asc' } as const;
    const loaded = page(0, 20_000);
    const before = sortRows([], loaded, sort, encryptionOf);
    asks = 0;
    const after = sortRows([], [...loaded, ...page(20_000, 1000)], sort, encryptionOf, 0, before.memo);
    // Two asks per comparison: a merge compares at most once per row plus the page's own sort (~60,000 asks);
    // sorting all 21,000 again would take ~600,000.
    expect(asks).toBeLessThan(100_000);
    // Not encrypted first, then encrypted, each by name.
    const encrypted = (o: ObjectRow) => Number(o.key.slice(2)) % 3 === 0;
    expect(after.rows.objects.slice(0, 14_000).some(encrypted)).toBe(false);
    expect(after.rows.objects.slice(14_000).every(encrypted)).toBe(true);
    expect(after.rows.objects.slice(14_000, 14_003).map((o) => o.key)).toEqual(['f-00000', 'f-00003', 'f-00006']);
  });

  it('sorts everything again when a loaded row was replaced, removed or the encryption answers changed', () => {
    const sort = { column: 'size', direction: 'asc' } as const;
    const loaded: ObjectRow[] = [object('a', { size: 1 }), object('b', { size: 2 }), object('c', { size: 3 })];
    const before = sortRows([], loaded, sort, noEncryption);
    const replaced = [loaded[0]!, object('b', { size: 9 }), loaded[2]!, object('d', { size: 0 })];
    expect(keys(sortRows([], replaced, sort, noEncryption, 0, before.memo).rows)).toEqual(['d', 'a', 'c', 'b']);
    expect(keys(sortRows([], [loaded[1]!, loaded[2]!], sort, noEncryption, 0, before.memo).rows)).toEqual(['b', 'c']);

    const encSort = { column: 'encryption', direction: 'asc' } as const;
    const states = new Map<string, EncryptionState>([['a', { state: 'encrypted', mode: 'SSE-COS' }]]);
    const byEnc = sortRows([], loaded, encSort, (k) => states.get(k));
    states.set('c', { state: 'not-encrypted' });
    expect(keys(sortRows([], loaded, encSort, (k) => states.get(k), 1, byEnc.memo).rows)).toEqual(['c', 'a', 'b']);
  });
});
