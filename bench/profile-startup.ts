// Start-up and memory evidence for issue 14 (idle RSS, cold start, RSS under the overview load).
//   node --import tsx bench/profile-startup.ts start [N]        N cold starts (default 5) on an empty SQLite store:
//        median time to "serving" and to /readyz 200, idle RSS after 2 s with its breakdown (memoryUsage, V8 heap
//        spaces), references (bare `node`, a bare Hono server), then one start under --cpu-prof, analysed.
//   node --import tsx bench/profile-startup.ts overview [runs] [seconds]   seeds `runs` (10,000), 4 connections of
//        GET /api/v1/overview for `seconds` (10): VmHWM and the peak of every memoryUsage / heap-space figure.
// Extra node flags for the server: BENCH_NODE_ARGS="--max-semi-space-size=1"; another build of Lanes (e.g. the
// commit before a change, for a before/after on the same machine): BENCH_LANES_BIN=/tmp/base/bin/lanes.js.
// Needs `npm run build`.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { copyFileSync, existsSync, rmSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../src/store/open-store.ts';
import { cleanupTestDatabases, freshSqliteDir } from '../test/helpers/test-database.ts';
import { BENCH_SECRET } from './bench-payload.ts';
import { readVmHwmMb, startServerChild, type ServerChild } from './bench-process.ts';
import { seedRunsTo } from './seed-history.ts';

const require = createRequire(import.meta.url);
type Autocannon = (
  o: Record<string, unknown>,
  cb: (e: Error | null, r: { requests: { average: number; total: number } }) => void,
) => void;
const autocannon = require('autocannon') as Autocannon;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PROBE = path.join(ROOT, 'bench/mem-probe.mjs');
const PROF_DIR = path.join(ROOT, 'bench/results/profiles');
const EXTRA = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
const MB = (b: number) => Math.round(b / 104857.6) / 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function vmRssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Math.round(Number(m?.[1] ?? 0) / 102.4) / 10;
}

/** CPU time (user + system) the process has used so far, in ms: less sensitive to a loaded machine. */
function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(f[11]) + Number(f[12])) * 10;
}

/** Resident memory of a process grouped by mapping (the binary, shared libraries, [heap], anonymous), in MB. */
export function smapsBreakdown(pid: number): string {
  const by = new Map<string, number>();
  let name = '';
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      name = path.basename(head[1] || '[anon]');
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) by.set(name, (by.get(name) ?? 0) + Number(rss[1]));
  }
  return [...by]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([k, kb]) => `${k} ${Math.round(kb / 102.4) / 10}`)
    .join(', ');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

async function startLanes(dataDir: string, nodeArgs: string[], probeFile?: string): Promise<ServerChild> {
  return startServerChild(
    [
      process.env.BENCH_LANES_BIN ?? path.join(ROOT, 'bin/lanes.js'),
      'up',
      ...['--port', '0', '--host', '127.0.0.1', '--open-reads'],
      ...['--catalog', path.join(ROOT, 'examples/ops/lanes.yaml')],
    ],
    {
      LANES_WEBHOOK_SECRET: BENCH_SECRET,
      LANES_DATA_DIR: dataDir,
      DATABASE_URL: '',
      LANES_LOG_LEVEL: 'info',
      LANES_MEM_PROBE: probeFile ?? '',
    },
    { nodeArgs: [...EXTRA, ...(probeFile ? ['--import', PROBE] : []), ...nodeArgs] },
  );
}

async function readyz(url: string): Promise<void> {
  for (;;) {
    const r = await fetch(`${url}/readyz`).catch(() => undefined);
    if (r?.status === 200) return;
    await sleep(5);
  }
}

interface Probe {
  latest: {
    memoryUsage: NodeJS.MemoryUsage;
    spaces: Record<string, { size: number; used: number }>;
  };
  peak: Record<string, number>;
  gc: Record<string, { count: number; ms: number }>;
  snapshot?: string;
}

async function probe(server: ServerChild, file: string): Promise<Probe> {
  server.child.kill('SIGUSR2');
  for (let i = 0; i < 2400 && !existsSync(file); i++) await sleep(25);
  await sleep(50);
  return JSON.parse(readFileSync(file, 'utf8')) as Probe;
}

function printProbe(p: Probe): void {
  const mu = p.latest.memoryUsage;
  console.log(
    `  memoryUsage: rss ${MB(mu.rss)}, heapTotal ${MB(mu.heapTotal)}, heapUsed ${MB(mu.heapUsed)}, external ${MB(mu.external)}, arrayBuffers ${MB(mu.arrayBuffers)} MB`,
  );
  console.log(
    `  V8 spaces (size/used MB): ${Object.entries(p.latest.spaces)
      .map(([k, v]) => `${k} ${MB(v.size)}/${MB(v.used)}`)
      .join(', ')}`,
  );
}

