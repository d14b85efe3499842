// GET Bucket listing against a brute-force reference over random key sets, paging, and a 100,000-key scale check.

import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetadataDb, type ListObjectsQuery, type ObjectRecord } from './metadata-db';
import { bucketRecord, objectRecord, tempDataDir } from './meta-test-kit';
import { Rng } from '../../platform/test-support/rng';

/** UTF-8 byte order, computed the slow obvious way. */
function byteCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

type Entry = { key: string } | { prefix: string };

/** Every entry a listing from `marker` would produce, in order (the S3 rules, spelled out). */
function referenceEntries(sorted: string[], q: Omit<ListObjectsQuery, 'bucket' | 'maxKeys'>): Entry[] {
  const out: Entry[] = [];
  for (const key of sorted) {
    if (!key.startsWith(q.prefix)) continue;
    if (q.marker !== '' && byteCompare(key, q.marker) <= 0) continue;
    if (q.delimiter !== '') {
      const at = key.indexOf(q.delimiter, q.prefix.length);
      if (at >= 0) {
        const cp = key.slice(0, at + q.delimiter.length);
        if (cp === q.marker) continue; // a marker that is a common prefix skips it entirely
        const last = out[out.length - 1];
        if (!(last && 'prefix' in last && last.prefix === cp)) out.push({ prefix: cp });
        continue;
      }
    }
    out.push({ key });
  }
  return out;
}

function referencePage(sorted: string[], q: ListObjectsQuery) {
  const all = referenceEntries(sorted, q);
  const page = all.slice(0, q.maxKeys);
  const isTruncated = all.length > q.maxKeys;
  const last = page[page.length - 1];
  return {
    contents: page.filter((e): e is { key: string } => 'key' in e).map((e) => e.key),
    commonPrefixes: page.filter((e): e is { prefix: string } => 'prefix' in e).map((e) => e.prefix),
    isTruncated,
    nextMarker: isTruncated && last ? ('key' in last ? last.key : last.prefix) : '',
  };
}

function actualPage(db: MetadataDb, q: ListObjectsQuery) {
  const r = db.listObjects(q);
  return { ...r, contents: r.contents.map((c) => c.key) };
}

/** Deterministic PRNG so a failure reproduces. */
function rng(seed: number): () => number {
  const r = new Rng(seed);
  return () => r.float();
}

// '\uE000' and '😀' sort differently in UTF-16 and UTF-8; '/' and 'a' serve as delimiters, often repeated.
const ALPHABET = ['/', '/', '/', 'a', 'a', 'b', 'z', '-', '.', 'é', '中', '\uE000', '\uFFFD', '😀', '\u{10FFFF}'];
const DELIMITERS = ['', '/', '/', '//', 'a', 'ab', '😀', '\0'];

