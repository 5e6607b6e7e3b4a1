/**
 * Embedded StateStore on SQLite (better-sqlite3), WAL journal.
 *
 * Group commit: every operation (reads included, so that order and read-your-writes hold) is queued and
 * the queue is run as ONE immediate transaction on the next turn of the event loop. Each operation's
 * promise resolves only after that transaction has committed, so a caller that awaits `claim`,
 * `enqueue`, `set`... before acknowledging a message never acknowledges something that is not on disk.
 * Each operation runs inside its own savepoint: one failing statement rejects only its own promise.
 *
 * `synchronous` defaults to FULL: with WAL, NORMAL survives a process crash (kill -9) but may lose the
 * last commits on power loss / OS crash; FULL fsyncs the WAL on every commit, and group commit keeps
 * that to one fsync per batch, so durability costs little throughput.
 */
import fs from 'fs';
import path from 'path';
import Database from 'better-sqlite3';
import type { ClaimResult, DeadLetter, QueueItem, StateStore } from './types';

export interface SqliteStoreOptions {
  /** File path; ':memory:' for tests. Parent directories are created. */
  path: string;
  synchronous?: 'FULL' | 'NORMAL';
  /** Max ms to wait for another process's write lock (SQLITE_BUSY). */
  busyTimeoutMs?: number;
  /** How often expired claims and values are purged (ms). 0 disables. */
  purgeIntervalMs?: number;
}

interface PendingOp {
  run: () => unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

type Row = Record<string, unknown>;

function toJson(value: unknown): string {
  const s = JSON.stringify(value);
  return s === undefined ? 'null' : s;
}

function fromJson<T>(text: unknown): T {
  return (text === null || text === undefined ? undefined : JSON.parse(String(text))) as T;
}

export class SqliteStateStore implements StateStore {
  readonly kind = 'embedded' as const;
  readonly path: string;
  private db: Database.Database;
  private pending: PendingOp[] = [];
  private scheduled = false;
  private closed = false;
  private purgeTimer?: NodeJS.Timeout;
  private stmts: Record<string, Database.Statement>;
  private batch: Database.Transaction<(ops: PendingOp[]) => void>;
  private savepoint: Database.Transaction<(op: PendingOp) => unknown>;

