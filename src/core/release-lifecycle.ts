// The release lifecycle as data: states, the events that move a release, and the one transition table.
// `nextReleaseState` answers the new state or a refusal (an invalid transition is never applied silently).
// `rollbackTarget` picks the release to roll back to: the last one that reached production and passed its
// post-deploy checks, whatever happened to it afterwards (a later failure or rollback does not disqualify a
// release that was proven good in production).
//
//   created ──promotion_started──▶ promoting ──flow_completed──▶ deployed
//      │                             │   ▲                           │
//      │                        lane_failed │ lane_recovered     lane_failed (post-deploy check)
//      │                             ▼   │                           ▼
//      │                            failed ◀─────────────────────────┘
//   rollback_started from promoting, deployed or failed ──▶ rolling_back ──rollback_succeeded──▶ rolled_back
//   (rollback_failed keeps rolling_back: the rollback may be re-issued)
//   superseded from created, promoting, deployed or failed ──▶ superseded
//
// Stored states today (store ReleaseRecord.state) map one to one, except `candidate` = created and the
// legacy `released` = deployed: see fromStoredState / toStoredState.
import type { Refusal } from '../contract/refusal.ts';
import type { Catalog, Lane } from './catalog-model.ts';
import { laneById, phaseOf } from './catalog-model.ts';
import type { GateEvaluation } from './gates.ts';
import type { ReleaseState } from './release-model.ts';
import { isProductionLane, laneApplies, laneRun } from './release-model.ts';

export const RELEASE_STATES = [
  'created',
  'promoting',
  'deployed',
  'failed',
  'rolling_back',
  'rolled_back',
  'superseded',
] as const;
export type ReleaseLifecycleState = (typeof RELEASE_STATES)[number];

export const RELEASE_EVENTS = [
  'promotion_started',
  'lane_failed',
  'lane_recovered',
  'flow_completed',
  'rollback_started',
  'rollback_succeeded',
  'rollback_failed',
  'superseded',
] as const;
export type ReleaseEventType = (typeof RELEASE_EVENTS)[number];

export interface ReleaseEvent {
  type: ReleaseEventType;
  /** Free text kept with the transition (lane id, newer release id, ...). */
  detail?: string;
}

/** The whole lifecycle. A pair absent from the table is an invalid transition. */
export const RELEASE_TRANSITIONS: Readonly<
  Record<ReleaseLifecycleState, Readonly<Partial<Record<ReleaseEventType, ReleaseLifecycleState>>>>
> = {
  created: {
    promotion_started: 'promoting',
    lane_failed: 'failed',
    flow_completed: 'deployed',
    superseded: 'superseded',
  },
  promoting: {
    promotion_started: 'promoting',
    lane_failed: 'failed',
    flow_completed: 'deployed',
    rollback_started: 'rolling_back',
    superseded: 'superseded',
  },
  deployed: {
    lane_failed: 'failed',
    rollback_started: 'rolling_back',
    superseded: 'superseded',
  },
  failed: {
    lane_failed: 'failed',
    lane_recovered: 'promoting',
    flow_completed: 'deployed',
    rollback_started: 'rolling_back',
    superseded: 'superseded',
  },
  rolling_back: {
    rollback_started: 'rolling_back',
    rollback_failed: 'rolling_back',
    rollback_succeeded: 'rolled_back',
  },
  rolled_back: {},
  superseded: {},
};

export function isTerminal(s: ReleaseLifecycleState): boolean {
  return Object.keys(RELEASE_TRANSITIONS[s]).length === 0;
}

export type Transition =
  | { ok: true; from: ReleaseLifecycleState; to: ReleaseLifecycleState; event: ReleaseEvent }
  | ({ ok: false } & Refusal);

export function nextReleaseState(state: ReleaseLifecycleState, event: ReleaseEvent): Transition {
  const to = RELEASE_TRANSITIONS[state][event.type];
  if (to !== undefined) return { ok: true, from: state, to, event };
  if (isTerminal(state))
    return {
      ok: false,
      code: 'release_not_active',
      message: `a ${state.replace('_', ' ')} release does not change any more (${event.type})`,
      details: { state, event: event.type },
    };
  return {
    ok: false,
    code: 'conflict',
    message: `${event.type} is not possible for a ${state.replace('_', ' ')} release`,
    details: { state, event: event.type },
  };
}

const FROM_STORED: Readonly<Record<string, ReleaseLifecycleState>> = {
  candidate: 'created',
  created: 'created',
  promoting: 'promoting',
  deployed: 'deployed',
  released: 'deployed',
  failed: 'failed',
  rolling_back: 'rolling_back',
  rolled_back: 'rolled_back',
  superseded: 'superseded',
};

/** The lifecycle state of a stored release state word; undefined for a word the engine never wrote. */
export function fromStoredState(stored: string): ReleaseLifecycleState | undefined {
  return FROM_STORED[stored];
}

/** The word to store: today's words, so that existing databases and views read the same. */
export function toStoredState(s: ReleaseLifecycleState): string {
  return s === 'created' ? 'candidate' : s;
}

// ---------------------------------------------------------------------------------- production proof

/** The applicable production lanes of the promotion flow for this release. */
function productionFlowLanes(c: Catalog, r: ReleaseState): Lane[] {
  return (c.promotion?.flow ?? [])
    .map((id) => laneById(c, id))
    .filter((l): l is Lane => l !== undefined && isProductionLane(c, l) && laneApplies(l, r));
}

/**
 * When the release reached production: every applicable production lane of the flow turned green (now or
 * before a later failure: `greenAt` is kept), at the latest of those times. Null if it never did.
 */
export function reachedProductionAt(c: Catalog, r: ReleaseState): string | null {
  const lanes = productionFlowLanes(c, r);
  if (lanes.length === 0) return null;
  let latest = -Infinity;
  for (const l of lanes) {
    const run = laneRun(r, l.id);
    const at = run.greenAt ?? (run.status === 'green' ? (run.completedAt ?? run.startedAt) : null);
    if (!at) return null;
    latest = Math.max(latest, Date.parse(at));
  }
  return new Date(latest).toISOString();
}

/** Whether the gates of the phases after production (catalog `phases[].after_production`) all passed. */
export function passedPostDeployChecks(c: Catalog, gates: readonly GateEvaluation[]): boolean {
  const post = gates.filter((g) => phaseOf(c, g.phase).after_production);
  return post.every((g) => g.state === 'passed');
}

/** What rollbackTarget needs to know of each release; `verifiedAt` is null until the post-deploy checks passed. */
export interface ReleaseHistoryEntry {
  id: string;
  createdAt: string;
  reachedProductionAt: string | null;
  verifiedAt: string | null;
}

/**
 * The last release (by when it reached production) that reached production and passed its post-deploy
 * checks, excluding `exclude` (the release being rolled back). Its state now does not matter.
 */
export function rollbackTarget(
  releases: readonly ReleaseHistoryEntry[],
  exclude?: string,
): ReleaseHistoryEntry | null {
  const proven = releases.filter(
    (x) => x.id !== exclude && x.reachedProductionAt !== null && x.verifiedAt !== null,
  );
  proven.sort(
    (a, b) =>
      Date.parse(b.reachedProductionAt as string) - Date.parse(a.reachedProductionAt as string) ||
      Date.parse(b.createdAt) - Date.parse(a.createdAt),
  );
  return proven[0] ?? null;
}
