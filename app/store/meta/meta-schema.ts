// The metadata database's schema, its version, and the connection settings it relies on. A new schema version
// adds a step to MIGRATIONS; open refuses a database written by a newer build rather than guessing.

import { randomBytes } from 'node:crypto';
import type { Database } from './sqlite-driver';

export const SCHEMA_VERSION = 3;

// Keys are TEXT in a UTF-8 database with the default BINARY collation: index order is UTF-8 byte order, which is
// the order S3/COS listings use. Tables keyed by text are WITHOUT ROWID so the primary key is the only b-tree.
const SCHEMA_V1 = `
CREATE TABLE meta (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE buckets (
  name       TEXT PRIMARY KEY,
  region     TEXT NOT NULL,
  created    INTEGER NOT NULL,
  acl        TEXT NOT NULL,
  encryption TEXT                     -- JSON BucketEncryption, NULL when none
) WITHOUT ROWID;

-- Listing columns come right after the key: a page reads them from the row's first bytes and never touches the
-- overflow pages a large parts/headers JSON spills into.
CREATE TABLE objects (
  bucket        TEXT NOT NULL REFERENCES buckets(name),
  key           TEXT NOT NULL,
  size          INTEGER NOT NULL,
  etag          TEXT NOT NULL,
  last_modified INTEGER NOT NULL,
  storage_class TEXT NOT NULL,
  crc64         TEXT,
  content_type  TEXT NOT NULL,
  acl           TEXT NOT NULL,
  sse_kid       INTEGER,
  headers       TEXT NOT NULL,          -- JSON Record<string,string>
  parts         TEXT NOT NULL,          -- JSON DataPart[]
  sse           TEXT,                   -- JSON, owned by the SSE layer
  PRIMARY KEY (bucket, key)
) WITHOUT ROWID;
CREATE INDEX objects_by_kid ON objects(sse_kid) WHERE sse_kid IS NOT NULL;

CREATE TABLE uploads (
  upload_id     TEXT PRIMARY KEY,
  bucket        TEXT NOT NULL REFERENCES buckets(name),
  key           TEXT NOT NULL,
  initiated     INTEGER NOT NULL,
  content_type  TEXT NOT NULL,
  headers       TEXT NOT NULL,
  acl           TEXT NOT NULL,
  storage_class TEXT NOT NULL,
  sse           TEXT,
  sse_kid       INTEGER
) WITHOUT ROWID;
CREATE INDEX uploads_by_key ON uploads(bucket, key, initiated, upload_id);
CREATE INDEX uploads_by_kid ON uploads(sse_kid) WHERE sse_kid IS NOT NULL;

CREATE TABLE parts (
  upload_id     TEXT NOT NULL REFERENCES uploads(upload_id),
  part_number   INTEGER NOT NULL,
  size          INTEGER NOT NULL,
  etag          TEXT NOT NULL,
  crc64         TEXT,
  data_id       TEXT NOT NULL,
  part_salt     TEXT,
  last_modified INTEGER NOT NULL,
  PRIMARY KEY (upload_id, part_number)
) WITHOUT ROWID;

-- Every data file the metadata points at, maintained in the same transaction as the row that points at it, so
-- "is this file referenced?" (the sweep after a crash) is one b-tree lookup. upload_id is set while the file is
-- an uploaded part not yet completed into an object. The primary key also makes it impossible for two records to
-- share a data file (deleting one would destroy the other's data).
CREATE TABLE data_refs (
  data_id   TEXT PRIMARY KEY,
  bucket    TEXT NOT NULL,
  key       TEXT NOT NULL,
  upload_id TEXT
) WITHOUT ROWID;
`;

// Version 2: the bytes of small single-part objects, stored (encrypted when the object is) in the same transaction
// as their row instead of in a data file — no file create, fsync, rename and directory fsync per small object.
// A rowid table: its values are up to tens of KiB, too large for a WITHOUT ROWID b-tree.
const SCHEMA_V2 = `
CREATE TABLE inline_data (
  data_id TEXT PRIMARY KEY,
  bytes   BLOB NOT NULL
);
`;

