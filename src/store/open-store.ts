// openStore: PostgreSQL when the URL says so, else SQLite in the data dir; migrated and ready.
import { SqliteStore } from './sqlite-store.ts';
import type { Store } from './store.ts';

export interface OpenStoreOptions {
  /** postgres:// or postgresql:// selects PostgreSQL; anything else (or nothing) selects SQLite. */
  databaseUrl?: string;
  dataDir: string;
  onError?: (err: unknown) => void;
  /** SQLite: how long a write waits for another process's lock before failing (after migrations). */
  sqliteBusyTimeoutMs?: number;
  /** PostgreSQL: connections in the pool (LANES_PG_POOL_MAX; default 10, at least 2). */
  pgPoolMax?: number;
}

export function isPostgresUrl(url: string | undefined): url is string {
  return url !== undefined && /^postgres(ql)?:\/\//i.test(url.trim());
}

export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  // pg (and the PostgreSQL store) are loaded only for a PostgreSQL URL: ~75 ms of start-up and ~6 MB of an
  // idle SQLite server otherwise.
  const store = isPostgresUrl(opts.databaseUrl)
    ? (await import('./postgres-store.ts')).PostgresStore.open({
        connectionString: opts.databaseUrl.trim(),
        ...(opts.pgPoolMax !== undefined ? { maxConnections: opts.pgPoolMax } : {}),
        ...(opts.onError ? { onError: opts.onError } : {}),
      })
    : SqliteStore.open({ dataDir: opts.dataDir });
  try {
    await store.migrate();
    if (store instanceof SqliteStore && opts.sqliteBusyTimeoutMs !== undefined)
      store.setBusyTimeout(opts.sqliteBusyTimeoutMs);
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
  return store;
}
