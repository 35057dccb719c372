// The overview is a materialised view of the change feed: recomputed when a change arrives (the hub's
// sequence moves, on every replica) or after a second (clock-driven gates), otherwise served as the same
// serialised body. Concurrent requests for the same sequence share one computation. The body is kept as
// UTF-8 bytes, encoded once per computation: a request writes the same buffer to its socket instead of
// measuring and encoding a string of the whole overview each time (bench/README.md, "Start-up and memory").
import type { Overview } from '../contract/views.ts';

interface Entry {
  seq: number;
  at: number;
  body: Uint8Array<ArrayBuffer>;
}

export class OverviewCache {
  private cached: Entry | undefined;
  private computing: { seq: number; done: Promise<Entry> } | undefined;

  constructor(
    private readonly compute: (now: Date) => Promise<Overview>,
    private readonly seq: () => number,
    private readonly clock: () => Date,
  ) {}

  /** The overview as UTF-8 JSON, fresh for the current change sequence and at most a second old. */
  async body(): Promise<Uint8Array<ArrayBuffer>> {
    const seq = this.seq();
    const nowDate = this.clock();
    const now = nowDate.getTime();
    const c = this.cached;
    if (c && c.seq === seq && now - c.at < 1000 && now >= c.at) return c.body;
    let entry = this.computing;
    if (!entry || entry.seq !== seq) {
      const done = this.compute(nowDate).then((o) => ({
        seq,
        at: now,
        body: Buffer.from(JSON.stringify(o)),
      }));
      const mine = { seq, done };
      entry = mine;
      this.computing = mine;
      void done
        .finally(() => {
          if (this.computing === mine) this.computing = undefined;
        })
        .catch(() => undefined);
    }
    const fresh = await entry.done;
    this.cached = fresh;
    return fresh.body;
  }
}
