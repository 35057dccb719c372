// One Server-Sent Events client of the change hub. The stream opens with `hello` (the sequence it starts
// from), catches up from Last-Event-ID through the store's change feed (nothing is missed across a
// reconnect or a server restart), then relays the hub's changes in sequence order, never one twice, with
// a keep-alive comment every 15 s of silence.
// Bounded: at most `maxClients` streams per process (more are refused with 503 before the stream opens),
// and each holds at most `maxQueue` undelivered changes; a client that falls that far behind (it does
// not read) is dropped — its connection destroyed — and catches up from Last-Event-ID when it returns.
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { LiveEvent } from '../../contract/views.ts';
import type { Store } from '../../store/store.ts';
import { AppError } from '../errors.ts';
import type { ChangeHub } from './change-hub.ts';

const KEEP_ALIVE_MS = 15_000;
const CATCH_UP_BATCH = 500;

export interface StreamLimits {
  maxClients: number;
  maxQueue: number;
}

/** Clients dropped for falling `maxQueue` changes behind (for metrics and tests). */
export let droppedSlowClients = 0;

/** Ends the underlying connection (node-server bindings), so a non-reading client frees its buffers. */
function destroyConnection(c: Context): void {
  const env: unknown = c.env;
  if (typeof env !== 'object' || env === null || !('outgoing' in env)) return;
  const outgoing: unknown = env.outgoing;
  if (typeof outgoing === 'object' && outgoing !== null && 'destroy' in outgoing) {
    const destroy: unknown = outgoing.destroy;
    if (typeof destroy === 'function') destroy.call(outgoing);
  }
}

export function streamChanges(
  c: Context,
  hub: ChangeHub,
  store: Store,
  limits: StreamLimits = { maxClients: 200, maxQueue: 1000 },
): Response {
  if (hub.clients >= limits.maxClients)
    throw new AppError('overloaded', `too many live clients (${limits.maxClients}); retry later`);
  const lastHeader = c.req.header('last-event-id') ?? c.req.query('lastEventId');
  const from = lastHeader !== undefined && /^\d+$/.test(lastHeader) ? Number(lastHeader) : undefined;
  return streamSSE(c, async (stream) => {
    let seq = from ?? hub.seq;
    const queue: LiveEvent[] = [];
    let wake: (() => void) | undefined;
    let open = true;
    const unsubscribe = hub.subscribe((e) => {
      if (queue.length >= limits.maxQueue) {
        droppedSlowClients++;
        open = false;
        unsubscribe();
        queue.length = 0;
        stream.abort();
        destroyConnection(c);
        return;
      }
      queue.push(e);
      wake?.();
    });
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
