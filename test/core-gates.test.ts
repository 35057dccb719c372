import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GateView } from '../src/contract/views.ts';
import type { Catalog } from '../src/core/catalog-model.ts';
import { canApprove, evaluateGate, evaluateGates } from '../src/core/gates.ts';
import { evaluateRelease } from '../src/core/promotion.ts';
import {
  REFERENCE_GATE_STATES,
  REFERENCE_NOW,
  evidenceFor,
  exampleCatalog,
  failedRun,
  greenRun,
  newRelease,
  referenceRelease,
} from './helpers/reference-release.ts';

const c = exampleCatalog();
const gate = (cat: Catalog, id: string) => {
  const g = cat.gates.find((x) => x.id === id);
  assert.ok(g, `gate ${id}`);
  return g;
};

void test('the reference release reproduces the screen: RG-01..08 passed, RG-09/10 pending, RG-11 blocked, RG-12/13 pending', () => {
  const gates = evaluateGates(c, referenceRelease(), REFERENCE_NOW);
  assert.deepEqual(Object.fromEntries(gates.map((g) => [g.id, g.state])), REFERENCE_GATE_STATES);
  const byId = new Map(gates.map((g) => [g.id, g]));
  // Why they are what they are.
  assert.equal(
    byId.get('RG-09')?.criteria.find((x) => x.kind === 'approval')?.detail,
    '0/1 approval from SEAT-COMPUTE',
  );
  assert.deepEqual(
    byId
      .get('RG-11')
      ?.criteria.filter((x) => x.state === 'failed')
      .map((x) => x.name),
    ['PL-09'],
  );
  assert.equal(
    byId.get('RG-08')?.criteria.find((x) => x.name === 'PL-07')?.detail,
    'not applicable (no migrations in release)',
  );
  assert.deepEqual(
    byId.get('RG-07')?.approvals.map((a) => a.by),
    ['ivan'],
  );
  // The evaluation is a GateView (the REST shape) as is.
  const views: GateView[] = gates;
  assert.equal(views.length, 13);
  // One open alert on the screen: the PL-09 failure (RG-11 blocked is the same incident).
  const ev = evaluateRelease(c, referenceRelease(), REFERENCE_NOW);
  const raises = ev.alerts.filter((a) => a.action === 'raise');
  assert.deepEqual(
    raises.map((a) => a.key),
    ['lane_failed:rel-v1.5.0:PL-09'],
  );
});

void test('a non-member of the owner seat cannot approve; a member can', () => {
  const r = newRelease();
  const res = canApprove(c, 'RG-09', 'giulia', r);
  assert.equal(res.ok, false);
  assert.equal(!res.ok && res.code, 'not_seat_member');
  assert.deepEqual(canApprove(c, 'RG-09', 'jonas', r), { ok: true });
  // An approval recorded anyway by a non-member does not count.
  const withBad = newRelease({
    evidence: evidenceFor(['freeze window']),
    approvals: [{ gate: 'RG-09', by: 'giulia', at: '2026-03-10T09:00:00.000Z', comment: null }],
  });
  const g = evaluateGate(c, gate(c, 'RG-09'), withBad, '2026-03-10T09:01:00.000Z');
  assert.equal(g.state, 'pending');
  assert.deepEqual(g.ignoredApprovals, [
    { by: 'giulia', at: '2026-03-10T09:00:00.000Z', code: 'not_seat_member' },
  ]);
  const good = {
    ...withBad,
    approvals: [
      ...withBad.approvals,
      { gate: 'RG-09', by: 'jonas', at: '2026-03-10T09:02:00.000Z', comment: 'ok' },
    ],
  };
  assert.equal(evaluateGate(c, gate(c, 'RG-09'), good, '2026-03-10T09:03:00.000Z').state, 'passed');
});

