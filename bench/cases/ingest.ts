// (a) Signed-webhook ingest: ~8 KB workflow_run, a new GUID per request, against Lanes (SQLite,
// PostgreSQL; one process, and an ingest replica + a worker process), a bare Hono route returning 202 (the
// limit) and Probot's webhook server (the peer). For Lanes also the statements per delivery processed.
import { randomUUID } from 'node:crypto';
import { BENCH_SECRET, sign, workflowRunBody } from '../bench-payload.ts';
import type { ServerChild } from '../bench-process.ts';
import {
  DURATION_S,
  STORES,
  freshLanesEnv,
  log,
  round,
  runAutocannon,
  startLanesChild,
  startTsChild,
  waitDrained,
  type AutocannonRequest,
} from '../bench-common.ts';

const INGEST_CONNECTIONS = 32;
export const INGEST_SETTINGS = { connections: INGEST_CONNECTIONS };

export interface IngestFigure {
  target: string;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
  peakRssMb: number | null;
  /** Statements sent to the database (every Lanes process of the case) per delivery processed. */
  queriesPerDelivery?: number;
}

export const BODY = JSON.stringify(workflowRunBody({ runId: 7_000_001 }));
const SIGNATURE = sign(BENCH_SECRET, BODY);

async function ingest(target: string, server: ServerChild, lanes: string[] = []): Promise<IngestFigure> {
  const base = {
    url: `${server.url}/webhooks/github`,
    connections: INGEST_CONNECTIONS,
    pipelining: 1,
    requests: [
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'workflow_run',
          'x-hub-signature-256': SIGNATURE,
          'user-agent': 'GitHub-Hookshot/bench',
        },
        body: BODY,
        // The signature covers the body only: one body, one signature, a new GUID per request.
        setupRequest: (req: AutocannonRequest) => ({
          ...req,
          headers: { ...req.headers, 'x-github-delivery': randomUUID() },
        }),
      },
    ],
  };
  await runAutocannon({ ...base, duration: 2 }); // warm-up (JIT, connection pools, page cache)
  const before = await Promise.all(lanes.map((u) => waitDrained(u)));
  const r = await runAutocannon({ ...base, duration: DURATION_S });
  const fig: IngestFigure = {
    target,
    reqPerSec: round(r.requests.average, 0),
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    peakRssMb: server.peakRssMb(),
  };
  if (lanes.length > 0) {
    // Round trips: every Lanes process's statements over the deliveries processed, once all are processed.
    const after = await Promise.all(lanes.map((u) => waitDrained(u, 120_000)));
    const queries = after.reduce((a, c, i) => a + c.queries - (before[i]?.queries ?? 0), 0);
    const processed = Math.max(...after.map((c, i) => c.processed - (before[i]?.processed ?? 0)));
    fig.queriesPerDelivery = round(queries / Math.max(1, processed), 2);
  }
  log(
    `  ${target}: ${fig.reqPerSec} req/s, p50 ${fig.p50Ms} ms, p99 ${fig.p99Ms} ms, non-2xx ${fig.non2xx}, errors ${fig.errors}, peak RSS ${fig.peakRssMb} MB${fig.queriesPerDelivery === undefined ? '' : `, ${fig.queriesPerDelivery} statements per delivery`}`,
  );
  return fig;
}

export async function ingestCases(): Promise<IngestFigure[]> {
  log(
    `(a) ingest: ${BODY.length}-byte workflow_run, ${INGEST_CONNECTIONS} connections, ${DURATION_S} s each`,
  );
  const out: IngestFigure[] = [];
  type Case = [string, () => Promise<ServerChild & { lanes?: string[] }>];
  const cases: Case[] = [
    ['bare Hono route (limit)', () => startTsChild('bench/servers/bare-server.ts')],
    ['Probot webhook server', () => startTsChild('bench/servers/probot-server.ts')],
    ...STORES.map((k): Case => [
      `Lanes (${k})`,
      async () => {
        const server = await startLanesChild(await freshLanesEnv(k));
        return { ...server, lanes: [server.url] };
      },
    ]),
    // Scale-out shape: an ingest replica (LANES_WORKERS=none) acknowledges; a second process on the same store
    // processes the deliveries meanwhile (it runs during the measurement, on the other core).
    ...STORES.map((k): Case => [
      `Lanes (${k}, ingest replica + worker process)`,
      async () => {
        const env = await freshLanesEnv(k);
        const workerProcess = await startLanesChild(env);
        const ingestReplica = await startLanesChild(env, [], { LANES_WORKERS: 'none' });
        return {
          ...ingestReplica,
          lanes: [ingestReplica.url, workerProcess.url],
          stop: async () => {
            await ingestReplica.stop();
            await workerProcess.stop();
          },
        };
      },
    ]),
  ];
  for (const [name, start] of cases) {
    const server = await start();
    try {
      out.push(await ingest(name, server, server.lanes));
    } finally {
      await server.stop();
    }
  }
  return out;
}
