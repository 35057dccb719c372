// The three-replica kill scenario, shared by test/scale-out-kill.test.ts (which asserts on its result) and
// the bench's kill case (bench/cases/scale-out-kill.ts, which reports it): three compiled `lanes up`
// replicas over one PostgreSQL database under a steady stream of signed deliveries (each a new run, round
// robin over the replicas that are up), a release in flight against the local GitHub stand-in whose
// dispatch hangs at "GitHub" (a holding proxy) so the replica that claimed it holds the outbox lease; that
// replica is killed with SIGKILL (if it can be caught holding inbox claims too), GitHub starts answering,
// the replica is restarted while the stream goes on. The result is every fact the checks need.
import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { signBody } from '../../src/cli/replay.ts';
import { issueToken } from '../../src/http/auth.ts';
import { openStore } from '../../src/store/open-store.ts';
import { startFakeGitHub } from './fake-github.ts';
import { sendGreenStaging } from './github-events.ts';
import { SECRET, waitFor, workflowRunPayload } from './lanes-harness.ts';
import { startLanesChild, type LanesChild } from '../reliability/reliability-helpers.ts';
import { freshPostgresDatabase } from './test-database.ts';

export const OUTBOX_LEASE_MS = 4000;
export const INBOX_LEASE_MS = 3000;
const GH_TOKEN = 'ghs_scale_out_kill_token';
const SHA = 'cafe0000000000000000000000000000000000bb';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Which of `pids` owns the loopback TCP socket whose local port is `port` (Linux /proc). */
function pidOwningPort(port: number, pids: number[]): number | undefined {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[1]?.endsWith(`:${hex}`) && cols[9]) inodes.add(cols[9]);
    }
  }
  for (const pid of pids) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m?.[1] && inodes.has(m[1])) return pid;
      } catch {
        // the fd closed meanwhile
      }
    }
  }
  return undefined;
}

interface Held {
  path: string;
  remotePort: number;
  /** The replica process that made the call, looked up while its socket is surely open. */
  pid: number | undefined;
}

/**
 * A forwarding proxy in front of the GitHub stand-in that, while `hold` is on, never answers workflow
 * dispatches: the replica that claimed the dispatch keeps its outbox lease while the call hangs.
 */
async function startHoldingProxy(target: string, pids: () => number[]) {
  const held: Held[] = [];
  const state = { hold: true };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      if (state.hold && path.includes('/dispatches')) {
        const remotePort = req.socket.remotePort ?? 0;
        held.push({ path, remotePort, pid: pidOwningPort(remotePort, pids()) });
        return;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers))
        if (typeof v === 'string' && k !== 'host' && k !== 'content-length' && k !== 'connection')
          headers[k] = v;
      const method = req.method ?? 'GET';
      fetch(`${target}${path}`, {
        method,
        headers,
        ...(method === 'GET' || method === 'HEAD' ? {} : { body: Buffer.concat(chunks) }),
      })
        .then(async (r) => {
          const body = Buffer.from(await r.arrayBuffer());
          const out: Record<string, string> = {};
          r.headers.forEach((v, k) => {
            if (k !== 'content-length' && k !== 'transfer-encoding' && k !== 'connection') out[k] = v;
          });
          res.writeHead(r.status, out).end(body);
        })
        .catch(() => res.writeHead(502).end());
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    held,
    state,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** An SSE client collecting the raw stream text. */
function sseClient(url: string) {
  const controller = new AbortController();
  const text: string[] = [];
  const done = (async () => {
    try {
      const res = await fetch(`${url}/api/v1/events`, { signal: controller.signal });
      const reader = res.body?.getReader();
      const dec = new TextDecoder();
      for (;;) {
        const chunk = await reader?.read();
        if (!chunk || chunk.done) return;
        text.push(dec.decode(chunk.value, { stream: true }));
      }
    } catch {
      // aborted, or the replica died
    }
  })();
  return {
    all: () => text.join(''),
    close: async () => {
      controller.abort();
      await done;
    },
  };
}

export interface KillScenarioResult {
  rate: number;
  durationS: number;
  acked: string[];
  /** Requests not answered 202 (those in flight at the killed replica). */
  sendErrors: number;
  /** Acknowledged deliveries not 'processed' at the end (must be none). */
  notProcessed: string[];
  /** Acknowledged deliveries whose run.updated audit entry is not exactly one (must be none). */
  notAppliedOnce: string[];
  /** Inbox claims the killed replica held, and how long after the kill each was processed (ms). */
  orphaned: { guid: string; afterKillMs: number | null }[];
  /** Kill → the hung dispatch re-sent by a survivor (the outbox lease taken over), or null if never. */
  outboxTakeoverMs: number | null;
  /** Dispatch calls GitHub received for the release (must be 1). */
  dispatches: number;
  /** Timers (due around the kill) not exactly one fired row (must be none). */
  timersNotFiredOnce: string[];
  /** Per surviving replica's SSE client: acknowledged deliveries it never saw (must be 0 each). */
  sseMissing: number[];
  ackedAfterKill: number;
  ackedByRestarted: number;
}

