// MetadataDb: buckets, objects, data references, compare-and-set updates, multipart, key-version counts, schema.

import fs from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WalSyncError } from './group-commit';
import { MetaConflictError, MetadataDb, MetaNotFoundError, type CompletedUpload, type ObjectRecord, type PartRecord } from './metadata-db';
import { bucketRecord, objectRecord, randomDataId, tempDataDir, uploadRecord } from './meta-test-kit';
import { Database } from './sqlite-driver';

let dir: string;
let db: MetadataDb;

beforeEach(async () => {
  dir = await tempDataDir();
  db = MetadataDb.open(dir);
  db.createBucket(bucketRecord('b'));
});
afterEach(async () => {
  db.close();
  await rm(dir, { recursive: true, force: true });
});

function part(uploadId: string, partNumber: number, size = 5): PartRecord {
  return { uploadId, partNumber, size, etag: `etag${partNumber}`, crc64: null, dataId: randomDataId(), lastModified: 5 };
}

function ids(rec: ObjectRecord | undefined): string[] {
  return rec ? rec.parts.map((p) => p.dataId) : [];
}

describe('schema and identity', () => {
  it('keeps the store id and the data across reopen', () => {
    const id = db.storeId();
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    db.putObject(objectRecord('b', 'k'));
    db.close();
    db = MetadataDb.open(dir);
    expect(db.storeId()).toBe(id);
    expect(db.getObject('b', 'k')?.key).toBe('k');
    expect(db.integrityCheck()).toEqual([]);
  });

  it('refuses a database from a newer schema version', async () => {
    db.close();
    const raw = new Database(path.join(dir, 'meta.db'));
    raw.exec('PRAGMA locking_mode = EXCLUSIVE'); // a WAL database opens without shared memory only this way
    raw.run(`UPDATE meta SET value = '99' WHERE name = 'schema_version'`);
    raw.close();
    expect(() => MetadataDb.open(dir)).toThrow(/schema version 99, newer than this build/);
    await rm(dir, { recursive: true, force: true });
    dir = await tempDataDir();
    db = MetadataDb.open(dir); // for afterEach
  });
});

describe('buckets', () => {
  it('creates, lists in byte order, updates and deletes', () => {
    expect(() => db.createBucket(bucketRecord('b'))).toThrow(MetaConflictError);
    db.createBucket(bucketRecord('a', { encryption: { algorithm: 'AES256' } }));
    db.createBucket(bucketRecord('c-1'));
    expect(db.listBuckets().map((x) => x.name)).toEqual(['a', 'b', 'c-1']);
    expect(db.getBucket('a')).toEqual(bucketRecord('a', { encryption: { algorithm: 'AES256' } }));
    expect(db.getBucket('nope')).toBeUndefined();

    expect(db.updateBucket('a', { acl: 'public-read', encryption: null })).toBe(true);
    expect(db.getBucket('a')).toMatchObject({ acl: 'public-read', encryption: null });
    expect(db.updateBucket('a', { encryption: { algorithm: 'KMS', kmsKeyId: 'k1' } })).toBe(true);
    expect(db.getBucket('a')?.encryption).toEqual({ algorithm: 'KMS', kmsKeyId: 'k1' });
    expect(db.updateBucket('nope', { acl: 'private' })).toBe(false);

    expect(db.getBucket('c-1')?.name).toBe('c-1');
    expect(db.deleteBucket('c-1')).toBe(true);
    expect(db.getBucket('c-1')).toBeUndefined();
    expect(db.deleteBucket('c-1')).toBe(false);
  });

  it('hands out bucket records nobody can change behind the database', () => {
    db.createBucket(bucketRecord('frozen', { encryption: { algorithm: 'AES256' } }));
    const rec = db.getBucket('frozen')!;
    expect(() => Object.assign(rec, { acl: 'public-read-write' })).toThrow(TypeError);
    expect(() => Object.assign(rec.encryption!, { algorithm: 'KMS' })).toThrow(TypeError);
    expect(db.getBucket('frozen')).toMatchObject({ acl: 'private', encryption: { algorithm: 'AES256' } });
  });

  it('is not empty while it holds an object or an open upload', async () => {
    expect(db.bucketIsEmpty('b')).toBe(true);
    db.putObject(objectRecord('b', 'k'));
    expect(db.bucketIsEmpty('b')).toBe(false);
    expect(() => db.deleteBucket('b')).toThrow(MetaConflictError);
    db.deleteObject('b', 'k');
    const up = uploadRecord('b', 'k');
    await db.createUploadGrouped(up);
    expect(db.bucketIsEmpty('b')).toBe(false);
    await db.abortUploadGrouped(up.uploadId);
    expect(db.bucketIsEmpty('b')).toBe(true);
    expect(db.deleteBucket('b')).toBe(true);
  });
});