describe('listObjects against a brute-force reference', () => {
  let dir: string;
  let db: MetadataDb;
  beforeAll(async () => {
    dir = await tempDataDir();
    db = MetadataDb.open(dir);
  });
  afterAll(async () => {
    db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('matches on random key sets, prefixes, markers, delimiters and page sizes', () => {
    for (let set = 0; set < 12; set++) {
      const rand = rng(1000 + set);
      const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
      const bucket = `set${set}`;
      db.createBucket(bucketRecord(bucket));
      const keys = new Set<string>();
      const n = 50 + Math.floor(rand() * 400);
      while (keys.size < n) {
        const len = 1 + Math.floor(rand() * 7);
        let k = '';
        for (let i = 0; i < len; i++) k += pick(ALPHABET);
        keys.add(k);
      }
      const sorted = [...keys].sort(byteCompare);
      db.bulkInsertObjects(sorted.map((k) => objectRecord(bucket, k)));

      for (let t = 0; t < 150; t++) {
        const delimiter = pick(DELIMITERS);
        const someKey = pick(sorted);
        const cut = (k: string, n: number) => Array.from(k).slice(0, n).join(''); // whole code points
        const prefix = pick(['', '', cut(someKey, 1 + Math.floor(rand() * 3)), 'a/', '/', '😀', 'nomatch', '\0']);
        const cps = referenceEntries(sorted, { prefix, delimiter, marker: '' })
          .filter((e): e is { prefix: string } => 'prefix' in e)
          .map((e) => e.prefix);
        const marker = pick([
          '',
          pick(sorted), // a key
          cps.length > 0 ? pick(cps) : '', // a common prefix
          pick(sorted) + '\u0001', // between keys
          cut(pick(sorted), -1), // maybe a key, maybe between
          prefix,
          'a\0b',
          '\u{10FFFF}\u{10FFFF}',
        ]);
        const maxKeys = pick([0, 1, 2, 3, 7, 50, 1000, 1 + Math.floor(rand() * 1000)]);
        const q = { bucket, prefix, delimiter, marker, maxKeys };
        expect(actualPage(db, q), JSON.stringify(q)).toEqual(referencePage(sorted, q));
      }
    }
  });

  it('paging through nextMarker yields every key and common prefix exactly once, in order', () => {
    for (let set = 0; set < 12; set++) {
      const bucket = `set${set}`;
      const sorted: string[] = [];
      for (let after: { bucket: string; key: string } | null = { bucket, key: '' }; ; ) {
        const batch: ObjectRecord[] = db.iterateObjects(after, 500).filter((r) => r.bucket === bucket);
        if (batch.length === 0) break;
        sorted.push(...batch.map((r) => r.key));
        after = batch[batch.length - 1];
      }
      for (const delimiter of ['', '/', 'a', '😀']) {
        for (const prefix of ['', 'a', '/']) {
          for (const maxKeys of [1, 3, 17, 1000]) {
            const seen: Entry[] = [];
            let marker = '';
            for (let pages = 0; ; pages++) {
              expect(pages).toBeLessThan(1000);
              const r = db.listObjects({ bucket, prefix, delimiter, marker, maxKeys });
              const entries: Entry[] = [
                ...r.contents.map((c) => ({ key: c.key })),
                ...r.commonPrefixes.map((p) => ({ prefix: p })),
              ].sort((x, y) => byteCompare('key' in x ? x.key : x.prefix, 'key' in y ? y.key : y.prefix));
              expect(entries.length).toBeLessThanOrEqual(maxKeys);
              seen.push(...entries);
              if (!r.isTruncated) break;
              marker = r.nextMarker;
            }
            expect(seen).toEqual(referenceEntries(sorted, { prefix, delimiter, marker: '' }));
          }
        }
      }
    }
  });

  it('reports truncation for max-keys 0 only when something would follow', () => {
    db.createBucket(bucketRecord('zero'));
    expect(db.listObjects({ bucket: 'zero', prefix: '', delimiter: '', marker: '', maxKeys: 0 })).toEqual({
      contents: [],
      commonPrefixes: [],
      isTruncated: false,
      nextMarker: '',
    });
    db.putObject(objectRecord('zero', 'x'));
    const r = db.listObjects({ bucket: 'zero', prefix: '', delimiter: '', marker: '', maxKeys: 0 });
    expect(r).toEqual({ contents: [], commonPrefixes: [], isTruncated: true, nextMarker: '' });
  });

  it('returns the listing fields of each object', () => {
    db.createBucket(bucketRecord('fields'));
    db.putObject(objectRecord('fields', 'k', { size: 5, etag: 'abc', lastModified: 42, storageClass: 'STANDARD_IA' }));
    const [c] = db.listObjects({ bucket: 'fields', prefix: '', delimiter: '', marker: '', maxKeys: 10 }).contents;
    expect(c).toEqual({ bucket: 'fields', key: 'k', size: 5, etag: 'abc', lastModified: 42, storageClass: 'STANDARD_IA' });
  });

  it('rejects malformed parameters', () => {
    const q = { bucket: 'zero', prefix: '', delimiter: '', marker: '', maxKeys: 10 };
    expect(() => db.listObjects({ ...q, maxKeys: -1 })).toThrow(/max-keys/);
    expect(() => db.listObjects({ ...q, maxKeys: 1.5 })).toThrow(/max-keys/);
    expect(() => db.listObjects({ ...q, prefix: '\uD800' })).toThrow(/well-formed/);
  });
});

describe('listing at scale', () => {
  let dir: string;
  let db: MetadataDb;
  const keys: string[] = [];
  beforeAll(async () => {
    dir = await tempDataDir();
    db = MetadataDb.open(dir);
    db.createBucket(bucketRecord('big'));
  });
  afterAll(async () => {
    db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('inserts 100,000 keys and serves 1,000-key pages with and without a delimiter', () => {
    // 100 top-level dirs × 40 subdirs × 25 files; inserted in batches, one transaction each.
    for (let d = 0; d < 100; d++)
      for (let s = 0; s < 40; s++)
        for (let f = 0; f < 25; f++) keys.push(`dir${d}/sub${s}/file-${f}.bin`);
    const shuffled = [...keys].sort(() => Math.random() - 0.5);
    let insertMs = 0;
    for (let i = 0; i < shuffled.length; i += 10_000) {
      const batch = shuffled.slice(i, i + 10_000).map((k) => objectRecord('big', k));
      const t0 = performance.now();
      db.bulkInsertObjects(batch);
      insertMs += performance.now() - t0;
    }
    keys.sort(byteCompare);

    const time = (q: ListObjectsQuery) => {
      db.listObjects(q); // warm
      const t = performance.now();
      const r = actualPage(db, q);
      return { r, ms: performance.now() - t };
    };
    const flat = { bucket: 'big', prefix: '', delimiter: '', marker: keys[50_000], maxKeys: 1000 };
    const a = time(flat);
    expect(a.r).toEqual(referencePage(keys, flat));
    // 40 subdir prefixes under each dir, 25 keys under each: a page of 1,000 common prefixes skips 25,000 keys.
    const deep = { bucket: 'big', prefix: '', delimiter: '-', marker: 'dir3/', maxKeys: 1000 };
    const b = time(deep);
    expect(b.r).toEqual(referencePage(keys, deep));
    expect(b.r.commonPrefixes).toHaveLength(1000);
    const dirs = { bucket: 'big', prefix: 'dir42/', delimiter: '/', marker: '', maxKeys: 1000 };
    const c = time(dirs);
    expect(c.r).toEqual(referencePage(keys, dirs));

    const t1 = performance.now();
    for (let i = 0; i < 10_000; i++) db.getObject('big', keys[(i * 7919) % keys.length]);
    const getUs = ((performance.now() - t1) / 10_000) * 1000;

    console.log(
      `[meta scale] 100k insert ${insertMs.toFixed(0)} ms; 1,000-key page ${a.ms.toFixed(2)} ms; ` +
        `1,000 common prefixes ${b.ms.toFixed(2)} ms; prefix+delimiter page ${c.ms.toFixed(2)} ms; ` +
        `getObject ${getUs.toFixed(1)} µs`,
    );
    // Generous bounds: this is a correctness test on a shared machine; the benchmark measures speed.
    expect(insertMs).toBeLessThan(60_000);
    expect(a.ms).toBeLessThan(500);
    expect(b.ms).toBeLessThan(2_000);
  });
});