void test('self-approval is refused by default (creator and whoever triggered), allowed when the gate says so', () => {
  const r = newRelease({
    createdBy: 'hana',
    laneRuns: { 'PL-06': greenRun('2026-03-10T08:10:00.000Z', '2026-03-10T08:15:00.000Z', 'ivan') },
  });
  const byCreator = canApprove(c, 'RG-07', 'hana', r);
  assert.equal(!byCreator.ok && byCreator.code, 'self_approval');
  // RG-06 has no approvals; RG-07 does not cover PL-06, so ivan (who triggered PL-06) may approve RG-07.
  assert.deepEqual(canApprove(c, 'RG-07', 'ivan', r), { ok: true });
  const ev = evaluateGate(
    c,
    gate(c, 'RG-07'),
    {
      ...r,
      evidence: evidenceFor(['change summary', 'rollback target exists']),
      approvals: [{ gate: 'RG-07', by: 'hana', at: '2026-03-10T08:20:00.000Z', comment: null }],
    },
    '2026-03-10T08:21:00.000Z',
  );
  assert.equal(ev.state, 'pending');
  assert.equal(ev.ignoredApprovals[0]?.code, 'self_approval');

  // The triggering person of a lane the gate covers counts as "self" too (RG-13 covers PL-10).
  const r2 = newRelease({
    createdBy: 'alice',
    laneRuns: { 'PL-10': greenRun('2026-03-10T09:00:00.000Z', '2026-03-10T09:05:00.000Z', 'ivan') },
  });
  const t = canApprove(c, 'RG-13', 'ivan', r2);
  assert.equal(!t.ok && t.code, 'self_approval');

  const permissive: Catalog = {
    ...c,
    gates: c.gates.map((g) => (g.id === 'RG-07' ? { ...g, self_approval: true } : g)),
  };
  assert.deepEqual(canApprove(permissive, 'RG-07', 'hana', r), { ok: true });
});

void test('other refusals: already approved, gate without approvals, unknown gate', () => {
  const r = newRelease({
    approvals: [{ gate: 'RG-10', by: 'giulia', at: '2026-03-10T08:00:00.000Z', comment: null }],
  });
  const a = canApprove(c, 'RG-10', 'giulia', r);
  assert.equal(!a.ok && a.code, 'already_approved');
  const b = canApprove(c, 'RG-01', 'alice', r);
  assert.equal(!b.ok && b.code, 'no_approval_required');
  const u = canApprove(c, 'RG-99', 'alice', r);
  assert.equal(!u.ok && u.code, 'unknown_gate');
});

void test('PL-07 (when: migrations) is required by RG-08 only when the release includes migrations', () => {
  const approvals = [{ gate: 'RG-08', by: 'dmitri', at: '2026-03-10T09:00:00.000Z', comment: null }];
  const now = '2026-03-10T10:00:00.000Z';
  const without = newRelease({ includesMigrations: false, approvals });
  assert.equal(evaluateGate(c, gate(c, 'RG-08'), without, now).state, 'passed');

  const withMig = newRelease({ includesMigrations: true, approvals });
  const pending = evaluateGate(c, gate(c, 'RG-08'), withMig, now);
  assert.equal(pending.state, 'pending');
  assert.deepEqual(pending.criteria[0], {
    kind: 'lane',
    name: 'PL-07',
    state: 'missing',
    detail: 'no run yet',
  });

  const failed = {
    ...withMig,
    laneRuns: { 'PL-07': failedRun('2026-03-10T09:10:00.000Z', '2026-03-10T09:20:00.000Z') },
  };
  assert.equal(evaluateGate(c, gate(c, 'RG-08'), failed, now).state, 'blocked');
  const green = {
    ...withMig,
    laneRuns: { 'PL-07': greenRun('2026-03-10T09:10:00.000Z', '2026-03-10T09:20:00.000Z') },
  };
  assert.equal(evaluateGate(c, gate(c, 'RG-08'), green, now).state, 'passed');
});

void test('a skipped lane passes only for a gate marked optional_when_lanes_skipped', () => {
  const now = '2026-03-10T10:00:00.000Z';
  const r = newRelease({ skippedLanes: ['PL-02', 'PL-04'] });
  const rg03 = evaluateGate(c, gate(c, 'RG-03'), r, now);
  assert.equal(rg03.state, 'passed');
  assert.equal(rg03.criteria[0]?.detail, 'skipped (optional when skipped)');
  assert.equal(evaluateGate(c, gate(c, 'RG-04'), r, now).state, 'blocked');
  // Not skipped and not run: pending.
  assert.equal(evaluateGate(c, gate(c, 'RG-03'), newRelease(), now).state, 'pending');
});