describe('objects', () => {
  it('round-trips every field exactly', () => {
    const rec = objectRecord('b', 'dir/ключ 😀', {
      size: 12,
      crc64: null,
      headers: { 'cache-control': 'no-cache', 'x-cos-meta-a': 'ü' },
      acl: 'public-read',
      storageClass: 'STANDARD_IA',
      parts: [
        { partNumber: 1, size: 5, dataId: randomDataId(), etag: 'e1', crc64: '1', partSalt: 'c2FsdA==' },
        { partNumber: 2, size: 7, dataId: randomDataId(), etag: 'e2', crc64: null },
      ],
      sse: { alg: 'AES256', kid: 3, nested: { a: [1, 2] } },
      sseKid: 3,
    });
    expect(db.putObject(rec)).toBeUndefined();
    expect(db.getObject('b', rec.key)).toEqual(rec);
    expect(db.getObject('b', 'other')).toBeUndefined();
  });

  it('returns the replaced record and moves the data references', () => {
    const v1 = objectRecord('b', 'k');
    const v2 = objectRecord('b', 'k', { size: 0, parts: [] });
    db.putObject(v1);
    expect(db.isDataReferenced(ids(v1)[0])).toBe(true);
    expect(db.putObject(v2)).toEqual(v1);
    expect(db.isDataReferenced(ids(v1)[0])).toBe(false);
    expect(db.getObject('b', 'k')).toEqual(v2);
  });

  it('never lets two records share a data file, and a refused put changes nothing', () => {
    const a = objectRecord('b', 'a');
    const bRec = objectRecord('b', 'b');
    db.putObject(a);
    db.putObject(bRec);
    const thief = objectRecord('b', 'b', { parts: a.parts, size: a.size });
    expect(() => db.putObject(thief)).toThrow(/already belongs to object b\/a/);
    expect(db.getObject('b', 'b')).toEqual(bRec); // the transaction rolled back the removal of b's old row
    expect(db.isDataReferenced(ids(bRec)[0])).toBe(true);
    // Rewriting a record with its own data ids (a metadata-only replace) is fine.
    expect(db.putObject({ ...a, contentType: 'text/plain' })).toEqual(a);
    expect(db.isDataReferenced(ids(a)[0])).toBe(true);
  });

  it('validates records before storing them', () => {
    expect(() => db.putObject(objectRecord('missing', 'k'))).toThrow(MetaNotFoundError);
    expect(() => db.putObject(objectRecord('b', 'a\0b'))).toThrow(/U\+0000/);
    expect(() => db.putObject(objectRecord('b', 'k', { size: 11 }))).not.toThrow();
    const bad = objectRecord('b', 'k2');
    expect(() => db.putObject({ ...bad, size: 3 })).toThrow(/add up to 10, not the object size 3/);
    expect(() => db.putObject({ ...bad, parts: [{ ...bad.parts[0], dataId: '../../etc/passwd' }] })).toThrow(
      /invalid data id/,
    );
    const p = bad.parts[0];
    expect(() =>
      db.putObject({ ...bad, size: 20, parts: [{ ...p, partNumber: 2 }, { ...p, partNumber: 1, dataId: randomDataId() }] }),
    ).toThrow(/ascending/);
    expect(() => db.putObject({ ...bad, acl: 'weird' as never })).toThrow(/unknown ACL/);
    expect(db.getObject('b', 'k2')).toBeUndefined();
  });

  it('deletes one or many in a transaction, returning what was deleted', () => {
    const recs = ['x', 'y', 'z'].map((k) => objectRecord('b', k));
    db.bulkInsertObjects(recs);
    expect(db.deleteObject('b', 'x')).toEqual(recs[0]);
    expect(db.deleteObject('b', 'x')).toBeUndefined();
    expect(db.deleteObjects('b', ['y', 'nope', 'z', 'y'])).toEqual([recs[1], undefined, recs[2], undefined]);
    for (const r of recs) expect(db.isDataReferenced(ids(r)[0])).toBe(false);
    expect(db.bucketIsEmpty('b')).toBe(true);
  });

  it('bulk insert is all or nothing', () => {
    db.putObject(objectRecord('b', 'k3'));
    expect(() => db.bulkInsertObjects(['k1', 'k2', 'k3'].map((k) => objectRecord('b', k)))).toThrow(MetaConflictError);
    expect(db.getObject('b', 'k1')).toBeUndefined();
    expect(db.bulkInsertObjects(['k1', 'k2'].map((k) => objectRecord('b', k)))).toBe(2);
  });

  it('updates SSE and metadata only if the data files are unchanged', () => {
    const v1 = objectRecord('b', 'k', { sse: { kid: 1 }, sseKid: 1 });
    db.putObject(v1);
    expect(db.updateObjectSse('b', 'k', { dataIds: ids(v1) }, { kid: 2 }, 2)).toBe(true);
    expect(db.getObject('b', 'k')).toMatchObject({ sse: { kid: 2 }, sseKid: 2 });
    expect(db.updateObjectMeta('b', 'k', ids(v1), { contentType: 'text/plain', headers: { 'x-cos-meta-q': '1' } })).toBe(
      true,
    );
    expect(db.getObject('b', 'k')).toMatchObject({ contentType: 'text/plain', headers: { 'x-cos-meta-q': '1' }, etag: v1.etag });

    const v2 = objectRecord('b', 'k', { sse: { kid: 1 }, sseKid: 1 });
    db.putObject(v2); // overwritten since v1 was read
    expect(db.updateObjectSse('b', 'k', { dataIds: ids(v1) }, { kid: 2 }, 2)).toBe(false);
    expect(db.updateObjectMeta('b', 'k', ids(v1), { acl: 'private' })).toBe(false);
    expect(db.getObject('b', 'k')).toEqual(v2);
    expect(db.updateObjectSse('b', 'gone', { dataIds: [] }, null, null)).toBe(false);
  });

  it('iterates all objects across buckets in order', () => {
    db.createBucket(bucketRecord('a'));
    db.createBucket(bucketRecord('c'));
    db.bulkInsertObjects([objectRecord('c', 'z'), objectRecord('a', 'y'), objectRecord('b', 'x'), objectRecord('b', 'w')]);
    const seen: string[] = [];
    for (let after: { bucket: string; key: string } | null = null; ; ) {
      const batch = db.iterateObjects(after, 3);
      if (batch.length === 0) break;
      seen.push(...batch.map((r) => `${r.bucket}/${r.key}`));
      after = batch[batch.length - 1];
    }
    expect(seen).toEqual(['a/y', 'b/w', 'b/x', 'c/z']);
  });
});

