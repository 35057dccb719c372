// Database round trips, counted at the one place each dialect sends a statement: every better-sqlite3
// statement Kysely prepares (sqlite-store.ts; Kysely prepares once per execution, BEGIN and COMMIT
// included) and every query of a pg pool client (postgres-store.ts; BEGIN and COMMIT included). The
// LISTEN connection is not counted. Exposed as lanes_store_queries_total{store} in /metrics; the bench
// divides it by the deliveries processed.
import type pg from 'pg';

export class QueryCounter {
  total = 0;
}

/** Counts every query sent on this pool's clients (wraps each client's query once, when it connects). */
export function countPoolQueries(pool: pg.Pool, counter: QueryCounter): void {
  pool.on('connect', (client: pg.PoolClient) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    const counted = (...args: unknown[]): unknown => {
      counter.total++;
      return query(...args);
    };
    Object.assign(client, { query: counted });
  });
}
