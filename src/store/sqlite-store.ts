// SQLite: a file `lanes.db` in the data dir (WAL, synchronous=NORMAL unless LANES_SQLITE_SYNC=full). Webhook
// deliveries are inserted on a second connection in a worker thread (sqlite-ingest-client.ts); everything else
// runs on one better-sqlite3 connection; Kysely's SqliteDriver serialises its use with a mutex,
// so concurrent async transactions queue instead of interleaving. Transactions are BEGIN IMMEDIATE:
// the write lock is taken up front, so another process waits (busy_timeout) instead of failing to
// upgrade a read lock. Claims use lease columns inside such a transaction.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { Database as Schema } from './db-schema.ts';
import { KyselyStore, type Db } from './kysely-store.ts';
import { runMigrations } from './migrations.ts';
import { QueryCounter } from './query-count.ts';
import { SqliteIngestThread, type IngestThreadData } from './sqlite-ingest-client.ts';
import type { NotifyChannel } from './store.ts';

export interface SqliteStoreOptions {
  dataDir: string;
  /** Default 5000 ms. */
  busyTimeoutMs?: number;
  /** Default from LANES_SQLITE_SYNC ('full' → FULL), else NORMAL. */
  synchronous?: 'normal' | 'full';
  /**
   * Webhook deliveries are inserted on a second connection in a worker thread (sqlite-ingest-client.ts),
   * off the event loop. Default true; false keeps them on this connection.
   */
  ingestThread?: boolean;
}

export const SQLITE_FILE = 'lanes.db';

export class SqliteStore extends KyselyStore {
  declare readonly dialect: 'sqlite';
  readonly file: string;
  private readonly raw: Database.Database;
  private readonly listeners = new Map<NotifyChannel, Set<() => void>>();
  private closed = false;
  /** Set after migrations: BEGIN IMMEDIATE retries asynchronously this long (the event loop stays free). */
  private asyncBusyWaitMs = 0;
  private readonly ingest: SqliteIngestThread | undefined;

  private constructor(
    db: Db,
    raw: Database.Database,
    file: string,
    private readonly queries: QueryCounter,
    ingest: IngestThreadData | undefined,
  ) {
    super(db, 'sqlite', (fn) => immediateTransaction(db, fn, this.asyncBusyWaitMs));
    this.raw = raw;
    this.file = file;
    if (ingest) {
      const thread = new SqliteIngestThread(ingest, (n) => (queries.total += n));
      this.ingest = thread;
      this.insertDeliveries = (ds) => thread.insertDeliveries(ds);
    }
  }

  /** Statements executed on the connection since it opened (lanes_store_queries_total). */
  queryCount(): number {
    return this.queries.total;
  }

  /** Opens (creating the data dir and file when needed); call migrate() before use. */
  static open(opts: SqliteStoreOptions): SqliteStore {
    // Token hashes, delivery bodies and the audit log live here: owner-only, whatever the umask.
    fs.mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
    fs.chmodSync(opts.dataDir, 0o700);
    const file = path.join(opts.dataDir, SQLITE_FILE);
    fs.closeSync(fs.openSync(file, 'a', 0o600));
    // SQLite creates -wal and -shm with the database file's mode; existing ones are narrowed too.
    for (const f of [file, `${file}-wal`, `${file}-shm`]) if (fs.existsSync(f)) fs.chmodSync(f, 0o600);
    const raw = new Database(file);
    // busy_timeout first: switching to WAL needs a lock another process may hold.
    const busyTimeoutMs = Math.max(0, Math.trunc(opts.busyTimeoutMs ?? 5000));
    raw.pragma(`busy_timeout = ${busyTimeoutMs}`);
    raw.pragma('journal_mode = WAL');
    const sync =
      opts.synchronous ?? (process.env.LANES_SQLITE_SYNC?.toLowerCase() === 'full' ? 'full' : 'normal');
    raw.pragma(`synchronous = ${sync === 'full' ? 'FULL' : 'NORMAL'}`);
    raw.pragma('foreign_keys = ON');
    const queries = new QueryCounter();
    const db = new Kysely<Schema>({
      dialect: new SqliteDialect({ database: cachedStatements(raw, queries) }),
    });
    const ingest = opts.ingestThread === false ? undefined : { file, busyTimeoutMs, synchronous: sync };
    return new SqliteStore(db, raw, file, queries, ingest);
  }

