// Drains the durable inbox: claims pending deliveries (leases, so a crashed worker's claims come back),
// applies each in its own transaction, and wakes live clients. Resumes by itself after a crash.
import type { Logger } from 'pino';
import type { Store } from '../store/store.ts';
import { PollingWorker } from './polling-worker.ts';
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
  afterApplied?: (touched: { shas: string[]; releases: string[] }) => Promise<void>;
}

export class InboxWorker extends PollingWorker {
  processed = 0;
  ignored = 0;
  failed = 0;
  private kickTimer: NodeJS.Timeout | undefined;

  constructor(
    store: Store,
    private readonly applier: DeliveryApplier,
    log: Logger,
    private readonly opts: InboxWorkerOptions = {},
  ) {
    super(store, log, 'inbox', 'inbox');
  }

  /** Wake the worker soon: kicks within a few milliseconds coalesce, so a burst is claimed in batches. */
  override kick(): void {
    if (this.kickTimer) return;
    this.kickTimer = setTimeout(() => {
      this.kickTimer = undefined;
      this.wakeNow();
    }, this.opts.coalesceMs ?? 3);
  }

  override async stop(): Promise<void> {
    if (this.kickTimer) clearTimeout(this.kickTimer);
    this.kickTimer = undefined;
    await super.stop();
    await this.followedUp();
  }

  protected idleMs(): number {
    return this.opts.idleMs ?? 500;
  }

  /** Drained only when nothing is pending (a delivery leased by another step counts as pending). */
  protected override async settled(): Promise<boolean> {
    await this.followedUp();
    return (await this.store.inboxStats()).pending === 0;
  }

  protected async stepOnce(): Promise<number> {
    const now = (this.opts.clock ?? (() => new Date()))().toISOString();
    const claimed = await this.store.claimDeliveries({
      limit: this.opts.batch ?? 100,
      leaseMs: this.opts.leaseMs ?? 30_000,
      now,
      worker: this.opts.worker ?? `pid-${process.pid}`,
    });
    let touched = false;
    const shas = new Set<string>();
    const releases = new Set<string>();
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
            await this.store.transaction((tx) =>
              tx.markDelivery(d.guid, 'failed', now, message.slice(0, 500)),
            );
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
              await this.store.transaction((tx) =>
                tx.markDelivery(d.guid, 'failed', now, (r.detail ?? '').slice(0, 500)),
              );
            }
          }
          continue;
        }
        if (r.status === 'processed') this.processed++;
        else this.ignored++;
        if (r.applied > 0) chunkTouched = true;
        for (const sha of r.shas) shas.add(sha);
        for (const id of r.releases) releases.add(id);
      }
      if (chunkTouched) {
        touched = true;
        // Live clients here are woken at once; the NOTIFY for other replicas does not hold up the next chunk.
        this.store.notify('changes').catch((e: unknown) => {
          this.log.warn({ err: e instanceof Error ? e.message : String(e) }, 'notify changes failed');
        });
      }
    }
    if (touched) this.followUp(shas, releases);
    this.lastClaimFull = claimed.length >= (this.opts.batch ?? 100);
    return claimed.length;
  }

  /** After a step that claimed fewer than a full batch, the next claim waits for a wake-up (or idleMs). */
  protected override moreWork(claimed: number): boolean {
    return claimed > 0 && this.lastClaimFull;
  }
  private lastClaimFull = false;

  /**
   * afterApplied runs beside the processing loop, not inside a step: touched commits and releases gather
   * while one runs and go into the next (one at a time, so evaluations never overlap each other).
   */
  private followUp(shas: Set<string>, releases: Set<string>): void {
    const after = this.opts.afterApplied;
    if (!after) return;
    for (const s of shas) this.touchedShas.add(s);
    for (const r of releases) this.touchedReleases.add(r);
    if (this.following) return;
    this.following = (async () => {
      while (this.touchedShas.size > 0 || this.touchedReleases.size > 0) {
        const touched = { shas: [...this.touchedShas], releases: [...this.touchedReleases] };
        this.touchedShas.clear();
        this.touchedReleases.clear();
        try {
          await after(touched);
        } catch (e) {
          this.log.error(
            { err: e instanceof Error ? e.message : String(e) },
            're-evaluation after deliveries failed',
          );
        }
      }
      this.following = undefined;
    })();
  }
  private following: Promise<void> | undefined;
  private readonly touchedShas = new Set<string>();
  private readonly touchedReleases = new Set<string>();

  /** Resolves when no afterApplied is running or waiting (drain() and stop() wait for it). */
  async followedUp(): Promise<void> {
    while (this.following) await this.following;
  }
}
