// What every aggregate module shares: the Kysely handle type, the context a module is built over,
// the canonical conversions (timestamps, JSON, numbers) and the compare-and-set upsert.
// Guarantees: every timestamp written goes through iso() (canonical, so text order is time order);
// compareAndSet reads the current row (locked on PostgreSQL, under BEGIN IMMEDIATE on SQLite) and
// writes only when the incoming state is newer, retrying when it loses an insert race.
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db-schema.ts';
import type { Upsert } from '../store.ts';

export type Db = Kysely<Database>;
export type StoreDialect = 'sqlite' | 'postgres';
export type Row<T extends keyof Database> = Selectable<Database[T]>;

/** What a read module is built over: one Kysely handle (the pool / connection, or a transaction). */
export interface ReadCtx {
  db: Db;
  pg: boolean;
}

/** What a write module is built over: the transaction's handle, plus per-transaction state. */
export interface TxCtx extends ReadCtx {
  /** Takes the change-feed lock once per transaction (PostgreSQL; a no-op on SQLite). */
  lockChanges(): Promise<void>;
}

/** What a store-level module is built over: it may open its own transactions (claims, batch inserts). */
export interface StoreCtx extends ReadCtx {
  runTx<T>(fn: (db: Db) => Promise<T>): Promise<T>;
}

/** Rows per multi-row INSERT (well under both dialects' parameter limits). */
export const INSERT_CHUNK = 500;

/** Canonical ISO 8601 UTC (ms precision, `Z`): text order is time order. Throws on an invalid time. */
export function iso(t: string): string {
  const ms = Date.parse(t);
  if (Number.isNaN(ms)) throw new Error(`invalid timestamp: ${JSON.stringify(t)}`);
  return new Date(ms).toISOString();
}
export function isoOrNull(t: string | null | undefined): string | null {
  return t === null || t === undefined ? null : iso(t);
}
export function addMs(t: string, ms: number): string {
  return new Date(Date.parse(t) + ms).toISOString();
}
/** pg returns BIGINT as number via the pool's type parser; this also accepts strings and bigints. */
export function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint' || typeof v === 'string') return Number(v);
  throw new Error(`expected a number, got ${typeof v}`);
}
export function numOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : num(v);
}
export function toJson(v: unknown): string {
  return JSON.stringify(v ?? null);
}
export function fromJson(s: string | null): unknown {
  if (s === null || s === '') return null;
  return JSON.parse(s) as unknown;
}
/** Claimed queue items in due order: the earliest due time first (canonical ISO text), then insertion order. */
export function dueOrder<T extends { id: number }>(dueAt: (x: T) => string): (a: T, b: T) => number {
  return (a, b) => (dueAt(a) < dueAt(b) ? -1 : dueAt(a) > dueAt(b) ? 1 : a.id - b.id);
}
export function chunks<T>(xs: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/** Read the current row (locked on PostgreSQL); insert when absent, else update when newer. */
export async function compareAndSet<Cur>(op: {
  read: () => Promise<Cur | undefined>;
  insert: () => Promise<boolean>; // false when a concurrent insert won (ON CONFLICT DO NOTHING)
  isNewer: (cur: Cur) => boolean;
  update: (cur: Cur) => Promise<void>;
}): Promise<Upsert> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const cur = await op.read();
    if (cur === undefined) {
      if (await op.insert()) return 'applied';
      continue; // lost an insert race: compare against the winner
    }
    if (!op.isNewer(cur)) return 'stale';
    await op.update(cur);
    return 'applied';
  }
  throw new Error('compareAndSet: row vanished during upsert');
}
