// The SQL of the acknowledging hot path, shared by the in-process insert (deliveries.ts, through Kysely's
// raw CompiledQuery) and the SQLite ingest thread (sqlite-ingest-thread.ts, straight on better-sqlite3):
// one multi-row INSERT ... ON CONFLICT (guid) DO NOTHING RETURNING seq, guid per chunk, then the bodies of
// the rows actually inserted into delivery_bodies. The text depends only on the dialect and the row count,
// so it is built once per count and the prepared statement is reused.
import type { NewDelivery } from '../store.ts';
import { iso } from './shared.ts';

const sqlTexts = new Map<string, string>();

/** `insert into <table> (<cols>) values (..), (..) <tail>` for n rows, in the dialect's placeholders; cached. */
export function multiRowInsert(
  pg: boolean,
  table: string,
  cols: readonly string[],
  n: number,
  tail: string,
): string {
  const key = `${pg ? 'pg' : 'sqlite'}|${table}|${n}`;
  const hit = sqlTexts.get(key);
  if (hit !== undefined) return hit;
  let p = 0;
  const row = (): string => `(${cols.map(() => (pg ? `$${++p}` : '?')).join(', ')})`;
  const text = `insert into ${table} (${cols.join(', ')}) values ${Array.from({ length: n }, row).join(', ')} ${tail}`;
  sqlTexts.set(key, text);
  return text;
}

const DELIVERY_COLS = ['guid', 'event', 'action', 'received_at', 'source'] as const;
const BODY_COLS = ['seq', 'body'] as const;

/** The inbox rows of one chunk of distinct deliveries: statement text and parameters. */
export function deliveryRowsInsert(
  pg: boolean,
  part: readonly NewDelivery[],
): { text: string; params: unknown[] } {
  const params: unknown[] = [];
  for (const d of part) params.push(d.guid, d.event, d.action, iso(d.receivedAt), d.source);
  const text = multiRowInsert(
    pg,
    'deliveries',
    DELIVERY_COLS,
    part.length,
    'on conflict (guid) do nothing returning seq, guid',
  );
  return { text, params };
}

/** The bodies of the rows the first statement inserted (`inserted`: its RETURNING rows). */
export function deliveryBodiesInsert(
  pg: boolean,
  part: readonly NewDelivery[],
  inserted: readonly { seq: number; guid: string }[],
): { text: string; params: unknown[] } {
  const bodyOf = new Map(part.map((d) => [d.guid, d.body]));
  const params: unknown[] = [];
  for (const r of inserted) params.push(Number(r.seq), bodyOf.get(r.guid));
  return { text: multiRowInsert(pg, 'delivery_bodies', BODY_COLS, inserted.length, ''), params };
}

/** A batch's deliveries without repeated GUIDs (the first occurrence is kept). */
export function distinctByGuid(ds: readonly NewDelivery[]): NewDelivery[] {
  const seen = new Set<string>();
  return ds.filter((d) => (seen.has(d.guid) ? false : (seen.add(d.guid), true)));
}

/** Each delivery's result: the first occurrence of an inserted GUID is 'inserted', anything else 'duplicate'. */
export function batchResults(
  ds: readonly NewDelivery[],
  inserted: Set<string>,
): ('inserted' | 'duplicate')[] {
  const left = new Set(inserted);
  return ds.map((d) => (left.delete(d.guid) ? 'inserted' : 'duplicate'));
}
