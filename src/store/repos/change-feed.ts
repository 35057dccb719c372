// The change feed: an append-only log whose seq is the Server-Sent Events id, read by every replica.
// Guarantees: seq increases in commit order — on PostgreSQL a transaction-scoped advisory lock,
// taken before the first append and held until commit, keeps a reader paging by seq from skipping a
// transaction that allocated a lower seq but committed later. (SQLite has one writer at a time.)
import { sql } from 'kysely';
import type { ChangeEvent } from '../store.ts';
import {
  INSERT_CHUNK,
  chunks,
  fromJson,
  iso,
  num,
  numOrNull,
  toJson,
  type Db,
  type ReadCtx,
  type TxCtx,
} from './shared.ts';

/** Advisory lock key serialising change appends on PostgreSQL, so seq order is commit order. */
export const CHANGES_LOCK_KEY = 7_316_001;

/** The lock-once-per-transaction function a TxCtx carries. */
export function changeLock(db: Db, pg: boolean): () => Promise<void> {
  let locked = !pg;
  return async () => {
    if (locked) return;
    await sql`select pg_advisory_xact_lock(${CHANGES_LOCK_KEY})`.execute(db);
    locked = true;
  };
}

export function changeWrites({ db, lockChanges }: TxCtx) {
  return {
    async appendChange(topic: string, data: unknown, at: string): Promise<number> {
      await lockChanges();
      const row = await db
        .insertInto('changes')
        .values({ at: iso(at), topic, data: toJson(data) })
        .returning('seq')
        .executeTakeFirstOrThrow();
      return num(row.seq);
    },

    async appendChanges(items: { topic: string; data: unknown; at: string }[]): Promise<void> {
      if (items.length === 0) return;
      await lockChanges();
      for (const part of chunks(items, INSERT_CHUNK)) {
        await db
          .insertInto('changes')
          .values(part.map((c) => ({ at: iso(c.at), topic: c.topic, data: toJson(c.data) })))
          .execute();
      }
    },
  };
}

export function changeReads({ db }: ReadCtx) {
  return {
    async changesSince(seq: number, limit: number): Promise<ChangeEvent[]> {
      const rows = await db
        .selectFrom('changes')
        .selectAll()
        .where('seq', '>', seq)
        .orderBy('seq')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ seq: num(r.seq), at: r.at, topic: r.topic, data: fromJson(r.data) }));
    },

    async latestChangeSeq(): Promise<number> {
      const row = await db
        .selectFrom('changes')
        .select((eb) => eb.fn.max('seq').as('m'))
        .executeTakeFirst();
      return numOrNull(row?.m) ?? 0;
    },
  };
}
