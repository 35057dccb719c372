// PostgreSQL: a pg Pool behind Kysely. Claims use FOR UPDATE SKIP LOCKED (see repos/deliveries.ts), so
// several replicas share the inbox, outbox and timers without double work. LISTEN/NOTIFY carries
// wake-ups between replicas on one dedicated connection that reconnects by itself.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type { Database as Schema } from './db-schema.ts';
import { KyselyStore, type Db } from './kysely-store.ts';
import { runMigrations } from './migrations.ts';
import { QueryCounter, countPoolQueries } from './query-count.ts';
import type { NotifyChannel } from './store.ts';

export interface PostgresStoreOptions {
  connectionString: string;
  /** Pool size; default 10 (at least 2: migrations hold one connection for the lock). */
  maxConnections?: number;
  /** Called for background errors (idle pool clients, the listener connection). */
  onError?: (err: unknown) => void;
}

/** Session advisory lock held while migrating, so replicas starting together migrate one at a time. */
const MIGRATION_LOCK_KEY = 7_316_000;
const CHANNEL_PREFIX = 'lanes_';

const INT8_OID = 20;
/** BIGINT → number (GitHub ids and counts stay far below 2^53). Per pool: no global type-parser change. */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8_OID && format !== 'binary'
      ? (v: string): number => Number(v)
      : (pg.types.getTypeParser as (o: number, f?: string) => unknown)(
          oid,
          format,
        )) as pg.CustomTypesConfig['getTypeParser'],
};

export class PostgresStore extends KyselyStore {
  declare readonly dialect: 'postgres';
  private readonly pool: pg.Pool;
  private readonly notifier: PgNotifier;
  private closed = false;

  private constructor(
    db: Db,
    pool: pg.Pool,
    notifier: PgNotifier,
    private readonly queries: QueryCounter,
  ) {
    super(db, 'postgres', (fn) => db.transaction().execute((trx) => fn(trx)));
    this.pool = pool;
    this.notifier = notifier;
  }

  /** Queries sent on the pool's connections since it opened, BEGIN and COMMIT included (not LISTEN). */
  queryCount(): number {
    return this.queries.total;
  }

  /** Creates the pool (connections are made lazily); call migrate() before use. */
  static open(opts: PostgresStoreOptions): PostgresStore {
    const onError = opts.onError ?? (() => undefined);
    const pool = new pg.Pool({
      connectionString: opts.connectionString,
      max: Math.max(2, opts.maxConnections ?? 10),
      types,
      application_name: 'lanes',
    });
    pool.on('error', onError); // an idle client lost its connection: the pool replaces it
    // A checked-out client that loses its connection between two queries (a transaction awaiting its own
    // work) emits 'error' too, which the pool does not listen to then: report it instead of crashing; the
    // pending or next query on that client fails and the pool drops it.
    pool.on('connect', (client) => client.on('error', onError));
    const queries = new QueryCounter();
    countPoolQueries(pool, queries);
    const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
    return new PostgresStore(db, pool, new PgNotifier(opts.connectionString, onError), queries);
  }

  async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      try {
        await runMigrations(this.db as unknown as Parameters<typeof runMigrations>[0], 'postgres');
      } finally {
        await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
      }
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.notifier.close();
    await this.db.destroy(); // ends the pool
  }

  onNotify(channel: NotifyChannel, fn: () => void): () => void {
    return this.notifier.add(channel, fn);
  }

  /**
   * Wakes this process's listeners at once (next tick, no round trip) and the other replicas through
   * NOTIFY; the payload names this store, whose listener connection skips its own notifications.
   */
  async notify(channel: NotifyChannel): Promise<void> {
    setImmediate(() => this.notifier.dispatch(channel));
    await sql`select pg_notify(${CHANNEL_PREFIX + channel}, ${this.notifier.self})`.execute(this.db);
  }

  /** Resolves once the listener connection listens on every channel subscribed so far. */
  listening(): Promise<void> {
    return this.notifier.ready();
  }
}

