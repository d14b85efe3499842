// Group commit: writes that arrive in the same turn of the event loop share one SQLite transaction, and the fsync
// that makes it durable runs on the thread pool instead of the request thread.
//
// Why: node-sqlite3-wasm is synchronous, so with synchronous=FULL every COMMIT blocked the event loop on an fsync
// of the WAL — the largest single cost of a small PUT (~40% of the store's CPU time at 16 concurrent 4 KiB PUTs).
// Here a group commits with synchronous=NORMAL (in WAL mode: no sync at commit; checkpoints still sync the WAL
// before copying it into meta.db and meta.db before the WAL is reused), then `syncWal` fdatasyncs the WAL
// asynchronously, and only then are the group's writes acknowledged — the durability of synchronous=FULL. While one
// group's sync is in flight the next group commits, so groups form on their own under load and a lone write waits
// only for a setImmediate and its fsync. (Between COMMIT and that fsync a concurrent reader can already see the
// row; only a power cut in that window could take back what it saw, never what a writer was told.)
//
// Each operation runs in its own SAVEPOINT inside the shared transaction: one that throws (a failed If-Match
// guard, a vanished bucket) is rolled back alone and rejects alone; the others still commit. A failed COMMIT
// rejects every operation of the group with its error. A failed WAL sync rejects them with WalSyncError: the rows
// are committed and visible, maybe durable, so callers must keep the data they point at.

import type { SqlSession } from './sql-session';

/** The group's rows are committed (and visible) but the WAL could not be made durable. */
export class WalSyncError extends Error {
  constructor(cause: unknown) {
    super(`the metadata commit could not be synced to disk: ${String(cause)}`, { cause });
    this.name = 'WalSyncError';
  }
}

interface Pending {
  op: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; err: unknown };

export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;
  private syncing: Promise<void> | null = null;
  private followUp: Promise<void> | null = null;

  constructor(
    private readonly sql: SqlSession,
    /** fdatasync of meta.db-wal */
    private readonly syncWal: () => Promise<void>,
  ) {}

  /** Runs `op` (synchronous, using the session) in the next group's transaction; resolves once that is durable. */
  run<T>(op: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ op, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /**
   * Commits what is queued now. `durable` is what makes the commit durable: the WAL fdatasync by default; when
   * the connection is about to close, the close itself (it checkpoints the WAL into meta.db with full syncs).
   */
  flush(durable: () => Promise<void> = () => this.durable()): void {
    this.scheduled = false;
    const group = this.queue;
    this.queue = [];
    if (group.length === 0) return;
    const outcomes: Outcome[] = [];
    try {
      this.sql.tx(() => {
        for (const item of group) {
          try {
            outcomes.push({ ok: true, value: this.sql.savepoint(item.op) });
          } catch (err) {
            outcomes.push({ ok: false, err });
          }
        }
      }, 'NORMAL');
    } catch (err) {
      for (const item of group) item.reject(err);
      return;
    }
    durable().then(
      () => group.forEach((item, i) => settle(item, outcomes[i]!)),
      (err: unknown) => {
        const failure = new WalSyncError(err);
        group.forEach((item, i) => (outcomes[i]!.ok ? item.reject(failure) : settle(item, outcomes[i]!)));
      },
    );
  }

  /** Resolves when no WAL sync is running or queued (the WAL's descriptor may then be closed). */
  async settled(): Promise<void> {
    while (this.syncing || this.followUp) await (this.followUp ?? this.syncing)!.catch(() => undefined);
  }

  /**
   * Resolves after an fdatasync that started after this call. One sync at a time: callers arriving while one runs
   * (it may have started before their commit) share a single follow-up sync.
   */
  private durable(): Promise<void> {
    if (!this.syncing) {
      this.syncing = this.syncWal().finally(() => {
        this.syncing = null;
      });
      return this.syncing;
    }
    this.followUp ??= this.syncing
      .catch(() => undefined)
      .then(() => {
        this.followUp = null;
        return this.durable();
      });
    return this.followUp;
  }
}

function settle(item: Pending, o: Outcome): void {
  if (o.ok) item.resolve(o.value);
  else item.reject(o.err);
}
