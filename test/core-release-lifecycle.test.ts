import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  RELEASE_EVENTS,
  RELEASE_STATES,
  fromStoredState,
  nextReleaseState,
  passedPostDeployChecks,
  reachedProductionAt,
  rollbackTarget,
  toStoredState,
  type ReleaseHistoryEntry,
} from '../src/core/release-lifecycle.ts';
import {
  candidateOpeningLane,
  candidateRequiredLanes,
  checkCandidateCommit,
} from '../src/core/release-candidate.ts';
import { evaluateGates } from '../src/core/gates.ts';
import { smallCatalog, smallRelease } from './helpers/small-catalog.ts';

// Written out by hand, independently of RELEASE_TRANSITIONS: every allowed move, nothing else.
const ALLOWED = `
created promotion_started promoting
created lane_failed failed
created flow_completed deployed
created superseded superseded
promoting promotion_started promoting
promoting lane_failed failed
promoting flow_completed deployed
promoting rollback_started rolling_back
promoting superseded superseded
deployed lane_failed failed
deployed rollback_started rolling_back
deployed superseded superseded
failed lane_failed failed
failed lane_recovered promoting
failed flow_completed deployed
failed rollback_started rolling_back
failed superseded superseded
rolling_back rollback_started rolling_back
rolling_back rollback_failed rolling_back
rolling_back rollback_succeeded rolled_back
`
  .trim()
  .split('\n')
  .map((l) => l.split(' '));

void test('every state × event: the allowed moves land where the table says, all others are refused', () => {
  let refused = 0;
  for (const s of RELEASE_STATES) {
    for (const e of RELEASE_EVENTS) {
      const row = ALLOWED.find(([from, ev]) => from === s && ev === e);
      const t = nextReleaseState(s, { type: e });
      if (row) {
        assert.deepEqual(t.ok && { from: t.from, to: t.to }, { from: s, to: row[2] }, `${s} + ${e}`);
      } else {
        refused++;
        assert.equal(t.ok, false, `${s} + ${e} must be refused`);
        if (!t.ok) {
          const terminal = s === 'rolled_back' || s === 'superseded';
          assert.equal(t.code, terminal ? 'release_not_active' : 'conflict', `${s} + ${e}`);
          assert.match(t.message, new RegExp(e));
        }
      }
    }
  }
  assert.equal(refused, RELEASE_STATES.length * RELEASE_EVENTS.length - ALLOWED.length);
});

void test('a failed release recovers: a later green run moves it back to promoting, then deployed', () => {
  const steps = ['promotion_started', 'lane_failed', 'lane_recovered', 'flow_completed'] as const;
  let s: (typeof RELEASE_STATES)[number] = 'created';
  const seen: string[] = [];
  for (const e of steps) {
    const t = nextReleaseState(s, { type: e });
    assert.ok(t.ok, e);
    s = t.to;
    seen.push(s);
  }
  assert.deepEqual(seen, ['promoting', 'failed', 'promoting', 'deployed']);
});

void test('stored state words map onto the lifecycle and back', () => {
  const table: [string, string | undefined, string | undefined][] = [
    ['candidate', 'created', 'candidate'],
    ['promoting', 'promoting', 'promoting'],
    ['deployed', 'deployed', 'deployed'],
    ['released', 'deployed', 'deployed'],
    ['failed', 'failed', 'failed'],
    ['rolled_back', 'rolled_back', 'rolled_back'],
    ['superseded', 'superseded', 'superseded'],
    ['shipped', undefined, undefined],
  ];
  for (const [stored, state, back] of table) {
    const s = fromStoredState(stored);
    assert.equal(s, state, stored);
    assert.equal(s && toStoredState(s), back, stored);
  }
});

const h = (
  id: string,
  created: string,
  prod: string | null,
  verified: string | null,
): ReleaseHistoryEntry => ({
  id,
  createdAt: created,
  reachedProductionAt: prod,
  verifiedAt: verified,
});

