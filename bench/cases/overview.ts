// (b) GET /api/v1/overview with 10 k, 100 k, 1 M runs of history (both stores), seeded directly.
import http from 'node:http';
import { openStore } from '../../src/store/open-store.ts';
import { seedRunsTo } from '../seed-history.ts';
import {
  DURATION_S,
  QUICK,
  SIZES,
  STORES,
  freshLanesEnv,
  log,
  percentile,
  round,
  runAutocannon,
  startLanesChild,
  type StoreKind,
} from '../bench-common.ts';

export const OVERVIEW_CONNECTIONS = 4;

export interface OverviewFigure {
  store: StoreKind;
  runs: number;
  seedSeconds: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** One connection, sequential, sub-millisecond timing (the figures the targets use). */
  seqP50Ms: number;
  seqP99Ms: number;
  non2xx: number;
  peakRssMb: number | null;
}

/**
 * Latency at sub-millisecond resolution: autocannon's histogram counts whole milliseconds, which makes a
 * ratio of two ~1 ms p99s meaningless. One keep-alive connection, requests one after another, timed with
 * performance.now() (the same client overhead at every history size).
 */
async function preciseLatency(url: string, requests: number): Promise<{ p50: number; p99: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  try {
    for (let i = 0; i < requests; i++) {
      const t0 = performance.now();
      await new Promise<void>((resolve, reject) => {
        http
          .get(url, { agent }, (res) => {
            res.resume();
            res.on('end', () =>
              res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`)),
            );
          })
          .on('error', reject);
      });
      times.push(performance.now() - t0);
    }
  } finally {
    agent.destroy();
  }
  times.sort((a, b) => a - b);
  return { p50: round(percentile(times, 50), 2), p99: round(percentile(times, 99), 2) };
}

export async function overviewCases(): Promise<OverviewFigure[]> {
  const out: OverviewFigure[] = [];
  for (const kind of STORES) {
    const env = await freshLanesEnv(kind);
    const store = await openStore({ databaseUrl: env.databaseUrl, dataDir: env.dataDir });
    await store.close();
    for (const n of SIZES) {
      log(`(b) overview on ${kind}: seeding to ${n.toLocaleString('en')} runs`);
      let last = 0;
      const seeded = await seedRunsTo(env, n, (done) => {
        if (done - last >= 100_000 || done === n) {
          last = done;
          log(`    seeded ${done.toLocaleString('en')}`);
        }
      });
      const server = await startLanesChild(env);
      try {
        const opts = {
          url: `${server.url}/api/v1/overview`,
          connections: OVERVIEW_CONNECTIONS,
          pipelining: 1,
        };
        await runAutocannon({ ...opts, duration: 2 });
        const r = await runAutocannon({ ...opts, duration: DURATION_S });
        const seq = await preciseLatency(opts.url, QUICK ? 500 : 3000);
        const fig: OverviewFigure = {
          store: kind,
          runs: n,
          seedSeconds: round(seeded.ms / 1000, 1),
          reqPerSec: round(r.requests.average, 0),
          p50Ms: r.latency.p50,
          p99Ms: r.latency.p99,
          seqP50Ms: seq.p50,
          seqP99Ms: seq.p99,
          non2xx: r.non2xx,
          peakRssMb: server.peakRssMb(),
        };
        log(
          `  overview ${kind} ${n}: sequential p50 ${fig.seqP50Ms} ms, p99 ${fig.seqP99Ms} ms; under ${OVERVIEW_CONNECTIONS} connections p50 ${fig.p50Ms} ms, p99 ${fig.p99Ms} ms, ${fig.reqPerSec} req/s, non-2xx ${fig.non2xx}, peak RSS ${fig.peakRssMb} MB (seeded ${seeded.added} in ${fig.seedSeconds} s)`,
        );
        out.push(fig);
      } finally {
        await server.stop();
      }
    }
  }
  return out;
}
