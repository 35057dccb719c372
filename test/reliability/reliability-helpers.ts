// Shared pieces of the reliability suite: the real `lanes up` process as a child (stdout captured),
// signed deliveries, store snapshots. LANES_RELIABILITY=long selects the long form (bigger, longer).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { SECRET } from '../helpers/lanes-harness.ts';
import type { RunRecord } from '../../src/core/run-model.ts';
import type { Store } from '../../src/store/store.ts';

export const LONG = process.env.LANES_RELIABILITY === 'long';

export interface LanesChild {
  child: ChildProcess;
  url: string;
  /** Every complete line the server wrote to stdout so far (its JSON log). */
  stdoutLines(): string[];
  stderrText(): string;
  alive(): boolean;
  stop(): Promise<void>;
  kill9(): Promise<void>;
}

export function startLanesChild(
  env: NodeJS.ProcessEnv,
  extraArgs: string[] = [],
  opts: { fileSizeLimitKb?: number } = {},
): Promise<LanesChild> {
  // A file-size limit (ulimit -f) stands in for a full disk: writes past it fail with EFBIG.
  const launcher =
    opts.fileSizeLimitKb === undefined
      ? []
      : ['bash', '-c', `ulimit -f ${opts.fileSizeLimitKb}; exec "$0" "$@"`];
  const child = spawn(
    launcher[0] ?? process.execPath,
    [
      ...launcher.slice(1),
      ...(launcher.length > 0 ? [process.execPath] : []),
      'bin/lanes.js',
      'up',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--open-reads',
      '--catalog',
      'examples/ops/lanes.yaml',
      ...extraArgs,
    ],
    {
      env: {
        ...process.env,
        LANES_WEBHOOK_SECRET: SECRET,
        LANES_LOG_LEVEL: 'info',
        DATABASE_URL: '',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout?.on('data', (b: Buffer) => {
    out += b.toString('utf8');
  });
  const exited = once(child, 'exit');
  const handle: Omit<LanesChild, 'url'> = {
    child,
    stdoutLines: () => out.split('\n').slice(0, -1),
    stderrText: () => err,
    alive: () => child.exitCode === null && child.signalCode === null,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
    async kill9() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`lanes did not start in 60 s: ${(err + out).slice(-2000)}`)),
      60_000,
    );
    // the server announces itself in its JSON log on stdout ("Lanes is serving http://… (dashboard …)")
    const ready = () => {
      const m = /Lanes is serving (http:\/\/[^\s"]+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve({ ...handle, url: m[1] });
      }
    };
    child.stdout?.on('data', ready);
    child.stderr?.on('data', (b: Buffer) => {
      err += b.toString('utf8');
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`lanes exited early (${code ?? signal}): ${(err + out).slice(-2000)}`));
    });
  });
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function inPool<T>(
  items: T[],
  limit: number,
  fn: (item: T, i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) await fn(items[i] as T, i);
    }),
  );
}

/** How many run.updated audit entries there are (the number of run transitions ever applied). */
export async function countRunTransitions(store: Store): Promise<number> {
  let n = 0;
  let before: number | undefined;
  for (;;) {
    const page = await store.listAudit({
      objectType: 'run',
      limit: 1000,
      ...(before !== undefined ? { before } : {}),
    });
    n += page.filter((e) => e.action === 'run.updated').length;
    if (page.length < 1000) return n;
    before = page[page.length - 1]?.id;
  }
}

/** The state of every run, by run id, in a comparable form. */
export async function runStates(store: Store): Promise<Map<number, Omit<RunRecord, never>>> {
  const runs = await store.listRuns({ limit: 1_000_000 });
  return new Map(runs.map((r) => [r.runId, r]));
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