/** Runs the scenario; `onProgress` hears of its steps. Throws only when the set-up itself fails. */
export async function runKillScenario(opts: {
  rate: number;
  durationS: number;
  onProgress?: (msg: string) => void;
}): Promise<KillScenarioResult> {
  const { rate: RATE, durationS: DURATION_S } = opts;
  const progress = opts.onProgress ?? (() => undefined);
  const github = await startFakeGitHub({ token: GH_TOKEN });
  const replicas: (LanesChild | undefined)[] = [];
  const proxy = await startHoldingProxy(github.url, () => replicas.map((r) => r?.child.pid ?? 0));
  const databaseUrl = await freshPostgresDatabase();
  const env = {
    DATABASE_URL: databaseUrl,
    LANES_GITHUB_API_URL: proxy.url,
    LANES_GITHUB_TOKEN: GH_TOKEN,
    LANES_OUTBOX_LEASE_MS: String(OUTBOX_LEASE_MS),
    LANES_INBOX_LEASE_MS: String(INBOX_LEASE_MS),
    LANES_LOG_LEVEL: 'warn',
  };
  for (let i = 0; i < 3; i++) replicas.push(await startLanesChild(env));
  const store = await openStore({ databaseUrl, dataDir: '/nonexistent' });
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  const clients = replicas.map((r) => sseClient(r?.url ?? ''));
  const acked: string[] = [];
  let sendErrors = 0;
  let stopStream = false;
  // The stream runs its nominal length and at least until the killed replica is back and serving.
  let untilRestarted = true;
  let killedAt = 0;
  let ackedAfterKill = 0;
  let ackedByRestarted = 0;
  let restarted: LanesChild | undefined;
  try {
    const hana = (await issueToken(store, { personId: 'hana', name: 't', scope: 'operate', now: new Date() }))
      .token;
    await sleep(500); // the SSE clients are subscribed
    progress(`three replicas up; streaming ${RATE}/s`);

    // The steady stream: each delivery a new run, round-robin over the replicas that are up.
    let n = 0;
    const inflight = new Set<Promise<void>>();
    const stream = (async () => {
      const t0 = Date.now();
      const total = RATE * DURATION_S;
      for (let i = 0; (i < total || untilRestarted) && !stopStream; i++) {
        const due = t0 + (i * 1000) / RATE;
        // Always yield (a starved process that falls behind must not spin without sending), and bound
        // what is in flight.
        await sleep(Math.max(0, due - Date.now()));
        while (inflight.size >= 256) await Promise.race(inflight);
        const up = replicas.filter((r): r is LanesChild => r !== undefined && r.alive());
        const target = up[n++ % up.length];
        if (!target) continue;
        const runId = 8_000_000 + i;
        const body = JSON.stringify(
          workflowRunPayload({
            runId,
            workflowFile: 'ci-pr-fast.yml',
            workflowName: 'ci-pr-fast',
            status: 'completed',
            conclusion: 'success',
            startedAt: '2026-11-30T10:00:00Z',
            updatedAt: '2026-11-30T10:05:00Z',
            event: 'pull_request',
            branch: 'feature/load',
            sha: runId.toString(16).padStart(40, '0'),
          }),
        );
        const guid = randomUUID();
        const p = fetch(`${target.url}/webhooks/github`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-github-event': 'workflow_run',
            'x-github-delivery': guid,
            'x-hub-signature-256': signBody(SECRET, body),
          },
          body,
        })
          .then(async (r) => {
            await r.arrayBuffer();
            if (r.status === 202) {
              acked.push(guid);
              if (killedAt > 0) ackedAfterKill++;
              if (target === restarted) ackedByRestarted++;
            } else sendErrors++;
          })
          .catch(() => {
            sendErrors++; // the killed replica: not acknowledged
          });
        inflight.add(p);
        void p.finally(() => inflight.delete(p));
      }
      await Promise.all([...inflight]);
    })();

    // A release in flight: its first dispatch is claimed by some replica and hangs at "GitHub".
    await sleep(2000);
    const up0 = replicas[0];
    if (!up0) throw new Error('no replica');
    const at = new Date(Date.now() - 120 * 60_000).toISOString();
    await sendGreenStaging(up0.url, SHA, at);
    await waitFor(
      async () => {
        const r = await fetch(`${up0.url}/api/v1/releases`, {
          method: 'POST',
          headers: { authorization: `Bearer ${hana}`, 'content-type': 'application/json' },
          body: JSON.stringify({ version: 'v9.1.0', sha: SHA }),
        });
        return r.status === 201 || undefined;
      },
      'release created',
      30_000,
    );
    const heldCall = await waitFor(async () => proxy.held[0], 'the dispatch claimed and hanging', 20_000);
    const pids = replicas.map((r) => r?.child.pid ?? 0);
    const victimPid = heldCall.pid ?? pidOwningPort(heldCall.remotePort, pids);
    if (!victimPid) throw new Error('the replica calling GitHub was not found');
    const victim = pids.indexOf(victimPid);
    const victimChild = replicas[victim];
    if (!victimChild) throw new Error('the victim is not a replica');

    // Timers due around the kill and the restart: each must be claimed (fired) by exactly one replica.
    const timerKeys = Array.from({ length: 20 }, (_, i) => `scale-out-kill:${i}`);
    await store.transaction(async (tx) => {
      for (const [i, key] of timerKeys.entries())
        await tx.schedule({
          key,
          kind: 'release.reevaluate',
          payload: {},
          fireAt: new Date(Date.now() + i * 250).toISOString(),
        });
    });
    // Kill while the victim also holds inbox claims if it can be caught doing so (its outbox call hangs
    // for up to the lease budget, so there is time to look).
    await waitFor(
      async () => {
        const { rows } = await db.query(
          `select 1 from deliveries where worker = $1 and status = 'pending' and lease_until > $2 limit 1`,
          [`pid-${victimPid}`, new Date().toISOString()],
        );
        return rows.length > 0 || undefined;
      },
      'inbox claims',
      1500,
    ).catch(() => undefined);

    // Kill it mid-run; from now on GitHub answers.
    await victimChild.kill9();
    killedAt = Date.now();
    progress(`replica ${victim} (pid ${victimPid}) killed with SIGKILL`);
    proxy.state.hold = false;
    replicas[victim] = undefined;
    const { rows: claimedRows } = await db.query<{ guid: string }>(
      `select guid from deliveries where worker = $1 and status = 'pending'`,
      [`pid-${victimPid}`],
    );
    const orphanedGuids = claimedRows.map((r) => r.guid);

    // The dispatch is taken over by a survivor within the outbox lease.
    const dispatched = () =>
      github.calls.filter(
        (c) => c.method === 'POST' && c.path.endsWith('/workflows/open-release-candidate.yml/dispatches'),
      );
    const outboxTakeoverMs = await waitFor(
      async () => dispatched().length > 0 || undefined,
      'the dispatch re-sent by a surviving replica',
      OUTBOX_LEASE_MS + 10_000,
    )
      .then(() => Date.now() - killedAt)
      .catch(() => null);

    // Restart the killed replica while the stream goes on.
    await sleep(1000);
    restarted = await startLanesChild(env);
    replicas[victim] = restarted;
    progress('the killed replica restarted');
    await sleep(3000);
    untilRestarted = false;
    await stream;

    // Every acknowledged delivery processed (by some replica), exactly once.
    await waitFor(
      async () => (await store.inboxStats()).pending === 0 || undefined,
      'every stored delivery processed',
      60_000,
    ).catch(() => undefined);
    const { rows } = await db.query<{ guid: string; status: string; processed_at: string | null }>(
      `select guid, status, processed_at from deliveries where guid = any($1::text[])`,
      [[...acked, ...orphanedGuids]],
    );
    const status = new Map(rows.map((r) => [r.guid, r]));
    const { rows: audits } = await db.query<{ reason: string }>(
      `select reason from audit where action = 'run.updated' and reason like '%delivery %'`,
    );
    const applied = new Map<string, number>();
    for (const a of audits) {
      const g = /delivery ([A-Za-z0-9-]+)$/.exec(a.reason)?.[1];
      if (g) applied.set(g, (applied.get(g) ?? 0) + 1);
    }
    const timers = await store.listTimers({ limit: 10_000 });
    const timersNotFiredOnce = timerKeys.filter((key) => {
      const t = timers.filter((x) => x.key === key);
      return t.length !== 1 || t[0]?.status !== 'fired';
    });
    // The effect is sent once (the hung call never reached GitHub): give a duplicate time to show.
    await sleep(2000);
    // The surviving replicas' SSE clients see every change.
    const missing = () =>
      clients.map((c, i) => {
        if (i === victim) return 0;
        const text = c.all();
        return acked.filter((g) => !text.includes(g)).length;
      });
    await waitFor(async () => missing().every((m) => m === 0) || undefined, 'SSE', 20_000).catch(
      () => undefined,
    );
    return {
      rate: RATE,
      durationS: DURATION_S,
      acked: [...acked],
      sendErrors,
      notProcessed: acked.filter((g) => status.get(g)?.status !== 'processed'),
      notAppliedOnce: acked.filter((g) => applied.get(g) !== 1),
      orphaned: orphanedGuids.map((guid) => {
        const at = status.get(guid)?.processed_at;
        return { guid, afterKillMs: at ? Date.parse(at) - killedAt : null };
      }),
      outboxTakeoverMs,
      dispatches: dispatched().length,
      timersNotFiredOnce,
      sseMissing: missing().filter((_, i) => i !== victim),
      ackedAfterKill,
      ackedByRestarted,
    };
  } finally {
    stopStream = true;
    for (const c of clients) await c.close();
    for (const r of replicas) await r?.stop();
    await db.end();
    await store.close();
    await proxy.close();
    await github.close();
  }
}
