// Drains the durable inbox: claims pending deliveries (leases, so a crashed worker's claims come back),
// applies each in its own transaction, and wakes live clients. Resumes by itself after a crash.
import type { Logger } from 'pino';
import type { Store } from '../store/store.ts';
import type { DeliveryApplier } from './apply-delivery.ts';

export interface InboxWorkerOptions {
  batch?: number;
  leaseMs?: number;
  idleMs?: number;
  maxAttempts?: number;
  /** Kicks within this many milliseconds wake the worker once. */
  coalesceMs?: number;
  /** Deliveries applied per transaction. */
  chunk?: number;
  worker?: string;
  clock?: () => Date;
  /** Called after a step that changed state (e.g. re-evaluate releases); errors are logged. */
  afterApplied?: (shas: string[]) => Promise<void>;
}

export class InboxWorker {
  private running = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private unsubscribe: (() => void) | undefined;
  processed = 0;
  ignored = 0;
  failed = 0;

  constructor(
    private readonly store: Store,
    private readonly applier: DeliveryApplier,
    private readonly log: Logger,
    private readonly opts: InboxWorkerOptions = {},
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.store.onNotify('inbox', () => this.kick());
    this.loop = this.run();
  }

  private kickTimer: NodeJS.Timeout | undefined;

  /** Wake the worker soon: kicks within a few milliseconds coalesce, so a burst is claimed in batches. */
  kick(): void {
    if (this.kickTimer) return;
    this.kickTimer = setTimeout(() => {
      this.kickTimer = undefined;
      this.wake?.();
    }, this.opts.coalesceMs ?? 3);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    if (this.kickTimer) clearTimeout(this.kickTimer);
    this.kickTimer = undefined;
    this.wake?.();
    await this.loop;
  }

  /** Process until the inbox is empty and no step is in flight (used by tests and the demo loader). */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.step();
      total += n;
      if (n > 0) continue;
      const inflight = [...this.inflight];
      if (inflight.length > 0) {
        await Promise.allSettled(inflight);
        continue;
      }
      if ((await this.store.inboxStats()).pending === 0) return total;
      await this.sleep(20);
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      let n = 0;
      try {
        n = await this.step();
      } catch (e) {
        this.log.error({ err: e }, 'inbox step failed; retrying');
        await this.sleep(1000);
        continue;
      }
      if (n === 0) await this.sleep(this.opts.idleMs ?? 500);
    }
  }

  private readonly inflight = new Set<Promise<number>>();

  private step(): Promise<number> {
    const p = this.stepOnce();
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p)).catch(() => undefined);
    return p;
  }

  private async stepOnce(): Promise<number> {
    const now = (this.opts.clock ?? (() => new Date()))().toISOString();
    const claimed = await this.store.claimDeliveries({
      limit: this.opts.batch ?? 100,
      leaseMs: this.opts.leaseMs ?? 30_000,
      now,
      worker: this.opts.worker ?? `pid-${process.pid}`,
    });
    let touched = false;
    const shas = new Set<string>();
    // Apply in chunks, each one transaction, and wake live clients after each chunk.
    const CHUNK = this.opts.chunk ?? 25;
    for (let i = 0; i < claimed.length; i += CHUNK) {
      const chunk = claimed.slice(i, i + CHUNK);
      let outs: Awaited<ReturnType<DeliveryApplier['applyBatch']>> = [];
      try {
        outs = await this.applier.applyBatch(chunk, now);
      } catch (e) {
        // Only a single-delivery chunk throws (a batch falls back to one by one): count it and retry later.
        this.failed++;
        const message = e instanceof Error ? e.message : String(e);
        const d = chunk[0];
        if (d) {
          this.log.error({ guid: d.guid, event: d.event, err: message }, 'delivery failed');
          if (d.attempts >= (this.opts.maxAttempts ?? 5)) {
            await this.store.transaction((tx) => tx.markDelivery(d.guid, 'failed', now, message.slice(0, 500)));
          }
        }
        continue;
      }
      let chunkTouched = false;
      for (const [j, r] of outs.entries()) {
        if (r.status === 'failed') {
          this.failed++;
          const d = chunk[j];
          if (d) {
            this.log.error({ guid: d.guid, event: d.event, err: r.detail }, 'delivery failed');
            if (d.attempts >= (this.opts.maxAttempts ?? 5)) {
              await this.store.transaction((tx) => tx.markDelivery(d.guid, 'failed', now, (r.detail ?? '').slice(0, 500)));
            }
          }
          continue;
        }
        if (r.status === 'processed') this.processed++;
        else this.ignored++;
        if (r.applied > 0) chunkTouched = true;
        for (const sha of r.shas) shas.add(sha);
      }
      if (chunkTouched) {
        touched = true;
        await this.store.notify('changes');
      }
    }
    if (touched) {
      if (this.opts.afterApplied) {
        try {
          await this.opts.afterApplied([...shas]);
        } catch (e) {
          this.log.error({ err: e instanceof Error ? e.message : String(e) }, 're-evaluation after deliveries failed');
        }
      }
    }
    return claimed.length;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(t);
        this.wake = undefined;
        resolve();
      };
    });
  }
}
