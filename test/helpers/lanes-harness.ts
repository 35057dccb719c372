// Starts a real Lanes server (in process, real HTTP on a loopback port) on a fresh SQLite directory or a
// fresh PostgreSQL database, plus helpers to send signed GitHub deliveries.
import { createRequire } from 'node:module';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { loadConfig, type Config } from '../../src/config.ts';
import { startLanes, type LanesProcess } from '../../src/server.ts';
import { signBody } from '../../src/cli/replay.ts';
import { freshPostgresDatabase, freshSqliteDir } from './test-database.ts';

export const SECRET = 'test-webhook-secret-123';
export type StoreKind = 'sqlite' | 'postgres';
export const STORE_KINDS: StoreKind[] = ['sqlite', 'postgres'];

export async function testConfig(kind: StoreKind, overrides: Partial<Config> = {}): Promise<Config> {
  const dataDir = await freshSqliteDir();
  const databaseUrl = kind === 'postgres' ? await freshPostgresDatabase() : undefined;
  const r = loadConfig(
    { port: '0', host: '127.0.0.1', catalog: 'examples/ops/lanes.yaml', data: dataDir },
    {
      LANES_WEBHOOK_SECRET: SECRET,
      LANES_LOG_LEVEL: 'silent',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    },
  );
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return { ...r.config, ...overrides };
}

export async function startTestLanes(
  kind: StoreKind,
  overrides: Partial<Config> = {},
  opts: { clock?: () => Date } = {},
): Promise<LanesProcess & { config: Config }> {
  const config = await testConfig(kind, overrides);
  const lanes = await startLanes(config, { log: pino({ level: 'silent' }), ...opts });
  return Object.assign(lanes, { config });
}

export interface SendOptions {
  guid?: string;
  secret?: string;
  signature?: string | null;
  headers?: Record<string, string>;
}

export async function sendDelivery(url: string, event: string, payload: unknown, opts: SendOptions = {}) {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const guid = opts.guid ?? randomUUID();
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-github-event': event,
    'x-github-delivery': guid,
    ...(opts.headers ?? {}),
  };
  const sig = opts.signature === undefined ? signBody(opts.secret ?? SECRET, body) : opts.signature;
  if (sig !== null) headers['x-hub-signature-256'] = sig;
  const res = await fetch(`${url}/webhooks/github`, { method: 'POST', headers, body });
  return {
    status: res.status,
    body: (await res.json().catch(() => null)) as Record<string, unknown> | null,
    guid,
  };
}

const require = createRequire(import.meta.url);
const EXAMPLES = require('@octokit/webhooks-examples/api.github.com/index.json') as {
  name: string;
  examples: Record<string, unknown>[];
}[];

/** A published example payload (deep copy). */
export function example(name: string, index = 0): Record<string, unknown> {
  const ex = EXAMPLES.find((e) => e.name === name)?.examples[index];
  if (!ex) throw new Error(`no example ${name}[${index}]`);
  return structuredClone(ex);
}

/** A workflow_run delivery for a catalog workflow (the published shape with our fields set). */
export function workflowRunPayload(opts: {
  runId: number;
  workflowFile: string;
  workflowName: string;
  status: string;
  conclusion: string | null;
  startedAt: string;
  updatedAt: string;
  attempt?: number;
  event?: string;
  sha?: string;
  branch?: string;
  action?: string;
}): Record<string, unknown> {
  const p = example('workflow_run', 0);
  const wr = p.workflow_run as Record<string, unknown>;
  Object.assign(wr, {
    id: opts.runId,
    name: opts.workflowName,
    path: `.github/workflows/${opts.workflowFile}`,
    run_attempt: opts.attempt ?? 1,
    run_number: (opts.runId % 1000) + 1,
    event: opts.event ?? 'push',
    head_branch: opts.branch ?? 'main',
    head_sha: opts.sha ?? 'a'.repeat(40),
    status: opts.status,
    conclusion: opts.conclusion,
    run_started_at: opts.startedAt,
    created_at: opts.startedAt,
    updated_at: opts.updatedAt,
    html_url: `https://github.com/nata-onl/ops/actions/runs/${opts.runId}`,
  });
  (p.repository as Record<string, unknown>).full_name = 'nata-onl/ops';
  p.action =
    opts.action ??
    (opts.status === 'completed' ? 'completed' : opts.status === 'in_progress' ? 'in_progress' : 'requested');
  return p;
}

export async function waitFor<T>(
  fn: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Runs `lanes up` as a real child process (for SIGKILL tests); resolves once it serves. */
export function spawnLanes(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ['bin/lanes.js', 'up', '--port', '0', '--host', '127.0.0.1', '--catalog', 'examples/ops/lanes.yaml'],
    {
      env: { ...process.env, LANES_WEBHOOK_SECRET: SECRET, LANES_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /Lanes is serving (http:\/\/[^\s]+)/.exec(out);
      if (m?.[1]) resolve({ child, url: m[1] });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`lanes up exited early (${code}): ${out.slice(-1500)}`)));
  });
}
