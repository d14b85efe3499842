// One SQLite connection as MetadataDb uses it: prepared statements cached per SQL text, reads that always run to
// completion, and transactions that either commit whole or roll back whole.

import type { Database, SqlRow, SqlValue, Statement } from './sqlite-driver';

type Synchronous = 'NORMAL' | 'FULL';

export class SqlSession {
  private readonly stmts = new Map<string, Statement>();
  private inTx = false;
  /** PRAGMA synchronous as last set (SQLite's default is FULL; MetadataDb opens with FULL). */
  private synchronous: Synchronous = 'FULL';

  constructor(private readonly db: Database) {}

  /** True inside tx() (and so inside a group commit). */
  get inTransaction(): boolean {
    return this.inTx;
  }

  get isOpen(): boolean {
    return this.db.isOpen;
  }

  close(): void {
    if (!this.db.isOpen) return;
    for (const s of this.stmts.values()) finalizeQuietly(s);
    this.stmts.clear();
    this.db.close();
  }

  /** Rows of a statement that is not worth caching (PRAGMAs, admin queries). */
  allUncached(sql: string): SqlRow[] {
    return this.db.all(sql) as SqlRow[];
  }

  all(sql: string, params: SqlValue[]): SqlRow[] {
    try {
      // all() steps to the end: a statement left mid-result would keep its read transaction open.
      return this.stmt(sql).all(params) as SqlRow[];
    } catch (err) {
      this.discard(sql);
      throw err;
    }
  }

  one(sql: string, params: SqlValue[]): SqlRow | undefined {
    return this.all(sql, params)[0];
  }

  /** A write outside tx() commits on its own, with synchronous=FULL. */
  run(sql: string, params: SqlValue[]): { changes: number } {
    if (!this.inTx) this.setSynchronous('FULL');
    return this.runCached(sql, params);
  }

  private runCached(sql: string, params: SqlValue[]): { changes: number } {
    try {
      return this.stmt(sql).run(params);
    } catch (err) {
      this.discard(sql);
      throw err;
    }
  }

  /**
   * Runs fn in one transaction; nested calls join the outer one. Any throw rolls the whole transaction back.
   * `synchronous` is the commit's durability: FULL syncs the WAL before COMMIT returns; NORMAL leaves that to the
   * caller (GroupCommit syncs its commits off the request thread). The PRAGMA is issued only when it changes.
   */
  tx<T>(fn: () => T, synchronous: Synchronous = 'FULL'): T {
    if (this.inTx) return fn();
    this.setSynchronous(synchronous);
    // Cached statements: these run for every write, and exec() would prepare and finalize them each time.
    this.runCached('BEGIN IMMEDIATE', []);
    this.inTx = true;
    try {
      const result = fn();
      this.runCached('COMMIT', []);
      return result;
    } catch (err) {
      if (this.db.inTransaction) {
        try {
          this.db.exec('ROLLBACK');
        } catch (rollbackErr) {
          throw new Error(`rollback failed after: ${String(err)}`, { cause: rollbackErr });
        }
      }
      throw err;
    } finally {
      this.inTx = false;
    }
  }

  private setSynchronous(level: Synchronous): void {
    if (level === this.synchronous) return;
    this.db.exec(`PRAGMA synchronous = ${level}`);
    this.synchronous = level;
  }

  /**
   * Runs fn inside the current transaction so that a throw undoes only fn's changes (GroupCommit runs each grouped
   * operation this way).
   */
  savepoint<T>(fn: () => T): T {
    if (!this.inTx) throw new Error('savepoint() must run inside tx()');
    this.runCached('SAVEPOINT op', []);
    try {
      const result = fn();
      this.runCached('RELEASE op', []);
      return result;
    } catch (err) {
      this.db.exec('ROLLBACK TO op');
      this.db.exec('RELEASE op');
      throw err;
    }
  }

  private stmt(sql: string): Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  // After a failed step (a constraint, an I/O error) node-sqlite3-wasm refuses to re-bind the statement ("Could
  // not reset statement"), because sqlite3_reset repeats the step's error. Such a statement is dropped and
  // prepared afresh on its next use.
  private discard(sql: string): void {
    const s = this.stmts.get(sql);
    this.stmts.delete(sql);
    finalizeQuietly(s);
  }
}

// sqlite3_finalize returns the error of the statement's last step, which was already thrown to the caller then;
// the statement is freed either way.
function finalizeQuietly(s: Statement | undefined): void {
  try {
    s?.finalize();
  } catch {
    // already reported
  }
}
