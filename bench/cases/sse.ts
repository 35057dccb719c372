// (c) Webhook accepted → SSE event received, at 200 deliveries/s: one process on each store, and the
// LISTEN/NOTIFY fan-out (two replicas over one PostgreSQL, webhook at A, SSE client at B).
import { randomUUID } from 'node:crypto';
import { BENCH_SECRET, sign, workflowRunBody } from '../bench-payload.ts';
import type { ServerChild } from '../bench-process.ts';
import {
  SSE_RATE,
  SSE_SECONDS,
  freshLanesEnv,
  log,
  percentile,
  round,
  startLanesChild,
  waitDrained,
  type StoreKind,
} from '../bench-common.ts';

export interface SseFigure {
  store: StoreKind;
  /** 'one process', or 'fan-out: 2 replicas' (webhook at replica A, SSE client at replica B). */
  shape: string;
  sent: number;
  accepted: number;
  matched: number;
  acceptedToSseP50Ms: number;
  acceptedToSseP99Ms: number;
  sendToSseP50Ms: number;
  sendToSseP99Ms: number;
  ackP99Ms: number;
  peakRssMb: number | null;
  /** Statements sent to the database (all the case's replicas) per delivery processed. */
  queriesPerDelivery: number;
}

/** One Lanes process: the webhook and the SSE client on the same server. */
export async function sseCase(kind: StoreKind): Promise<SseFigure> {
  const env = await freshLanesEnv(kind);
  const server = await startLanesChild(env);
  try {
    return await measureSse(kind, 'one process', server.url, server.url, [server]);
  } finally {
    await server.stop();
  }
}

/**
 * LISTEN/NOTIFY fan-out: two replicas over one PostgreSQL; every webhook is accepted at replica A and the
 * SSE client listens at replica B (both run workers: whichever claims a delivery, the change reaches B
 * through the change feed and NOTIFY).
 */
export async function fanoutCase(): Promise<SseFigure> {
  const env = await freshLanesEnv('postgres');
  const a = await startLanesChild(env);
  const b = await startLanesChild(env);
  try {
    return await measureSse('postgres', 'fan-out: 2 replicas', a.url, b.url, [a, b]);
  } finally {
    await a.stop();
    await b.stop();
  }
}

async function measureSse(
  kind: StoreKind,
  shape: string,
  ingestUrl: string,
  streamUrl: string,
  servers: ServerChild[],
): Promise<SseFigure> {
  const controller = new AbortController();
  const sentAt = new Map<string, number>();
  const ackAt = new Map<string, number>();
  const seenAt = new Map<string, number>();
  try {
    const res = await fetch(`${streamUrl}/api/v1/events`, { signal: controller.signal });
    const reader = res.body?.getReader();
    if (!reader) throw new Error('no SSE body');
    let helloResolve: () => void = () => undefined;
    const hello = new Promise<void>((r) => (helloResolve = r));
    const decoder = new TextDecoder();
    void (async () => {
      let buf = '';
      for (;;) {
        const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (done || !value) return;
        const now = performance.now();
        buf += decoder.decode(value, { stream: true });
        let idx: number;
        while ((idx = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, idx);
          buf = buf.slice(idx + 2);
          if (block.includes('event: hello')) helloResolve();
          const dataLine = block.split('\n').find((l) => l.startsWith('data:'));
          if (!dataLine) continue;
          try {
            const e = JSON.parse(dataLine.slice(5)) as { topic?: string; data?: { delivery?: string } };
            const guid = e.data?.delivery;
            if (e.topic === 'run' && guid && !seenAt.has(guid)) seenAt.set(guid, now);
          } catch {
            // hello or keep-alive
          }
        }
      }
    })();
    await hello;
    const before = await Promise.all(servers.map((s) => waitDrained(s.url)));
    const total = SSE_RATE * SSE_SECONDS;
    const intervalMs = 1000 / SSE_RATE;
    const bodies = Array.from({ length: total }, (_, i) => {
      const t = new Date(Date.parse('2026-03-02T10:00:00Z') + i * 1000).toISOString();
      const body = JSON.stringify(
        workflowRunBody({ runId: 8_000_000 + i, status: 'completed', startedAt: t, updatedAt: t }),
      );
      return { body, sig: sign(BENCH_SECRET, body), guid: `sse-${kind}-${i}-${randomUUID()}` };
    });
    const t0 = performance.now();
    const sends: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      // A fixed rate: wait for this delivery's slot.
      const due = t0 + i * intervalMs;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const d = bodies[i];
      if (!d) continue;
      sentAt.set(d.guid, performance.now());
      sends.push(
        fetch(`${ingestUrl}/webhooks/github`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-github-event': 'workflow_run',
            'x-github-delivery': d.guid,
            'x-hub-signature-256': d.sig,
          },
          body: d.body,
        }).then(async (r) => {
          await r.arrayBuffer();
          if (r.status === 202) ackAt.set(d.guid, performance.now());
        }),
      );
    }
    await Promise.allSettled(sends);
    const until = performance.now() + 10_000;
    while (seenAt.size < ackAt.size && performance.now() < until) await new Promise((r) => setTimeout(r, 50));
    const fromAck: number[] = [];
    const fromSend: number[] = [];
    const ackLatency: number[] = [];
    for (const [guid, seen] of seenAt) {
      const a = ackAt.get(guid);
      const s = sentAt.get(guid);
      if (a !== undefined) fromAck.push(Math.max(0, seen - a));
      if (s !== undefined) fromSend.push(seen - s);
    }
    for (const [guid, a] of ackAt) {
      const s = sentAt.get(guid);
      if (s !== undefined) ackLatency.push(a - s);
    }
    fromAck.sort((x, y) => x - y);
    fromSend.sort((x, y) => x - y);
    ackLatency.sort((x, y) => x - y);
    const after = await Promise.all(servers.map((s) => waitDrained(s.url)));
    const queries = after.reduce((x, c, i) => x + c.queries - (before[i]?.queries ?? 0), 0);
    const processed = Math.max(...after.map((c, i) => c.processed - (before[i]?.processed ?? 0)));
    const fig: SseFigure = {
      store: kind,
      shape,
      sent: total,
      accepted: ackAt.size,
      matched: seenAt.size,
      acceptedToSseP50Ms: round(percentile(fromAck, 50)),
      acceptedToSseP99Ms: round(percentile(fromAck, 99)),
      sendToSseP50Ms: round(percentile(fromSend, 50)),
      sendToSseP99Ms: round(percentile(fromSend, 99)),
      ackP99Ms: round(percentile(ackLatency, 99)),
      peakRssMb: Math.max(...servers.map((s) => s.peakRssMb() ?? 0)) || null,
      queriesPerDelivery: round(queries / Math.max(1, processed), 2),
    };
    log(
      `  SSE ${kind} (${shape}): accepted→event p50 ${fig.acceptedToSseP50Ms} ms, p99 ${fig.acceptedToSseP99Ms} ms; send→event p99 ${fig.sendToSseP99Ms} ms; ${fig.matched}/${fig.accepted} matched; ${fig.queriesPerDelivery} statements per delivery; peak RSS ${fig.peakRssMb} MB`,
    );
    return fig;
  } finally {
    controller.abort();
  }
}
