// The store's metadata: buckets, objects, multipart uploads and parts, and the index of data files they point at,
// in one SQLite database `<dataDir>/meta.db`. Every change that touches more than one row is one transaction, and
// a transaction's COMMIT is the commit point of a write (its data files are already durable, see DataFiles), so a
// crash leaves either the old or the new state, never a row pointing at missing data.
//
// The API is synchronous: node-sqlite3-wasm is, and it means a read-check-write inside one method cannot interleave
// with another request. The caller must hold the data directory's StoreLock while this is open.

import fs, { mkdirSync } from 'node:fs';
import path from 'node:path';
import { listObjects, listUploads } from './meta-listing';
import {
  bucketFromRow,
  checkAcl,
  checkBucket,
  checkObject,
  checkPart,
  checkUpload,
  objectFromRow,
  objectValues,
  OBJECT_COLUMNS,
  partFromRow,
  partValues,
  PART_COLUMNS,
  placeholders,
  uploadFromRow,
  uploadValues,
  UPLOAD_COLUMNS,
} from './meta-rows';
import { GroupCommit } from './group-commit';
import { CONNECTION_PRAGMAS, ensureSchema } from './meta-schema';
import {
  MetaConflictError,
  MetaNotFoundError,
  type BucketRecord,
  type ListObjectsQuery,
  type ListObjectsResult,
  type ListPartsResult,
  type ListUploadsQuery,
  type ListUploadsResult,
  type ObjectRecord,
  type PartRecord,
  type UploadRecord,
} from './meta-types';
import { SqlSession } from './sql-session';
import { Database, type SqlValue } from './sqlite-driver';
import { assertNoHotJournal, HotJournalError, withHotJournalRecovery } from './sqlite-recovery';

export * from './meta-types';

const GET_OBJECT = `SELECT ${OBJECT_COLUMNS} FROM objects WHERE bucket = ? AND key = ?`;
const INSERT_OBJECT = `INSERT INTO objects (${OBJECT_COLUMNS}) VALUES (${placeholders(OBJECT_COLUMNS)})`;
const DELETE_OBJECT = `DELETE FROM objects WHERE bucket = ? AND key = ?`;
const INSERT_REF = `INSERT INTO data_refs (data_id, bucket, key, upload_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`;
const DELETE_REF = `DELETE FROM data_refs WHERE data_id = ?`;
const INSERT_INLINE = `INSERT INTO inline_data (data_id, bytes) VALUES (?, ?)`;
const GET_INLINE = `SELECT bytes FROM inline_data WHERE data_id = ?`;
const DELETE_INLINE = `DELETE FROM inline_data WHERE data_id = ?`;
const GET_UPLOAD = `SELECT ${UPLOAD_COLUMNS} FROM uploads WHERE upload_id = ?`;
const GET_PARTS = `SELECT ${PART_COLUMNS} FROM parts WHERE upload_id = ? ORDER BY part_number`;

/** What Complete committed, what it replaced (the previous object, if any) and the parts the object does not use. */
export interface CompletedUpload {
  rec: ObjectRecord;
  previous: ObjectRecord | undefined;
  unusedParts: PartRecord[];
}

export class MetadataDb {
  private readonly group: GroupCommit;

  private constructor(
    private readonly sql: SqlSession,
    /** path of meta.db */
    readonly file: string,
    private readonly id: string,
  ) {
    this.group = new GroupCommit(sql, () => this.syncWal());
  }

  private walFd: number | null = null;

  /**
   * Bucket records by name, as committed. Every request reads its bucket (and every object write checks it again
   * inside its transaction), and the query was ~5% of the store's CPU with 4 KiB PUTs. This connection is the
   * database's only writer (EXCLUSIVE lock), and each bucket write drops its entry before it runs.
   */
  private readonly bucketCache = new Map<string, BucketRecord>();

