// Resource exhaustion against the real `lanes up` process (issue 13): big unsigned webhook bodies,
// slow-loris connections, live clients that never read, huge API bodies, an exclusively locked SQLite
// file and a full disk. For each: the process stays under a stated memory bound (its resident set, read
// from /proc, sampled throughout), /healthz still answers, and the attack is refused the way the limits
// say. Latencies are printed, not asserted (they depend on the machine); the bounds asserted are the
// ones the limits guarantee.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { sendDelivery, workflowRunPayload } from '../helpers/lanes-harness.ts';
import { freshSqliteDir } from '../helpers/test-database.ts';
import { inPool, sleep, startLanesChild, type LanesChild } from './reliability-helpers.ts';

const MB = 1024 * 1024;
/** The stated bound: resident memory never grows more than this above the idle process. */
const RSS_GROWTH_BOUND = 256 * MB;

function rssOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m?.[1] ? Number(m[1]) * 1024 : 0;
}

/** Samples the child's RSS every 50 ms until stopped; returns the peak. */
function watchRss(lanes: LanesChild): { stop(): number; baseline: number } {
  const pid = lanes.child.pid ?? 0;
  const baseline = rssOf(pid);
  let peak = baseline;
  const t = setInterval(() => {
    if (lanes.alive()) peak = Math.max(peak, rssOf(pid));
  }, 50);
  return {
    baseline,
    stop: () => {
      clearInterval(t);
      return peak;
    },
  };
}

async function healthzMs(url: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(30_000) });
  assert.equal(res.status, 200);
  await res.text();
  return performance.now() - t0;
}

function report(what: string, baseline: number, peak: number, extra: string): void {
  console.log(
    `${what}: RSS ${(baseline / MB).toFixed(0)} MB idle → peak ${(peak / MB).toFixed(0)} MB (bound +${RSS_GROWTH_BOUND / MB} MB); ${extra}`,
  );
}

/** POSTs `total` bytes (declared, or chunked when `declared` is false) in 1 MB writes; resolves with the status. */
function pushBody(
  url: string,
  pathName: string,
  total: number,
  headers: Record<string, string>,
  declared: boolean,
): Promise<number> {
  return new Promise((resolve) => {
    const u = new URL(url);
    const req = http.request({
      host: u.hostname,
      port: u.port,
      path: pathName,
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(declared ? { 'content-length': String(total) } : {}),
        ...headers,
      },
    });
    let settled = false;
    const done = (status: number) => {
      if (settled) return;
      settled = true;
      req.destroy();
      resolve(status);
    };
    req.on('response', (res) => {
      res.resume();
      done(res.statusCode ?? 0);
    });
    req.on('error', () => done(-1));
    const chunk = Buffer.alloc(MB, 0x61);
    let sent = 0;
    const write = () => {
      while (!settled && sent < total) {
        const n = Math.min(MB, total - sent);
        sent += n;
        if (!req.write(n === MB ? chunk : chunk.subarray(0, n))) {
          req.once('drain', write);
          return;
        }
      }
      if (!settled && sent >= total) req.end();
    };
    write();
  });
}

const tally = (xs: (number | string)[]) =>
  Object.entries(xs.reduce<Record<string, number>>((m, s) => ({ ...m, [s]: (m[s] ?? 0) + 1 }), {}))
    .map(([s, n]) => `${n}×${s}`)
    .join(' ');

