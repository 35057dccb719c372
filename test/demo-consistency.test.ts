// The demo tells the truth: loaded the way `lanes up --demo` loads it (deliveries through the signed webhook,
// people's actions through the API, on one timeline), its history obeys the enforcement Lanes applies to a
// real one, its audit is one plausible timeline on one clock, and it still reproduces the reference screen.
// Also: the demo keeps its data apart from a real installation, and tokens expire in real time.
// LANES_DEMO_HISTORY / LANES_DEMO_ACTIONS point the suite at another history (to see it fail on a bad one).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_DATA_DIR, loadConfig } from '../src/config.ts';
import { DEMO_ACTIONS, DEMO_HISTORY, demoClock, loadDemo, readDemoActions } from '../src/cli/demo-loader.ts';
import { issueToken } from '../src/http/auth.ts';
import { gatesBlocking } from '../src/core/gates.ts';
import { runMatchesBinding } from '../src/core/lane-status.ts';
import type { RunRecord } from '../src/core/run-model.ts';
import type { Overview } from '../src/contract/views.ts';
import type { LanesProcess } from '../src/server.ts';
import type { ApprovalRecord, ReleaseRecord, StoredAuditEvent } from '../src/store/store.ts';
import { SECRET, startTestLanes } from './helpers/lanes-harness.ts';
import { SCREEN_GATES, SCREEN_LANES, screenTime } from './helpers/reference-screen.ts';

const HISTORY = process.env.LANES_DEMO_HISTORY ?? DEMO_HISTORY;
const ACTIONS = process.env.LANES_DEMO_ACTIONS ?? DEMO_ACTIONS;
const FAILED = new Set(['failure', 'cancelled', 'timed_out', 'startup_failure']);
/** How long GitHub may plausibly take to deliver a change (the audit records it on arrival). */
const DELIVERY_LATENCY_MS = 5 * 60_000;

