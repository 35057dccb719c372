// `npm run bench`: one run on this machine → bench/results/<YYYY-MM-DD>.md and .json.
// Every server runs in its own child process; the load generator (autocannon, programmatic) stays here.
//   (a) signed-webhook ingest, ~8 KB workflow_run, a new GUID per request: Lanes (SQLite, PostgreSQL),
//       a bare Hono route returning 202 (the limit), Probot's webhook server (the peer);
//   (b) GET /api/v1/overview with 10 k, 100 k, 1 M runs of history (both stores), seeded directly;
//   (c) webhook accepted → SSE event received, at 200 deliveries/s for 10 s (both stores);
//   (d) the server's peak RSS (VmHWM) in every case.
// Environment: BENCH_QUICK=1 (short runs, 10 k/50 k history: checks the script, not the product),
// BENCH_DURATION_S (ingest/overview seconds, default 10), BENCH_SIZES (e.g. 10000,100000,1000000),
// BENCH_STORES (sqlite,postgres), LANES_TEST_DATABASE_URL (PostgreSQL server; else an embedded one).
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../src/store/open-store.ts';
import {
  freshPostgresDatabase,
  freshSqliteDir,
  cleanupTestDatabases,
} from '../test/helpers/test-database.ts';
import { BENCH_SECRET, sign, workflowRunBody } from './bench-payload.ts';
import { startServerChild, type ServerChild } from './bench-process.ts';
import { seedRunsTo } from './seed-history.ts';

const require = createRequire(import.meta.url);

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  '2xx': number;
  duration: number;
}
interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}
type Autocannon = (
  opts: Record<string, unknown>,
  cb: (err: Error | null, res: AutocannonResult) => void,
) => { stop?: () => void };
const autocannon = require('autocannon') as Autocannon;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const QUICK = process.env.BENCH_QUICK === '1';
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? (QUICK ? 3 : 10));
const SIZES = (process.env.BENCH_SIZES ?? (QUICK ? '10000,50000' : '10000,100000,1000000'))
  .split(',')
  .map(Number);
const STORES = (process.env.BENCH_STORES ?? 'sqlite,postgres').split(',') as ('sqlite' | 'postgres')[];
const INGEST_CONNECTIONS = 32;
const OVERVIEW_CONNECTIONS = 4;
const SSE_RATE = 200;
const SSE_SECONDS = QUICK ? 3 : 10;

const started = Date.now();
function log(msg: string): void {
  const s = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
  process.stderr.write(`[bench ${s}s] ${msg}\n`);
}