describe('resource exhaustion', () => {
  it('40 concurrent unsigned 25 MB webhook bodies: bounded memory, 401/503, /healthz answers', async () => {
    const lanes = await startLanesChild({ LANES_DATA_DIR: await freshSqliteDir() });
    try {
      const rss = watchRss(lanes);
      const headers = {
        'x-github-event': 'workflow_run',
        'x-hub-signature-256': `sha256=${'0'.repeat(64)}`,
      };
      const attack = Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          pushBody(
            lanes.url,
            '/webhooks/github',
            25 * MB - 1,
            { ...headers, 'x-github-delivery': `big-${i}` },
            true,
          ),
        ),
      );
      await sleep(300);
      const during = await healthzMs(lanes.url);
      const statuses = await attack;
      const peak = rss.stop();
      report(
        'big unsigned bodies',
        rss.baseline,
        peak,
        `/healthz ${during.toFixed(0)} ms during; statuses ${tally(statuses)}`,
      );
      assert.ok(
        statuses.every((s) => s === 401 || s === 503 || s === -1),
        tally(statuses),
      );
      // The budget (64 MB by default) holds two 25 MB bodies: the others are refused before they are read.
      // A refused client that is still writing may see the connection reset before it reads the 503 (-1).
      assert.ok(
        statuses.filter((s) => s === 503 || s === -1).length >= 30,
        'most refused by the in-flight budget',
      );
      assert.ok(statuses.filter((s) => s === 503).length >= 1, 'a refusal is answered 503');
      assert.ok(statuses.filter((s) => s === 401).length <= 10, 'few bodies read to the signature check');
      assert.ok(peak - rss.baseline < RSS_GROWTH_BOUND);
      assert.ok(lanes.alive());
    } finally {
      await lanes.stop();
    }
  });

  it('1,000 slow-loris connections are closed by the header timeout; the cap holds meanwhile', async () => {
    const lanes = await startLanesChild({
      LANES_DATA_DIR: await freshSqliteDir(),
      LANES_HEADERS_TIMEOUT_MS: '2000',
      LANES_MAX_CONNECTIONS: '500',
    });
    const sockets: net.Socket[] = [];
    const closed = new Set<net.Socket>();
    try {
      const rss = watchRss(lanes);
      const u = new URL(lanes.url);
      for (let i = 0; i < 1000; i++) {
        const s = net.connect(Number(u.port), u.hostname);
        s.on('error', () => closed.add(s));
        s.on('data', () => undefined); // read, so the server's end of the connection is seen
        s.on('end', () => closed.add(s));
        s.on('close', () => closed.add(s));
        s.on('connect', () => s.write(`GET /healthz HTTP/1.1\r\nHost: ${u.host}\r\nX-Slow: `));
        sockets.push(s);
      }
      await sleep(1000);
      const openEarly = sockets.length - closed.size;
      await sleep(4000); // headers timeout 2 s, checked every 500 ms
      const openLate = sockets.length - closed.size;
      const after = await healthzMs(lanes.url);
      const peak = rss.stop();
      report(
        'slow-loris',
        rss.baseline,
        peak,
        `${openEarly} held after 1 s, ${openLate} after 5 s; /healthz ${after.toFixed(0)} ms after`,
      );
      assert.ok(openEarly <= 1000);
      assert.equal(openLate, 0, 'every slow connection was closed by the header timeout');
      assert.ok(peak - rss.baseline < RSS_GROWTH_BOUND);
    } finally {
      for (const s of sockets) s.destroy();
      await lanes.stop();
    }
  });

  // How many readers fall `LANES_SSE_CLIENT_QUEUE` behind depends on the kernel's socket buffers, so the
  // number dropped is printed, not asserted; the cap and the memory bound are asserted.
  it('live clients that never read: capped, ingest and memory unaffected', async () => {
    const lanes = await startLanesChild({
      LANES_DATA_DIR: await freshSqliteDir(),
      LANES_SSE_MAX_CLIENTS: '100',
      LANES_SSE_CLIENT_QUEUE: '50',
    });
    const sockets: net.Socket[] = [];
    try {
      const rss = watchRss(lanes);
      const u = new URL(lanes.url);
      const firstLines: string[] = [];
      for (let i = 0; i < 150; i++) {
        const s = net.connect(Number(u.port), u.hostname);
        s.on('error', () => undefined);
        s.once('data', (b: Buffer) => {
          firstLines.push(b.toString('latin1').split('\r\n')[0] ?? '');
          s.pause(); // never read again
        });
        s.on('connect', () => s.write(`GET /api/v1/events HTTP/1.1\r\nHost: ${u.host}\r\n\r\n`));
        sockets.push(s);
      }
      await sleep(1500);
      const times: number[] = [];
      const runs = Array.from({ length: 600 }, (_, k) => k);
      await inPool(runs, 8, async (k) => {
        const t = new Date(Date.parse('2026-03-06T00:00:00Z') + k * 1000).toISOString();
        const payload = workflowRunPayload({
          runId: 700_000 + k,
          workflowFile: 'deploy-staging.yml',
          workflowName: 'deploy-staging',
          status: 'completed',
          conclusion: 'success',
          startedAt: t,
          updatedAt: t,
        });
        payload.padding = 'p'.repeat(4096); // bigger change events fill the readers' buffers sooner
        const t0 = performance.now();
        const r = await sendDelivery(lanes.url, 'workflow_run', payload);
        times.push(performance.now() - t0);
        assert.equal(r.status, 202);
      });
      await sleep(2000);
      const metrics = await (await fetch(`${lanes.url}/metrics`)).text();
      const dropped = /lanes_sse_dropped_slow_clients_total (\d+)/.exec(metrics)?.[1];
      const clients = /lanes_sse_clients (\d+)/.exec(metrics)?.[1];
      const after = await healthzMs(lanes.url);
      const peak = rss.stop();
      times.sort((a, b) => a - b);
      report(
        'non-reading SSE clients',
        rss.baseline,
        peak,
        `first lines ${tally(firstLines)}; ${clients} still streaming, ${dropped} dropped; 600 deliveries p50 ${times[300]?.toFixed(0)} ms, max ${times[599]?.toFixed(0)} ms; /healthz ${after.toFixed(0)} ms`,
      );
      assert.equal(firstLines.filter((l) => l.includes(' 200 ')).length, 100, 'the cap admits 100');
      assert.equal(firstLines.filter((l) => l.includes(' 503 ')).length, 50, 'the rest are refused');
      assert.ok(Number(clients) <= 100);
      assert.ok(peak - rss.baseline < RSS_GROWTH_BOUND);
    } finally {
      for (const s of sockets) s.destroy();
      await lanes.stop();
    }
  });

  it('huge API bodies (300 MB, declared and chunked) are refused with 413 without being read', async () => {
    const lanes = await startLanesChild({ LANES_DATA_DIR: await freshSqliteDir() });
    try {
      const rss = watchRss(lanes);
      const attack = Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          pushBody(lanes.url, '/api/v1/evidence', 300 * MB, {}, i % 2 === 0),
        ),
      );
      await sleep(200);
      const during = await healthzMs(lanes.url);
      const statuses = await attack;
      const peak = rss.stop();
      report(
        'huge API bodies',
        rss.baseline,
        peak,
        `/healthz ${during.toFixed(0)} ms during; statuses ${tally(statuses)}`,
      );
      assert.ok(
        statuses.every((s) => s === 413),
        tally(statuses),
      );
      assert.ok(peak - rss.baseline < RSS_GROWTH_BOUND);
    } finally {
      await lanes.stop();
    }
  });

  it('SQLite locked by another process: deliveries fail fast with 503, then succeed once it is released', async () => {
    const dir = await freshSqliteDir();
    const lanes = await startLanesChild({ LANES_DATA_DIR: dir, LANES_SQLITE_BUSY_TIMEOUT_MS: '500' });
    const locker = new Database(path.join(dir, 'lanes.db'));
    try {
      locker.pragma('busy_timeout = 5000');
      locker.exec('BEGIN EXCLUSIVE');
      const times: number[] = [];
      const statuses: number[] = [];
      await inPool(
        Array.from({ length: 50 }, (_, i) => i),
        25,
        async (i) => {
          const t0 = performance.now();
          const r = await sendDelivery(lanes.url, 'ping', { zen: `locked ${i}` });
          times.push(performance.now() - t0);
          statuses.push(r.status);
        },
      );
      const during = await healthzMs(lanes.url);
      const ready = await fetch(`${lanes.url}/readyz`);
      locker.exec('ROLLBACK');
      await sleep(1200); // past the writer's fail-fast window
      const recovered = await sendDelivery(lanes.url, 'ping', { zen: 'unlocked' });
      const max = Math.max(...times);
      console.log(
        `locked SQLite: statuses ${tally(statuses)}, slowest answer ${max.toFixed(0)} ms; /readyz ${ready.status}; /healthz ${during.toFixed(0)} ms; after release ${recovered.status}`,
      );
      assert.ok(
        statuses.every((s) => s === 503),
        tally(statuses),
      );
      assert.equal(ready.status, 503);
      assert.equal(recovered.status, 202);
      assert.ok(max < 10_000, `no request waited behind an unbounded queue (max ${max.toFixed(0)} ms)`);
    } finally {
      locker.close();
      await lanes.stop();
    }
  });

  it('disk full (a file-size limit): /readyz false and webhooks 503 while the process stays up', async () => {
    const dir = await freshSqliteDir();
    const lanes = await startLanesChild({ LANES_DATA_DIR: dir }, [], { fileSizeLimitKb: 3 * 1024 });
    try {
      assert.equal((await fetch(`${lanes.url}/readyz`)).status, 200);
      // Fill with big deliveries until one is refused, then with small ones until those are refused too:
      // the disk is then full for any write of a few pages.
      const statuses: number[] = [];
      for (const size of [256 * 1024, 8 * 1024]) {
        for (let i = 0; i < 400; i++) {
          const r = await sendDelivery(lanes.url, 'ping', {
            zen: `fill ${size} ${i}`,
            pad: 'z'.repeat(size),
          });
          statuses.push(r.status);
          if (r.status === 503) break;
        }
        await sleep(1100); // past the writer's fail-fast window
      }
      const ready = await fetch(`${lanes.url}/readyz`);
      const readyBody = await ready.text();
      const after = await healthzMs(lanes.url);
      console.log(
        `disk full: statuses ${tally(statuses)}; /readyz ${ready.status} ${readyBody}; /healthz ${after.toFixed(0)} ms`,
      );
      assert.ok(statuses.includes(503), 'a delivery that cannot be stored is refused with 503');
      assert.equal(ready.status, 503);
      assert.doesNotMatch(readyBody, /SQLITE_|EFBIG|lanes\.db/);
      assert.ok(lanes.alive());
    } finally {
      await lanes.stop();
    }
  });
});