/**
 * Counts WAL syncs while `fn` runs: blocking ones (node-sqlite3-wasm syncs through this very fs module, with
 * fsyncSync, on the request thread) and background ones (the group commit's fs.fdatasync on the thread pool).
 * `take()` returns the counts so far and starts again from zero.
 */
async function countingSyncs(fn: (syncs: { take(): { blocking: number; background: number } }) => Promise<void>): Promise<void> {
  const realFsyncSync = fs.fsyncSync;
  const realFdatasync = fs.fdatasync;
  let counts = { blocking: 0, background: 0 };
  fs.fsyncSync = (fd) => {
    counts.blocking++;
    realFsyncSync(fd);
  };
  fs.fdatasync = ((fd: number, cb: fs.NoParamCallback) => {
    counts.background++;
    realFdatasync(fd, cb);
  }) as typeof fs.fdatasync;
  try {
    await fn({
      take: () => {
        const taken = counts;
        counts = { blocking: 0, background: 0 };
        return taken;
      },
    });
  } finally {
    fs.fsyncSync = realFsyncSync;
    fs.fdatasync = realFdatasync;
  }
}

describe('group commit', () => {
  it('commits the writes of one event-loop turn together, syncing once off the request thread', async () => {
    await countingSyncs(async (syncs) => {
      await Promise.all(Array.from({ length: 20 }, (_, i) => db.putObjectGrouped(objectRecord('b', `g${i}`))));
      expect(syncs.take()).toEqual({ blocking: 0, background: 1 });
      for (let i = 0; i < 5; i++) db.putObject(objectRecord('b', `s${i}`));
      expect(syncs.take()).toEqual({ blocking: 5, background: 0 }); // one per ungrouped transaction
      // Single-statement writes outside any transaction are synced at once too, also right after a group commit.
      await db.putObjectGrouped(objectRecord('b', 'g-last'));
      syncs.take();
      db.createBucket(bucketRecord('after-group'));
      db.updateBucket('after-group', { acl: 'public-read' });
      expect(syncs.take()).toEqual({ blocking: 2, background: 0 });
    });
    for (let i = 0; i < 20; i++) expect(db.getObject('b', `g${i}`)?.key).toBe(`g${i}`);
  });

  it('acknowledges a write only after its sync, and reports a failed sync without undoing the commit', async () => {
    const realFdatasync = fs.fdatasync;
    let release!: (err: Error | null) => void;
    fs.fdatasync = ((_fd: number, cb: fs.NoParamCallback) => {
      release = cb;
    }) as typeof fs.fdatasync;
    try {
      let acknowledged = false;
      const put = db.putObjectGrouped(objectRecord('b', 'pending-sync')).then(() => (acknowledged = true));
      await new Promise((r) => setTimeout(r, 20));
      expect(acknowledged).toBe(false);
      release(null);
      await put;
      expect(acknowledged).toBe(true);

      const failing = db.putObjectGrouped(objectRecord('b', 'sync-fails'));
      await new Promise((r) => setTimeout(r, 20));
      release(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
      await expect(failing).rejects.toBeInstanceOf(WalSyncError);
      expect(db.getObject('b', 'sync-fails')).toBeDefined(); // committed: its data must be kept
    } finally {
      fs.fdatasync = realFdatasync;
    }
  });

  it('refuses one write of a group alone; the others commit', async () => {
    const before = objectRecord('b', 'guarded');
    db.putObject(before);
    const refuse = new Error('If-Match failed');
    const results = await Promise.allSettled([
      db.putObjectGrouped(objectRecord('b', 'ok1')),
      db.putObjectGrouped(objectRecord('b', 'guarded'), (current) => {
        expect(current?.etag).toBe(before.etag);
        throw refuse;
      }),
      db.putObjectGrouped(objectRecord('nobucket', 'x')),
      db.putObjectGrouped(objectRecord('b', 'ok2')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBe(refuse);
    expect((results[2] as PromiseRejectedResult).reason).toBeInstanceOf(MetaNotFoundError);
    expect(db.getObject('b', 'guarded')?.etag).toBe(before.etag);
    expect(ids(db.getObject('b', 'guarded'))).toEqual(ids(before));
    expect(db.getObject('b', 'ok1')).toBeDefined();
    expect(db.getObject('b', 'ok2')).toBeDefined();
    expect(db.integrityCheck()).toEqual([]);
  });

  it('applies two writes of one key in order: the second replaces the first and gets it back', async () => {
    const first = objectRecord('b', 'same');
    const second = objectRecord('b', 'same');
    const [p1, p2] = await Promise.all([db.putObjectGrouped(first), db.putObjectGrouped(second)]);
    expect(p1).toBeUndefined();
    expect(ids(p2)).toEqual(ids(first));
    expect(ids(db.getObject('b', 'same'))).toEqual(ids(second));
    expect(db.isDataReferenced(first.parts[0]!.dataId)).toBe(false);
  });

  it('keeps inline bytes with their row: replaced, deleted and refused together with it', async () => {
    const small = (key: string) => {
      const rec = objectRecord('b', key);
      rec.parts = [{ ...rec.parts[0]!, inline: true }];
      return rec;
    };
    const first = small('tiny');
    await db.putObjectGrouped(first, undefined, Buffer.from('first bytes'));
    expect(db.getInline(first.parts[0]!.dataId)?.toString()).toBe('first bytes');
    const second = small('tiny');
    const previous = await db.putObjectGrouped(second, undefined, Buffer.from('second'));
    expect(previous?.parts[0]!.inline).toBe(true);
    expect(db.getInline(first.parts[0]!.dataId)).toBeUndefined();
    expect(db.getInline(second.parts[0]!.dataId)?.toString()).toBe('second');
    // A refused write leaves no inline bytes behind.
    const refused = small('tiny');
    await expect(db.putObjectGrouped(refused, () => { throw new Error('no'); }, Buffer.from('x'))).rejects.toThrow('no');
    expect(db.getInline(refused.parts[0]!.dataId)).toBeUndefined();
    // Bytes without an inline part, or an inline part without bytes, are a caller bug.
    expect(() => db.putObjectGrouped(objectRecord('b', 'k2'), undefined, Buffer.from('x'))).toThrow(/inline/);
    expect(() => db.putObjectGrouped(small('k3'))).toThrow(/inline/);
    expect(ids(await db.deleteObjectGrouped('b', 'tiny'))).toEqual(ids(second));
    expect(db.getInline(second.parts[0]!.dataId)).toBeUndefined();
    expect(await db.deleteObjectGrouped('b', 'tiny')).toBeUndefined();
    const many = [small('m1'), small('m2')];
    await Promise.all(many.map((r) => db.putObjectGrouped(r, undefined, Buffer.from(r.key))));
    const gone = await db.deleteObjectsGrouped('b', ['m1', 'nope', 'm2']);
    expect(gone.map((r) => r?.key)).toEqual(['m1', undefined, 'm2']);
    for (const r of many) expect(db.getInline(r.parts[0]!.dataId)).toBeUndefined();
    expect(db.integrityCheck()).toEqual([]);
  });

  it('keeps inline ids unique without data_refs rows, and refuses a bucket that is gone', async () => {
    const rec = objectRecord('b', 'i1');
    rec.parts = [{ ...rec.parts[0]!, inline: true }];
    await db.putObjectGrouped(rec, undefined, Buffer.from('one'));
    expect(db.isDataReferenced(rec.parts[0]!.dataId)).toBe(false); // no file, so no file reference
    const twin = { ...objectRecord('b', 'i2'), parts: rec.parts };
    await expect(db.putObjectGrouped(twin, undefined, Buffer.from('two'))).rejects.toThrow(/UNIQUE/);
    expect(db.getObject('b', 'i2')).toBeUndefined();
    expect(db.getInline(rec.parts[0]!.dataId)?.toString()).toBe('one');
    await expect(db.putObjectGrouped(objectRecord('gone', 'k'))).rejects.toBeInstanceOf(MetaNotFoundError);
    expect(() => db.putObject(objectRecord('gone', 'k'))).toThrow(MetaNotFoundError);
  });

  it('migrates a version 2 database: the data_refs rows it kept for inline bytes are dropped, file ones kept', async () => {
    const inline = objectRecord('b', 'small');
    inline.parts = [{ ...inline.parts[0]!, inline: true }];
    await db.putObjectGrouped(inline, undefined, Buffer.from('small bytes'));
    const file = objectRecord('b', 'big');
    db.putObject(file);
    db.close();
    // What version 2 left behind: a data_refs row for the inline part too.
    const raw = new Database(path.join(dir, 'meta.db'));
    raw.exec('PRAGMA locking_mode = EXCLUSIVE');
    raw.run(`INSERT INTO data_refs (data_id, bucket, key, upload_id) VALUES (?, 'b', 'small', NULL)`, [inline.parts[0]!.dataId]);
    raw.run(`UPDATE meta SET value = '2' WHERE name = 'schema_version'`);
    raw.close();
    db = MetadataDb.open(dir);
    expect(db.isDataReferenced(inline.parts[0]!.dataId)).toBe(false);
    expect(db.isDataReferenced(file.parts[0]!.dataId)).toBe(true);
    expect(db.getInline(inline.parts[0]!.dataId)?.toString()).toBe('small bytes');
    expect(ids(await db.deleteObjectGrouped('b', 'small'))).toEqual(ids(inline));
    expect(db.integrityCheck()).toEqual([]);
  });

  it('commits what is queued when the database closes', async () => {
    const pending = db.putObjectGrouped(objectRecord('b', 'at-close'));
    db.close();
    await pending;
    db = MetadataDb.open(dir);
    expect(db.getObject('b', 'at-close')?.key).toBe('at-close');
  });
});

describe('master-key version counts', () => {
  it('counts objects and open uploads per kid', async () => {
    db.bulkInsertObjects([
      objectRecord('b', '1', { sseKid: 1 }),
      objectRecord('b', '2', { sseKid: 1 }),
      objectRecord('b', '3', { sseKid: 2 }),
      objectRecord('b', '4'),
    ]);
    await db.createUploadGrouped(uploadRecord('b', 'u', { sseKid: 2 }));
    await db.createUploadGrouped(uploadRecord('b', 'v', { sseKid: 3 }));
    expect(db.countObjectsByKid()).toEqual(
      new Map([
        [1, 2],
        [2, 2],
        [3, 1],
      ]),
    );
    expect(db.referencesKid(2)).toBe(2);
    expect(db.referencesKid(9)).toBe(0);
  });
});

describe('multipart uploads', () => {
  it('records parts, replaces re-uploads and pages through them', async () => {
    const up = uploadRecord('b', 'big', { headers: { 'x-cos-meta-a': '1' }, sse: { w: 'x' }, sseKid: 4 });
    await db.createUploadGrouped(up);
    await expect(db.createUploadGrouped(up)).rejects.toThrow(MetaConflictError);
    await expect(db.createUploadGrouped(uploadRecord('nope', 'k'))).rejects.toThrow(MetaNotFoundError);
    expect(db.getUpload(up.uploadId)).toEqual(up);

    const p = [1, 2, 3, 4, 5].map((n) => part(up.uploadId, n));
    for (const x of p) expect(await db.putPartGrouped(x)).toBeUndefined();
    const p2b = { ...part(up.uploadId, 2), partSalt: 'c2FsdA==' };
    expect(await db.putPartGrouped(p2b)).toEqual(p[1]);
    expect(db.isDataReferenced(p[1].dataId)).toBe(false);
    expect(db.isDataReferenced(p2b.dataId)).toBe(true);
    expect(db.getParts(up.uploadId)).toEqual([p[0], p2b, p[2], p[3], p[4]]);

    expect(db.listParts(up.uploadId, 0, 2)).toEqual({ parts: [p[0], p2b], isTruncated: true, nextPartNumberMarker: 2 });
    expect(db.listParts(up.uploadId, 2, 3)).toEqual({ parts: [p[2], p[3], p[4]], isTruncated: false, nextPartNumberMarker: 5 });
    expect(db.listParts(up.uploadId, 5, 3)).toEqual({ parts: [], isTruncated: false, nextPartNumberMarker: 5 });
    await expect(db.putPartGrouped(part('unknown', 1))).rejects.toThrow(MetaNotFoundError);
  });

  it('creates uploads in a group commit: one background sync, a duplicate id or a missing bucket failing alone', async () => {
    const up = uploadRecord('b', 'initiated');
    await countingSyncs(async (syncs) => {
      const results = await Promise.allSettled([
        db.createUploadGrouped(up),
        db.createUploadGrouped(up),
        db.createUploadGrouped(uploadRecord('no-such-bucket', 'k')),
        db.createUploadGrouped(uploadRecord('b', 'another')),
      ]);
      expect(results.map((r) => (r.status === 'rejected' ? (r.reason as Error).constructor : r.status))).toEqual([
        'fulfilled',
        MetaConflictError,
        MetaNotFoundError,
        'fulfilled',
      ]);
      expect(syncs.take()).toEqual({ blocking: 0, background: 1 });
    });
    expect(db.getUpload(up.uploadId)).toEqual(up);
  });

  it('aborts uploads in a group commit, returning their parts; an unknown upload gives undefined', async () => {
    const up = uploadRecord('b', 'aborted');
    await db.createUploadGrouped(up);
    const p = [1, 2].map((n) => part(up.uploadId, n));
    for (const x of p) await db.putPartGrouped(x);
    await countingSyncs(async (syncs) => {
      expect(await Promise.all([db.abortUploadGrouped(up.uploadId), db.abortUploadGrouped(up.uploadId)])).toEqual([p, undefined]);
      expect(syncs.take()).toEqual({ blocking: 0, background: 1 });
    });
    expect(db.getUpload(up.uploadId)).toBeUndefined();
    expect(p.map((x) => db.isDataReferenced(x.dataId))).toEqual([false, false]);
  });

  it('records the parts of concurrent Upload Part requests in one group commit, never syncing on the request thread', async () => {
    const up = uploadRecord('b', 'grouped');
    await db.createUploadGrouped(up);
    await countingSyncs(async (syncs) => {
      const p = [1, 2, 3, 4].map((n) => part(up.uploadId, n));
      // One of the group names an upload that does not exist: it fails alone.
      const results = await Promise.allSettled([...p.map((x) => db.putPartGrouped(x)), db.putPartGrouped(part('unknown', 1))]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
      expect((results[4] as PromiseRejectedResult).reason).toBeInstanceOf(MetaNotFoundError);
      expect(syncs.take()).toEqual({ blocking: 0, background: 1 });
      expect(db.getParts(up.uploadId)).toEqual(p);
      // A re-upload of a part returns the part it replaced, whose data is no longer referenced.
      const again = part(up.uploadId, 2);
      expect(await db.putPartGrouped(again)).toEqual(p[1]);
      expect(db.isDataReferenced(p[1]!.dataId)).toBe(false);
    });
  });

  it('completes in one transaction, returning the replaced object and the unused parts', async () => {
    const old = objectRecord('b', 'big');
    db.putObject(old);
    const up = uploadRecord('b', 'big');
    await db.createUploadGrouped(up);
    const p = [1, 2, 3].map((n) => part(up.uploadId, n));
    for (const x of p) await db.putPartGrouped(x);
    const rec = objectRecord('b', 'big', {
      size: 10,
      parts: [p[0], p[2]].map((x) => ({ partNumber: x.partNumber, size: x.size, dataId: x.dataId, etag: x.etag, crc64: null })),
    });
    const res = await db.completeUploadGrouped(up.uploadId, () => rec);
    expect(res.previous).toEqual(old);
    expect(res.unusedParts).toEqual([p[1]]);
    expect(db.getObject('b', 'big')).toEqual(rec);
    expect(db.getUpload(up.uploadId)).toBeUndefined();
    expect(db.getParts(up.uploadId)).toEqual([]);
    expect([p[0], p[1], p[2]].map((x) => db.isDataReferenced(x.dataId))).toEqual([true, false, true]);
    expect(db.isDataReferenced(ids(old)[0])).toBe(false);
    // The completed object owns its data now: deleting it releases the parts' files.
    db.deleteObject('b', 'big');
    expect(db.isDataReferenced(p[0].dataId)).toBe(false);
    await expect(db.completeUploadGrouped(up.uploadId, () => rec)).rejects.toThrow(MetaNotFoundError);
  });

  it('completes in a group commit, building the object from what the group committed before it; a refused build changes nothing', async () => {
    const up = uploadRecord('b', 'grouped-complete');
    await db.createUploadGrouped(up);
    const p = [1, 2].map((n) => part(up.uploadId, n));
    for (const x of p) await db.putPartGrouped(x);
    const toObject = (parts: PartRecord[]) =>
      objectRecord('b', 'grouped-complete', { size: 10, parts: parts.map((x) => ({ partNumber: x.partNumber, size: x.size, dataId: x.dataId, etag: x.etag, crc64: null })) });

    // A build that refuses (say, FileAlreadyExists) rolls back alone: the upload and its parts stay.
    await expect(db.completeUploadGrouped(up.uploadId, () => { throw new Error('refused'); })).rejects.toThrow('refused');
    expect(db.getParts(up.uploadId)).toEqual(p);

    let replaced: PartRecord | undefined;
    let done!: CompletedUpload;
    const again = part(up.uploadId, 2);
    await countingSyncs(async (syncs) => {
      // Part 2 is re-uploaded in the same turn, before the Complete: the build sees the new part, not the old one.
      const seen: PartRecord[][] = [];
      [replaced, done] = await Promise.all([
        db.putPartGrouped(again),
        db.completeUploadGrouped(up.uploadId, (upload, parts, current) => {
          expect(upload.uploadId).toBe(up.uploadId);
          expect(current).toBeUndefined();
          seen.push(parts);
          return toObject(parts);
        }),
      ]);
      expect(replaced).toEqual(p[1]);
      expect(seen).toEqual([[p[0], again]]);
      expect(done.rec.parts.map((x) => x.dataId)).toEqual([p[0]!.dataId, again.dataId]);
      expect(done.unusedParts).toEqual([]);
      expect(syncs.take()).toEqual({ blocking: 0, background: 1 });
    });
    expect(db.getObject('b', 'grouped-complete')).toEqual(done.rec);
    expect(db.getUpload(up.uploadId)).toBeUndefined();
    await expect(db.completeUploadGrouped(up.uploadId, () => toObject(p))).rejects.toThrow(MetaNotFoundError);
  });

  it('refuses a completion that names data the upload does not own, changing nothing', async () => {
    const up = uploadRecord('b', 'k');
    await db.createUploadGrouped(up);
    const p1 = part(up.uploadId, 1);
    await db.putPartGrouped(p1);
    const foreign = objectRecord('b', 'k', { size: 5, parts: [{ partNumber: 1, size: 5, dataId: randomDataId(), etag: 'e', crc64: null }] });
    await expect(db.completeUploadGrouped(up.uploadId, () => foreign)).rejects.toThrow(/not an uploaded part/);
    await expect(db.completeUploadGrouped(up.uploadId, () => ({ ...foreign, key: 'other' }))).rejects.toThrow(/is for b\/k/);
    expect(db.getParts(up.uploadId)).toEqual([p1]);
    expect(db.isDataReferenced(p1.dataId)).toBe(true);
    expect(db.getObject('b', 'k')).toBeUndefined();
  });

  it('aborts, returning the parts for cleanup', async () => {
    const up = uploadRecord('b', 'k');
    await db.createUploadGrouped(up);
    const p = [1, 2].map((n) => part(up.uploadId, n));
    for (const x of p) await db.putPartGrouped(x);
    expect(await db.abortUploadGrouped(up.uploadId)).toEqual(p);
    expect(await db.abortUploadGrouped(up.uploadId)).toBeUndefined();
    expect(p.map((x) => db.isDataReferenced(x.dataId))).toEqual([false, false]);
  });

  it('lists uploads by key, initiation and id, with markers and common prefixes', async () => {
    const mk = async (key: string, initiated: number, uploadId: string) => {
      const u = uploadRecord('b', key, { initiated, uploadId });
      await db.createUploadGrouped(u);
      return u;
    };
    const u = await Promise.all([
      mk('a', 1, 'u1'),
      mk('b', 3, 'u2'),
      mk('b', 2, 'u9'), // initiated earlier: comes first for key b
      mk('b', 3, 'u3'),
      mk('d/1', 1, 'u4'),
      mk('d/2', 1, 'u5'),
      mk('e', 1, 'u6'),
    ]);
    const q = { bucket: 'b', prefix: '', delimiter: '', keyMarker: '', uploadIdMarker: '', maxUploads: 1000 };
    expect(db.listUploads(q).uploads.map((x) => x.uploadId)).toEqual(['u1', 'u9', 'u2', 'u3', 'u4', 'u5', 'u6']);

    // Page two at a time through key and upload-id markers.
    const seen: string[] = [];
    let m = { keyMarker: '', uploadIdMarker: '' };
    for (;;) {
      const r = db.listUploads({ ...q, ...m, maxUploads: 2 });
      seen.push(...r.uploads.map((x) => x.uploadId));
      if (!r.isTruncated) break;
      m = { keyMarker: r.nextKeyMarker, uploadIdMarker: r.nextUploadIdMarker };
    }
    expect(seen).toEqual(['u1', 'u9', 'u2', 'u3', 'u4', 'u5', 'u6']);

    const delimited = db.listUploads({ ...q, delimiter: '/', maxUploads: 5 });
    expect(delimited.uploads.map((x) => x.uploadId)).toEqual(['u1', 'u9', 'u2', 'u3']);
    expect(delimited.commonPrefixes).toEqual(['d/']);
    expect(delimited.isTruncated).toBe(true);
    expect([delimited.nextKeyMarker, delimited.nextUploadIdMarker]).toEqual(['d/', '']);
    const rest = db.listUploads({ ...q, delimiter: '/', keyMarker: 'd/' });
    expect(rest.uploads.map((x) => x.uploadId)).toEqual(['u6']);
    expect(rest.commonPrefixes).toEqual([]);

    // A key marker alone skips every upload of that key.
    expect(db.listUploads({ ...q, keyMarker: 'b' }).uploads.map((x) => x.uploadId)).toEqual(['u4', 'u5', 'u6']);
    // The marker upload completed meanwhile: uploads of its key with a greater id, then the following keys.
    await db.abortUploadGrouped('u2');
    expect(db.listUploads({ ...q, keyMarker: 'b', uploadIdMarker: 'u2' }).uploads.map((x) => x.uploadId)).toEqual([
      'u9',
      'u3',
      'u4',
      'u5',
      'u6',
    ]);
    expect(db.listUploads({ ...q, prefix: 'd/' }).uploads.map((x) => x.uploadId)).toEqual(['u4', 'u5']);
    expect(u).toHaveLength(7);
  });
});
