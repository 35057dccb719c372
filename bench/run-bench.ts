// `npm run bench`: one run on this machine → bench/results/<YYYY-MM-DD>.md and .json.
// Every server runs in its own child process; the load generator (autocannon, programmatic) stays here.
//   (a) signed-webhook ingest (bench/cases/ingest.ts), with statements per delivery;
//   (b) GET /api/v1/overview with 10 k, 100 k, 1 M runs of history (bench/cases/overview.ts);
//   (c) webhook accepted → SSE event at 200 deliveries/s, one process per store (bench/cases/sse.ts);
//   (d) the LISTEN/NOTIFY fan-out: webhook at replica A → SSE at replica B over one PostgreSQL (sse.ts);
//   (e) three replicas, one killed with SIGKILL mid-run and restarted (bench/cases/scale-out-kill.ts);
//   idle RSS and cold start; every server's peak RSS (VmHWM).
// Environment: BENCH_QUICK=1 (short runs, 10 k/50 k history: checks the script, not the product),
// BENCH_DURATION_S, BENCH_SIZES (e.g. 10000,100000,1000000), BENCH_STORES (sqlite,postgres),
// BENCH_CASES (idle,ingest,sse,fanout,kill,overview), LANES_TEST_DATABASE_URL (else an embedded PostgreSQL).
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cleanupTestDatabases } from '../test/helpers/test-database.ts';
import {
  CASES,
  DURATION_S,
  QUICK,
  ROOT,
  SIZES,
  SSE_RATE,
  SSE_SECONDS,
  STORES,
  elapsedS,
  freshLanesEnv,
  loadAverage,
  log,
  readVmRssMb,
  round,
  startLanesChild,
  type StoreKind,
} from './bench-common.ts';
import { BODY, INGEST_SETTINGS, ingestCases, type IngestFigure } from './cases/ingest.ts';
import { OVERVIEW_CONNECTIONS, overviewCases, type OverviewFigure } from './cases/overview.ts';
import { fanoutCase, sseCase, type SseFigure } from './cases/sse.ts';
import { killCase, type KillFigure } from './cases/scale-out-kill.ts';

// ---------------------------------------------------------------------------------------------------
// Report

interface Target {
  name: string;
  goal: string;
  value: string;
  met: boolean | null;
}

function cpuModel(): string {
  return os.cpus()[0]?.model ?? 'unknown';
}