void test('check criteria follow the evidence: missing and pending wait, failed blocks', () => {
  const g = gate(c, 'RG-02');
  const now = '2026-03-10T10:00:00.000Z';
  assert.equal(evaluateGate(c, g, newRelease(), now).state, 'pending');
  assert.equal(
    evaluateGate(c, g, newRelease({ evidence: { 'schema drift': 'passed', 'secret scan': 'pending' } }), now)
      .state,
    'pending',
  );
  assert.equal(
    evaluateGate(c, g, newRelease({ evidence: { 'schema drift': 'passed', 'secret scan': 'failed' } }), now)
      .state,
    'blocked',
  );
  assert.equal(
    evaluateGate(c, g, newRelease({ evidence: { 'schema drift': 'passed', 'secret scan': 'passed' } }), now)
      .state,
    'passed',
  );
});

void test('Post-Prod windows: RG-11 holds 15m after PL-08 and PL-09 are green, and passes only if they stayed green', () => {
  const g = gate(c, 'RG-11');
  const base = newRelease({
    laneRuns: {
      'PL-08': greenRun('2026-03-10T10:00:00.000Z', '2026-03-10T10:05:00.000Z'),
      'PL-09': greenRun('2026-03-10T10:21:00.000Z', '2026-03-10T10:30:00.000Z'),
    },
  });
  const during = evaluateGate(c, g, base, '2026-03-10T10:44:59.000Z');
  assert.equal(during.state, 'pending');
  assert.equal(during.waitsUntil, '2026-03-10T10:45:00.000Z');
  const after = evaluateGate(c, g, base, '2026-03-10T10:45:00.000Z');
  assert.equal(after.state, 'passed');
  assert.equal(after.waitsUntil, null);

  // PL-09 fails inside the window: blocked.
  const broken = {
    ...base,
    laneRuns: {
      ...base.laneRuns,
      'PL-09': failedRun(
        '2026-03-10T10:35:00.000Z',
        '2026-03-10T10:40:00.000Z',
        null,
        undefined,
        '2026-03-10T10:30:00.000Z',
      ),
    },
  };
  assert.equal(evaluateGate(c, g, broken, '2026-03-10T10:50:00.000Z').state, 'blocked');
  // A new green run restarts the window from its completion.
  const again = {
    ...base,
    laneRuns: { ...base.laneRuns, 'PL-09': greenRun('2026-03-10T10:50:00.000Z', '2026-03-10T10:55:00.000Z') },
  };
  const restarted = evaluateGate(c, g, again, '2026-03-10T11:00:00.000Z');
  assert.equal(restarted.state, 'pending');
  assert.equal(restarted.waitsUntil, '2026-03-10T11:10:00.000Z');

  // RG-13: 24h window on PL-10 plus an approval from SEAT-RELEASE.
  const rg13 = gate(c, 'RG-13');
  const r13 = newRelease({
    laneRuns: { 'PL-10': greenRun('2026-03-10T10:31:00.000Z', '2026-03-10T10:40:00.000Z') },
  });
  assert.equal(evaluateGate(c, rg13, r13, '2026-03-11T10:40:00.000Z').state, 'pending'); // window over, approval missing
  const approved = {
    ...r13,
    approvals: [{ gate: 'RG-13', by: 'ivan', at: '2026-03-11T09:00:00.000Z', comment: 'quiet day' }],
  };
  const early = evaluateGate(c, rg13, approved, '2026-03-11T10:39:59.000Z');
  assert.equal(early.state, 'pending');
  assert.equal(early.waitsUntil, '2026-03-11T10:40:00.000Z');
  assert.equal(evaluateGate(c, rg13, approved, '2026-03-11T10:40:00.000Z').state, 'passed');
});