describe('the demo history is consistent with enforcement', () => {
  let lanes: LanesProcess;
  let audit: StoredAuditEvent[]; // oldest first
  let releases: ReleaseRecord[];
  let runs: RunRecord[];
  let approvals: ApprovalRecord[];
  const now = Date.parse(readDemoActions(ACTIONS).now);

  before(async () => {
    const clock = demoClock(readDemoActions(ACTIONS).now);
    lanes = await startTestLanes('sqlite', { openReads: true }, { clock });
    const res = await loadDemo(lanes, SECRET, { clock, history: HISTORY, actions: ACTIONS });
    assert.equal(res.replay.failed.length, 0, JSON.stringify(res.replay.failed.slice(0, 3)));
    audit = (await lanes.store.listAudit({ limit: 1_000_000 })).reverse();
    releases = await lanes.store.listReleases({ limit: 100 });
    runs = await lanes.store.listRuns({ limit: 100_000 });
    approvals = await lanes.store.listApprovals({});
  });

  after(async () => {
    await lanes?.close();
  });

  it('still reproduces the reference screen: lanes, gates and one open alert', async () => {
    const overview = (await (await fetch(`${lanes.url}/api/v1/overview`)).json()) as Overview;
    for (const lane of overview.lanes) {
      assert.equal(lane.status, SCREEN_LANES[lane.id]?.status, lane.id);
      assert.equal(screenTime(lane.lastRunAt), SCREEN_LANES[lane.id]?.lastRun, lane.id);
    }
    assert.deepEqual(
      Object.fromEntries(overview.gates.map((g) => [g.id, g.state])),
      Object.fromEntries(Object.entries(SCREEN_GATES).map(([id, g]) => [id, g.state])),
    );
    assert.equal(overview.alerts.open, 1);
  });

  it('the audit is one timeline on one clock: in order, in the past, each delivery recorded when it happened', async () => {
    assert.ok(audit.length > 100, `audit has ${audit.length} events`);
    for (let i = 1; i < audit.length; i++) {
      const [a, b] = [audit[i - 1], audit[i]];
      assert.ok(a && b);
      assert.ok(
        Date.parse(b.at) >= Date.parse(a.at),
        `audit out of order: #${b.id} ${b.action} at ${b.at} after #${a.id} ${a.action} at ${a.at}`,
      );
    }
    for (const e of audit) assert.ok(Date.parse(e.at) <= now + 60_000, `${e.action} at ${e.at} is after now`);
    // A run is recorded when GitHub reports it: not before it started, and not days later.
    const firstSeen = new Map<string, number>();
    for (const e of audit) {
      if (e.action === 'run.updated' && !firstSeen.has(e.objectId))
        firstSeen.set(e.objectId, Date.parse(e.at));
    }
    for (const run of runs) {
      const seen = firstSeen.get(String(run.runId));
      assert.ok(seen !== undefined, `run ${run.runId} audited`);
      const lag = seen - Date.parse(run.runStartedAt);
      assert.ok(
        lag >= 0 && lag <= DELIVERY_LATENCY_MS,
        `run ${run.runId} (${run.workflowId}) started ${run.runStartedAt} but was first recorded at ${new Date(seen).toISOString()}`,
      );
    }
  });

  it('a release is opened before its candidate runs (no lane from the first manual one on ran before it)', () => {
    const c = lanes.catalog;
    const flow = c.promotion?.flow ?? [];
    const firstManual = flow.findIndex((id) => c.lanes.find((l) => l.id === id)?.trigger.on === 'manual');
    const releaseLanes = c.lanes.filter((l) => flow.indexOf(l.id) >= firstManual && firstManual >= 0);
    assert.ok(releaseLanes.length > 0);
    assert.ok(releases.length >= 2, 'the demo has releases');
    for (const r of releases) {
      for (const lane of releaseLanes) {
        for (const run of runsOf(lane.id, r)) {
          assert.ok(
            Date.parse(run.runStartedAt) >= Date.parse(r.createdAt),
            `${lane.id} ran for ${r.version} at ${run.runStartedAt}, before the release was opened (${r.createdAt})`,
          );
        }
      }
    }
  });

  it('every lane run of each release is preceded by its blocking gates passing (approvals before the start)', () => {
    let checked = 0;
    for (const r of releases) {
      for (const lane of lanes.catalog.lanes) {
        const blocking = gatesBlocking(lanes.catalog, lane.id);
        if (blocking.length === 0) continue;
        for (const run of runsOf(lane.id, r)) {
          const start = Date.parse(run.runStartedAt);
          const pending = blocking.filter((g) => !gatePassedAt(r, g.id, start)).map((g) => g.id);
          const late = approvals.filter(
            (a) =>
              a.releaseId === r.id && blocking.some((g) => g.id === a.gateId) && Date.parse(a.at) > start,
          );
          const deployed =
            run.environment !== null || run.conclusion === 'success' || run.status !== 'completed';
          if (pending.length === 0 && late.length === 0) {
            checked++;
            continue;
          }
          // A run someone started by hand while a gate waited may run its checks, but it must never
          // have reached its protected environment or succeeded: that is what the gate guards.
          assert.ok(
            !deployed,
            `${lane.id} run ${run.runId} for ${r.version} started ${run.runStartedAt} while ${[...pending, ...late.map((a) => `${a.gateId} (approved ${a.at})`)].join(', ')} had not passed, and it ${run.environment ? `deployed to ${run.environment}` : `ended ${run.status}/${run.conclusion}`}`,
          );
          assert.ok(FAILED.has(run.conclusion ?? ''), `${lane.id} run ${run.runId} stopped short`);
        }
      }
    }
    assert.ok(checked >= 2, `${checked} gated runs checked`);
  });

  it('Lanes dispatched a gated lane only once its gates had passed', () => {
    const dispatches = audit.filter((e) => e.action === 'effect.github.dispatch');
    assert.ok(dispatches.length > 0);
    for (const e of dispatches) {
      const payload = (e.data as { payload?: { laneId?: string; releaseId?: string } }).payload;
      const r = releases.find((x) => x.id === payload?.releaseId);
      assert.ok(r && payload?.laneId, JSON.stringify(e.data));
      for (const g of gatesBlocking(lanes.catalog, payload.laneId)) {
        assert.ok(
          gatePassedAt(r, g.id, Date.parse(e.at)),
          `${payload.laneId} dispatched at ${e.at} while ${g.id} had not passed`,
        );
      }
    }
  });

  it('approvals are given on an open release, before the demo’s present', () => {
    assert.ok(approvals.length > 0);
    for (const a of approvals) {
      const r = releases.find((x) => x.id === a.releaseId);
      assert.ok(r, a.releaseId);
      assert.ok(
        Date.parse(a.at) >= Date.parse(r.createdAt),
        `${a.gateId} approved before ${r.version} existed`,
      );
      assert.ok(Date.parse(a.at) <= now, `${a.gateId} approved at ${a.at}, after the demo's present`);
    }
  });

  it('no release.failed without a failing run of that release before it', () => {
    for (const e of audit.filter((x) => x.action === 'release.failed')) {
      const r = releases.find((x) => x.id === e.objectId);
      assert.ok(r, e.objectId);
      const failing = runs.filter(
        (run) =>
          run.headSha === r.sha &&
          run.status === 'completed' &&
          FAILED.has(run.conclusion ?? '') &&
          Date.parse(run.updatedAt) <= Date.parse(e.at),
      );
      assert.ok(failing.length > 0, `${r.version} failed at ${e.at} (${e.reason}) with no failing run`);
      assert.ok(
        failing.some((run) => Date.parse(run.updatedAt) >= Date.parse(r.createdAt)),
        `${r.version} was opened (${r.createdAt}) after its failure had happened; the audit says ${e.reason}`,
      );
    }
  });

  it('the history’s effects count as performed when they were decided, not at the demo’s present', async () => {
    const effects = await lanes.store.listOutbox({ limit: 100_000 });
    assert.ok(effects.length > 0);
    for (const e of effects) {
      assert.equal(e.status, 'done', `${e.key} is ${e.status}`);
      assert.equal(e.doneAt, e.createdAt, `${e.key} decided at ${e.createdAt}, sent at ${e.doneAt}`);
    }
  });

  /** Runs of a lane on a release's commit. */
  function runsOf(laneId: string, r: ReleaseRecord): RunRecord[] {
    const lane = lanes.catalog.lanes.find((l) => l.id === laneId);
    if (!lane) return [];
    return runs.filter((run) => run.headSha === r.sha && lane.run_by.some((b) => runMatchesBinding(run, b)));
  }

  /** Whether the engine had decided `gate` passed for `r` at `t` (its newest decision by then, in the audit). */
  function gatePassedAt(r: ReleaseRecord, gate: string, t: number): boolean {
    const decisions = audit.filter(
      (e) =>
        e.objectType === 'gate' &&
        e.objectId === `${r.id}/${gate}` &&
        e.action.startsWith('gate.') &&
        ['gate.passed', 'gate.pending', 'gate.blocked'].includes(e.action) &&
        Date.parse(e.at) <= t,
    );
    return decisions.at(-1)?.action === 'gate.passed';
  }
});

