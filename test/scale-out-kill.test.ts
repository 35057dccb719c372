// Three replicas (compiled `node bin/lanes.js up` processes) over one PostgreSQL database under a steady
// stream of signed deliveries, with a release in flight against the local GitHub stand-in: the replica
// holding the release's dispatch is killed with SIGKILL mid-run and restarted. Proves that every
// acknowledged delivery is processed exactly once, the dispatch is sent once, the killed replica's leases
// (its outbox effect and any inbox claims) are taken over within the lease time, and the surviving
// replicas' SSE clients see every change.
//
// Short form (CI): ~50 deliveries/s for ~15 s. LANES_LONG=1: 200/s for 60 s. Needs the compiled server
// (`npm run --silent build:server`) and PostgreSQL (LANES_TEST_DATABASE_URL, or the embedded one).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { signBody } from '../src/cli/replay.ts';
import { issueToken } from '../src/http/auth.ts';
import { openStore } from '../src/store/open-store.ts';
import { startFakeGitHub } from './helpers/fake-github.ts';
import { sendGreenStaging } from './helpers/github-events.ts';
import { SECRET, waitFor, workflowRunPayload } from './helpers/lanes-harness.ts';
import { startLanesChild, type LanesChild } from './reliability/reliability-helpers.ts';
import { freshPostgresDatabase } from './helpers/test-database.ts';

const LONG = process.env.LANES_LONG === '1';
const RATE = LONG ? 200 : 50;
const DURATION_S = LONG ? 60 : 15;
const OUTBOX_LEASE_MS = 4000;
const INBOX_LEASE_MS = 3000;
const GH_TOKEN = 'ghs_scale_out_kill_token';
const SHA = 'cafe0000000000000000000000000000000000bb';
// Polling intervals of the workers that take a lease over (outbox idle poll 1 s) plus scheduling slack
// on a loaded 2-core machine.
const TAKEOVER_SLACK_MS = 2500;

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
}

/**
 * A forwarding proxy in front of the GitHub stand-in that, while `hold` is on, never answers workflow
 * dispatches: the replica that claimed the dispatch keeps its outbox lease while the call hangs.
 */
