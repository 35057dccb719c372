// PostgreSQL stopped under a running Lanes: the webhook endpoint answers 503 (never 2xx without a durable
// write), /readyz turns false, and when PostgreSQL is back Lanes recovers by itself (202 again, deliveries
// processed). Uses a PRIVATE PostgreSQL (initdb + pg_ctl on a free port in a temp dir, as the postgres
// user when run as root) so the shared server of the other tests is never touched.
// Outage: 10 s (long form: 30 s).
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../../src/store/open-store.ts';
import { sendDelivery, waitFor, workflowRunPayload } from '../helpers/lanes-harness.ts';
import { freshSqliteDir } from '../helpers/test-database.ts';
import { LONG, sleep, startLanesChild, type LanesChild } from './reliability-helpers.ts';
import { storedDelivery } from '../helpers/store-rows.ts';

const OUTAGE_MS = LONG ? 30_000 : 10_000;

function pgBinDir(): string {
  const root = '/usr/lib/postgresql';
  const fromEnv = process.env.LANES_PG_BIN;
  if (fromEnv) return fromEnv;
  const versions = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const v = versions.find((x) => fs.existsSync(path.join(root, x, 'bin/pg_ctl')));
  if (!v)
    throw new Error('no PostgreSQL binaries (initdb, pg_ctl) under /usr/lib/postgresql; set LANES_PG_BIN');
  return path.join(root, v, 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** A private PostgreSQL cluster: initdb into a temp dir; start/stop with pg_ctl (as `postgres` when root). */
class PrivatePostgres {
  private readonly asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  readonly root = fs.mkdtempSync(path.join(os.tmpdir(), 'lanes-pg-outage-'));
  readonly data = path.join(this.root, 'data');
  private readonly bin = pgBinDir();
  constructor(readonly port: number) {}

  private run(cmd: string, args: string[]): void {
    const file = path.join(this.bin, cmd);
    if (this.asRoot)
      execFileSync('runuser', ['-u', 'postgres', '--', file, ...args], { stdio: 'pipe', cwd: '/' });
    else execFileSync(file, args, { stdio: 'pipe' });
  }

  init(): void {
    if (this.asRoot) execFileSync('chown', ['postgres:postgres', this.root]);
    this.run('initdb', ['-D', this.data, '-U', 'postgres', '-A', 'trust', '--no-sync']);
  }

  start(): void {
    const opts = `-p ${this.port} -k ${this.root} -c listen_addresses=127.0.0.1 -c fsync=off`;
    this.run('pg_ctl', [
      '-D',
      this.data,
      '-o',
      opts,
      '-l',
      path.join(this.root, 'log'),
      '-w',
      '-t',
      '60',
      'start',
    ]);
  }

  /** Immediate stop: like a crash of the database server (connections dropped, no clean shutdown). */
  stop(): void {
    this.run('pg_ctl', ['-D', this.data, '-m', 'immediate', '-w', 'stop']);
  }

  destroy(): void {
    try {
      this.stop();
    } catch {
      // already stopped
    }
    fs.rmSync(this.root, { recursive: true, force: true });
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }
}

function run(runId: number): Record<string, unknown> {
  const t = new Date(Date.parse('2026-03-07T00:00:00Z') + runId * 1000).toISOString();
  return workflowRunPayload({
    runId,
    workflowFile: 'deploy-staging.yml',
    workflowName: 'deploy-staging',
    status: 'completed',
    conclusion: 'success',
    startedAt: t,
    updatedAt: t,
  });
}

describe('PostgreSQL outage', () => {
  let pg: PrivatePostgres | undefined;
  let lanes: LanesChild | undefined;
  after(async () => {
    await lanes?.stop();
    pg?.destroy();
  });

  it(`answers 503 while PostgreSQL is down (${OUTAGE_MS / 1000} s), /readyz false, then recovers by itself`, async () => {
    pg = new PrivatePostgres(await freePort());
    pg.init();
    pg.start();
    lanes = await startLanesChild({ DATABASE_URL: pg.url, LANES_DATA_DIR: await freshSqliteDir() });
    const l = lanes;
    const before = await sendDelivery(l.url, 'workflow_run', run(1), { guid: 'outage-before' });
    assert.equal(before.status, 202);
    assert.equal((await fetch(`${l.url}/readyz`)).status, 200);

    pg.stop();
    const t0 = Date.now();
    const during: { guid: string; status: number }[] = [];
    const readyz: number[] = [];
    let k = 0;
    while (Date.now() - t0 < OUTAGE_MS) {
      const r = await sendDelivery(l.url, 'workflow_run', run(100 + k), { guid: `outage-during-${k}` }).catch(
        () => ({ status: -1, guid: `outage-during-${k}` }),
      );
      during.push({ guid: r.guid, status: r.status });
      const rz = await fetch(`${l.url}/readyz`).catch(() => undefined);
      readyz.push(rz?.status ?? -1);
      if (rz) assert.equal(((await rz.json()) as { ready?: boolean }).ready, false, '/readyz says not ready');
      k++;
      await sleep(500);
    }
    console.log(
      `during the outage: ${during.length} deliveries answered ${[...new Set(during.map((d) => d.status))].join('/')}; /readyz ${[...new Set(readyz)].join('/')}`,
    );
    assert.ok(during.length >= 5);
    for (const d of during)
      assert.equal(d.status, 503, `${d.guid} answered ${d.status} while the database was down`);
    for (const s of readyz) assert.equal(s, 503);
    assert.ok(l.alive(), 'Lanes kept running through the outage');

    pg.start();
    const t1 = Date.now();
    await waitFor(async () => (await fetch(`${l.url}/readyz`)).status === 200, '/readyz ready again', 60_000);
    const back = await waitFor(
      async () => {
        const r = await sendDelivery(l.url, 'workflow_run', run(2), { guid: 'outage-after' });
        return r.status === 202 ? r : undefined;
      },
      'a delivery accepted again',
      60_000,
    );
    assert.equal(back.status, 202);
    console.log(`recovered ${Date.now() - t1} ms after PostgreSQL came back`);

    const store = await openStore({ databaseUrl: pg.url, dataDir: os.tmpdir() });
    try {
      await waitFor(
        async () => (await storedDelivery(store, 'outage-after'))?.status === 'processed',
        'delivery after the outage processed',
        60_000,
      );
      assert.equal((await storedDelivery(store, 'outage-before'))?.status, 'processed');
      assert.ok(await store.getRun(2), 'the run after the outage is in the store');
      // Answered 503 = not stored: GitHub's redelivery is the only copy, nothing half-written.
      for (const d of during)
        assert.equal(await storedDelivery(store, d.guid), undefined, `${d.guid} (503) not stored`);
      // GitHub redelivers one of the refused deliveries: accepted and processed.
      const first = during[0];
      if (first) {
        const r = await sendDelivery(l.url, 'workflow_run', run(100), { guid: first.guid });
        assert.equal(r.status, 202);
        await waitFor(
          async () => (await storedDelivery(store, first.guid))?.status === 'processed',
          'redelivery processed',
          60_000,
        );
      }
    } finally {
      await store.close();
    }
  });
});