  constructor(opts: SqliteStoreOptions) {
    this.path = opts.path;
    if (opts.path !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(opts.path)), { recursive: true });
    this.db = new Database(opts.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${opts.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
    this.db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 5000))}`);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS claims (ns TEXT NOT NULL, key TEXT NOT NULL, first_seen_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL, hash TEXT, PRIMARY KEY (ns, key)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS kv (ns TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
        expires_at INTEGER, PRIMARY KEY (ns, key)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS queue (queue TEXT NOT NULL, id TEXT NOT NULL, payload TEXT NOT NULL,
        due_at INTEGER NOT NULL, avail_at INTEGER NOT NULL, attempts INTEGER NOT NULL, meta TEXT,
        leased INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (queue, id)) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS queue_avail ON queue (queue, avail_at);
      CREATE TABLE IF NOT EXISTS dead_letters (queue TEXT NOT NULL, id TEXT NOT NULL, payload TEXT NOT NULL,
        reason TEXT NOT NULL, failed_at INTEGER NOT NULL, meta TEXT, PRIMARY KEY (queue, id)) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS dead_letters_time ON dead_letters (queue, failed_at);
    `);
    const p = (sql: string) => this.db.prepare(sql);
    this.stmts = {
      claimGet: p('SELECT first_seen_at, expires_at, hash FROM claims WHERE ns = ? AND key = ?'),
      claimPut: p(`INSERT INTO claims (ns, key, first_seen_at, expires_at, hash) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (ns, key) DO UPDATE SET first_seen_at = excluded.first_seen_at,
        expires_at = excluded.expires_at, hash = excluded.hash`),
      claimDel: p('DELETE FROM claims WHERE ns = ? AND key = ?'),
      kvGet: p('SELECT value, expires_at FROM kv WHERE ns = ? AND key = ?'),
      kvPut: p(`INSERT INTO kv (ns, key, value, expires_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (ns, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`),
      kvDel: p('DELETE FROM kv WHERE ns = ? AND key = ?'),
      qPut: p(`INSERT INTO queue (queue, id, payload, due_at, avail_at, attempts, meta, leased)
        VALUES (?, ?, ?, ?, ?, ?, ?, 0) ON CONFLICT (queue, id) DO UPDATE SET payload = excluded.payload,
        due_at = excluded.due_at, avail_at = excluded.avail_at, attempts = excluded.attempts,
        meta = excluded.meta, leased = 0`),
      qDue: p(`SELECT id, payload, due_at, attempts, meta FROM queue WHERE queue = ? AND avail_at <= ?
        ORDER BY avail_at LIMIT ?`),
      qLease: p('UPDATE queue SET avail_at = ?, leased = 1 WHERE queue = ? AND id = ?'),
      qDel: p('DELETE FROM queue WHERE queue = ? AND id = ?'),
      qSize: p('SELECT COUNT(*) AS n FROM queue WHERE queue = ?'),
      dlPut: p(`INSERT INTO dead_letters (queue, id, payload, reason, failed_at, meta) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (queue, id) DO UPDATE SET payload = excluded.payload, reason = excluded.reason,
        failed_at = excluded.failed_at, meta = excluded.meta`),
      dlList: p('SELECT id, payload, reason, failed_at, meta FROM dead_letters WHERE queue = ? ORDER BY failed_at, id LIMIT ?'),
      dlDel: p('DELETE FROM dead_letters WHERE queue = ? AND id = ?'),
      purgeClaims: p('DELETE FROM claims WHERE expires_at <= ?'),
      purgeKv: p('DELETE FROM kv WHERE expires_at IS NOT NULL AND expires_at <= ?'),
    };
    this.savepoint = this.db.transaction((op: PendingOp) => op.run());
    this.batch = this.db.transaction((ops: PendingOp[]) => {
      for (const op of ops) {
        try {
          const value = this.savepoint(op);
          // Resolved after commit (see flush): stash the value on the op.
          (op as PendingOp & { value?: unknown; ok?: boolean }).value = value;
          (op as PendingOp & { ok?: boolean }).ok = true;
        } catch (err) {
          (op as PendingOp & { error?: unknown }).error = err;
        }
      }
    });
    const purgeMs = opts.purgeIntervalMs ?? 60_000;
    if (purgeMs > 0) {
      this.purgeTimer = setInterval(() => {
        this.purgeExpired().catch(() => undefined);
      }, purgeMs);
      this.purgeTimer.unref();
    }
  }

  /** Queue one operation for the next group commit. */
  private op<T>(run: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new Error('state store is closed'));
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ run, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const ops = this.pending;
    this.pending = [];
    if (ops.length === 0) return;
    try {
      this.batch.immediate(ops);
    } catch (err) {
      // The commit itself failed (disk full, lock timeout): nothing of this batch is durable.
      for (const op of ops) op.reject(err);
      return;
    }
    for (const op of ops as Array<PendingOp & { value?: unknown; ok?: boolean; error?: unknown }>) {
      if (op.ok) op.resolve(op.value);
      else op.reject(op.error);
    }
  }

  claim(namespace: string, key: string, ttlMs: number, contentHash?: string): Promise<ClaimResult> {
    return this.op(() => {
      const now = Date.now();
      const row = this.stmts.claimGet.get(namespace, key) as Row | undefined;
      const live = row && Number(row.expires_at) > now;
      const previousHash = live && row.hash !== null ? String(row.hash) : undefined;
      if (live && (contentHash === undefined || contentHash === previousHash)) {
        const result: ClaimResult = { claimed: false, firstSeenAt: Number(row.first_seen_at) };
        if (previousHash !== undefined) result.previousHash = previousHash;
        return result;
      }
      this.stmts.claimPut.run(namespace, key, now, now + Math.max(1, ttlMs), contentHash ?? null);
      const result: ClaimResult = { claimed: true, firstSeenAt: now };
      if (previousHash !== undefined) result.previousHash = previousHash;
      return result;
    });
  }

  acceptOnce<T = unknown>(namespace: string, queue: string, entries: Array<{ key: string; ttlMs: number; item: QueueItem<T> }>): Promise<boolean[]> {
    const rows = entries.map((e) => ({ key: e.key, ttlMs: e.ttlMs, row: [queue, e.item.id, toJson(e.item.payload), e.item.dueAt, e.item.dueAt, e.item.attempts ?? 0, e.item.meta ? toJson(e.item.meta) : null] }));
    return this.op(() => {
      const now = Date.now();
      return rows.map(({ key, ttlMs, row }) => {
        const existing = this.stmts.claimGet.get(namespace, key) as Row | undefined;
        if (existing && Number(existing.expires_at) > now) return false;
        this.stmts.claimPut.run(namespace, key, now, now + Math.max(1, ttlMs), null);
        this.stmts.qPut.run(...row);
        return true;
      });
    });
  }

  release(namespace: string, key: string): Promise<void> {
    return this.op(() => {
      this.stmts.claimDel.run(namespace, key);
    });
  }

  get<T = unknown>(namespace: string, key: string): Promise<T | undefined> {
    return this.op(() => {
      const row = this.stmts.kvGet.get(namespace, key) as Row | undefined;
      if (!row) return undefined;
      if (row.expires_at !== null && Number(row.expires_at) <= Date.now()) return undefined;
      return fromJson<T>(row.value);
    });
  }

  set<T = unknown>(namespace: string, key: string, value: T, ttlMs?: number): Promise<void> {
    const json = toJson(value);
    return this.op(() => {
      this.stmts.kvPut.run(namespace, key, json, ttlMs && ttlMs > 0 ? Date.now() + ttlMs : null);
    });
  }

  delete(namespace: string, key: string): Promise<void> {
    return this.op(() => {
      this.stmts.kvDel.run(namespace, key);
    });
  }

  enqueue<T = unknown>(queue: string, items: QueueItem<T>[]): Promise<void> {
    const rows = items.map((i) => [queue, i.id, toJson(i.payload), i.dueAt, i.dueAt, i.attempts ?? 0, i.meta ? toJson(i.meta) : null]);
    return this.op(() => {
      for (const r of rows) this.stmts.qPut.run(...r);
    });
  }

  take<T = unknown>(queue: string, limit: number, leaseMs: number, now?: number): Promise<QueueItem<T>[]> {
    return this.op(() => {
      const t = now ?? Date.now();
      const rows = this.stmts.qDue.all(queue, t, Math.max(0, Math.floor(limit))) as Row[];
      const items: QueueItem<T>[] = [];
      for (const row of rows) {
        this.stmts.qLease.run(t + Math.max(1, leaseMs), queue, row.id);
        const item: QueueItem<T> = {
          id: String(row.id),
          payload: fromJson<T>(row.payload),
          dueAt: Number(row.due_at),
          attempts: Number(row.attempts),
        };
        if (row.meta !== null) item.meta = fromJson<Record<string, unknown>>(row.meta);
        items.push(item);
      }
      return items;
    });
  }

  ack(queue: string, id: string): Promise<void> {
    return this.op(() => {
      this.stmts.qDel.run(queue, id);
    });
  }

  reschedule<T = unknown>(queue: string, item: QueueItem<T>): Promise<void> {
    return this.enqueue(queue, [item]);
  }

  size(queue: string): Promise<number> {
    return this.op(() => Number((this.stmts.qSize.get(queue) as Row).n));
  }

  addDeadLetter<T = unknown>(queue: string, letter: DeadLetter<T>): Promise<void> {
    const args = [queue, letter.id, toJson(letter.payload), letter.reason, letter.failedAt, letter.meta ? toJson(letter.meta) : null];
    return this.op(() => {
      this.stmts.dlPut.run(...args);
    });
  }

  listDeadLetters<T = unknown>(queue: string, limit = 1000): Promise<DeadLetter<T>[]> {
    return this.op(() =>
      (this.stmts.dlList.all(queue, Math.max(0, Math.floor(limit))) as Row[]).map((row) => {
        const letter: DeadLetter<T> = {
          id: String(row.id),
          payload: fromJson<T>(row.payload),
          reason: String(row.reason),
          failedAt: Number(row.failed_at),
        };
        if (row.meta !== null) letter.meta = fromJson<Record<string, unknown>>(row.meta);
        return letter;
      }),
    );
  }

  removeDeadLetter(queue: string, id: string): Promise<boolean> {
    return this.op(() => this.stmts.dlDel.run(queue, id).changes > 0);
  }

  /** Delete expired claims and values (they are already ignored on read). */
  purgeExpired(now = Date.now()): Promise<number> {
    return this.op(() => this.stmts.purgeClaims.run(now).changes + this.stmts.purgeKv.run(now).changes);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.purgeTimer) clearInterval(this.purgeTimer);
    // Let already-queued operations commit before closing.
    if (this.pending.length > 0) this.flush();
    this.closed = true;
    this.db.close();
  }
}
