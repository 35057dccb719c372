// The main thread's side of the SQLite ingest thread (sqlite-ingest-thread.ts): insertDeliveries() posts a
// group-commit batch and resolves when the thread has committed it. Started on the first batch (a store
// that never ingests never starts it); kept from holding the process open while nothing is in flight.
// An error the thread met comes back as an Error with the driver's `code` (SQLITE_BUSY, SQLITE_FULL, ...),
// so isStoreFailure() reads it as it reads the in-process driver's. Messages are handled in order, so a
// pragma sent before a batch applies to that batch.
import { Worker } from 'node:worker_threads';
import type { NewDelivery } from './store.ts';

export interface IngestThreadData {
  file: string;
  busyTimeoutMs: number;
  synchronous: 'normal' | 'full';
}

export type IngestRequest =
  | { id: number; kind: 'insert'; deliveries: NewDelivery[] }
  | { id: number; kind: 'pragma'; text: string }
  | { id: number; kind: 'close' };

export type IngestReply =
  | { id: number; ok: true; results: ('inserted' | 'duplicate')[]; statements: number }
  | { id: number; ok: false; message: string; code: string | undefined };

interface Waiting {
  resolve: (r: ('inserted' | 'duplicate')[]) => void;
  reject: (err: Error) => void;
}

/** The thread's entry next to this file: .js in dist/; .ts from source (tests, bench scripts, `npm run dev`). */
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const ENTRY = new URL(`./sqlite-ingest-thread${FROM_SOURCE ? '.ts' : '.js'}`, import.meta.url);

function newThread(data: IngestThreadData): Worker {
  if (!FROM_SOURCE) return new Worker(ENTRY, { workerData: data });
  // A worker does not run the parent's --import hooks: register tsx in it before loading the TypeScript entry.
  const boot = `import('tsx/esm/api').then((m) => m.register()).then(() => import(${JSON.stringify(ENTRY.href)}))`;
  return new Worker(boot, { eval: true, workerData: data });
}

export class SqliteIngestThread {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly waiting = new Map<number, Waiting>();
  /** Pragmas set on the main connection that the thread's connection must share (replayed on a restart). */
  private readonly pragmas: string[] = [];
  private closed = false;

  constructor(
    private data: IngestThreadData,
    /** Statements the thread executed (added to the store's lanes_store_queries_total). */
    private readonly countStatements: (n: number) => void,
  ) {}

  insertDeliveries(ds: NewDelivery[]): Promise<('inserted' | 'duplicate')[]> {
    if (ds.length === 0) return Promise.resolve([]);
    return this.send({ id: 0, kind: 'insert', deliveries: ds });
  }

  /** A setting pragma (`name = value`) for the thread's connection too; a no-op until it starts. */
  setPragma(text: string): void {
    this.pragmas.push(text);
    if (this.worker) void this.send({ id: 0, kind: 'pragma', text }).catch(() => undefined);
  }

  setBusyTimeout(ms: number): void {
    // The thread may wait out another process's lock synchronously: it blocks no request.
    this.data = { ...this.data, busyTimeoutMs: ms };
    this.setPragma(`busy_timeout = ${ms}`);
  }

  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    if (!w) return;
    await this.send({ id: 0, kind: 'close' }).catch(() => undefined);
    await w.terminate();
    this.worker = undefined;
  }

  private start(): Worker {
    const w = newThread(this.data);
    w.on('message', (reply: IngestReply) => this.settle(reply));
    w.on('error', (err) => this.fail(w, err));
    w.on('exit', (code) => this.fail(w, new Error(`the SQLite ingest thread exited (${code})`)));
    w.unref();
    this.worker = w;
    for (const text of this.pragmas) w.postMessage({ id: ++this.nextId, kind: 'pragma', text });
    return w;
  }

  private send(msg: IngestRequest): Promise<('inserted' | 'duplicate')[]> {
    if (this.closed && msg.kind !== 'close') return Promise.reject(new Error('the store is closed'));
    const w = this.worker ?? this.start();
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      if (this.waiting.size === 0) w.ref();
      this.waiting.set(id, { resolve, reject });
      w.postMessage({ ...msg, id });
    });
  }

  private settle(reply: IngestReply): void {
    const waiter = this.waiting.get(reply.id);
    if (!waiter) return; // a replayed pragma's answer
    this.waiting.delete(reply.id);
    if (this.waiting.size === 0) this.worker?.unref();
    if (reply.ok) {
      this.countStatements(reply.statements);
      waiter.resolve(reply.results);
    } else {
      waiter.reject(Object.assign(new Error(reply.message), { code: reply.code }));
    }
  }

  /** The thread died: every batch in flight fails (none was answered), and the next batch starts a new one. */
  private fail(w: Worker, err: Error): void {
    if (this.worker !== w) return;
    this.worker = undefined;
    for (const waiter of this.waiting.values()) waiter.reject(err);
    this.waiting.clear();
  }
}