// Version 3: inline bytes get no data_refs row any more (that table answers "is this file referenced?", and they
// are no file; inline_data's primary key keeps their ids unique). Drops the rows version 2 wrote for them.
const SCHEMA_V3 = `
DELETE FROM data_refs WHERE data_id IN (SELECT data_id FROM inline_data);
`;

/** Schema changes from version N-1 to N, indexed by N. */
const MIGRATIONS: Record<number, string> = { 1: SCHEMA_V1, 2: SCHEMA_V2, 3: SCHEMA_V3 };

/**
 * Connection settings. EXCLUSIVE locking: the data directory belongs to one process (StoreLock), so the SQLite
 * lock (a directory `meta.db.lock` in node-sqlite3-wasm) is taken once and kept, instead of a mkdir/rmdir pair
 * around every statement — that makes a point read ~10× faster. It must come before journal_mode: a WAL opened in
 * EXCLUSIVE mode keeps its index in the process's memory, so the driver needs no shared-memory support.
 * WAL: a commit appends its pages to `meta.db-wal` and syncs that one file (one fsync per commit, measured
 * 0.25 ms here, against four fsyncs and 0.75 ms for a rollback journal); a crash mid-transaction leaves frames
 * without a commit record, which recovery on the next open ignores. synchronous=FULL: a commit is on disk before
 * it returns, since the metadata commit is the durability point of every write. wal_autocheckpoint: the WAL is
 * copied into meta.db every 4096 pages (16 MiB) rather than 1000 — a checkpoint runs (and fsyncs) on the request
 * thread, and a page that many commits rewrote is copied once per checkpoint; journal_size_limit: the WAL is then
 * truncated back to 16 MiB instead of keeping its high-water size.
 */
export const CONNECTION_PRAGMAS = [
  'PRAGMA locking_mode = EXCLUSIVE',
  'PRAGMA journal_mode = WAL',
  'PRAGMA synchronous = FULL',
  'PRAGMA journal_size_limit = 16777216',
  'PRAGMA wal_autocheckpoint = 4096',
  'PRAGMA foreign_keys = ON',
  'PRAGMA temp_store = MEMORY',
  // 16 MiB of page cache keeps the upper levels of a million-key index resident.
  'PRAGMA cache_size = -16384',
];

/**
 * Creates or upgrades the schema (in one transaction) and returns the store id: `newStoreId` when this creates
 * the store (the id its data folder's store-id.json already names), else the one it was created with.
 */
export function ensureSchema(db: Database, newStoreId?: string): string {
  db.exec('BEGIN IMMEDIATE');
  try {
    const hasMeta = db.get(`SELECT 1 AS x FROM sqlite_schema WHERE type = 'table' AND name = 'meta'`) !== null;
    let version = 0;
    if (hasMeta) {
      const row = db.get(`SELECT value FROM meta WHERE name = 'schema_version'`);
      version = row ? Number(row.value) : 0;
    }
    if (!Number.isInteger(version) || version < 0) throw new Error(`meta.db has an unreadable schema_version`);
    if (version > SCHEMA_VERSION) {
      throw new Error(
        `meta.db has schema version ${version}, newer than this build understands (${SCHEMA_VERSION}); ` +
          `run a newer Coffer on this data directory`,
      );
    }
    for (let v = version + 1; v <= SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]);
    if (version !== SCHEMA_VERSION) {
      db.run(`INSERT OR REPLACE INTO meta(name, value) VALUES ('schema_version', ?)`, [String(SCHEMA_VERSION)]);
    }
    // Generated once, with the schema; identifies this store (e.g. in the keyring's AAD or an app's profile).
    db.run(`INSERT OR IGNORE INTO meta(name, value) VALUES ('store_id', ?)`, [newStoreId ?? randomBytes(16).toString('hex')]);
    const id = db.get(`SELECT value FROM meta WHERE name = 'store_id'`);
    db.exec('COMMIT');
    return String(id!.value);
  } catch (err) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw err;
  }
}