  /** One BEGIN IMMEDIATE transaction around all pending migrations: other processes wait, then see them applied. */
  async migrate(): Promise<void> {
    await this.db.connection().execute(async (conn) => {
      await sql`begin immediate`.execute(conn);
      try {
        // SQLite has no transactional-DDL support in Kysely's adapter, so its Migrator runs
        // without a transaction of its own: everything below happens inside ours.
        await runMigrations(conn as Db as Parameters<typeof runMigrations>[0], 'sqlite');
      } catch (err) {
        await sql`rollback`.execute(conn).catch(() => undefined);
        throw err;
      }
      await sql`commit`.execute(conn);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    await this.ingest?.close();
    await this.db.destroy(); // closes the better-sqlite3 handle
  }

  /** How long a write waits for another process's lock before SQLITE_BUSY (better-sqlite3 waits synchronously). */
  setBusyTimeout(ms: number): void {
    // better-sqlite3 waits out busy_timeout synchronously, stalling every request of the process; so
    // the driver waits briefly and a transaction's BEGIN retries with timers up to `ms` (see below).
    const total = Math.max(0, Math.trunc(ms));
    this.raw.pragma(`busy_timeout = ${Math.min(total, SYNC_BUSY_WAIT_MS)}`);
    this.asyncBusyWaitMs = total;
    this.ingest?.setBusyTimeout(total);
  }

  /** Exposed for diagnostics (e.g. pragma checks in tests). */
  pragma(name: string): unknown {
    // A setting (e.g. max_page_count, per connection) applies to the ingest thread's connection as well.
    if (name.includes('=')) this.ingest?.setPragma(name);
    return this.raw.pragma(name, { simple: true });
  }

  onNotify(channel: NotifyChannel, fn: () => void): () => void {
    let set = this.listeners.get(channel);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(channel, set);
    }
    set.add(fn);
    return () => {
      this.listeners.get(channel)?.delete(fn);
    };
  }

  /** In-process only: a SQLite store is one process. Listeners run on a later tick. */
  notify(channel: NotifyChannel): Promise<void> {
    const set = this.listeners.get(channel);
    if (set !== undefined && set.size > 0) {
      const fns = [...set];
      setImmediate(() => {
        for (const fn of fns) {
          try {
            fn();
          } catch {
            // a listener's failure is its own
          }
        }
      });
    }
    return Promise.resolve();
  }
}

/**
 * BEGIN IMMEDIATE on the one connection. connection() holds the driver's mutex for the whole
 * callback: nothing else runs on the connection until this transaction ends, so do not call the
 * store (only the tx) inside fn.
 */
const SYNC_BUSY_WAIT_MS = 20;

function isBusy(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === 'SQLITE_BUSY';
}

/** The write lock was not had: nothing of the transaction ran. */
class BeginBusy extends Error {
  constructor(readonly original: unknown) {
    super('begin immediate: database is locked');
  }
}

/**
 * One BEGIN IMMEDIATE transaction. When another process holds the write lock, BEGIN fails (after the
 * driver's short synchronous wait) and is retried with growing pauses until `waitMs` has passed. The
 * connection is let go between attempts: Kysely serialises its use, so holding it while waiting would
 * queue every other read and write of this process behind the lock.
 */
async function immediateTransaction<T>(db: Db, fn: (db: Db) => Promise<T>, waitMs: number): Promise<T> {
  const deadline = performance.now() + waitMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.connection().execute(async (conn) => {
        try {
          await sql`begin immediate`.execute(conn);
        } catch (err) {
          throw isBusy(err) ? new BeginBusy(err) : err;
        }
        let result: T;
        try {
          result = await fn(conn);
        } catch (err) {
          await sql`rollback`.execute(conn).catch(() => undefined);
          throw err;
        }
        await sql`commit`.execute(conn);
        return result;
      });
    } catch (err) {
      if (!(err instanceof BeginBusy)) throw err;
      if (performance.now() >= deadline) throw err.original;
      await new Promise((r) => setTimeout(r, Math.min(10 * 2 ** attempt, 200)));
    }
  }
}

/**
 * Kysely prepares every statement on every call; better-sqlite3 statements are reusable, so keep the most
 * recently used ones by SQL text (a bounded LRU: `in (?, ?, …)` lists make the set of texts open-ended).
 * Every call is one statement execution, so this is also where the SQLite round trips are counted.
 */
function cachedStatements(
  raw: Database.Database,
  queries: QueryCounter,
  max = 500,
): { close(): void; prepare(sql: string): Database.Statement } {
  const cache = new Map<string, Database.Statement>();
  return {
    close: () => raw.close(),
    prepare(text: string) {
      queries.total++; // Kysely prepares once per execution: one statement sent
      const hit = cache.get(text);
      if (hit) {
        cache.delete(text);
        cache.set(text, hit);
        return hit;
      }
      const stmt = raw.prepare(text);
      cache.set(text, stmt);
      if (cache.size > max) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
      return stmt;
    },
  };
}