  /** fdatasync of meta.db-wal on the thread pool (GroupCommit's durability point). */
  private syncWal(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.walFd === null) {
        try {
          // Opened on first use: SQLite creates the WAL with the first write after open and keeps that file (it
          // truncates, never replaces it) until the connection closes.
          this.walFd = fs.openSync(`${this.file}-wal`, 'r+');
        } catch (err) {
          // No WAL means nothing was written since the last clean close.
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') return resolve();
          return reject(err as Error);
        }
      }
      // Through the fs object (not a named import) so a test can count syncs.
      fs.fdatasync(this.walFd, (err) => (err ? reject(err) : resolve()));
    });
  }

  /** `newStoreId`: the id a store created by this open gets (ignored when meta.db already has one). */
  static open(dataDir: string, newStoreId?: string): MetadataDb {
    mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, 'meta.db');
    const db = new Database(file);
    try {
      // The first statement that reads the file takes the connection's (only, EXCLUSIVE) lock and is where SQLite
      // rolls back the journal of a crashed transaction — which needs the driver workaround in sqlite-recovery.ts.
      const id = withHotJournalRecovery(file, () => {
        for (const pragma of CONNECTION_PRAGMAS) db.exec(pragma);
        // SQLite answers a journal mode it cannot enter by staying in the old one, silently.
        const mode = db.get('PRAGMA journal_mode')?.journal_mode;
        if (mode !== 'wal') throw new Error(`meta.db could not switch to WAL journaling (it is in ${String(mode)} mode)`);
        return ensureSchema(db, newStoreId);
      });
      assertNoHotJournal(file);
      return new MetadataDb(new SqlSession(db), file, id);
    } catch (err) {
      db.close();
      if (err instanceof HotJournalError) throw err;
      // An unrecovered journal explains a "malformed" error better than the error itself does.
      try {
        assertNoHotJournal(file);
      } catch (journalErr) {
        throw new HotJournalError((journalErr as Error).message, { cause: err });
      }
      if (err instanceof Error && /database is locked/i.test(err.message)) {
        throw new Error(
          `the metadata database ${file} is in use by another process (its SQLite lock ${file}.lock exists); ` +
            `stop the other Coffer store first — a lock left by a crashed store is cleared when the store starts`,
          { cause: err },
        );
      }
      throw err;
    }
  }

  close(): void {
    // Queued writes commit now and are acknowledged once the connection has closed: closing checkpoints the WAL
    // into meta.db with full syncs.
    let closed!: { resolve: () => void; reject: (err: unknown) => void };
    const closing = new Promise<void>((resolve, reject) => (closed = { resolve, reject }));
    closing.catch(() => undefined);
    if (this.sql.isOpen) this.group.flush(() => closing);
    try {
      this.sql.close();
      closed.resolve();
    } catch (err) {
      closed.reject(err);
      throw err;
    } finally {
      // Not while an earlier group's fdatasync may still be running on it (the number could be reused at once).
      const fd = this.walFd;
      this.walFd = null;
      if (fd !== null) void this.group.settled().then(() => fs.close(fd, () => undefined));
    }
  }

  storeId(): string {
    return this.id;
  }

  /** SQLite's integrity and foreign-key checks; an empty list means the database is sound. */
  integrityCheck(): string[] {
    const problems = this.sql
      .allUncached('PRAGMA integrity_check')
      .map((r) => String(Object.values(r)[0]))
      .filter((m) => m !== 'ok');
    for (const r of this.sql.allUncached('PRAGMA foreign_key_check')) problems.push(`foreign key: ${JSON.stringify(r)}`);
    return problems;
  }

  // ---- buckets ----

  createBucket(rec: BucketRecord): void {
    checkBucket(rec);
    this.bucketCache.delete(rec.name);
    const enc = rec.encryption === null ? null : JSON.stringify(rec.encryption);
    const r = this.sql.run(
      `INSERT INTO buckets (name, region, created, acl, encryption) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      [rec.name, rec.region, rec.created, rec.acl, enc],
    );
    if (r.changes === 0) throw new MetaConflictError(`bucket ${rec.name} already exists`);
  }

  /** The bucket's record (frozen: it may be the cached one every request of that bucket shares). */
  getBucket(name: string): BucketRecord | undefined {
    const cached = this.bucketCache.get(name);
    if (cached) return cached;
    const row = this.sql.one(`SELECT * FROM buckets WHERE name = ?`, [name]);
    if (!row) return undefined;
    const rec = freezeBucket(bucketFromRow(row));
    // Only committed state is cached: a read inside a transaction may see a change that is then rolled back.
    if (!this.sql.inTransaction) this.bucketCache.set(name, rec);
    return rec;
  }

  listBuckets(): BucketRecord[] {
    return this.sql.all(`SELECT * FROM buckets ORDER BY name`, []).map(bucketFromRow);
  }

  /** Returns false when the bucket does not exist. */
  updateBucket(name: string, patch: Partial<Pick<BucketRecord, 'acl' | 'encryption'>>): boolean {
    const sets: string[] = [];
    const values: SqlValue[] = [];
    if (patch.acl !== undefined) {
      checkAcl(patch.acl, `bucket ${name}`);
      sets.push('acl = ?');
      values.push(patch.acl);
    }
    if (patch.encryption !== undefined) {
      sets.push('encryption = ?');
      values.push(patch.encryption === null ? null : JSON.stringify(patch.encryption));
    }
    if (sets.length === 0) return this.getBucket(name) !== undefined;
    this.bucketCache.delete(name);
    return this.sql.run(`UPDATE buckets SET ${sets.join(', ')} WHERE name = ?`, [...values, name]).changes > 0;
  }

  /** Returns false when the bucket does not exist; throws MetaConflictError when it holds objects or uploads. */
  deleteBucket(name: string): boolean {
    return this.sql.tx(() => {
      if (!this.getBucket(name)) return false;
      if (!this.bucketIsEmpty(name)) throw new MetaConflictError(`bucket ${name} is not empty`);
      this.bucketCache.delete(name);
      this.sql.run(`DELETE FROM buckets WHERE name = ?`, [name]);
      return true;
    });
  }

  /** No objects and no open multipart uploads. */
  bucketIsEmpty(name: string): boolean {
    return !this.sql.one(
      `SELECT EXISTS (SELECT 1 FROM objects WHERE bucket = ?1) OR EXISTS (SELECT 1 FROM uploads WHERE bucket = ?1) AS x`,
      [name],
    )!.x;
  }

  // ---- objects ----

  getObject(bucket: string, key: string): ObjectRecord | undefined {
    const row = this.sql.one(GET_OBJECT, [bucket, key]);
    return row && objectFromRow(row);
  }

  /**
   * Inserts or replaces the object and returns the record it replaced. The caller deletes the previous record's
   * data files — only those whose ids the new record does not reuse.
   */
  putObject(rec: ObjectRecord): ObjectRecord | undefined {
    checkObject(rec);
    return this.sql.tx(() => this.replaceObject(rec));
  }

  /**
   * putObject as part of a group commit (group-commit.ts): resolves once the transaction holding it is durable.
   * `check` sees the current version inside that transaction, right before the replace, and may throw to refuse it
   * (copy's If-Match guard on itself); only this write is then rolled back. `inline` is the stored bytes of a
   * single part marked `inline`, committed with the row.
   */
  putObjectGrouped(rec: ObjectRecord, check?: (current: ObjectRecord | undefined) => void, inline?: Buffer): Promise<ObjectRecord | undefined> {
    checkObject(rec);
    const inlineParts = rec.parts.filter((p) => p.inline);
    if (inlineParts.length !== (inline ? 1 : 0) || (inline && rec.parts.length !== 1)) {
      throw new Error(`object ${rec.bucket}/${rec.key}: inline bytes go with exactly one part marked inline`);
    }
    return this.group.run(() => {
      check?.(this.getObject(rec.bucket, rec.key));
      const previous = this.replaceObject(rec);
      if (inline) this.sql.run(INSERT_INLINE, [rec.parts[0]!.dataId, inline]);
      return previous;
    });
  }

  /** deleteObject as part of a group commit: resolves with the deleted record once the deletion is durable. */
  deleteObjectGrouped(bucket: string, key: string): Promise<ObjectRecord | undefined> {
    return this.group.run(() => this.removeObject(bucket, key));
  }

  /** deleteObjects (all or nothing) as one operation of a group commit. */
  deleteObjectsGrouped(bucket: string, keys: string[]): Promise<Array<ObjectRecord | undefined>> {
    return this.group.run(() => keys.map((key) => this.removeObject(bucket, key)));
  }

  /** The stored bytes of an inline part (a copy), or undefined when there are none under that id. */
  getInline(dataId: string): Buffer | undefined {
    const row = this.sql.one(GET_INLINE, [dataId]);
    if (!row) return undefined;
    const u8 = row.bytes as Uint8Array;
    return Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
  }

  /** Inserts new objects in one transaction (a benchmark or import); throws, storing none, if any key exists. */
  bulkInsertObjects(recs: Iterable<ObjectRecord>): number {
    return this.sql.tx(() => {
      const buckets = new Set<string>();
      let n = 0;
      for (const rec of recs) {
        checkObject(rec);
        if (!buckets.has(rec.bucket)) {
          this.requireBucket(rec.bucket);
          buckets.add(rec.bucket);
        }
        try {
          this.insertObject(rec);
        } catch (err) {
          // The primary key says it; checking first would cost a lookup per row.
          if (err instanceof Error && /UNIQUE constraint failed: objects\./.test(err.message)) {
            throw new MetaConflictError(`object ${rec.bucket}/${rec.key} already exists`);
          }
          throw err;
        }
        n++;
      }
      return n;
    });
  }

  deleteObject(bucket: string, key: string): ObjectRecord | undefined {
    return this.sql.tx(() => this.removeObject(bucket, key));
  }

  /** One transaction; result i is the deleted record for keys[i] (undefined if there was none). */
  deleteObjects(bucket: string, keys: string[]): Array<ObjectRecord | undefined> {
    return this.sql.tx(() => keys.map((key) => this.removeObject(bucket, key)));
  }

  /**
   * Compare-and-set of the SSE record (lazy re-wrap under a new master key): applies only if the object still has
   * exactly these data files, i.e. it was not overwritten since the caller read it.
   */
  updateObjectSse(
    bucket: string,
    key: string,
    expect: { dataIds: string[] },
    sse: Record<string, unknown> | null,
    sseKid: number | null,
  ): boolean {
    if (sseKid !== null && !Number.isSafeInteger(sseKid)) throw new Error(`sseKid must be an integer`);
    return this.sql.tx(() => {
      if (!this.hasDataIds(bucket, key, expect.dataIds)) return false;
      const sseJson = sse === null ? null : JSON.stringify(sse);
      this.sql.run(`UPDATE objects SET sse = ?, sse_kid = ? WHERE bucket = ? AND key = ?`, [sseJson, sseKid, bucket, key]);
      return true;
    });
  }

  /** Compare-and-set of metadata that carries no data (PUT Object ACL, copy onto itself with new headers). */
  updateObjectMeta(
    bucket: string,
    key: string,
    expectDataIds: string[],
    patch: Partial<Pick<ObjectRecord, 'contentType' | 'headers' | 'acl' | 'lastModified' | 'etag'>>,
  ): boolean {
    const sets: string[] = [];
    const values: SqlValue[] = [];
    const set = (column: string, value: SqlValue) => {
      sets.push(`${column} = ?`);
      values.push(value);
    };
    if (patch.contentType !== undefined) set('content_type', patch.contentType);
    if (patch.headers !== undefined) set('headers', JSON.stringify(patch.headers));
    if (patch.acl !== undefined) {
      checkAcl(patch.acl, `object ${bucket}/${key}`);
      set('acl', patch.acl);
    }
    if (patch.lastModified !== undefined) set('last_modified', patch.lastModified);
    if (patch.etag !== undefined) set('etag', patch.etag);
    return this.sql.tx(() => {
      if (!this.hasDataIds(bucket, key, expectDataIds)) return false;
      if (sets.length > 0) {
        this.sql.run(`UPDATE objects SET ${sets.join(', ')} WHERE bucket = ? AND key = ?`, [...values, bucket, key]);
      }
      return true;
    });
  }

  // ---- listing and iteration ----

  /** GET Bucket (v1): keys in UTF-8 byte order; see list-walk.ts for the exact semantics. */
  listObjects(q: ListObjectsQuery): ListObjectsResult {
    return listObjects(this.sql, q);
  }

  /** Full records ordered by (bucket, key), strictly after `after` — for admin jobs that visit every object. */
  iterateObjects(after: { bucket: string; key: string } | null, limit: number): ObjectRecord[] {
    const rows =
      after === null
        ? this.sql.all(`SELECT ${OBJECT_COLUMNS} FROM objects ORDER BY bucket, key LIMIT ?`, [limit])
        : this.sql.all(
            `SELECT ${OBJECT_COLUMNS} FROM objects WHERE (bucket, key) > (?, ?) ORDER BY bucket, key LIMIT ?`,
            [after.bucket, after.key, limit],
          );
    return rows.map(objectFromRow);
  }

  /** Objects and open uploads per master-key version. */
  countObjectsByKid(): Map<number, number> {
    const counts = new Map<number, number>();
    const rows = this.sql.all(
      `SELECT sse_kid AS kid, count(*) AS n FROM objects WHERE sse_kid IS NOT NULL GROUP BY sse_kid
       UNION ALL
       SELECT sse_kid AS kid, count(*) AS n FROM uploads WHERE sse_kid IS NOT NULL GROUP BY sse_kid`,
      [],
    );
    for (const r of rows) counts.set(r.kid as number, (counts.get(r.kid as number) ?? 0) + (r.n as number));
    return counts;
  }

  /** How many objects and open uploads still use master-key version `kid`. */
  referencesKid(kid: number): number {
    return this.sql.one(
      `SELECT (SELECT count(*) FROM objects WHERE sse_kid = ?1) + (SELECT count(*) FROM uploads WHERE sse_kid = ?1) AS n`,
      [kid],
    )!.n as number;
  }

  /** How many objects have their key wrapped by a master-key version other than `kid` (what a rotation left). */
  countObjectsNotUnderKid(kid: number): number {
    return this.sql.one(`SELECT count(*) AS n FROM objects WHERE sse_kid IS NOT NULL AND sse_kid <> ?`, [kid])!.n as number;
  }

  /** Whether any object or uploaded part points at this data file (the sweep after a crash asks per file). */
  isDataReferenced(dataId: string): boolean {
    return this.sql.one(`SELECT 1 AS x FROM data_refs WHERE data_id = ?`, [dataId]) !== undefined;
  }

  // ---- multipart ----

  /** Initiate Multipart Upload, as part of a group commit: resolves once durable, no WAL sync on the request thread. */
  createUploadGrouped(rec: UploadRecord): Promise<void> {
    checkUpload(rec);
    return this.group.run(() => {
      this.requireBucket(rec.bucket);
      const r = this.sql.run(`INSERT INTO uploads (${UPLOAD_COLUMNS}) VALUES (${placeholders(UPLOAD_COLUMNS)}) ON CONFLICT DO NOTHING`, uploadValues(rec));
      if (r.changes === 0) throw new MetaConflictError(`upload id ${rec.uploadId} already exists`);
    });
  }

  getUpload(uploadId: string): UploadRecord | undefined {
    const row = this.sql.one(GET_UPLOAD, [uploadId]);
    return row && uploadFromRow(row);
  }

  /** List Multipart Uploads: by key, then initiation time, then upload id. */
  listUploads(q: ListUploadsQuery): ListUploadsResult {
    return listUploads(this.sql, q, (id) => this.getUpload(id));
  }

  /**
   * Records a part (replacing a re-upload of the same number) as part of a group commit, and resolves with the
   * replaced part (for data cleanup) once the transaction holding it is durable. Upload Part's own commit used to
   * sync the WAL on the request thread (synchronous=FULL), blocking every other transfer for one fsync per part (a
   * CPU profile put ~225 ms of the request thread per GiB in 8 MiB parts in that fsync).
   */
  putPartGrouped(rec: PartRecord): Promise<PartRecord | undefined> {
    checkPart(rec);
    return this.group.run(() => {
      const upload = this.requireUpload(rec.uploadId);
      const prevRow = this.sql.one(`SELECT ${PART_COLUMNS} FROM parts WHERE upload_id = ? AND part_number = ?`, [
        rec.uploadId,
        rec.partNumber,
      ]);
      const previous = prevRow && partFromRow(prevRow);
      if (previous?.dataId !== rec.dataId) {
        if (previous) this.sql.run(DELETE_REF, [previous.dataId]);
        this.addRef(rec.dataId, upload.bucket, upload.key, rec.uploadId);
      }
      this.sql.run(`INSERT OR REPLACE INTO parts (${PART_COLUMNS}) VALUES (${placeholders(PART_COLUMNS)})`, partValues(rec));
      return previous;
    });
  }

  /** All parts of an upload in ascending part number. */
  getParts(uploadId: string): PartRecord[] {
    return this.sql.all(GET_PARTS, [uploadId]).map(partFromRow);
  }

  listParts(uploadId: string, partNumberMarker: number, maxParts: number): ListPartsResult {
    if (!Number.isSafeInteger(maxParts) || maxParts < 0) throw new Error(`max-parts must be a non-negative integer`);
    const rows = this.sql.all(
      `SELECT ${PART_COLUMNS} FROM parts WHERE upload_id = ? AND part_number > ? ORDER BY part_number LIMIT ?`,
      [uploadId, partNumberMarker, maxParts + 1],
    );
    const parts = rows.slice(0, maxParts).map(partFromRow);
    return {
      parts,
      isTruncated: rows.length > maxParts,
      nextPartNumberMarker: parts.length > 0 ? parts[parts.length - 1].partNumber : partNumberMarker,
    };
  }

  /**
   * Deletes the upload and its part rows as part of a group commit; resolves once durable with the parts (for data
   * cleanup), or undefined if the upload is unknown.
   */
  abortUploadGrouped(uploadId: string): Promise<PartRecord[] | undefined> {
    return this.group.run(() => {
      if (!this.getUpload(uploadId)) return undefined;
      return this.removeUpload(uploadId);
    });
  }

  /**
   * Complete Multipart Upload as part of a group commit. `build` makes the object from the upload, its recorded
   * parts and the object now at its key, inside the transaction that commits it: what it read cannot change before
   * the commit (a part re-uploaded, another writer's PUT), and a throw (InvalidPart, FileAlreadyExists) rolls back
   * this operation alone. The object (whose parts must all be parts of this upload) replaces any object at its key,
   * and the upload and its part rows go. Resolves once durable with the object, the one it replaced and the parts
   * it does not use, whose data files the caller deletes.
   */
  completeUploadGrouped(
    uploadId: string,
    build: (upload: UploadRecord, parts: PartRecord[], current: ObjectRecord | undefined) => ObjectRecord,
  ): Promise<CompletedUpload> {
    return this.group.run(() => {
      const upload = this.requireUpload(uploadId);
      const rec = build(upload, this.getParts(uploadId), this.getObject(upload.bucket, upload.key));
      checkObject(rec);
      if (upload.bucket !== rec.bucket || upload.key !== rec.key) {
        throw new Error(`upload ${uploadId} is for ${upload.bucket}/${upload.key}, not ${rec.bucket}/${rec.key}`);
      }
      const parts = this.removeUpload(uploadId);
      const uploaded = new Set(parts.map((p) => p.dataId));
      for (const p of rec.parts) {
        if (!uploaded.has(p.dataId)) {
          throw new Error(`data file ${p.dataId} (part ${p.partNumber}) is not an uploaded part of upload ${uploadId}`);
        }
      }
      const previous = this.removeObject(rec.bucket, rec.key);
      this.insertObject(rec);
      const used = new Set(rec.parts.map((p) => p.dataId));
      return { rec, previous, unusedParts: parts.filter((p) => !used.has(p.dataId)) };
    });
  }

  // ---- internals ----

  /** putObject's work inside a transaction, for a record already checked. */
  private replaceObject(rec: ObjectRecord): ObjectRecord | undefined {
    const previous = this.removeObject(rec.bucket, rec.key);
    // The bucket's existence is the foreign key's to check (one lookup in SQLite instead of a SELECT from here).
    try {
      this.insertObject(rec);
    } catch (err) {
      if (err instanceof Error && /FOREIGN KEY constraint failed/.test(err.message)) {
        throw new MetaNotFoundError('bucket', `bucket ${rec.bucket} does not exist`);
      }
      throw err;
    }
    return previous;
  }

  /**
   * Inline parts get no data_refs row: that table answers "is this file referenced?" and no file exists for them;
   * their inline_data row (primary key data_id) already makes their id unique.
   */
  private insertObject(rec: ObjectRecord): void {
    this.sql.run(INSERT_OBJECT, objectValues(rec));
    for (const p of rec.parts) if (!p.inline) this.addRef(p.dataId, rec.bucket, rec.key, null);
  }

  private removeObject(bucket: string, key: string): ObjectRecord | undefined {
    const previous = this.getObject(bucket, key);
    if (!previous) return undefined;
    for (const p of previous.parts) this.sql.run(p.inline ? DELETE_INLINE : DELETE_REF, [p.dataId]);
    this.sql.run(DELETE_OBJECT, [bucket, key]);
    return previous;
  }

  /** Deletes an upload with its parts and their references; returns the parts. */
  private removeUpload(uploadId: string): PartRecord[] {
    const parts = this.getParts(uploadId);
    for (const p of parts) this.sql.run(DELETE_REF, [p.dataId]);
    this.sql.run(`DELETE FROM parts WHERE upload_id = ?`, [uploadId]);
    this.sql.run(`DELETE FROM uploads WHERE upload_id = ?`, [uploadId]);
    return parts;
  }

  private addRef(dataId: string, bucket: string, key: string, uploadId: string | null): void {
    if (this.sql.run(INSERT_REF, [dataId, bucket, key, uploadId]).changes > 0) return;
    const owner = this.sql.one(`SELECT bucket, key, upload_id FROM data_refs WHERE data_id = ?`, [dataId])!;
    const what = owner.upload_id === null ? 'object' : `upload ${String(owner.upload_id)} of`;
    throw new Error(
      `data file ${dataId} already belongs to ${what} ${String(owner.bucket)}/${String(owner.key)}; ` +
        `each data file belongs to exactly one object or part (write a new one)`,
    );
  }

  private hasDataIds(bucket: string, key: string, expected: string[]): boolean {
    const current = this.getObject(bucket, key);
    if (!current || current.parts.length !== expected.length) return false;
    const have = new Set(current.parts.map((p) => p.dataId));
    return expected.every((id) => have.has(id));
  }

  private requireBucket(name: string): void {
    if (!this.getBucket(name)) {
      throw new MetaNotFoundError('bucket', `bucket ${name} does not exist`);
    }
  }

  private requireUpload(uploadId: string): UploadRecord {
    const upload = this.getUpload(uploadId);
    if (!upload) throw new MetaNotFoundError('upload', `upload ${uploadId} does not exist`);
    return upload;
  }
}

function freezeBucket(rec: BucketRecord): BucketRecord {
  if (rec.encryption) Object.freeze(rec.encryption);
  return Object.freeze(rec);
}
