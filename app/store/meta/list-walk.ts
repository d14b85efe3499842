// One page of a GET Bucket-style listing (objects or multipart uploads) over an ordered range source. Owns the
// S3 semantics — prefix, marker, delimiter roll-up, max-keys, truncation — and the property that keeps a page fast
// at a million keys: only the prefix's index range is read, and once a common prefix is emitted the walk jumps
// past every key under it with a fresh range query instead of reading them.

import { assertWellFormed, commonPrefixOf, compareKeys, isCommonPrefix, prefixUpperBound } from './key-order';

/** Where a range read starts: at a key (inclusive or not), or strictly after a row already returned. */
export type Start<R> = { key: string; inclusive: boolean } | { after: R };

export interface RangeSource<R> {
  keyOf(row: R): string;
  /** Rows from `start` (in listing order), with key < upper when upper is not null, at most `limit`. */
  fetch(start: Start<R>, upper: string | null, limit: number): R[];
}

export interface PageQuery {
  prefix: string;
  delimiter: string;
  max: number;
}

export interface Page<R> {
  rows: R[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** The last entry returned: the marker for the next page when truncated. */
  last: { row: R } | { prefix: string } | null;
}

// With a delimiter, any row may start a common prefix and end the batch with a jump, discarding the rest of it;
// each row read costs ~1 µs per column in the WebAssembly driver. So read one row after a jump and double the
// batch while plain keys keep coming (a page of 1,000 common prefixes took 2-3x longer with batches of 16).
const FIRST_BATCH = 1;
const MAX_BATCH = 1024;

/** Rejects listing parameters the database cannot compare faithfully. */
export function checkPageQuery(prefix: string, delimiter: string, marker: string, max: number): void {
  if (!Number.isSafeInteger(max) || max < 0) throw new Error(`max-keys must be a non-negative integer, got ${max}`);
  assertWellFormed(prefix, 'prefix');
  assertWellFormed(delimiter, 'delimiter');
  assertWellFormed(marker, 'marker');
}

/**
 * The start of a listing after `marker` (exclusive), or null when nothing can follow. A marker that is itself a
 * common prefix (a NextMarker from a delimited page) skips every key under it, so paging never repeats a prefix.
 *
 * Stored keys never contain U+0000 (assertStorableKey), and strings are bound NUL-terminated, so a marker with a
 * NUL is cut at it: no key lies between "a" and "a\0…", so "> a\0…" selects the same keys as "> a".
 */
export function markerStart<R>(prefix: string, delimiter: string, marker: string): Start<R> | null {
  let start: Start<R> & { key: string };
  if (marker === '') {
    start = { key: prefix, inclusive: true };
  } else if (marker.includes('\0')) {
    start = { key: marker.slice(0, marker.indexOf('\0')), inclusive: false };
  } else if (isCommonPrefix(marker, prefix, delimiter)) {
    const past = prefixUpperBound(marker);
    if (past === null) return null;
    start = { key: past, inclusive: true };
  } else {
    start = { key: marker, inclusive: false };
  }
  if (compareKeys(start.key, prefix) < 0) start = { key: prefix, inclusive: true };
  return start;
}

/** Reads one page. `head` rows (already known to come first, e.g. the rest of the marker's key) are taken first. */
export function walkPage<R>(src: RangeSource<R>, q: PageQuery, start: Start<R> | null, head: R[] = []): Page<R> {
  const page: Page<R> = { rows: [], commonPrefixes: [], isTruncated: false, last: null };
  // A prefix containing U+0000 matches no stored key; a delimiter containing it never occurs in one.
  if (start === null || q.prefix.includes('\0')) return page;
  const delimiter = q.delimiter.includes('\0') ? '' : q.delimiter;
  const upper = prefixUpperBound(q.prefix);
  let cursor: Start<R> | null = start;
  let taken = 0;

  // 'full' when the page is complete (and another entry exists), 'jump' after a common prefix (cursor moved past
  // it), 'next' after a plain row.
  const take = (row: R): 'full' | 'jump' | 'next' => {
    if (taken >= q.max) {
      page.isTruncated = true;
      return 'full';
    }
    taken++;
    const cp = commonPrefixOf(src.keyOf(row), q.prefix, delimiter);
    if (cp === null) {
      page.rows.push(row);
      page.last = { row };
      return 'next';
    }
    page.commonPrefixes.push(cp);
    page.last = { prefix: cp };
    const past = prefixUpperBound(cp);
    cursor = past === null ? null : { key: past, inclusive: true };
    return 'jump';
  };

  for (const row of head) {
    const r = take(row);
    if (r === 'full') return page;
    if (r === 'jump') break;
  }

  let batch = delimiter === '' ? Number.POSITIVE_INFINITY : FIRST_BATCH;
  while (cursor !== null) {
    // One more than still fits, so a full page also learns whether anything follows (IsTruncated).
    const want = Math.min(batch, q.max - taken + 1);
    const rows = src.fetch(cursor, upper, want);
    let jumped = false;
    for (const row of rows) {
      const r = take(row);
      if (r === 'full') return page;
      if (r === 'jump') {
        jumped = true;
        break;
      }
      cursor = { after: row };
    }
    if (jumped) {
      batch = FIRST_BATCH;
      continue;
    }
    if (rows.length < want) break;
    batch = Math.min(batch * 2, MAX_BATCH);
  }
  return page;
}