async function startHoldingProxy(target: string) {
  const held: Held[] = [];
  const state = { hold: true };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      if (state.hold && path.includes('/dispatches')) {
        held.push({ path, remotePort: req.socket.remotePort ?? 0 });
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

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('three replicas over one PostgreSQL, one killed mid-run', () => {
  it(`every acknowledged delivery once, the dispatch once, leases taken over (${RATE}/s for ${DURATION_S} s)`, async () => {
    const github = await startFakeGitHub({ token: GH_TOKEN });
    const proxy = await startHoldingProxy(github.url);
    const databaseUrl = await freshPostgresDatabase();
    const env = {
      DATABASE_URL: databaseUrl,
      LANES_GITHUB_API_URL: proxy.url,
      LANES_GITHUB_TOKEN: GH_TOKEN,
      LANES_OUTBOX_LEASE_MS: String(OUTBOX_LEASE_MS),
      LANES_INBOX_LEASE_MS: String(INBOX_LEASE_MS),
      LANES_LOG_LEVEL: 'warn',
    };
    const replicas: (LanesChild | undefined)[] = [];
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
      const hana = (
        await issueToken(store, { personId: 'hana', name: 't', scope: 'operate', now: new Date() })
      ).token;
      await sleep(500); // the SSE clients are subscribed

      // The steady stream: each delivery a new run, round-robin over the replicas that are up.
      let n = 0;
      const inflight = new Set<Promise<void>>();
      const stream = (async () => {
        const t0 = Date.now();
        const total = RATE * DURATION_S;
        for (let i = 0; (i < total || untilRestarted) && !stopStream; i++) {
          const due = t0 + (i * 1000) / RATE;
          if (due > Date.now()) await sleep(due - Date.now());
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
      assert.ok(up0);
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
      const victimPid = pidOwningPort(heldCall.remotePort, pids);
      assert.ok(victimPid, 'the replica calling GitHub is found');
      const victim = pids.indexOf(victimPid);
      const victimChild = replicas[victim];
      assert.ok(victimChild);

      // Kill it mid-run; from now on GitHub answers.
      await victimChild.kill9();
      killedAt = Date.now();
      proxy.state.hold = false;
      replicas[victim] = undefined;
      const { rows: claimedRows } = await db.query<{ guid: string }>(
        `select guid from deliveries where worker = $1 and status = 'pending'`,
        [`pid-${victimPid}`],
      );
      const orphaned = claimedRows.map((r) => r.guid);

      // The dispatch is taken over by a survivor within the outbox lease.
      const dispatched = (file: string) =>
        github.calls.filter((c) => c.method === 'POST' && c.path.endsWith(`/workflows/${file}/dispatches`));
      await waitFor(
        async () => dispatched('open-release-candidate.yml').length > 0 || undefined,
        'the dispatch re-sent by a surviving replica',
        OUTBOX_LEASE_MS + TAKEOVER_SLACK_MS + 5000,
      );
      const takeoverMs = Date.now() - killedAt;
      assert.ok(
        takeoverMs <= OUTBOX_LEASE_MS + TAKEOVER_SLACK_MS,
        `outbox lease taken over after ${takeoverMs} ms (lease ${OUTBOX_LEASE_MS} ms)`,
      );

      // Restart the killed replica while the stream goes on.
      await sleep(1000);
      restarted = await startLanesChild(env);
      replicas[victim] = restarted;
      await sleep(3000);
      untilRestarted = false;
      await stream;

      // Every acknowledged delivery is processed (by some replica), exactly once.
      await waitFor(
        async () => (await store.inboxStats()).pending === 0 || undefined,
        'every stored delivery processed',
        60_000,
      );
      const { rows } = await db.query<{ guid: string; status: string; processed_at: string | null }>(
        `select guid, status, processed_at from deliveries where guid = any($1::text[])`,
        [acked],
      );
      const status = new Map(rows.map((r) => [r.guid, r]));
      for (const g of acked) assert.equal(status.get(g)?.status, 'processed', `delivery ${g}`);
      const { rows: audits } = await db.query<{ reason: string }>(
        `select reason from audit where action = 'run.updated' and reason like '%delivery %'`,
      );
      const applied = new Map<string, number>();
      for (const a of audits) {
        const g = /delivery ([A-Za-z0-9-]+)$/.exec(a.reason)?.[1];
        if (g) applied.set(g, (applied.get(g) ?? 0) + 1);
      }
      for (const g of acked) assert.equal(applied.get(g), 1, `delivery ${g} applied once`);

      // The killed replica's inbox claims were taken over within the inbox lease.
      for (const g of orphaned) {
        const at =
          status.get(g)?.processed_at ??
          (
            await db.query<{ processed_at: string }>(`select processed_at from deliveries where guid = $1`, [
              g,
            ])
          ).rows[0]?.processed_at;
        assert.ok(at, `orphaned claim ${g} processed`);
        const after = Date.parse(at) - killedAt;
        assert.ok(after <= INBOX_LEASE_MS + TAKEOVER_SLACK_MS, `claim ${g} taken over after ${after} ms`);
      }

      // The effect was sent once (the hung call never reached GitHub).
      await sleep(2000);
      assert.equal(dispatched('open-release-candidate.yml').length, 1, 'dispatch sent once');

      // The surviving replicas' SSE clients saw every change.
      await waitFor(
        async () => {
          for (const [i, c] of clients.entries()) {
            if (i === victim) continue;
            const text = c.all();
            if (acked.some((g) => !text.includes(g))) return undefined;
          }
          return true;
        },
        "every change on the surviving replicas' SSE streams",
        20_000,
      );
      process.stderr.write(
        `scale-out-kill: ${acked.length} acknowledged, ${sendErrors} not (killed replica), ` +
          `${orphaned.length} inbox claims orphaned, outbox take-over ${takeoverMs} ms, ` +
          `${ackedAfterKill} acknowledged after the kill (${ackedByRestarted} by the restarted replica)\n`,
      );
      assert.ok(acked.length >= RATE * DURATION_S * 0.8, `most deliveries acknowledged (${acked.length})`);
      assert.ok(
        ackedAfterKill > 0 && ackedByRestarted > 0,
        'the stream ran through the kill and the restart',
      );
    } finally {
      stopStream = true;
      for (const c of clients) await c.close();
      for (const r of replicas) await r?.stop();
      await db.end();
      await store.close();
      await proxy.close();
      await github.close();
    }
  });
});
