// Database round trips per delivery on the ingest → process path: one `lanes up` (one process: it
// acknowledges and processes), a fixed rate of signed deliveries (each a new run), then the server's
// lanes_store_queries_total divided by the deliveries it processed. The idle rate (workers polling,
// the live hub's timer) is measured first and subtracted. Run alone:
//   node --import tsx bench/cases/round-trips.ts postgres [rate] [seconds]
import { randomUUID } from 'node:crypto';
import { BENCH_SECRET, sign, workflowRunBody } from '../bench-payload.ts';
import {
  freshLanesEnv,
  loadAverage,
  log,
  round,
  scrapeCounts,
  sleep,
  startLanesChild,
  waitDrained,
  type StoreKind,
} from '../bench-common.ts';

export interface RoundTripFigure {
  store: StoreKind;
  rate: number;
  deliveries: number;
  processed: number;
  queries: number;
  idleQueriesPerS: number;
  /** All statements during the stream (ingest + processing + background) per delivery processed. */
  queriesPerDelivery: number;
  /** The same less the idle rate over the stream's duration. */
  queriesPerDeliveryLessIdle: number;
  loadAverage: string;
}

/** Sends `total` signed workflow_run deliveries (each a new run) at `rate`/s; resolves when all answered. */
export async function sendAtRate(
  urls: () => string[],
  rate: number,
  total: number,
  tag: string,
  onAck?: (guid: string, at: number, sentAt: number) => void,
): Promise<{ acked: number; failed: number }> {
  const t0 = performance.now();
  const sends: Promise<void>[] = [];
  let acked = 0;
  let failed = 0;
  for (let i = 0; i < total; i++) {
    const wait = t0 + (i * 1000) / rate - performance.now();
    if (wait > 1) await sleep(wait);
    const t = new Date(Date.parse('2026-03-02T10:00:00Z') + i * 1000).toISOString();
    const body = JSON.stringify(
      workflowRunBody({ runId: 9_000_000 + i, status: 'completed', startedAt: t, updatedAt: t }),
    );
    const guid = `${tag}-${i}-${randomUUID()}`;
    const list = urls();
    const url = list[i % list.length] ?? '';
    const sentAt = performance.now();
    sends.push(
      fetch(`${url}/webhooks/github`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'workflow_run',
          'x-github-delivery': guid,
          'x-hub-signature-256': sign(BENCH_SECRET, body),
        },
        body,
      })
        .then(async (r) => {
          await r.arrayBuffer();
          if (r.status === 202) {
            acked++;
            onAck?.(guid, performance.now(), sentAt);
          } else failed++;
        })
        .catch(() => {
          failed++;
        }),
    );
  }
  await Promise.all(sends);
  return { acked, failed };
}

export async function roundTripCase(kind: StoreKind, rate = 200, seconds = 5): Promise<RoundTripFigure> {
  const env = await freshLanesEnv(kind);
  const server = await startLanesChild(env, [], { LANES_LOG_LEVEL: 'warn' });
  try {
    await sleep(1000);
    const idle0 = await scrapeCounts(server.url);
    const idleT0 = performance.now();
    await sleep(3000);
    const idle1 = await scrapeCounts(server.url);
    const idleQueriesPerS = (idle1.queries - idle0.queries) / ((performance.now() - idleT0) / 1000);
    const t0 = performance.now();
    const sent = await sendAtRate(() => [server.url], rate, rate * seconds, `rt-${kind}`);
    const end = await waitDrained(server.url);
    const s = (performance.now() - t0) / 1000;
    const queries = end.queries - idle1.queries;
    const processed = end.processed - idle1.processed;
    const fig: RoundTripFigure = {
      store: kind,
      rate,
      deliveries: sent.acked,
      processed,
      queries,
      idleQueriesPerS: round(idleQueriesPerS, 1),
      queriesPerDelivery: round(queries / Math.max(1, processed), 2),
      queriesPerDeliveryLessIdle: round((queries - idleQueriesPerS * s) / Math.max(1, processed), 2),
      loadAverage: loadAverage(),
    };
    log(
      `  round trips ${kind} at ${rate}/s: ${fig.queriesPerDelivery} statements per delivery (${fig.queriesPerDeliveryLessIdle} less the idle ${fig.idleQueriesPerS}/s), ${processed} processed; load ${fig.loadAverage}`,
    );
    return fig;
  } finally {
    await server.stop();
  }
}

if (process.argv[1]?.endsWith('round-trips.ts')) {
  const { cleanupTestDatabases } = await import('../../test/helpers/test-database.ts');
  const kind = (process.argv[2] ?? 'postgres') as StoreKind;
  try {
    log(`load average before ${loadAverage()}`);
    const fig = await roundTripCase(kind, Number(process.argv[3] ?? 200), Number(process.argv[4] ?? 5));
    process.stdout.write(`${JSON.stringify(fig)}\n`);
  } finally {
    await cleanupTestDatabases();
  }
}