void test('rollbackTarget: the last release proven in production, whatever happened after', () => {
  const r1 = h('r1', '2026-05-01T08:00:00Z', '2026-05-01T09:00:00Z', '2026-05-01T10:00:00Z');
  const r2 = h('r2', '2026-05-02T08:00:00Z', '2026-05-02T09:00:00Z', '2026-05-02T10:00:00Z'); // later rolled back
  const r3 = h('r3', '2026-05-03T08:00:00Z', '2026-05-03T09:00:00Z', null); // post-deploy checks failed
  const r4 = h('r4', '2026-05-04T08:00:00Z', null, null); // never reached production
  const cases: [string, ReleaseHistoryEntry[], string | undefined, string | null][] = [
    ['none at all', [], undefined, null],
    ['only unproven ones', [r3, r4], undefined, null],
    ['newest proven, even if it was rolled back later', [r1, r2, r3, r4], 'r4', 'r2'],
    ['never the release being rolled back', [r1, r2, r3], 'r2', 'r1'],
    ['order of the input does not matter', [r3, r2, r4, r1], 'r3', 'r2'],
  ];
  for (const [name, list, exclude, want] of cases)
    assert.equal(rollbackTarget(list, exclude)?.id ?? null, want, name);
});

void test('reachedProductionAt and post-deploy checks come from production lanes and after-production phases', () => {
  const c = smallCatalog();
  const green = (at: string) => ({
    status: 'green' as const,
    runId: 1,
    startedAt: at,
    completedAt: at,
    greenAt: at,
  });
  const none = smallRelease();
  assert.equal(reachedProductionAt(c, none), null);
  const live = smallRelease({ laneRuns: { 'PL-LIVE': green('2026-05-04T09:00:00.000Z') } });
  assert.equal(reachedProductionAt(c, live), '2026-05-04T09:00:00.000Z');
  // Failed afterwards: it still reached production (greenAt is kept).
  const failedLater = smallRelease({
    laneRuns: {
      'PL-LIVE': {
        status: 'failed',
        runId: 2,
        startedAt: null,
        completedAt: '2026-05-04T09:10:00.000Z',
        greenAt: '2026-05-04T09:00:00.000Z',
      },
    },
  });
  assert.equal(reachedProductionAt(c, failedLater), '2026-05-04T09:00:00.000Z');
  // RG-WATCH (phase Watch, after production) holds 30m after PL-LIVE.
  assert.equal(passedPostDeployChecks(c, evaluateGates(c, live, '2026-05-04T09:20:00.000Z')), false);
  assert.equal(passedPostDeployChecks(c, evaluateGates(c, live, '2026-05-04T09:31:00.000Z')), true);
});

void test('release candidate: required lanes default to the delivery flow lanes before the opening lane', () => {
  const c = smallCatalog();
  assert.equal(candidateOpeningLane(c)?.id, 'PL-CAND');
  assert.deepEqual(
    candidateRequiredLanes(c).map((l) => l.id),
    ['PL-BUILD', 'PL-QA'],
  );
  const declared = smallCatalog().promotion;
  assert.ok(declared);
  const c2 = { ...c, promotion: { ...declared, candidate_requires: ['PL-QA'] } };
  assert.deepEqual(
    candidateRequiredLanes(c2).map((l) => l.id),
    ['PL-QA'],
  );
  const status = (green: string[]) => (id: string) =>
    green.includes(id) ? ('green' as const) : ('idle' as const);
  assert.deepEqual(checkCandidateCommit(c, 'abc', status(['PL-BUILD', 'PL-QA'])), { ok: true });
  const refused = checkCandidateCommit(c, 'abc', status(['PL-BUILD']));
  assert.equal(refused.ok, false);
  if (!refused.ok) {
    assert.equal(refused.code, 'gate_not_ready');
    assert.deepEqual(refused.details, { lanes: ['PL-QA'] });
  }
});