function gitCommit(): string {
  try {
    const head = readFileSync(path.join(ROOT, '.git/HEAD'), 'utf8').trim();
    if (!head.startsWith('ref: ')) return head.slice(0, 12);
    return readFileSync(path.join(ROOT, '.git', head.slice(5)), 'utf8')
      .trim()
      .slice(0, 12);
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const loadBefore = loadAverage();
  log(
    `machine: ${os.cpus().length} cores, ${cpuModel()}, ${round(os.totalmem() / 2 ** 30, 1)} GiB, Node ${process.version}; load average ${loadBefore}${QUICK ? ' (QUICK mode)' : ''}`,
  );
  const idleFigs: { store: StoreKind; coldStartMs: number; idleRssMb: number | null }[] = [];
  for (const k of CASES.has('idle') ? STORES : []) {
    // Cold start: spawn of the compiled `lanes up` to "serving" on an empty (migrated on first open) store.
    // The median of BENCH_IDLE_STARTS (5) starts, each on a fresh store: one start is too noisy on 2 cores.
    const starts: { ms: number; rss: number | null }[] = [];
    for (let i = 0; i < Number(process.env.BENCH_IDLE_STARTS ?? 5); i++) {
      const env = await freshLanesEnv(k);
      const t0 = performance.now();
      const server = await startLanesChild(env);
      const ms = performance.now() - t0;
      await new Promise((r) => setTimeout(r, 2000));
      starts.push({ ms, rss: readVmRssMb(server.pid) });
      await server.stop();
    }
    const mid = <T>(xs: T[], by: (x: T) => number): T | undefined =>
      [...xs].sort((a, b) => by(a) - by(b))[Math.floor(xs.length / 2)];
    const coldStartMs = round(mid(starts, (s) => s.ms)?.ms ?? NaN, 0);
    const idleRssMb = mid(starts, (s) => s.rss ?? Infinity)?.rss ?? null;
    idleFigs.push({ store: k, coldStartMs, idleRssMb });
    log(
      `idle ${k}: cold start ${coldStartMs} ms, idle RSS ${idleRssMb} MB (medians of ${starts.length}: ${starts.map((s) => `${Math.round(s.ms)} ms/${s.rss} MB`).join(', ')})`,
    );
  }
  const ingestFigs = CASES.has('ingest') ? await ingestCases() : [];
  const sseFigs: SseFigure[] = [];
  log(`(c) webhook → SSE at ${SSE_RATE}/s for ${SSE_SECONDS} s`);
  for (const k of CASES.has('sse') ? STORES : []) sseFigs.push(await sseCase(k));
  if (CASES.has('fanout') && STORES.includes('postgres')) sseFigs.push(await fanoutCase());
  const kill: KillFigure | null = CASES.has('kill') && STORES.includes('postgres') ? await killCase() : null;
  const overviewFigs = CASES.has('overview') ? await overviewCases() : [];
  const loadAfter = loadAverage();

  const bare = ingestFigs.find((f) => f.target.startsWith('bare'));
  const probot = ingestFigs.find((f) => f.target.startsWith('Probot'));
  const ratios: Record<string, number> = {};
  const targets: Target[] = [];
  for (const k of STORES) {
    const lanes = ingestFigs.find((f) => f.target === `Lanes (${k})`);
    if (lanes && bare) {
      ratios[`ingest Lanes(${k})/bare`] = round(lanes.reqPerSec / bare.reqPerSec, 2);
      if (k === 'sqlite')
        targets.push({
          name: `ingest ${k} vs bare route (stretch)`,
          goal: '≥ 0.50',
          value: ratios[`ingest Lanes(${k})/bare`]?.toFixed(2) ?? '',
          met: lanes.reqPerSec / bare.reqPerSec >= 0.5,
        });
    }
    if (lanes && probot) {
      ratios[`ingest Lanes(${k})/Probot`] = round(lanes.reqPerSec / probot.reqPerSec, 2);
      targets.push({
        name: `ingest ${k} vs Probot`,
        goal: k === 'sqlite' ? '≥ 1.0' : '≥ 0.5',
        value: ratios[`ingest Lanes(${k})/Probot`]?.toFixed(2) ?? '',
        met: lanes.reqPerSec / probot.reqPerSec >= (k === 'sqlite' ? 1 : 0.5),
      });
    }
    const split = ingestFigs.find((f) => f.target === `Lanes (${k}, ingest replica + worker process)`);
    if (split && bare && probot) {
      ratios[`ingest Lanes(${k}, split)/bare`] = round(split.reqPerSec / bare.reqPerSec, 2);
      ratios[`ingest Lanes(${k}, split)/Probot`] = round(split.reqPerSec / probot.reqPerSec, 2);
      // Issue 14 sets the split-shape target for SQLite; the PostgreSQL split is reported beside it.
      targets.push({
        name: `ingest ${k} (ingest replica + worker) vs Probot`,
        goal: k === 'sqlite' ? '≥ 1.5' : 'reported',
        value: ratios[`ingest Lanes(${k}, split)/Probot`]?.toFixed(2) ?? '',
        met: k === 'sqlite' ? split.reqPerSec / probot.reqPerSec >= 1.5 : null,
      });
    }
    const small = overviewFigs.find((f) => f.store === k && f.runs === SIZES[0]);
    const big = overviewFigs.find((f) => f.store === k && f.runs === SIZES[SIZES.length - 1]);
    if (small && big) {
      const r = big.seqP99Ms / small.seqP99Ms;
      ratios[`overview ${k} p99 ${big.runs}/${small.runs}`] = round(r, 2);
      targets.push({
        name: `overview ${k} p99 ${big.runs.toLocaleString('en')}/${small.runs.toLocaleString('en')}`,
        goal: '≤ 1.2',
        value: r.toFixed(2),
        met: r <= 1.2,
      });
      targets.push({
        name: `overview ${k} p99 at ${big.runs.toLocaleString('en')} runs`,
        goal: '≤ 10 ms',
        value: `${big.seqP99Ms} ms`,
        met: big.seqP99Ms <= 10,
      });
      targets.push({
        name: `peak RSS ${k} at ${big.runs.toLocaleString('en')} runs`,
        goal: '≤ 150 MB',
        value: `${big.peakRssMb} MB`,
        met: big.peakRssMb === null ? null : big.peakRssMb <= 150,
      });
    }
    const idle = idleFigs.find((f) => f.store === k);
    if (idle) {
      targets.push({
        name: `idle RSS (${k})`,
        goal: '≤ 90 MB',
        value: `${idle.idleRssMb} MB`,
        met: idle.idleRssMb === null ? null : idle.idleRssMb <= 90,
      });
      targets.push({
        name: `cold start to ready, empty store (${k})`,
        goal: '≤ 1000 ms',
        value: `${idle.coldStartMs} ms`,
        met: idle.coldStartMs <= 1000,
      });
    }
  }
  for (const sse of sseFigs)
    targets.push({
      name: `webhook accepted → SSE p99 at ${SSE_RATE}/s (${sse.store}, ${sse.shape})`,
      goal: '≤ 50 ms',
      value: `${sse.acceptedToSseP99Ms} ms (p50 ${sse.acceptedToSseP50Ms} ms)`,
      met: sse.acceptedToSseP99Ms <= 50,
    });
  if (kill) {
    targets.push(
      {
        name: `kill -9 one of 3 replicas at ${kill.rate}/s: acknowledged deliveries processed exactly once`,
        goal: 'all',
        value: `${kill.acknowledged - kill.notProcessed - kill.notAppliedOnce}/${kill.acknowledged}`,
        met: kill.processedExactlyOnce,
      },
      {
        name: 'kill -9: effects sent once (the release dispatch), timers fired once',
        goal: '1 dispatch; every timer once',
        value: `${kill.dispatches} dispatch; timers once: ${kill.timersFiredOnce}`,
        met: kill.effectsOnce && kill.timersFiredOnce,
      },
      {
        name: 'kill -9: outbox lease taken over (kill → dispatch re-sent)',
        goal: `≤ lease ${kill.outboxLeaseMs} ms + 2.5 s polling`,
        value: `${kill.outboxTakeoverMs} ms`,
        met: kill.outboxTakeoverMs !== null && kill.outboxTakeoverMs <= kill.outboxLeaseMs + 2500,
      },
      {
        name: `kill -9: inbox claims taken over (${kill.inboxClaimsOrphaned} orphaned)`,
        goal: `≤ lease ${kill.inboxLeaseMs} ms + 2.5 s polling`,
        value: `${kill.inboxTakeoverMs} ms`,
        met: kill.inboxTakeoverMs !== null && kill.inboxTakeoverMs <= kill.inboxLeaseMs + 2500,
      },
      {
        name: 'kill -9: SSE clients of the surviving replicas saw every change',
        goal: '0 missing',
        value: kill.sseMissingOnSurvivors.join(' / '),
        met: kill.sseMissingOnSurvivors.every((m) => m === 0),
      },
    );
  }

  const date = new Date().toISOString().slice(0, 10);
  const machine = {
    cores: os.cpus().length,
    cpuModel: cpuModel(),
    totalMemoryGiB: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverageBefore: loadBefore,
    loadAverageAfter: loadAfter,
  };
  const report = {
    date,
    commit: gitCommit(),
    quick: QUICK,
    durationSeconds: elapsedS(),
    machine,
    settings: {
      bodyBytes: BODY.length,
      ingestConnections: INGEST_SETTINGS.connections,
      overviewConnections: OVERVIEW_CONNECTIONS,
      durationSeconds: DURATION_S,
      sseRate: SSE_RATE,
      sseSeconds: SSE_SECONDS,
      sizes: SIZES,
    },
    idle: idleFigs,
    ingest: ingestFigs,
    overview: overviewFigs,
    sse: sseFigs,
    kill,
    ratios,
    targets,
  };
  const dir = path.join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const name = QUICK ? `${date}-quick` : date;
  writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(path.join(dir, `${name}.md`), markdown(report));
  log(`wrote bench/results/${name}.md and .json in ${report.durationSeconds} s`);
}

function markdown(r: {
  date: string;
  commit: string;
  quick: boolean;
  durationSeconds: number;
  machine: Record<string, string | number>;
  settings: Record<string, unknown>;
  ingest: IngestFigure[];
  overview: OverviewFigure[];
  sse: SseFigure[];
  kill: KillFigure | null;
  ratios: Record<string, number>;
  targets: Target[];
}): string {
  const m = r.machine;
  const lines: string[] = [];
  lines.push(`# Lanes benchmark — ${r.date}${r.quick ? ' (QUICK mode: not a reference run)' : ''}`, '');
  lines.push(
    `Machine: ${m.cores} cores (${m.cpuModel}), ${m.totalMemoryGiB} GiB, Node ${m.node}, ${m.platform}.`,
  );
  lines.push(
    `Load average (1, 5, 15 min) before: ${m.loadAverageBefore}; after: ${m.loadAverageAfter}. Commit ${r.commit}. Whole run: ${r.durationSeconds} s.`,
  );
  lines.push(
    "Every server runs in its own process; the load generator (autocannon) runs in the parent. Peak RSS is the server's VmHWM.",
    '',
  );
  lines.push(
    `## (a) Signed-webhook ingest (${String(r.settings.bodyBytes)}-byte workflow_run, new GUID per request, ${String(r.settings.ingestConnections)} connections, ${String(r.settings.durationSeconds)} s)`,
    '',
  );
  lines.push(
    '| Server | req/s | p50 ms | p99 ms | requests | non-2xx | errors | peak RSS MB | statements / delivery |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const f of r.ingest)
    lines.push(
      `| ${f.target} | ${f.reqPerSec} | ${f.p50Ms} | ${f.p99Ms} | ${f.requests} | ${f.non2xx} | ${f.errors} | ${f.peakRssMb ?? 'n/a'} | ${f.queriesPerDelivery ?? ''} |`,
    );
  lines.push(
    '',
    `## (b) GET /api/v1/overview with history (${String(r.settings.overviewConnections)} connections, ${String(r.settings.durationSeconds)} s)`,
    '',
  );
  lines.push(
    'p50/p99 "sequential": one keep-alive connection, one request after another, sub-millisecond timing (used for the targets). "4 conn": autocannon, whole-millisecond histogram.',
    '',
  );
  lines.push(
    '| Store | runs | p50 ms | p99 ms | p50 ms (4 conn) | p99 ms (4 conn) | req/s (4 conn) | non-2xx | peak RSS MB | seeding s |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const f of r.overview)
    lines.push(
      `| ${f.store} | ${f.runs.toLocaleString('en')} | ${f.seqP50Ms} | ${f.seqP99Ms} | ${f.p50Ms} | ${f.p99Ms} | ${f.reqPerSec} | ${f.non2xx} | ${f.peakRssMb ?? 'n/a'} | ${f.seedSeconds} |`,
    );
  lines.push(
    '',
    `## (c) Webhook accepted → SSE event (${String(r.settings.sseRate)} deliveries/s for ${String(r.settings.sseSeconds)} s)`,
    '',
  );
  lines.push(
    '| Store | shape | sent | accepted | events matched | accepted→event p50 ms | p99 ms | send→event p50 ms | p99 ms | 202 p99 ms | peak RSS MB | statements / delivery |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const f of r.sse)
    lines.push(
      `| ${f.store} | ${f.shape} | ${f.sent} | ${f.accepted} | ${f.matched} | ${f.acceptedToSseP50Ms} | ${f.acceptedToSseP99Ms} | ${f.sendToSseP50Ms} | ${f.sendToSseP99Ms} | ${f.ackP99Ms} | ${f.peakRssMb ?? 'n/a'} | ${f.queriesPerDelivery} |`,
    );
  if (r.kill) {
    lines.push(
      '',
      `## (e) Three replicas, one killed with SIGKILL mid-run (${r.kill.rate}/s for ${r.kill.durationS} s)`,
      '',
    );
    for (const [k, v] of Object.entries(r.kill))
      lines.push(`- ${k}: ${Array.isArray(v) ? v.join(' / ') : String(v)}`);
  }
  lines.push('', '## Ratios', '');
  for (const [k, v] of Object.entries(r.ratios)) lines.push(`- ${k}: **${v}**`);
  lines.push('', '## Targets', '', '| Target | goal | measured | met |', '|---|---|---|---|');
  for (const t of r.targets)
    lines.push(
      `| ${t.name} | ${t.goal} | ${t.value} | ${t.met === null ? 'n/a' : t.met ? 'yes' : '**no**'} |`,
    );
  lines.push('', 'See bench/README.md for how to run this and what bounds each figure.', '');
  return lines.join('\n');
}

try {
  await main();
} finally {
  await cleanupTestDatabases();
}
