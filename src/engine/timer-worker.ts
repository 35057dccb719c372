// The timer worker fires due timers. store.claimDueTimers marks them fired in the same statement that selects
// them (row locks + SKIP LOCKED on PostgreSQL; one write transaction on SQLite), so with several replicas on
// one PostgreSQL each timer is handed to exactly one of them. The worker then calls onFire(timer).
//
// Guarantee: a timer is claimed exactly once. If onFire throws, a retry timer (same kind and payload, key
// `<key>#retry-<n>`, backoff) is scheduled, up to maxRetries. The crash window is between the claim's commit
// and the end of onFire: a crash there loses that firing. Timers only ask the engine to re-evaluate a
// release (idempotent), so the engine's start-up sweep (re-evaluate releases in progress) covers it.
//
// Wake-ups: the poll interval, or sooner when the next pending timer (one indexed row) is due earlier;
// kick() after scheduling a timer in this process.
import type { Logger } from 'pino';
import type { Store, TimerItem } from '../store/store.ts';
import { PollingWorker } from './polling-worker.ts';

export interface TimerWorkerOptions {
  /** Timers claimed per step. Default 50. */
  batch?: number;
  /** Longest sleep when idle. Default 1000 ms. */
  pollMs?: number;
  /** Retries of a timer whose onFire threw. Default 5. */
  maxRetries?: number;
  /** First retry delay; doubles per retry. Default 5000 ms. */
  retryDelayMs?: number;
  clock?: () => Date;
}

const RETRY_SUFFIX = /#retry-(\d+)$/;

export class TimerWorker extends PollingWorker {
  fired = 0;
  failed = 0;

  constructor(
    store: Store,
    private readonly onFire: (timer: TimerItem) => Promise<void>,
    log: Logger,
    private readonly opts: TimerWorkerOptions = {},
  ) {
    super(store, log, 'timer');
  }

  private now(): Date {
    return (this.opts.clock ?? (() => new Date()))();
  }

  /** Sleep until the next pending timer is due, at most pollMs. */
  protected async idleMs(): Promise<number> {
    const poll = this.opts.pollMs ?? 1000;
    try {
      const [next] = await this.store.listTimers({ status: 'pending', limit: 1 });
      if (!next) return poll;
      return Math.max(10, Math.min(poll, Date.parse(next.fireAt) - this.now().getTime()));
    } catch {
      return poll;
    }
  }

  /** Claim due timers and fire them (in due order). Returns how many were claimed. */
  protected async stepOnce(): Promise<number> {
    const timers = await this.store.claimDueTimers({
      limit: this.opts.batch ?? 50,
      now: this.now().toISOString(),
    });
    for (const t of timers) {
      try {
        await this.onFire(t);
        this.fired++;
      } catch (e) {
        this.failed++;
        await this.retry(t, e instanceof Error ? e.message : String(e));
      }
    }
    return timers.length;
  }

  private async retry(t: TimerItem, message: string): Promise<void> {
    const m = RETRY_SUFFIX.exec(t.key);
    const n = m ? Number(m[1]) + 1 : 1;
    const max = this.opts.maxRetries ?? 5;
    if (n > max) {
      this.log.error({ key: t.key, kind: t.kind, err: message }, 'timer failed; no retries left');
      return;
    }
    const base = m ? t.key.slice(0, m.index) : t.key;
    const fireAt = new Date(
      this.now().getTime() + (this.opts.retryDelayMs ?? 5_000) * 2 ** (n - 1),
    ).toISOString();
    try {
      await this.store.transaction((tx) =>
        tx.schedule({ key: `${base}#retry-${n}`, kind: t.kind, payload: t.payload, fireAt }),
      );
      this.log.warn(
        { key: t.key, kind: t.kind, err: message, retryAt: fireAt },
        'timer failed; retry scheduled',
      );
    } catch (e) {
      this.log.error(
        { key: t.key, kind: t.kind, err: message, scheduleErr: e instanceof Error ? e.message : String(e) },
        'timer failed; retry not scheduled',
      );
    }
  }
}