function runAutocannon(opts: Record<string, unknown>): Promise<AutocannonResult> {
  return new Promise((resolve, reject) => {
    autocannon({ ...opts }, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

/** Current resident set size of a process in MB (VmRSS), or null without /proc. */
function readVmRssMb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m?.[1] ? round(Number(m[1]) / 1024, 1) : null;
  } catch {
    return null;
  }
}

function loadAverage(): string {
  return os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(', ');
}

function round(x: number, d = 1): number {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? NaN;
}

// ---------------------------------------------------------------------------------------------------
// Servers

type StoreKind = 'sqlite' | 'postgres';

interface LanesEnv {
  kind: StoreKind;
  dataDir: string;
  databaseUrl?: string;
}

async function freshLanesEnv(kind: StoreKind): Promise<LanesEnv> {
  const dataDir = await freshSqliteDir();
  return kind === 'postgres'
    ? { kind, dataDir, databaseUrl: await freshPostgresDatabase() }
    : { kind, dataDir };
}

function startLanesChild(
  env: LanesEnv,
  nodeArgs: string[] = [],
  extra: NodeJS.ProcessEnv = {},
): Promise<ServerChild> {
  const e: NodeJS.ProcessEnv = {
    LANES_WEBHOOK_SECRET: BENCH_SECRET,
    LANES_DATA_DIR: env.dataDir,
    LANES_LOG_LEVEL: 'info',
    DATABASE_URL: env.databaseUrl ?? '',
    ...extra,
  };
  return startServerChild(
    [
      path.join(ROOT, 'bin/lanes.js'),
      'up',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--open-reads',
      '--catalog',
      path.join(ROOT, 'examples/ops/lanes.yaml'),
    ],
    e,
    { nodeArgs },
  );
}

function startTsChild(file: string): Promise<ServerChild> {
  return startServerChild([path.join(ROOT, file)], { BENCH_SECRET }, { nodeArgs: ['--import', 'tsx'] });
}

// ---------------------------------------------------------------------------------------------------
// (a) ingest

interface IngestFigure {
  target: string;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
  peakRssMb: number | null;
}

const BODY = JSON.stringify(workflowRunBody({ runId: 7_000_001 }));
const SIGNATURE = sign(BENCH_SECRET, BODY);

async function ingest(target: string, server: ServerChild): Promise<IngestFigure> {
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
  log(
    `  ${target}: ${fig.reqPerSec} req/s, p50 ${fig.p50Ms} ms, p99 ${fig.p99Ms} ms, non-2xx ${fig.non2xx}, errors ${fig.errors}, peak RSS ${fig.peakRssMb} MB`,
  );
  return fig;
}

async function ingestCases(): Promise<IngestFigure[]> {
  log(
    `(a) ingest: ${BODY.length}-byte workflow_run, ${INGEST_CONNECTIONS} connections, ${DURATION_S} s each`,
  );
  const out: IngestFigure[] = [];
  const cases: [string, () => Promise<ServerChild>][] = [
    ['bare Hono route (limit)', () => startTsChild('bench/servers/bare-server.ts')],
    ['Probot webhook server', () => startTsChild('bench/servers/probot-server.ts')],
    ...STORES.map((k): [string, () => Promise<ServerChild>] => [
      `Lanes (${k})`,
      async () => startLanesChild(await freshLanesEnv(k)),
    ]),
    // Scale-out shape: an ingest replica (LANES_WORKERS=none) acknowledges; a second process on the same store
    // processes the deliveries meanwhile (it runs during the measurement, on the other core).
    ...STORES.map((k): [string, () => Promise<ServerChild>] => [
      `Lanes (${k}, ingest replica + worker process)`,
      async () => {
        const env = await freshLanesEnv(k);
        const workerProcess = await startLanesChild(env);
        const ingestReplica = await startLanesChild(env, [], { LANES_WORKERS: 'none' });
        return {
          ...ingestReplica,
          stop: async () => {
            await ingestReplica.stop();
            await workerProcess.stop();
          },
        } as ServerChild;
      },
    ]),
  ];
  for (const [name, start] of cases) {
    const server = await start();
    try {
      out.push(await ingest(name, server));
    } finally {
      await server.stop();
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// (b) overview with history

interface OverviewFigure {
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

async function overviewCases(): Promise<OverviewFigure[]> {
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

// ---------------------------------------------------------------------------------------------------
// (c) webhook accepted → SSE event

interface SseFigure {
  store: StoreKind;
  sent: number;
  accepted: number;
  matched: number;
  acceptedToSseP50Ms: number;
  acceptedToSseP99Ms: number;
  sendToSseP50Ms: number;
  sendToSseP99Ms: number;
  ackP99Ms: number;
  peakRssMb: number | null;
}

async function sseCase(kind: StoreKind): Promise<SseFigure> {
  const env = await freshLanesEnv(kind);
  const server = await startLanesChild(env);
  const controller = new AbortController();
  const sentAt = new Map<string, number>();
  const ackAt = new Map<string, number>();
  const seenAt = new Map<string, number>();
  try {
    const res = await fetch(`${server.url}/api/v1/events`, { signal: controller.signal });
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
        fetch(`${server.url}/webhooks/github`, {
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
    const fig: SseFigure = {
      store: kind,
      sent: total,
      accepted: ackAt.size,
      matched: seenAt.size,
      acceptedToSseP50Ms: round(percentile(fromAck, 50)),
      acceptedToSseP99Ms: round(percentile(fromAck, 99)),
      sendToSseP50Ms: round(percentile(fromSend, 50)),
      sendToSseP99Ms: round(percentile(fromSend, 99)),
      ackP99Ms: round(percentile(ackLatency, 99)),
      peakRssMb: server.peakRssMb(),
    };
    log(
      `  SSE ${kind}: accepted→event p50 ${fig.acceptedToSseP50Ms} ms, p99 ${fig.acceptedToSseP99Ms} ms; send→event p99 ${fig.sendToSseP99Ms} ms; ${fig.matched}/${fig.accepted} matched; peak RSS ${fig.peakRssMb} MB`,
    );
    return fig;
  } finally {
    controller.abort();
    await server.stop();
  }
}

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
  for (const k of STORES) {
    // Cold start: spawn of the compiled `lanes up` to "serving" on an empty (migrated on first open) store.
    const env = await freshLanesEnv(k);
    const t0 = performance.now();
    const server = await startLanesChild(env);
    const coldStartMs = round(performance.now() - t0, 0);
    await new Promise((r) => setTimeout(r, 2000));
    const idleRssMb = readVmRssMb(server.pid);
    await server.stop();
    idleFigs.push({ store: k, coldStartMs, idleRssMb });
    log(`idle ${k}: cold start ${coldStartMs} ms, idle RSS ${idleRssMb} MB`);
  }
  const ingestFigs = await ingestCases();
  const sseFigs: SseFigure[] = [];
  log(`(c) webhook → SSE at ${SSE_RATE}/s for ${SSE_SECONDS} s`);
  for (const k of STORES) sseFigs.push(await sseCase(k));
  const overviewFigs = await overviewCases();
  const loadAfter = loadAverage();

  const bare = ingestFigs.find((f) => f.target.startsWith('bare'));
  const probot = ingestFigs.find((f) => f.target.startsWith('Probot'));
  const ratios: Record<string, number> = {};
  const targets: Target[] = [];
  for (const k of STORES) {
    const lanes = ingestFigs.find((f) => f.target === `Lanes (${k})`);
    if (lanes && bare) {
      ratios[`ingest Lanes(${k})/bare`] = round(lanes.reqPerSec / bare.reqPerSec, 2);
      targets.push({
        name: `ingest ${k} vs bare route`,
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
      targets.push({
        name: `ingest ${k} (ingest replica + worker) vs bare route`,
        goal: '≥ 0.50',
        value: ratios[`ingest Lanes(${k}, split)/bare`]?.toFixed(2) ?? '',
        met: split.reqPerSec / bare.reqPerSec >= 0.5,
      });
      targets.push({
        name: `ingest ${k} (ingest replica + worker) vs Probot`,
        goal: '≥ 1.5',
        value: ratios[`ingest Lanes(${k}, split)/Probot`]?.toFixed(2) ?? '',
        met: split.reqPerSec / probot.reqPerSec >= 1.5,
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
    const sse = sseFigs.find((f) => f.store === k);
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
    if (sse)
      targets.push({
        name: `webhook accepted → SSE p99 (${k})`,
        goal: '≤ 50 ms',
        value: `${sse.acceptedToSseP99Ms} ms`,
        met: sse.acceptedToSseP99Ms <= 50,
      });
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
    durationSeconds: round((Date.now() - started) / 1000, 0),
    machine,
    settings: {
      bodyBytes: BODY.length,
      ingestConnections: INGEST_CONNECTIONS,
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
    '| Server | req/s | p50 ms | p99 ms | requests | non-2xx | errors | peak RSS MB |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const f of r.ingest)
    lines.push(
      `| ${f.target} | ${f.reqPerSec} | ${f.p50Ms} | ${f.p99Ms} | ${f.requests} | ${f.non2xx} | ${f.errors} | ${f.peakRssMb ?? 'n/a'} |`,
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
    '| Store | sent | accepted | events matched | accepted→event p50 ms | p99 ms | send→event p50 ms | p99 ms | 202 p99 ms | peak RSS MB |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const f of r.sse)
    lines.push(
      `| ${f.store} | ${f.sent} | ${f.accepted} | ${f.matched} | ${f.acceptedToSseP50Ms} | ${f.acceptedToSseP99Ms} | ${f.sendToSseP50Ms} | ${f.sendToSseP99Ms} | ${f.ackP99Ms} | ${f.peakRssMb ?? 'n/a'} |`,
    );
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