/** One dedicated LISTEN connection; reconnects with backoff and then wakes every listener (to catch up). */
class PgNotifier {
  /** This store's NOTIFY payload (other replicas' notifications carry theirs; old ones carry ''). */
  readonly self = randomUUID();
  private client: pg.Client | null = null;
  private connecting = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryMs = 100;
  private everConnected = false;
  private closed = false;
  private readonly listeners = new Map<NotifyChannel, Set<() => void>>();
  private readonly listened = new Set<NotifyChannel>();
  private waiters: (() => void)[] = [];

  constructor(
    private readonly connectionString: string,
    private readonly onError: (err: unknown) => void,
  ) {}

  add(channel: NotifyChannel, fn: () => void): () => void {
    let set = this.listeners.get(channel);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(channel, set);
    }
    set.add(fn);
    if (this.client !== null && !this.listened.has(channel)) void this.listen(this.client, channel);
    else this.ensure();
    return () => {
      this.listeners.get(channel)?.delete(fn);
    };
  }

  ready(): Promise<void> {
    if (this.isReady()) return Promise.resolve();
    this.ensure();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private isReady(): boolean {
    return this.client !== null && [...this.listeners.keys()].every((c) => this.listened.has(c));
  }

  private settleWaiters(): void {
    if (!this.isReady()) return;
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }

  private ensure(): void {
    if (this.closed || this.client !== null || this.connecting || this.retryTimer !== null) return;
    this.connecting = true;
    void this.connect().finally(() => {
      this.connecting = false;
    });
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.connectionString,
      application_name: 'lanes-listen',
    });
    client.on('error', (err) => {
      this.onError(err);
      this.drop(client);
    });
    client.on('end', () => this.drop(client));
    client.on('notification', (msg) => {
      // Our own notifications were dispatched in-process when sent (notify above).
      if (msg.channel.startsWith(CHANNEL_PREFIX) && msg.payload !== this.self)
        this.dispatch(msg.channel.slice(CHANNEL_PREFIX.length) as NotifyChannel);
    });
    try {
      await client.connect();
      const channels = [...this.listeners.keys()];
      for (const c of channels) await client.query(`LISTEN ${client.escapeIdentifier(CHANNEL_PREFIX + c)}`);
      if (this.closed) {
        await client.end().catch(() => undefined);
        return;
      }
      this.client = client;
      this.listened.clear();
      for (const c of channels) this.listened.add(c);
      // Channels added while we were connecting.
      for (const c of this.listeners.keys()) if (!this.listened.has(c)) await this.listen(client, c);
      this.retryMs = 100;
      const reconnect = this.everConnected;
      this.everConnected = true;
      this.settleWaiters();
      // Notifications sent while we were away are lost: wake everyone once so they re-read.
      if (reconnect) for (const c of this.listeners.keys()) this.dispatch(c);
    } catch (err) {
      this.onError(err);
      await client.end().catch(() => undefined);
      this.scheduleRetry();
    }
  }

  private async listen(client: pg.Client, channel: NotifyChannel): Promise<void> {
    try {
      await client.query(`LISTEN ${client.escapeIdentifier(CHANNEL_PREFIX + channel)}`);
      if (this.client === client) this.listened.add(channel);
      this.settleWaiters();
    } catch (err) {
      this.onError(err);
      this.drop(client);
    }
  }

  private drop(client: pg.Client): void {
    if (this.client === client) {
      this.client = null;
      this.listened.clear();
    }
    client.end().catch(() => undefined);
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.closed || this.retryTimer !== null || this.client !== null) return;
    const delay = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, 5000);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.ensure();
    }, delay);
    this.retryTimer.unref();
  }

  dispatch(channel: NotifyChannel): void {
    for (const fn of [...(this.listeners.get(channel) ?? [])]) {
      try {
        fn();
      } catch (err) {
        this.onError(err);
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const c = this.client;
    this.client = null;
    this.listeners.clear();
    this.settleWaiters();
    if (c !== null) await c.end().catch(() => undefined);
  }
}
