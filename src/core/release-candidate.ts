// Which commits a release may be opened from, and which lane opening it starts. Both are catalog fields
// with defaults, so nothing here names an environment or a lane:
// - promotion.candidate_requires: the lanes that must be green on the commit; default, the delivery lanes
//   of the flow before the lane that opens the candidate (or the whole flow when none does);
// - the opening lane: the first lane of the flow started by hand (trigger manual).
import type { Refusal } from '../contract/refusal.ts';
import type { Catalog, Lane } from './catalog-model.ts';
import { laneById } from './catalog-model.ts';
import type { ReleaseLaneStatus } from './release-model.ts';

function flowLanes(c: Catalog): Lane[] {
  return (c.promotion?.flow ?? []).map((id) => laneById(c, id)).filter((l): l is Lane => l !== undefined);
}

/** The lane of the flow that opening a release candidate runs (first manual flow lane), if any. */
export function candidateOpeningLane(c: Catalog): Lane | undefined {
  return flowLanes(c).find((l) => l.trigger.on === 'manual');
}

/** Lanes that must be green on a commit before a release may be opened from it. */
export function candidateRequiredLanes(c: Catalog): Lane[] {
  const declared = c.promotion?.candidate_requires;
  if (declared) return declared.map((id) => laneById(c, id)).filter((l): l is Lane => l !== undefined);
  const flow = flowLanes(c);
  const opening = candidateOpeningLane(c);
  const before = opening ? flow.slice(0, flow.indexOf(opening)) : flow;
  return before.filter((l) => l.kind === 'delivery');
}

/** The check before create: every required lane green on the commit, or a refusal naming the others. */
export function checkCandidateCommit(
  c: Catalog,
  sha: string,
  statusOf: (laneId: string) => ReleaseLaneStatus,
): { ok: true } | ({ ok: false } & Refusal) {
  const notGreen = candidateRequiredLanes(c)
    .filter((l) => statusOf(l.id) !== 'green')
    .map((l) => l.id);
  if (notGreen.length === 0) return { ok: true };
  return {
    ok: false,
    code: 'gate_not_ready',
    message: `commit ${sha.slice(0, 12)} is not ready for a release (${notGreen.join(', ')} not green)`,
    details: { lanes: notGreen },
  };
}
