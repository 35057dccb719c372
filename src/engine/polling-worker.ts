// The loop the inbox, outbox and timer workers share: run steps while there is work, sleep when idle (woken
// early by kick() or a store notification), back off after an error, and drain() for tests and the demo —
// which also waits for a step the background loop has in flight.
import type { Logger } from 'pino';
import type { Store } from '../store/store.ts';

export abstract class PollingWorker {
  private running = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly inflight = new Set<Promise<number>>();

  protected constructor(
    protected readonly store: Store,
    protected readonly log: Logger,
    private readonly what: string,
    private readonly channel?: 'inbox' | 'outbox',
  ) {}

  /** One claim-and-work step; returns how many items it claimed. */
  protected abstract stepOnce(): Promise<number>;

  /** How long to sleep after a step that found nothing. */
  protected abstract idleMs(): number | Promise<number>;

  /** For drain(): whether nothing is left that a later step could pick up. */
  protected async settled(): Promise<boolean> {
    return true;
  }

  /** Whether to step again at once after a step that claimed `claimed` items (else sleep until woken). */
  protected moreWork(claimed: number): boolean {
    return claimed > 0;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    if (this.channel) this.unsubscribe = this.store.onNotify(this.channel, () => this.kick());
    this.loop = this.run();
  }

  kick(): void {
    this.wakeNow();
  }

  /** Wakes the sleeping loop; a wake-up while a step runs is kept, so the loop steps again after it. */
  protected wakeNow(): void {
    if (this.wake) this.wake();
    else this.woken = true;
  }
  private woken = false;

  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.wakeNow();
    await this.loop;
    this.loop = undefined;
  }

  /** One step, tracked so that drain() also waits for the background loop's step. */
  step(): Promise<number> {
    const p = this.stepOnce();
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p)).catch(() => undefined);
    return p;
  }

  /** Run steps until nothing is due and no step is in flight. Work scheduled for later is not waited for. */
  async drain(maxSteps = 10_000): Promise<number> {
    let total = 0;
    for (let i = 0; i < maxSteps; i++) {
      const n = await this.step();
      total += n;
      if (n > 0) continue;
      const inflight = [...this.inflight];
      if (inflight.length > 0) {
        await Promise.allSettled(inflight);
        continue;
      }
      if (await this.settled()) break;
      await this.sleep(20);
    }
    return total;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let n = 0;
      this.woken = false;
      try {
        n = await this.step();
      } catch (e) {
        this.log.error(
          { err: e instanceof Error ? e.message : String(e) },
          `${this.what} step failed; retrying`,
        );
        await this.sleep(1000);
        continue;
      }
      if (this.moreWork(n) || this.woken || !this.running) continue;
      const ms = await this.idleMs();
      if (!this.woken) await this.sleep(ms);
    }
  }

  protected sleep(ms: number): Promise<void> {
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
