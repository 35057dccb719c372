// What the bench cases share: settings from the environment, logging, percentiles, the servers (each in its
// own child process: compiled `lanes up`, the bare route, Probot) and /metrics scrapes.
import http from 'node:http';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshPostgresDatabase, freshSqliteDir } from '../test/helpers/test-database.ts';
import { BENCH_SECRET } from './bench-payload.ts';
import { startServerChild, type ServerChild } from './bench-process.ts';

const require = createRequire(import.meta.url);

export interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  '2xx': number;
  duration: number;
}
export interface AutocannonRequest {
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

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const QUICK = process.env.BENCH_QUICK === '1';
export const DURATION_S = Number(process.env.BENCH_DURATION_S ?? (QUICK ? 3 : 10));
export const SIZES = (process.env.BENCH_SIZES ?? (QUICK ? '10000,50000' : '10000,100000,1000000'))
  .split(',')
  .map(Number);
export type StoreKind = 'sqlite' | 'postgres';
export const STORES = (process.env.BENCH_STORES ?? 'sqlite,postgres').split(',') as StoreKind[];
/** Which cases run (default all): e.g. BENCH_CASES=fanout,kill. */
export const CASES = new Set(
  (process.env.BENCH_CASES ?? 'idle,ingest,sse,fanout,kill,overview').split(',').map((s) => s.trim()),
);
export const SSE_RATE = 200;
export const SSE_SECONDS = QUICK ? 3 : 10;

const started = Date.now();
export function elapsedS(): number {
  return Math.round((Date.now() - started) / 1000);
}
export function log(msg: string): void {
  const s = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
  process.stderr.write(`[bench ${s}s] ${msg}\n`);
}

export function runAutocannon(opts: Record<string, unknown>): Promise<AutocannonResult> {
  return new Promise((resolve, reject) => {
    autocannon({ ...opts }, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

/** Current resident set size of a process in MB (VmRSS), or null without /proc. */
export function readVmRssMb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m?.[1] ? round(Number(m[1]) / 1024, 1) : null;
  } catch {
    return null;
  }
}

export function loadAverage(): string {
  return os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(', ');
}

export function round(x: number, d = 1): number {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? NaN;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface LanesEnv {
  kind: StoreKind;
  dataDir: string;
  databaseUrl?: string;
}

export async function freshLanesEnv(kind: StoreKind): Promise<LanesEnv> {
  const dataDir = await freshSqliteDir();
  return kind === 'postgres'
    ? { kind, dataDir, databaseUrl: await freshPostgresDatabase() }
    : { kind, dataDir };
}

export function startLanesChild(
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

export function startTsChild(file: string): Promise<ServerChild> {
  return startServerChild([path.join(ROOT, file)], { BENCH_SECRET }, { nodeArgs: ['--import', 'tsx'] });
}

/** The round-trip counter and the processed count of one server, from its /metrics. */
export interface StoreCounts {
  queries: number;
  processed: number;
  pending: number;
}

export async function scrapeCounts(url: string): Promise<StoreCounts> {
  const text = await new Promise<string>((resolve, reject) => {
    http
      .get(`${url}/metrics`, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
  const value = (re: RegExp): number => Number(re.exec(text)?.[1] ?? NaN);
  return {
    queries: value(/^lanes_store_queries_total\{[^}]*\} (\d+)$/m),
    processed: value(/^lanes_deliveries_processed_total (\d+)$/m),
    pending: value(/^lanes_inbox_deliveries\{status="pending"\} (\d+)$/m),
  };
}

/** Waits until the server's inbox has nothing pending (or the timeout passes). */
export async function waitDrained(url: string, timeoutMs = 60_000): Promise<StoreCounts> {
  const until = performance.now() + timeoutMs;
  for (;;) {
    const c = await scrapeCounts(url);
    if (c.pending === 0 || performance.now() > until) return c;
    await sleep(200);
  }
}
