// One Server-Sent Events client of the change hub. The stream opens with `hello` (the sequence it starts
// from), catches up from Last-Event-ID through the store's change feed (nothing is missed across a
// reconnect or a server restart), then relays the hub's changes in sequence order, never one twice, with
// a keep-alive comment every 15 s of silence.
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { LiveEvent } from '../../contract/views.ts';
import type { Store } from '../../store/store.ts';
import type { ChangeHub } from './change-hub.ts';

const KEEP_ALIVE_MS = 15_000;
const CATCH_UP_BATCH = 500;

export function streamChanges(c: Context, hub: ChangeHub, store: Store): Response {
  const lastHeader = c.req.header('last-event-id') ?? c.req.query('lastEventId');
  const from = lastHeader !== undefined && /^\d+$/.test(lastHeader) ? Number(lastHeader) : undefined;
  return streamSSE(c, async (stream) => {
    let seq = from ?? hub.seq;
    const queue: LiveEvent[] = [];
    let wake: (() => void) | undefined;
    const unsubscribe = hub.subscribe((e) => {
      queue.push(e);
      wake?.();
    });
    let open = true;
    stream.onAbort(() => {
      open = false;
      unsubscribe();
      wake?.();
    });
    const send = (e: LiveEvent) =>
      stream.writeSSE({ id: String(e.seq), event: e.topic, data: JSON.stringify(e) });
    await stream.writeSSE({ event: 'hello', data: JSON.stringify({ seq }), retry: 1000 });
    if (from !== undefined) {
      for (;;) {
        const batch = await store.changesSince(seq, CATCH_UP_BATCH);
        for (const e of batch) {
          await send(e);
          seq = e.seq;
        }
        if (batch.length < CATCH_UP_BATCH) break;
      }
    }
    while (open) {
      while (queue.length > 0) {
        const e = queue.shift();
        if (!e || e.seq <= seq) continue;
        seq = e.seq;
        await send(e);
      }
      await new Promise<void>((r) => {
        const t = setTimeout(r, KEEP_ALIVE_MS);
        wake = () => {
          clearTimeout(t);
          wake = undefined;
          r();
        };
      });
      if (open && queue.length === 0) await stream.write(': keep-alive\n\n');
    }
  });
}
