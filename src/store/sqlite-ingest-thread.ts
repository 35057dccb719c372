// The SQLite ingest thread (a worker_thread with its own better-sqlite3 connection to the same file):
// the webhook acknowledging path's durable insert runs here, so that the synchronous driver's work — the
// multi-row insert of 8 KB bodies, the WAL writes, a checkpoint, an fsync under synchronous=FULL, a
// busy wait on another process's lock — never blocks the event loop that reads requests. Each message is one
// group-commit batch, committed as one BEGIN IMMEDIATE transaction before the answer is posted back, so
// the 202 that follows still means "committed". The SQL is the in-process path's (delivery-insert-sql.ts).
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { NewDelivery } from './store.ts';
import {
  batchResults,
  deliveryBodiesInsert,
  deliveryRowsInsert,
  distinctByGuid,
} from './repos/delivery-insert-sql.ts';
import { INSERT_CHUNK, chunks } from './repos/shared.ts';
import type { IngestReply, IngestRequest, IngestThreadData } from './sqlite-ingest-client.ts';

const data = workerData as IngestThreadData;
const db = new Database(data.file);
db.pragma(`busy_timeout = ${data.busyTimeoutMs}`);
db.pragma(`synchronous = ${data.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
db.pragma('foreign_keys = ON');
const statements = new Map<string, Database.Statement>();
const prepare = (text: string): Database.Statement => {
  let s = statements.get(text);
  if (s === undefined) {
    s = db.prepare(text);
    statements.set(text, s);
  }
  return s;
};
const begin = db.prepare('begin immediate');
const commit = db.prepare('commit');
const rollback = db.prepare('rollback');

function insert(ds: NewDelivery[]): { results: ('inserted' | 'duplicate')[]; statements: number } {
  let count = 1;
  begin.run();
  try {
    const inserted = new Set<string>();
    for (const part of chunks(distinctByGuid(ds), INSERT_CHUNK)) {
      const rows = deliveryRowsInsert(false, part);
      const returned = prepare(rows.text).all(...rows.params) as { seq: number; guid: string }[];
      count++;
      if (returned.length === 0) continue;
      const bodies = deliveryBodiesInsert(false, part, returned);
      prepare(bodies.text).run(...bodies.params);
      count++;
      for (const r of returned) inserted.add(r.guid);
    }
    commit.run();
    return { results: batchResults(ds, inserted), statements: count + 1 };
  } catch (err) {
    if (db.inTransaction) rollback.run();
    throw err;
  }
}

function handle(msg: IngestRequest): IngestReply {
  try {
    switch (msg.kind) {
      case 'insert': {
        const r = insert(msg.deliveries);
        return { id: msg.id, ok: true, results: r.results, statements: r.statements };
      }
      case 'pragma':
        db.pragma(msg.text);
        return { id: msg.id, ok: true, results: [], statements: 0 };
      case 'close':
        db.close();
        return { id: msg.id, ok: true, results: [], statements: 0 };
    }
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    const code = 'code' in e && typeof e.code === 'string' ? e.code : undefined;
    return { id: msg.id, ok: false, message: e.message, code };
  }
}

parentPort?.on('message', (msg: IngestRequest) => {
  parentPort?.postMessage(handle(msg));
  if (msg.kind === 'close') parentPort?.close();
});
