// Group commit for webhook ingest: concurrent write(delivery) calls are gathered into one
// store.insertDeliveries() transaction (one fsync on PostgreSQL for many requests). A batch is
// flushed when `maxBatch` items are queued or `maxDelayMs` after its first item, whichever comes
// first. Each caller gets its own result ('inserted' | 'duplicate'); if the batch's transaction
// fails, every caller of that batch is rejected with the error (nothing of it was stored).
// The queue is bounded (`maxQueued`, waiting and in flight together): past it, write() fails at once
// with IngestQueueFull instead of queueing behind a slow or locked store (the caller answers 503).
// After a batch fails because the store is unavailable, writes for the next `failFastMs` are refused at once with that batch's error: a
// locked SQLite file would otherwise make each request wait its own busy timeout (synchronously, on
// better-sqlite3), one after another.
import type { NewDelivery, Store } from './store.ts';
import { isStoreFailure } from './store-failure.ts';

export type WriteResult = 'inserted' | 'duplicate';

export interface DeliveryWriterOptions {
  /** Flush as soon as this many deliveries are queued. Default 128. */
  maxBatch?: number;
  /** Flush this long after the first queued delivery. Default 2 ms. */
  maxDelayMs?: number;
  /** Batches in flight at once (more batches queue behind). Default 4. */
  maxInFlight?: number;
  /** Deliveries held at once (queued and in flight); past it write() rejects. Default 2048. */
  maxQueued?: number;
  /** After a failed batch, refuse writes at once for this long. Default 1000 ms; 0 turns it off. */
  failFastMs?: number;
}

/** The writer already holds `maxQueued` deliveries: nothing was queued. */
export class IngestQueueFull extends Error {
  constructor(readonly limit: number) {
    super(`ingest queue full (${limit} deliveries waiting)`);
  }
}

interface Pending {
  delivery: NewDelivery;
  resolve: (r: WriteResult) => void;
  reject: (err: unknown) => void;
}

export class DeliveryWriter {
  private readonly maxBatch: number;
  private readonly maxDelayMs: number;
  private readonly maxInFlight: number;
  private readonly maxQueued: number;
  private held = 0;
  private readonly failFastMs: number;
  private lastFailure: { at: number; err: unknown } | undefined;
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private inFlight = 0;
  private readonly idleWaiters: (() => void)[] = [];
  private closed = false;
  /** Batches written so far (for metrics). */
  batches = 0;

  constructor(
    private readonly store: Pick<Store, 'insertDeliveries'>,
    opts: DeliveryWriterOptions = {},
  ) {
    this.maxBatch = Math.max(1, Math.trunc(opts.maxBatch ?? 128));
    this.maxDelayMs = Math.max(0, opts.maxDelayMs ?? 2);
    this.maxInFlight = Math.max(1, Math.trunc(opts.maxInFlight ?? 4));
    this.maxQueued = Math.max(1, Math.trunc(opts.maxQueued ?? 2048));
    this.failFastMs = Math.max(0, opts.failFastMs ?? 1000);
  }

  /** Resolves once the delivery is durably stored (or known to be a duplicate). */
  write(delivery: NewDelivery): Promise<WriteResult> {
    if (this.closed) return Promise.reject(new Error('DeliveryWriter is closed'));
    if (this.held >= this.maxQueued) return Promise.reject(new IngestQueueFull(this.maxQueued));
    if (this.lastFailure && performance.now() - this.lastFailure.at < this.failFastMs)
      return Promise.reject(this.lastFailure.err);
    this.held++;
    return new Promise<WriteResult>((resolve, reject) => {
      this.queue.push({
        delivery,
        resolve: (r) => {
          this.held--;
          resolve(r);
        },
        reject: (e) => {
          this.held--;
          reject(e);
        },
      });
      if (this.queue.length >= this.maxBatch) this.flushSoon(true);
      else if (this.timer === null) this.timer = setTimeout(() => this.flushSoon(true), this.maxDelayMs);
    });
  }

  /** A batch failed within the last `withinMs` and none has succeeded since (readiness reads it). */
  failedRecently(withinMs = 30_000): boolean {
    return this.lastFailure !== undefined && performance.now() - this.lastFailure.at < withinMs;
  }

  /** Queued and not yet sent. */
  get pending(): number {
    return this.queue.length;
  }

  /** Writes everything queued now and waits for all batches in flight. */
  async flush(): Promise<void> {
    this.flushSoon(true);
    if (this.inFlight === 0 && this.queue.length === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /** Refuses new writes, then flushes what is queued. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private flushSoon(force: boolean): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (
      this.queue.length > 0 &&
      this.inFlight < this.maxInFlight &&
      (force || this.queue.length >= this.maxBatch)
    ) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      void this.run(batch);
    }
    // Items left because every slot is busy are taken when a batch finishes.
    if (this.queue.length > 0 && this.inFlight < this.maxInFlight && this.timer === null) {
      this.timer = setTimeout(() => this.flushSoon(true), this.maxDelayMs);
    }
  }

  private async run(batch: Pending[]): Promise<void> {
    try {
      const results = await this.store.insertDeliveries(batch.map((p) => p.delivery));
      this.batches++;
      if (results.length !== batch.length)
        throw new Error('insertDeliveries returned a wrong number of results');
      batch.forEach((p, i) => p.resolve(results[i] ?? 'duplicate'));
      this.lastFailure = undefined;
    } catch (err) {
      // Only an unavailable store (locked, full, unreachable) makes the next writes fail fast.
      if (isStoreFailure(err)) this.lastFailure = { at: performance.now(), err };
      for (const p of batch) p.reject(err);
    } finally {
      this.inFlight--;
      if (this.queue.length > 0) this.flushSoon(true);
      else if (this.inFlight === 0) {
        for (const w of this.idleWaiters.splice(0)) w();
      }
    }
  }
}
