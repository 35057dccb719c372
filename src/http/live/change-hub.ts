// Fans the store's change feed out to Server-Sent Events clients. One poller per process: woken by the
// store's notify (PostgreSQL LISTEN/NOTIFY across replicas; in-process on SQLite) and by a slow timer.
import type { ChangeEvent, Store } from '../../store/store.ts';

type Listener = (e: ChangeEvent) => void;

export class ChangeHub {
  private lastSeq = 0;
  private readonly listeners = new Set<Listener>();
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private pulling: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly store: Store,
    private readonly pollMs = 1000,
  ) {}

  async start(): Promise<void> {
    this.lastSeq = await this.store.latestChangeSeq();
    this.unsubscribe = this.store.onNotify('changes', () => this.pull());
    this.timer = setInterval(() => this.pull(), this.pollMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    this.listeners.clear();
  }

  get seq(): number {
    return this.lastSeq;
  }

  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  get clients(): number {
    return this.listeners.size;
  }

  /** Fetch new changes and broadcast them; concurrent calls coalesce. */
  pull(): void {
    if (this.pulling) {
      this.again = true;
      return;
    }
    this.pulling = (async () => {
      do {
        this.again = false;
        try {
          for (;;) {
            const batch = await this.store.changesSince(this.lastSeq, 500);
            for (const e of batch) {
              this.lastSeq = Math.max(this.lastSeq, e.seq);
              for (const l of this.listeners) l(e);
            }
            if (batch.length < 500) break;
          }
        } catch {
          // the store is unavailable: the next pull retries
        }
      } while (this.again);
      this.pulling = undefined;
    })();
  }
}
