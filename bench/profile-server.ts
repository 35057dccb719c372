// Profiles the Lanes server (node --cpu-prof) under one bench case and prints the top self-time functions.
//   node --import tsx bench/profile-server.ts ingest|overview [sqlite|postgres] [runs]
// The .cpuprofile is written to bench/results/profiles/ (open it in Chrome DevTools for the full picture).
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../src/store/open-store.ts';
import {
  freshPostgresDatabase,
  freshSqliteDir,
  cleanupTestDatabases,
} from '../test/helpers/test-database.ts';
import { BENCH_SECRET, sign, workflowRunBody } from './bench-payload.ts';
import { startServerChild } from './bench-process.ts';
import { seedRunsTo } from './seed-history.ts';

const require = createRequire(import.meta.url);
type Autocannon = (
  opts: Record<string, unknown>,
  cb: (
    err: Error | null,
    res: { requests: { average: number }; latency: { p50: number; p99: number } },
  ) => void,
) => void;
const autocannon = require('autocannon') as Autocannon;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const mode = process.argv[2] ?? 'ingest';
const kind = (process.argv[3] ?? 'sqlite') as 'sqlite' | 'postgres';
const runs = Number(process.argv[4] ?? 0);
const profDir = path.join(ROOT, 'bench/results/profiles');
mkdirSync(profDir, { recursive: true });

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

if (mode === '--analyse') {
  analyse(process.argv[3] ?? '');
  process.exit(0);
}

try {
  const dataDir = await freshSqliteDir();
  const databaseUrl = kind === 'postgres' ? await freshPostgresDatabase() : undefined;
  if (runs > 0) {
    const s = await openStore({ databaseUrl, dataDir });
    await s.close();
    await seedRunsTo({ kind, dataDir, databaseUrl }, runs);
  }
  const before = new Set(readdirSync(profDir));
  const server = await startServerChild(
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
    {
      LANES_WEBHOOK_SECRET: BENCH_SECRET,
      LANES_DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl ?? '',
      LANES_LOG_LEVEL: 'info',
      LANES_WORKERS: process.env.LANES_WORKERS ?? 'all',
    },
    { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', profDir] },
  );
  const body = JSON.stringify(workflowRunBody({ runId: 7_000_001 }));
  const opts =
    mode === 'ingest'
      ? {
          url: `${server.url}/webhooks/github`,
          connections: 32,
          duration: 10,
          requests: [
            {
              method: 'POST',
              headers: {
                'content-type': 'application/json',
                'x-github-event': 'workflow_run',
                'x-hub-signature-256': sign(BENCH_SECRET, body),
              },
              body,
              setupRequest: (req: { headers: Record<string, string> }) => ({
                ...req,
                headers: { ...req.headers, 'x-github-delivery': randomUUID() },
              }),
            },
          ],
        }
      : { url: `${server.url}/api/v1/overview`, connections: 4, duration: 10 };
  const r = await new Promise<{ requests: { average: number }; latency: { p50: number; p99: number } }>(
    (res, rej) => autocannon(opts, (e, x) => (e ? rej(e) : res(x))),
  );
  process.stderr.write(
    `${mode} ${kind}: ${Math.round(r.requests.average)} req/s p50 ${r.latency.p50} p99 ${r.latency.p99}\n`,
  );
  await server.stop();
  // One profile per thread (tsx's loader runs in a worker): the main thread's is the biggest.
  const file = readdirSync(profDir)
    .filter((f) => !before.has(f) && f.endsWith('.cpuprofile'))
    .sort((a, b) => statSync(path.join(profDir, b)).size - statSync(path.join(profDir, a)).size)[0];
  if (!file) throw new Error('no profile written');
  analyse(path.join(profDir, file));
} finally {
  await cleanupTestDatabases();
}

function analyse(file: string): void {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
  };
  const self = new Map<number, number>();
  prof.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
  const byFn = new Map<string, number>();
  let total = 0;
  for (const n of prof.nodes) {
    const t = self.get(n.id) ?? 0;
    total += t;
    const url = n.callFrame.url.replace(/^file:\/\//, '').replace(`${ROOT}/`, '');
    const key = `${n.callFrame.functionName || '(anonymous)'} ${url}:${n.callFrame.lineNumber + 1}`;
    byFn.set(key, (byFn.get(key) ?? 0) + t);
  }
  // Self time by file as well: which module the CPU goes to.
  const byFile = new Map<string, number>();
  for (const [k, t] of byFn) {
    const f = k.split(' ').slice(1).join(' ').replace(/:\d+$/, '') || '(native)';
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f);
    const key = m?.[1] ? `node_modules/${m[1]}` : f;
    byFile.set(key, (byFile.get(key) ?? 0) + t);
  }
  const pct = (t: number) => `${((100 * t) / total).toFixed(1)}%`;
  console.log(`profile ${path.basename(file)}: ${(total / 1e6).toFixed(1)} s sampled`);
  console.log('top functions (self):');
  for (const [k, t] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, 25))
    console.log(`  ${pct(t).padStart(6)}  ${k}`);
  console.log('top modules (self):');
  for (const [k, t] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, 15))
    console.log(`  ${pct(t).padStart(6)}  ${k}`);
  // Inclusive time of our own code: each sample counted once for every src/ function on its stack.
  const parent = new Map<number, number>();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const nodeById = new Map(prof.nodes.map((n) => [n.id, n]));
  const inclusive = new Map<string, number>();
  prof.samples.forEach((id, i) => {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const n = nodeById.get(cur);
      if (!n || !/\/(src|dist)\//.test(n.callFrame.url)) continue;
      const key = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^file:\/\//, '').replace(`${ROOT}/`, '')}`;
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + (prof.timeDeltas[i] ?? 0));
    }
  });
  console.log('top src/ (dist/) functions (inclusive):');
  for (const [k, t] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, 30))
    console.log(`  ${pct(t).padStart(6)}  ${k}`);
}