/** RSS of a reference process that prints "ready" when it is. */
async function referenceRss(label: string, args: string[]): Promise<void> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], cwd: ROOT });
  await new Promise<void>((r) => child.stdout.once('data', () => r()));
  await sleep(1500);
  console.log(`  reference ${label}: RSS ${vmRssMb(child.pid ?? 0)} MB (${smapsBreakdown(child.pid ?? 0)})`);
  child.kill();
}

async function startMode(n: number): Promise<void> {
  const serving: number[] = [];
  const ready: number[] = [];
  const rss: number[] = [];
  const cpu: number[] = [];
  let last: Probe | undefined;
  for (let i = 0; i < n; i++) {
    const dataDir = await freshSqliteDir();
    const file = path.join(dataDir, 'probe.json');
    const t0 = performance.now();
    const server = await startLanes(dataDir, [], i === n - 1 ? file : undefined);
    serving.push(performance.now() - t0);
    await readyz(server.url);
    ready.push(performance.now() - t0);
    cpu.push(cpuMs(server.pid));
    await sleep(2000);
    rss.push(vmRssMb(server.pid));
    if (i === n - 1) {
      console.log(`  resident by mapping (MB): ${smapsBreakdown(server.pid)}`);
      last = await probe(server, file);
    }
    await server.stop();
  }
  const r = (xs: number[]) => xs.map((x) => Math.round(x)).join(', ');
  console.log(`load average ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
  console.log(`cold start to "serving" (ms): ${r(serving)}; median ${Math.round(median(serving))}`);
  console.log(`cold start to /readyz 200 (ms): ${r(ready)}; median ${Math.round(median(ready))}`);
  console.log(`CPU time to /readyz 200 (ms, user+sys): ${r(cpu)}; median ${Math.round(median(cpu))}`);
  console.log(`idle RSS after 2 s (MB): ${rss.join(', ')}; median ${median(rss)}`);
  if (last) printProbe(last);
  if (process.env.BENCH_NO_PROFILE) return;
  await referenceRss('bare node', ['-e', 'console.log("ready"); setInterval(() => {}, 1000)']);
  await referenceRss('bare Hono server', [
    '--input-type=module',
    '-e',
    "import { Hono } from 'hono'; import { serve } from '@hono/node-server'; const a = new Hono(); a.get('/', (c) => c.text('ok')); serve({ fetch: a.fetch, port: 0 }, () => console.log('ready'));",
  ]);
  // One start under the CPU profiler, stopped once /readyz answers 200.
  mkdirSync(PROF_DIR, { recursive: true });
  const before = new Set(readdirSync(PROF_DIR));
  const dataDir = await freshSqliteDir();
  const server = await startLanes(dataDir, [
    '--cpu-prof',
    '--cpu-prof-dir',
    PROF_DIR,
    '--cpu-prof-interval',
    '200',
  ]);
  await readyz(server.url);
  await server.stop();
  const file = readdirSync(PROF_DIR)
    .filter((f) => !before.has(f) && f.endsWith('.cpuprofile'))
    .sort((a, b) => statSync(path.join(PROF_DIR, b)).size - statSync(path.join(PROF_DIR, a)).size)[0];
  if (file) analyseStartup(path.join(PROF_DIR, file));
}

async function overviewMode(runs: number, seconds: number): Promise<void> {
  const dataDir = await freshSqliteDir();
  const s = await openStore({ dataDir });
  await s.close();
  await seedRunsTo({ kind: 'sqlite', dataDir }, runs);
  const file = path.join(dataDir, 'probe.json');
  const server = await startLanes(dataDir, [], file);
  await sleep(1000);
  const idle = vmRssMb(server.pid);
  if (process.env.BENCH_IDLE_S) {
    // The server left alone: what the background (workers, the overview's second-by-second refresh) allocates.
    await sleep(Number(process.env.BENCH_IDLE_S) * 1000);
    const q = await probe(server, file);
    console.log(
      `  idle ${process.env.BENCH_IDLE_S} s: RSS ${vmRssMb(server.pid)} MB; GC: ${Object.entries(q.gc)
        .map(([k, v]) => `${k} ${v.count}× ${Math.round(v.ms)} ms`)
        .join(', ')}`,
    );
    rmSync(file);
  }
  const sample = await fetch(`${server.url}/api/v1/overview`);
  const bodyBytes = (await sample.arrayBuffer()).byteLength;
  const r = await new Promise<{ requests: { average: number; total: number } }>((res, rej) =>
    autocannon({ url: `${server.url}/api/v1/overview`, connections: 4, duration: seconds }, (e, x) =>
      e ? rej(e) : res(x),
    ),
  );
  const p = await probe(server, file);
  console.log(`load average ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
  console.log(
    `overview ${runs} runs, 4 connections, ${seconds} s: ${Math.round(r.requests.average)} req/s; idle RSS ${idle} MB, VmHWM ${readVmHwmMb(server.pid)} MB, RSS now ${vmRssMb(server.pid)} MB`,
  );
  console.log(
    `  body ${Math.round(bodyBytes / 1024)} KB; ${r.requests.total} requests; GC: ${Object.entries(p.gc)
      .map(
        ([k, v]) =>
          `${k} ${v.count}× ${Math.round(v.ms)} ms (${((1000 * v.count) / Math.max(1, r.requests.total)).toFixed(1)} per 1,000 requests)`,
      )
      .join(', ')}`,
  );
  const pk = p.peak;
  console.log(
    `  peaks (MB): rss ${MB(pk.rss ?? 0)}, heapTotal ${MB(pk.heapTotal ?? 0)}, heapUsed ${MB(pk.heapUsed ?? 0)}, external ${MB(pk.external ?? 0)}, arrayBuffers ${MB(pk.arrayBuffers ?? 0)}, new_space size ${MB(pk['new_space.size'] ?? 0)}, old_space size ${MB(pk['old_space.size'] ?? 0)}, large_object_space size ${MB(pk['large_object_space.size'] ?? 0)}, code_space size ${MB(pk['code_space.size'] ?? 0)}`,
  );
  printProbe(p);
  await server.stop();
  if (p.snapshot) {
    mkdirSync(PROF_DIR, { recursive: true });
    const to = path.join(PROF_DIR, `overview-${runs}-${Date.now()}.heapsnapshot`);
    copyFileSync(p.snapshot, to);
    console.log(`  heap snapshot after the load: ${to}`);
  }
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

function analyseStartup(file: string): void {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
  };
  const parent = new Map<number, number>();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const where = (n: ProfileNode) => {
    const u = n.callFrame.url.replace(/^file:\/\//, '').replace(`${ROOT}/`, '');
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u);
    return m?.[1] ? `pkg ${m[1]}` : u.startsWith('dist/') ? u : u ? `node ${u.replace(/^node:/, '')}` : '';
  };
  const self = new Map<string, number>();
  const selfPkg = new Map<string, number>();
  const incl = new Map<string, number>();
  const inclPkg = new Map<string, number>();
  let total = 0;
  prof.samples.forEach((id, i) => {
    const t = prof.timeDeltas[i] ?? 0;
    const leaf = byId.get(id);
    if (!leaf || leaf.callFrame.functionName === '(idle)') return;
    total += t;
    const k = `${leaf.callFrame.functionName || '(top level)'} ${where(leaf)}:${leaf.callFrame.lineNumber + 1}`;
    self.set(k, (self.get(k) ?? 0) + t);
    const lp = where(leaf) || leaf.callFrame.functionName;
    selfPkg.set(lp, (selfPkg.get(lp) ?? 0) + t);
    const seen = new Set<string>();
    const seenPkg = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur);
      if (!n) continue;
      const w = where(n);
      if (w && !seenPkg.has(w)) {
        seenPkg.add(w);
        inclPkg.set(w, (inclPkg.get(w) ?? 0) + t);
      }
      if (!w.startsWith('dist/')) continue;
      const key = `${n.callFrame.functionName || '(module top level)'} ${w}`;
      if (seen.has(key)) continue;
      seen.add(key);
      incl.set(key, (incl.get(key) ?? 0) + t);
    }
  });
  const ms = (t: number) => `${(t / 1000).toFixed(0).padStart(5)} ms`;
  const top = (m: Map<string, number>, k: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k);
  console.log(
    `start-up profile ${path.basename(file)}: ${(total / 1000).toFixed(0)} ms on the CPU (idle excluded)`,
  );
  console.log('top functions (self):');
  for (const [k, t] of top(self, 20)) console.log(`  ${ms(t)}  ${k}`);
  console.log('self time by package / file:');
  for (const [k, t] of top(selfPkg, 20)) console.log(`  ${ms(t)}  ${k}`);
  console.log('inclusive by package / file (on the stack):');
  for (const [k, t] of top(inclPkg, 30)) console.log(`  ${ms(t)}  ${k}`);
  console.log('inclusive dist/ functions:');
  for (const [k, t] of top(incl, 30)) console.log(`  ${ms(t)}  ${k}`);
}

try {
  const mode = process.argv[2] ?? 'start';
  if (mode === 'start') await startMode(Number(process.argv[3] ?? 5));
  else if (mode === 'overview')
    await overviewMode(Number(process.argv[3] ?? 10_000), Number(process.argv[4] ?? 10));
  else if (mode === '--analyse') analyseStartup(process.argv[3] ?? '');
  else throw new Error(`unknown mode ${mode}`);
} finally {
  await cleanupTestDatabases();
}