describe('the demo keeps to itself', () => {
  it('uses its own data directory, never a real installation’s store', () => {
    const real = { LANES_DATA_DIR: '/srv/lanes', DATABASE_URL: 'postgres://lanes@db/lanes' };
    const cases: [string, Parameters<typeof loadConfig>[0], NodeJS.ProcessEnv, string, string | undefined][] =
      [
        ['demo, nothing set', { demo: true }, {}, DEMO_DATA_DIR, undefined],
        ['demo beside a real installation', { demo: true }, real, DEMO_DATA_DIR, undefined],
        ['demo, --data given', { demo: true, data: '/tmp/my-demo' }, real, '/tmp/my-demo', undefined],
        ['real, nothing set', {}, { LANES_WEBHOOK_SECRET: 'a-real-secret' }, '.lanes-data', undefined],
        [
          'real, configured',
          {},
          { ...real, LANES_WEBHOOK_SECRET: 'a-real-secret' },
          '/srv/lanes',
          real.DATABASE_URL,
        ],
      ];
    for (const [name, flags, env, dataDir, databaseUrl] of cases) {
      const r = loadConfig(flags, env);
      assert.ok(r.ok, name);
      assert.equal(r.config.dataDir, dataDir, name);
      assert.equal(r.config.databaseUrl, databaseUrl, name);
    }
    assert.notEqual(DEMO_DATA_DIR, '.lanes-data');
  });

  it('checks token expiry against real time, not the demo clock', async () => {
    const clock = demoClock();
    const lanes = await startTestLanes('sqlite', { openReads: true }, { clock });
    try {
      // Expired yesterday in the real world; on the demo clock (March 2026) it would still be valid.
      const expired = await issueToken(lanes.store, {
        personId: 'ivan',
        name: 'old',
        scope: 'operate',
        now: new Date(Date.now() - 2 * 86_400_000),
        ttlDays: 1,
      });
      const res = await fetch(`${lanes.url}/api/v1/overview`, {
        headers: { authorization: `Bearer ${expired.token}` },
      });
      assert.equal(res.status, 401);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'token_expired');
      const fresh = await issueToken(lanes.store, {
        personId: 'ivan',
        name: 'new',
        scope: 'operate',
        now: new Date(),
        ttlDays: 1,
      });
      const ok = await fetch(`${lanes.url}/api/v1/overview`, {
        headers: { authorization: `Bearer ${fresh.token}` },
      });
      assert.equal(ok.status, 200);
    } finally {
      await lanes.close();
    }
  });
});
