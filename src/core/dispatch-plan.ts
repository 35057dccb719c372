// Which lanes Lanes dispatches itself, and the one builder of dispatch effects (one per workflow binding
// that accepts workflow_dispatch; key <prefix>:<release>:<lane>[:<workflow>][:after-rejected-<run>]).
import type { Catalog, Lane, LaneBinding } from './catalog-model.ts';
import { workflowById } from './catalog-model.ts';
import type { ReleaseState } from './release-model.ts';
import type { Effect } from './effect-model.ts';

/** Lanes Lanes itself starts: trigger approval (gate-approved) or hold (after a soak). */
export function isAutoDispatched(lane: Lane): boolean {
  return lane.trigger.on === 'approval' || lane.trigger.on === 'hold';
}

function dispatchBindings(lane: Lane): LaneBinding[] {
  return lane.run_by.filter((b) => !b.event || b.event.includes('workflow_dispatch'));
}

/** Dispatch effects for a lane: one per workflow binding that accepts workflow_dispatch. */
export function dispatchEffects(
  c: Catalog,
  r: ReleaseState,
  lane: Lane,
  reason: string,
  keyPrefix = 'dispatch',
  extraInputs: Record<string, string> = {},
): Effect[] {
  const bindings = dispatchBindings(lane);
  return bindings.flatMap((b): Effect[] => {
    const wf = workflowById(c, b.workflow);
    if (!wf) return [];
    const base =
      bindings.length === 1 ? `${keyPrefix}:${r.id}:${lane.id}` : `${keyPrefix}:${r.id}:${lane.id}:${wf.id}`;
    // After a rejected deployment the same decision must start a new run, not hit the spent outbox key.
    const rejected = r.rejectedRuns?.[lane.id]?.at(-1);
    const key = rejected === undefined ? base : `${base}:after-rejected-${rejected}`;
    return [
      {
        kind: 'github.dispatch',
        key,
        payload: {
          releaseId: r.id,
          version: r.version,
          sha: r.sha,
          laneId: lane.id,
          workflowId: wf.id,
          workflowFile: wf.file,
          ref: r.version,
          inputs: { release: r.id, version: r.version, sha: r.sha, lane: lane.id, ...extraInputs },
          reason,
        },
      },
    ];
  });
}
